// Requests from other web pages and rebound host names are refused. Without users yet,
// every request on the loopback acts as the local user, so a page on another site (which
// the user's browser would happily let POST to 127.0.0.1, or reach through a DNS name
// rebound to it) must not be able to act: the Host must name this machine, and an Origin,
// when the browser sends one, must be this server's own.

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function hostName(host: string): string {
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]!;
}

/** A 403 explaining the refusal, or undefined when the request may go on. */
export function refuseForeign(req: Request, boundHost: string): Response | undefined {
  const host = req.headers.get("host");
  if (host) {
    const name = hostName(host.toLowerCase());
    if (!LOOPBACK_HOSTS.has(name) && name !== boundHost.toLowerCase() && !/^127\.\d+\.\d+\.\d+$/.test(name))
      return Response.json({ error: `requests for host ${name} are refused: this server answers only to ${boundHost} and localhost` }, { status: 403 });
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
    if (!o || !host || o.host.toLowerCase() !== host.toLowerCase())
      return Response.json({ error: `requests from pages of ${o?.host ?? origin} are refused (cross-origin)` }, { status: 403 });
  }
  return undefined;
}
