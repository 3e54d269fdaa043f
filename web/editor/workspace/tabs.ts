// The workspace's views and their addresses: /editor/models/<id>[/<tab>[/<item>]].
import type { MessageKey } from "../lib/i18n";
import { modelHref } from "../lib/route";

export const TABS = ["diagram", "entities", "pages", "flows", "problems", "history"] as const;
export type Tab = (typeof TABS)[number];

export const TAB_LABELS: Record<Tab, MessageKey> = {
  diagram: "tabDiagram",
  entities: "tabEntities",
  pages: "tabPages",
  flows: "tabFlows",
  problems: "tabProblems",
  history: "tabHistory",
};

/** The tab and item named by the route's segments after the model id (the diagram by default). */
export function tabOf(rest: string[]): { tab: Tab; item: string | undefined } {
  const tab = (TABS as readonly string[]).includes(rest[0] ?? "") ? (rest[0] as Tab) : "diagram";
  return { tab, item: rest[1] };
}

/** The address of a tab (and an item in it, with query parameters such as field=). */
export function tabHref(id: string, tab: Tab, item?: string, query?: Record<string, string>): string {
  const path = tab === "diagram" && !item ? modelHref(id) : item ? modelHref(id, tab, item) : modelHref(id, tab);
  const q = query ? new URLSearchParams(query).toString() : "";
  return q ? `${path}?${q}` : path;
}
