// Where workflows' requests may go (outbound.ts): the address classifier over every
// notation a resolver or URL parsing produces, the check after resolving (any internal
// address refuses), and pinning: the request goes to the checked address, never to a
// second lookup of the name, with https certificates still checked against the name.
// Real servers on 127.0.0.1 and a real test CA made with openssl; no fetch is mocked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TorqueError } from "../../lib/errors";
import {
  type AddressKind,
  checkTarget,
  classifyAddress,
  describeAddress,
  isLocalhostName,
  literalAddress,
  pinnedFetch,
  pinnedUrl,
  systemResolver,
} from "./outbound";

const KINDS: Record<Exclude<AddressKind, "public">, string[]> = {
  loopback: [
    "127.0.0.1",
    "127.255.255.254",
    "127.1.2.3",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "0000:0000:0000:0000:0000:0000:0000:0001",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "[::ffff:7f00:1]",
    "::FFFF:7F00:1",
    "0:0:0:0:0:ffff:7f00:1",
    "::7f00:1", // IPv4-compatible
    "::127.0.0.1",
    "::ffff:0:127.0.0.1", // IPv4-translated
    "64:ff9b::7f00:1", // NAT64
    "64:ff9b::127.0.0.1",
    "2002:7f00:1::", // 6to4
    "2002:7f00:0001:0:0:0:0:1",
  ],
  unspecified: ["0.0.0.0", "::", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0"],
  private: [
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.168.255.255",
    "fc00::1",
    "fd12:3456:789a::1",
    "fd00:ec2::254", // AWS metadata over IPv6
    "fec0::1", // site-local
    "::ffff:10.0.0.1",
    "::ffff:a00:1",
    "::ffff:192.168.1.1",
    "64:ff9b::a00:1",
    "64:ff9b::10.0.0.1",
    "64:ff9b:1::a00:1", // local-use NAT64
    "2002:a00:1::1",
    "2002:c0a8:101::",
  ],
  "link-local": [
    "169.254.169.254", // cloud metadata
    "169.254.0.1",
    "fe80::1",
    "fe80::1%eth0",
    "febf:ffff::1",
    "::ffff:169.254.169.254",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "2002:a9fe:a9fe::",
  ],
  shared: ["100.64.0.1", "100.127.255.255", "100.100.100.200" /* Alibaba metadata */, "::ffff:100.64.0.1"],
  multicast: ["224.0.0.1", "239.255.255.250", "ff02::1", "ff05::1:3", "::ffff:224.0.0.1"],
  reserved: [
    "0.1.2.3",
    "192.0.0.1",
    "192.0.2.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.7",
    "203.0.113.9",
    "240.0.0.1",
    "255.255.255.255",
    "2001:db8::1",
    "2001::1", // Teredo
    "2001:2::1",
    "100::1",
    "3fff::1",
    "5f00::1", // outside 2000::/3
    "::8.8.8.8", // IPv4-compatible (deprecated) of a public address
  ],
  invalid: [
    "",
    "localhost",
    "example.com",
    "1.2.3",
    "1.2.3.256",
    "010.0.0.1",
    "0x7f.0.0.1",
    "2130706433",
    "::g",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "[::1",
    "1.2.3.4.5",
  ],
};
const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.216.34",
  "11.0.0.0",
  "172.15.255.255",
  "172.32.0.0",
  "100.63.255.255",
  "100.128.0.0",
  "169.253.255.255",
  "169.255.0.0",
  "192.167.255.255",
  "192.169.0.0",
  "223.255.255.255",
  "2606:4700:4700::1111",
  "2a00:1450:4001:80b::200e",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
  "2002:808:808::1",
];

describe("classifyAddress", () => {
  for (const [kind, addresses] of Object.entries(KINDS))
    test(`${kind}: ${addresses.length} addresses`, () => {
      for (const a of addresses) expect([a, classifyAddress(a).kind]).toEqual([a, kind]);
    });

  test(`public: ${PUBLIC.length} addresses`, () => {
    for (const a of PUBLIC) expect([a, classifyAddress(a).kind]).toEqual([a, "public"]);
  });

  test("an address inside another form is named with its form and the inner address", () => {
    expect(describeAddress(classifyAddress("::ffff:7f00:1"))).toBe("a loopback address (IPv4-mapped 127.0.0.1, 127.0.0.0/8)");
    expect(describeAddress(classifyAddress("64:ff9b::a00:1"))).toBe("a private address (NAT64 10.0.0.1, 10.0.0.0/8)");
    expect(describeAddress(classifyAddress("2002:a9fe:a9fe::"))).toBe("a link-local address (6to4 169.254.169.254, 169.254.0.0/16)");
    expect(describeAddress(classifyAddress("10.1.2.3"))).toBe("a private address (10.0.0.0/8)");
    expect(describeAddress(classifyAddress("::"))).toBe("the unspecified address (it reaches this machine) (::/128)");
  });
});

describe("every notation URL parsing accepts comes out as an address the classifier knows", () => {
  const cases: [string, AddressKind][] = [
    ["http://2130706433/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://0x7F000001/", "loopback"],
    ["http://017700000001/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://0177.0000.0000.0001/", "loopback"],
    ["http://127.000.000.001/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://127.0.1/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://0x7f.0x0.0x0.0x1/", "loopback"],
    ["http://127.0.0.1./", "loopback"],
    ["http://%31%32%37.0.0.1/", "loopback"],
    ["http://１２７.０.０.１/", "loopback"],
    ["http://[::1]/", "loopback"],
    ["http://[0:0:0:0:0:0:0:1]/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[::ffff:7f00:1]/", "loopback"],
    ["http://[::127.0.0.1]/", "loopback"],
    ["http://[64:ff9b::127.0.0.1]/", "loopback"],
    ["http://0/", "unspecified"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://[::]/", "unspecified"],
    ["http://0251.0376.0251.0376/", "link-local"],
    ["http://0xa9fea9fe/", "link-local"],
    ["http://2852039166/", "link-local"],
    ["http://169.254.43518/", "link-local"],
    ["http://[::ffff:a9fe:a9fe]/", "link-local"],
    ["http://3232235777/", "private"],
    ["http://0xc0.0xa8.1.1/", "private"],
    ["http://10.1/", "private"],
    ["http://012.1/", "private"],
    ["http://[fd00::1]/", "private"],
    ["http://[fe80::1]/", "link-local"],
    ["http://1681915905/", "shared"], // 100.64.0.1
    ["http://0xe0000001/", "multicast"],
  ];
  for (const [url, kind] of cases)
    test(`${url} → ${kind}`, async () => {
      const u = new URL(url);
      const literal = literalAddress(u.hostname);
      expect(literal).toBeDefined();
      expect(classifyAddress(literal!).kind).toBe(kind);
      const e = await checkTarget(u, { privateOk: false, listedAs: u.host, resolve: neverResolve }).catch((x) => x);
      expect(e).toBeInstanceOf(TorqueError);
      expect((e as TorqueError).code).toBe("forbidden");
      expect((e as TorqueError).message).toContain(`${literal} is `);
    });
});

const neverResolve = async (): Promise<string[]> => {
  throw new Error("an address literal must not be resolved");
};
const answers =
  (...addresses: string[]) =>
  async () =>
    addresses;

describe("checkTarget: every address a name resolves to must be public", () => {
  test("one internal address among public ones refuses, naming the host, the address and what to do", async () => {
    const e = await checkTarget(new URL("https://api.example.com/orders"), {
      privateOk: false,
      listedAs: "api.example.com",
      resolve: answers("93.184.216.34", "127.0.0.1"),
    }).catch((x) => x);
    expect(e).toBeInstanceOf(TorqueError);
    expect(e.code).toBe("forbidden");
    expect(e.message).toBe(
      'fetch: api.example.com resolves to 127.0.0.1, a loopback address (127.0.0.0/8); workflows may not reach this machine or its private network (to allow this host, list "api.example.com" in settings.fetchAllowPrivate as well as in settings.fetchAllowList)',
    );
  });

  test("an IPv6 answer hiding a private IPv4 address refuses", async () => {
    for (const hidden of ["::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:c0a8:101::1", "fd00:ec2::254"]) {
      const e = await checkTarget(new URL("http://rebind.example/"), { privateOk: false, listedAs: "rebind.example", resolve: answers(hidden) }).catch(
        (x) => x,
      );
      expect(e.message).toContain(`rebind.example resolves to ${hidden}, a `);
    }
  });

  test("public answers pass, IPv4 first", async () => {
    const got = await checkTarget(new URL("https://api.example.com/"), {
      privateOk: false,
      listedAs: "api.example.com",
      resolve: answers("2606:4700:4700::1111", "93.184.216.34"),
    });
    expect(got).toEqual(["93.184.216.34", "2606:4700:4700::1111"]);
  });

  test("localhost and names under .localhost are refused without asking a resolver", async () => {
    for (const name of ["localhost", "LOCALHOST", "localhost.", "app.localhost", "a.b.localhost", "x.localhost."]) {
      expect(isLocalhostName(name)).toBe(true);
      const u = new URL(`http://${name}:8080/`);
      const e = await checkTarget(u, { privateOk: false, listedAs: u.host, resolve: neverResolve }).catch((x) => x);
      expect(e).toBeInstanceOf(TorqueError);
      expect(e.message).toContain("is a name of this machine (a loopback name)");
    }
    expect(isLocalhostName("localhost.example.com")).toBe(false);
    expect(isLocalhostName("notlocalhost")).toBe(false);
  });

  test("the system resolver: localhost is loopback, and a name answered with it is refused", async () => {
    const real = await systemResolver("localhost");
    expect(real.length).toBeGreaterThan(0);
    for (const a of real) expect(classifyAddress(a).kind).toBe("loopback");
    // A public-looking name whose DNS answer is this machine (what a rebinding name gives the check).
    const e = await checkTarget(new URL("http://rebind.example/"), {
      privateOk: false,
      listedAs: "rebind.example",
      resolve: () => systemResolver("localhost"),
    }).catch((x) => x);
    expect(e.message).toMatch(/^fetch: rebind\.example resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  test("a host allowed private addresses passes whatever it resolves to", async () => {
    expect(await checkTarget(new URL("http://intranet.local/"), { privateOk: true, listedAs: "intranet.local", resolve: answers("10.0.0.5") })).toEqual([
      "10.0.0.5",
    ]);
    expect(await checkTarget(new URL("http://localhost/"), { privateOk: true, listedAs: "localhost", resolve: answers("127.0.0.1") })).toEqual(["127.0.0.1"]);
    expect(await checkTarget(new URL("http://[::1]:81/"), { privateOk: true, listedAs: "[::1]:81", resolve: neverResolve })).toEqual(["::1"]);
  });

  test("a name that does not resolve fails saying so", async () => {
    const e = await checkTarget(new URL("http://nowhere.invalid/"), { privateOk: false, listedAs: "nowhere.invalid" }).catch((x) => x);
    expect(e).toBeInstanceOf(TorqueError);
    expect(e.message).toMatch(/^fetch: cannot resolve nowhere\.invalid/);
  });
});

// ---- pinning, against real servers ----

const seen: { host: string | null; path: string }[] = [];
let plain: ReturnType<typeof Bun.serve>;
let secure: ReturnType<typeof Bun.serve> | undefined;
let ca: string | undefined;
const dir = mkdtempSync(join(tmpdir(), "torque-outbound-"));
const hasOpenssl = Bun.which("openssl") !== null;

/** A test CA and certificates for pinned.test and other.test signed by it (made here: no private key is kept in the repository). */
function makeCertificates(): { ca: string; certs: { name: string; cert: string; key: string }[] } {
  const run = (...args: string[]) => {
    const p = Bun.spawnSync(["openssl", ...args], { cwd: dir, stderr: "pipe" });
    if (p.exitCode !== 0) throw new Error(`openssl ${args[0]}: ${p.stderr.toString()}`);
  };
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key");
  run("req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Torque outbound test CA");
  const certs = ["pinned.test", "other.test"].map((name) => {
    run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`);
    run("req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${name}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
    return { name, cert: read(`${name}.pem`), key: read(`${name}.key`) };
  });
  return { ca: read("ca.pem"), certs };
}

beforeAll(() => {
  const handler = (req: Request) => {
    const u = new URL(req.url);
    seen.push({ host: req.headers.get("host"), path: u.pathname });
    return Response.json({ host: req.headers.get("host"), path: u.pathname, query: u.search });
  };
  plain = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  if (hasOpenssl) {
    const c = makeCertificates();
    ca = c.ca;
    // The certificate is chosen by SNI; pinned.test's is the default for any other name.
    const tls = c.certs.map((x) => ({ serverName: x.name, cert: x.cert, key: x.key }));
    secure = Bun.serve({ hostname: "127.0.0.1", port: 0, tls: [{ cert: c.certs[0]!.cert, key: c.certs[0]!.key }, ...tls], fetch: handler });
  }
});

afterAll(() => {
  plain?.stop(true);
  secure?.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const init = (extra: Partial<Parameters<typeof pinnedFetch>[2]> = {}) => ({
  method: "GET",
  headers: new Headers(),
  signal: AbortSignal.timeout(5000),
  ...extra,
});

describe("pinnedFetch: the request goes to the checked address", () => {
  test("a name no resolver knows is reached at the address given, with Host naming it", async () => {
    const u = new URL(`http://pinned.test:${plain.port}/orders?id=7`);
    expect(await systemResolver("pinned.test").catch(() => "unresolvable")).toBe("unresolvable");
    const { response, address } = await pinnedFetch(u, ["127.0.0.1"], init({ headers: new Headers({ host: "evil.example", "x-key": "k" }) }));
    expect(address).toBe("127.0.0.1");
    expect(await response.json()).toEqual({ host: `pinned.test:${plain.port}`, path: "/orders", query: "?id=7" });
  });

  test("an address that refuses the connection gives way to the next one", async () => {
    // 127.0.0.2 is loopback too, but the server listens on 127.0.0.1 only.
    const { response, address } = await pinnedFetch(new URL(`http://pinned.test:${plain.port}/next`), ["127.0.0.2", "127.0.0.1"], init());
    expect(address).toBe("127.0.0.1");
    expect(response.status).toBe(200);
  });

  test("redirects are not followed", async () => {
    const redirector = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.redirect(`http://127.0.0.1:${plain.port}/followed`, 302) });
    try {
      const before = seen.length;
      const { response } = await pinnedFetch(new URL(`http://pinned.test:${redirector.port}/`), ["127.0.0.1"], init());
      expect(response.status).toBe(302);
      expect(seen.length).toBe(before);
    } finally {
      redirector.stop(true);
    }
  });

  test.skipIf(!hasOpenssl)("https: the host name goes as SNI and the certificate is checked against it, not against the address", async () => {
    const port = secure!.port;
    for (const name of ["pinned.test", "other.test"]) {
      // Each name gets its own certificate from the same address: SNI named the host.
      const ok = await pinnedFetch(new URL(`https://${name}:${port}/tls`), ["127.0.0.1"], init({ ca }));
      expect(await ok.response.json()).toEqual({ host: `${name}:${port}`, path: "/tls", query: "" });
    }
    // A name the server has no certificate for gets the default one, which does not name it.
    const wrongName = await pinnedFetch(new URL(`https://third.test:${port}/tls`), ["127.0.0.1"], init({ ca })).catch((e) => e);
    expect(wrongName).toBeInstanceOf(Error);
    expect(String(wrongName.code)).toMatch(/ALTNAME|CERT/);
    // And the certificate must chain to a trusted CA: the test CA is not in the default store.
    const untrusted = await pinnedFetch(new URL(`https://pinned.test:${port}/tls`), ["127.0.0.1"], init()).catch((e) => e);
    expect(untrusted).toBeInstanceOf(Error);
    expect(String(untrusted.code)).toMatch(/CERT|VERIFY|SIGNATURE|ISSUER/);
    // The address itself, without a name, is not what the certificate names either.
    const byAddress = await pinnedFetch(new URL(`https://127.0.0.1:${port}/tls`), ["127.0.0.1"], init({ ca })).catch((e) => e);
    expect(byAddress).toBeInstanceOf(Error);
  });
});

describe("pinnedUrl", () => {
  test("puts the address in place of the name and keeps the rest", () => {
    const u = new URL("https://user:pw@api.example.com:8443/a/b?c=1#d");
    expect(pinnedUrl(u, "93.184.216.34").href).toBe("https://user:pw@93.184.216.34:8443/a/b?c=1#d");
    expect(pinnedUrl(u, "2606:4700:4700:0:0:0:0:1111").href).toBe("https://user:pw@[2606:4700:4700::1111]:8443/a/b?c=1#d");
  });

  test("an address a URL cannot carry is refused rather than left to the name", () => {
    expect(() => pinnedUrl(new URL("http://intranet.local/"), "fe80::1%eth0")).toThrow(/cannot send a request for intranet\.local to fe80::1%eth0/);
  });
});
