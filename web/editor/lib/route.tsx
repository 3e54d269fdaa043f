/** @jsxImportSource react */
// The editor's place is its URL: /editor/ is Home, /editor/models/<id> a model; later
// parts (ERD, entity editor, history) add segments after the id. Links push history
// entries, Back and Forward work, and a reload lands on the same page.
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from "react";

export const BASE = "/editor";

export type Route = { name: "home" } | { name: "model"; id: string; rest: string[] } | { name: "notFound" };

export function parseRoute(pathname: string): Route {
  if (!pathname.startsWith(BASE)) return { name: "notFound" };
  const parts = pathname.slice(BASE.length).split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: "home" };
  if (parts[0] === "models" && parts[1]) return { name: "model", id: parts[1], rest: parts.slice(2) };
  return { name: "notFound" };
}

export const homeHref = () => `${BASE}/`;
export const modelHref = (id: string, ...rest: string[]) => [`${BASE}/models`, id, ...rest].map((p, i) => (i ? encodeURIComponent(p) : p)).join("/");

const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};

export function navigate(href: string): void {
  history.pushState(null, "", href);
  notify();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    listeners.add(update);
    addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return route;
}

/** An anchor that moves inside the editor without reloading (a modified click still opens a new tab). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}

/** The query string of the current address, kept in step with navigation. */
export function useSearch(): URLSearchParams {
  const [search, setSearch] = useState(() => location.search);
  useEffect(() => {
    const update = () => setSearch(location.search);
    listeners.add(update);
    addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      removeEventListener("popstate", update);
    };
  }, []);
  return new URLSearchParams(search);
}

/**
 * Change query parameters of the current address (null removes one). Selection changes
 * replace the history entry, so Back leaves the page instead of walking every click.
 */
export function setSearch(params: Record<string, string | null>, opts: { push?: boolean } = {}): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) v === null ? q.delete(k) : q.set(k, v);
  const s = q.toString();
  const href = `${location.pathname}${s ? `?${s}` : ""}`;
  if (href === `${location.pathname}${location.search}`) return;
  opts.push ? history.pushState(null, "", href) : history.replaceState(null, "", href);
  notify();
}
