// Where workflows may send requests (http nodes and ctx.fetch): never to this machine or
// the network it sits in. A host that passed the allow-list is resolved here, every
// address it resolves to is classified (`classifyAddress`, a pure function), and the
// request is refused when any of them is loopback, private, link-local and so on, unless
// the model lists the host in settings.fetchAllowPrivate as well.
//
// Pinning. A check followed by a fetch of the name would let the name resolve again
// between the two (DNS rebinding: public for the check, 127.0.0.1 for the connection).
// So the request goes to the checked address itself: Bun's fetch is given the URL with
// the address in place of the name, the `Host` header names the host, and for https
// `tls.serverName` names it too, which Bun uses both for SNI and for verifying the
// certificate (measured on Bun 1.4.4: a certificate for a.test is accepted for
// https://127.0.0.1/ with serverName "a.test" and refused for serverName "b.test" or
// none; a connection kept alive for one serverName is not reused for another). Nothing
// resolves the name a second time, and certificate validation is untouched (the default
// CA store, `rejectUnauthorized` left on). node:https with a `lookup` option also pins
// in Bun 1.4, but would mean a second HTTP client; fetch keeps `redirect: "manual"`, the
// abort signal and the streamed, capped body read as they were.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { TorqueError } from "../../lib/errors";

export type AddressKind = "public" | "loopback" | "unspecified" | "private" | "link-local" | "shared" | "multicast" | "reserved" | "invalid";

export interface AddressClass {
  kind: AddressKind;
  /** The range it falls in, e.g. "127.0.0.0/8" (empty for a public address). */
  range: string;
  /** For an IPv6 form that carries an IPv4 address (mapped, NAT64, 6to4, …): which form and which address. */
  via?: string;
}

// ---- IPv4 ----

/** A dotted-quad IPv4 address (as resolvers and URL parsing write them: decimal, no leading zeros) as a number, or null. */
export function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let n = 0;
  for (const part of m.slice(1)) {
    if (part.length > 1 && part.startsWith("0")) return null; // octal to some parsers, decimal to others
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

const v4text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** Special-use IPv4 ranges (RFC 6890 and the IANA registry), most specific first. */
const V4_RANGES: [string, number, Exclude<AddressKind, "public" | "invalid">][] = [
  ["0.0.0.0", 32, "unspecified"],
  ["0.0.0.0", 8, "reserved"], // "this network"
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared"], // carrier-grade NAT
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"], // cloud metadata services: 169.254.169.254
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"], // IETF protocol assignments
  ["192.0.2.0", 24, "reserved"], // documentation
  ["192.88.99.0", 24, "reserved"], // 6to4 relays (deprecated)
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"], // benchmarking
  ["198.51.100.0", 24, "reserved"], // documentation
  ["203.0.113.0", 24, "reserved"], // documentation
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"], // and 255.255.255.255, broadcast
];
const V4_TABLE = V4_RANGES.map(([net, bits, kind]) => ({ net: parseIPv4(net)!, bits, kind, range: `${net}/${bits}` }));

function classifyV4(n: number): AddressClass {
  for (const r of V4_TABLE) {
    const shift = 32 - r.bits;
    if (Math.floor(n / 2 ** shift) === Math.floor(r.net / 2 ** shift)) return { kind: r.kind, range: r.range };
  }
  return { kind: "public", range: "" };
}

// ---- IPv6 ----

/** An IPv6 address (brackets and a zone allowed, an IPv4 tail allowed) as a 128-bit number, or null. */
export function parseIPv6(text: string): bigint | null {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(":")) return null;
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseIPv4(tail);
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + rest.length > 7) return null;
  const all = [...head, ...Array<string>(8 - head.length - rest.length).fill("0"), ...rest];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    n = (n << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return n;
}

const net6 = (text: string, bits: number) => ({ net: parseIPv6(text)!, bits: BigInt(bits), range: `${text}/${bits}` });
const in6 = (a: bigint, r: { net: bigint; bits: bigint }) => a >> (128n - r.bits) === r.net >> (128n - r.bits);
const low32 = (a: bigint) => Number(a & 0xffffffffn);

/** IPv6 forms that carry an IPv4 address: the IPv4 address decides (a public one may be reached through them). */
const V6_EMBEDDING: { r: ReturnType<typeof net6>; form: string; v4: (a: bigint) => number }[] = [
  { r: net6("::ffff:0:0", 96), form: "IPv4-mapped", v4: low32 },
  { r: net6("::ffff:0:0:0", 96), form: "IPv4-translated", v4: low32 },
  { r: net6("64:ff9b::", 96), form: "NAT64", v4: low32 },
  { r: net6("2002::", 16), form: "6to4", v4: (a) => Number((a >> 80n) & 0xffffffffn) },
  { r: net6("::", 96), form: "IPv4-compatible", v4: low32 }, // deprecated; :: and ::1 are taken first
];

const V6_RANGES: [ReturnType<typeof net6>, Exclude<AddressKind, "public" | "invalid">][] = [
  [net6("64:ff9b:1::", 48), "private"], // local-use NAT64
  [net6("100::", 64), "reserved"], // discard-only
  [net6("2001::", 32), "reserved"], // Teredo: a tunnel to an address it hides
  [net6("2001:2::", 48), "reserved"], // benchmarking
  [net6("2001:10::", 28), "reserved"], // ORCHID
  [net6("2001:20::", 28), "reserved"], // ORCHIDv2
  [net6("2001:db8::", 32), "reserved"], // documentation
  [net6("3fff::", 20), "reserved"], // documentation
  [net6("fc00::", 7), "private"], // unique local (AWS metadata: fd00:ec2::254)
  [net6("fe80::", 10), "link-local"],
  [net6("fec0::", 10), "private"], // site-local (deprecated)
  [net6("ff00::", 8), "multicast"],
];
const GLOBAL_UNICAST = net6("2000::", 3);

function classifyV6(a: bigint): AddressClass {
  if (a === 0n) return { kind: "unspecified", range: "::/128" };
  if (a === 1n) return { kind: "loopback", range: "::1/128" };
  for (const e of V6_EMBEDDING) {
    if (!in6(a, e.r)) continue;
    const v4 = e.v4(a);
    const inner = classifyV4(v4);
    const via = `${e.form} ${v4text(v4)}`;
    if (inner.kind !== "public") return { ...inner, via };
    // A public IPv4 address is reached through mapping, NAT64 and 6to4; the deprecated compatible form reaches nothing.
    return e.form === "IPv4-compatible" ? { kind: "reserved", range: e.r.range, via } : { kind: "public", range: "", via };
  }
  for (const [r, kind] of V6_RANGES) if (in6(a, r)) return { kind, range: r.range };
  if (!in6(a, GLOBAL_UNICAST)) return { kind: "reserved", range: "outside 2000::/3, the global unicast range" };
  return { kind: "public", range: "" };
}

/**
 * What kind of address this is: "public" only for an address on the internet at large.
 * Takes IPv4 in dotted decimal and IPv6 in any textual form (brackets, zone, IPv4 tail);
 * anything else is "invalid". Pure: no resolving, no I/O.
 */
export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  if (v4 !== null) return classifyV4(v4);
  const v6 = parseIPv6(address);
  return v6 === null ? { kind: "invalid", range: "" } : classifyV6(v6);
}

const KIND_WORDS: Record<AddressKind, string> = {
  public: "a public address",
  loopback: "a loopback address",
  unspecified: "the unspecified address (it reaches this machine)",
  private: "a private address",
  "link-local": "a link-local address",
  shared: "a shared (carrier-grade NAT) address",
  multicast: "a multicast address",
  reserved: "a reserved address",
  invalid: "not an IP address",
};

/** "a loopback address (IPv4-mapped 127.0.0.1, 127.0.0.0/8)" */
export function describeAddress(c: AddressClass): string {
  const detail = [c.via, c.range].filter(Boolean).join(", ");
  return detail ? `${KIND_WORDS[c.kind]} (${detail})` : KIND_WORDS[c.kind];
}

// ---- names ----

/** A URL's hostname that is an address itself (URL parsing has already turned 2130706433, 0x7f.1, 017700000001… into 127.0.0.1). */
export function literalAddress(hostname: string): string | undefined {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return hostname.slice(1, -1);
  return isIP(hostname) === 4 ? hostname : undefined;
}

/** `localhost` and every name under `.localhost` always mean this machine (RFC 6761), whatever a resolver says. */
export const isLocalhostName = (hostname: string): boolean => {
  const h = hostname.toLowerCase().replace(/\.+$/, "");
  return h === "localhost" || h.endsWith(".localhost");
};

/** Every address a name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

export interface TargetPolicy {
  /** The host may reach private addresses (it is on settings.fetchAllowPrivate). */
  privateOk: boolean;
  /** How the host is written in settings.fetchAllowList, for the hint in a refusal. */
  listedAs: string;
  resolve?: Resolver;
}

const refusal = (subject: string, listedAs: string) =>
  new TorqueError(
    "forbidden",
    `fetch: ${subject}; workflows may not reach this machine or its private network ` +
      `(to allow this host, list "${listedAs}" in settings.fetchAllowPrivate as well as in settings.fetchAllowList)`,
  );

/**
 * The addresses a request to `u` may go to, IPv4 first; refuses (a TorqueError naming the
 * host, the address and why) when any of them is not public and the host is not allowed
 * private addresses. The request must then go to one of these, not to the name.
 */
export async function checkTarget(u: URL, policy: TargetPolicy): Promise<string[]> {
  const literal = literalAddress(u.hostname);
  if (literal !== undefined) {
    const c = classifyAddress(literal);
    if (!policy.privateOk && c.kind !== "public") throw refusal(`${literal} is ${describeAddress(c)}`, policy.listedAs);
    return [literal];
  }
  if (!policy.privateOk && isLocalhostName(u.hostname)) throw refusal(`${u.hostname} is a name of this machine (a loopback name)`, policy.listedAs);
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(u.hostname);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TorqueError("bad_request", `fetch: cannot resolve ${u.hostname}${code ? ` (${code})` : ""}`);
  }
  if (!addresses.length) throw new TorqueError("bad_request", `fetch: ${u.hostname} resolves to no address`);
  if (!policy.privateOk)
    for (const address of addresses) {
      const c = classifyAddress(address);
      if (c.kind !== "public") throw refusal(`${u.hostname} resolves to ${address}, ${describeAddress(c)}`, policy.listedAs);
    }
  return [...addresses.filter((a) => isIP(a) === 4), ...addresses.filter((a) => isIP(a) !== 4)];
}

/** Failures of the connection itself: nothing was sent, so the next address may be tried. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ConnectionRefused"]);
/** Addresses tried for one request, at most. */
export const MAX_ATTEMPTS = 4;

export interface PinnedInit {
  method: string;
  headers: Headers;
  body?: string;
  signal: AbortSignal;
  /** Extra certificate authorities (tests only; the default store is always used too). */
  ca?: string;
}

/** `u` with `address` in place of its host name (port, path, query, credentials kept). */
export function pinnedUrl(u: URL, address: string): URL {
  const t = new URL(u.href);
  t.hostname = address.includes(":") ? `[${address}]` : address;
  // The setter ignores what it cannot take (an IPv6 zone, say), which would leave the name to be resolved again.
  const got = literalAddress(t.hostname);
  const same = got !== undefined && (isIP(address) === 4 ? got === address : parseIPv6(got) === parseIPv6(address));
  if (!same) throw new TorqueError("bad_request", `fetch: cannot send a request for ${u.hostname} to ${address}`);
  return t;
}

/**
 * Sends the request to one of `addresses` (from checkTarget), never resolving the name
 * again: the URL carries the address, `Host` the host, and for https the certificate is
 * checked against the host name (tls.serverName, also sent as SNI). Redirects are not
 * followed. Answers the response and the address it came from.
 */
export async function pinnedFetch(u: URL, addresses: readonly string[], init: PinnedInit): Promise<{ response: Response; address: string }> {
  const literal = literalAddress(u.hostname) !== undefined;
  const headers = new Headers(init.headers);
  headers.set("host", u.host);
  const tls = u.protocol === "https:" && !literal ? { serverName: u.hostname.replace(/\.+$/, ""), ...(init.ca && { ca: init.ca }) } : undefined;
  let last: unknown;
  for (const address of addresses.slice(0, MAX_ATTEMPTS)) {
    const target = literal ? u : pinnedUrl(u, address);
    try {
      const response = await fetch(target, {
        method: init.method,
        headers,
        body: init.body,
        redirect: "manual",
        signal: init.signal,
        tls,
      });
      return { response, address };
    } catch (e) {
      last = e;
      if (init.signal.aborted || !NOT_CONNECTED.has(String((e as { code?: string }).code))) break;
    }
  }
  throw last;
}
