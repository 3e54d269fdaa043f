// The URL is the state that survives a reload and can be shared: /app/<slug>/<page path>
// names the page, ?record=<entity>/<id> the open record. Back and forward work because
// every navigation is a history entry and popstate re-reads the URL.
import { createSignal } from "solid-js";

export interface Route {
  slug: string;
  /** The page path after the slug ("" = the start page), without a leading slash. */
  path: string;
  record?: { entity: string; id: string };
}

export function parseRoute(loc: { pathname: string; search: string } = location): Route {
  const parts = loc.pathname.split("/").filter(Boolean); // ["app", slug, ...page]
  const slug = decodeURIComponent(parts[1] ?? "");
  const path = parts.slice(2).map(decodeURIComponent).join("/");
  const rec = new URLSearchParams(loc.search).get("record");
  const cut = rec ? rec.indexOf("/") : -1;
  return { slug, path, ...(rec && cut > 0 && cut < rec.length - 1 && { record: { entity: rec.slice(0, cut), id: rec.slice(cut + 1) } }) };
}

export function routeUrl(r: Route): string {
  const base = `/app/${encodeURIComponent(r.slug)}/${r.path.split("/").filter(Boolean).map(encodeURIComponent).join("/")}`;
  const q = new URLSearchParams(location.search);
  if (r.record) q.set("record", `${r.record.entity}/${r.record.id}`);
  else q.delete("record");
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

const [route, setRoute] = createSignal<Route>(typeof location === "undefined" ? { slug: "", path: "" } : parseRoute());

export { route };

if (typeof window !== "undefined") window.addEventListener("popstate", () => setRoute(parseRoute()));

/** Go to a route: a new history entry (or the current one replaced). */
export function go(r: Route, replace = false): void {
  const url = routeUrl(r);
  if (url !== location.pathname + location.search) history[replace ? "replaceState" : "pushState"](null, "", url);
  setRoute(parseRoute());
}
