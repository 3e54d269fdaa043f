// Requests from other web pages and rebound host names are refused. On a loopback server
// before any user exists every request acts as the local user, so a page on another site
// (which the user's browser would happily let POST to 127.0.0.1, or reach through a DNS
// name rebound to it) must not be able to act: the Host must name this machine, and an
// Origin, when the browser sends one, must be this server's own. Off the loopback every
// request signs in, and only the Origin check remains (with SameSite cookies and the CSRF
// header of http/auth.ts, it keeps other sites' pages from acting as a signed-in user).

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * A Host header is HOST[:PORT] and nothing more: a name or IPv4 address, or an IPv6
 * address in brackets. Anything else (userinfo "a@b", spaces, two ports, trailing junk)
 * is refused outright, since a lenient split could read a loopback name out of a header
 * that some URL parser reads as another host ("127.0.0.1:80@evil.example").
 */
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;

const refuse = (error: string) => Response.json({ error }, { status: 403 });

/**
 * A 403 explaining the refusal, or undefined when the request may go on. `anyHost`: the
 * server is bound off the loopback, where every request signs in, so any well-formed Host
 * is answered (the name users reach it by is theirs to choose); the Origin check stays.
 */
export function refuseForeign(req: Request, boundHost: string, anyHost = false): Response | undefined {
  const host = req.headers.get("host");
  if (host !== null) {
    const m = HOST_HEADER.exec(host.toLowerCase());
    if (!m || (m[2] !== undefined && Number(m[2]) > 65535))
      return refuse(`malformed Host header ${JSON.stringify(host.slice(0, 200))}: expected HOST[:PORT], e.g. 127.0.0.1:8080`);
    const name = m[1]!;
    const bound = boundHost.toLowerCase();
    if (!anyHost && !LOOPBACK_HOSTS.has(name) && name !== bound && name !== `[${bound}]` && !/^127\.\d+\.\d+\.\d+$/.test(name))
      return refuse(`requests for host ${name} are refused: this server answers only to ${boundHost} and localhost`);
  }
  // A browser sends Origin on cross-origin requests and WebSocket upgrades; it must be
  // this server itself (the Host checked above), or the page is someone else's.
  const origin = req.headers.get("origin");
  if (origin !== null) {
    let o: URL | undefined;
    try {
      o = new URL(origin);
    } catch {
      // "null" (opaque origins) and garbage fall through to the refusal
    }
    if (!o || !host || o.host.toLowerCase() !== host.toLowerCase()) return refuse(`requests from pages of ${o?.host ?? origin} are refused (cross-origin)`);
  }
  return undefined;
}
