import { fixtureSource, resolved, type Story } from "../../gallery/fixtures";
import type { DataSource } from "../../lib/source";

const XSS = "<img src=x onerror=alert(1)>";

/** A source whose task holds markup and a script URL in every field: all must show as text. */
function hostileSource(): DataSource {
  const base = fixtureSource();
  return {
    ...base,
    async get(entity, id) {
      const at = "2026-03-01T09:30:00.000Z";
      return {
        id,
        entity,
        version: 1,
        createdAt: at,
        updatedAt: at,
        data: {
          title: XSS,
          status: XSS,
          notes: `<script>alert(1)</script>\n${XSS}`,
          link: "javascript:alert(1)",
          owner_email: `${XSS}@example.com`,
          tags: [XSS],
          meta: { [XSS]: XSS },
          project: "project-0000000",
        },
      };
    },
    async labels(_entity, ids) {
      return new Map(ids.map((id) => [id, XSS]));
    },
  };
}

export const stories: Story[] = [
  {
    component: "DetailView",
    name: "project",
    c: resolved("DetailView", { entity: "project", recordId: "project-0000000", title: "Selected project" }),
    fixture: { rows: 60 },
  },
  { component: "DetailView", name: "task", c: resolved("DetailView", { entity: "task", recordId: "task-0000002" }) },
  {
    component: "DetailView",
    name: "chosen fields",
    c: resolved("DetailView", {
      entity: "task",
      recordId: "task-0000004",
      fields: [{ field: "title", label: "Task" }, "status", "due", "project"],
      title: "Task summary",
    }),
  },
  {
    component: "DetailView",
    name: "open record",
    c: resolved("DetailView", { entity: "project", title: "Selected project" }),
    ctx: { record: () => ({ entity: "project", id: "project-0000003" }) },
  },
  { component: "DetailView", name: "empty", c: resolved("DetailView", { entity: "project", title: "Selected project" }) },
  {
    component: "DetailView",
    name: "loading",
    c: resolved("DetailView", { entity: "project", recordId: "project-0000000" }),
    fixture: { loadingForever: true },
  },
  {
    component: "DetailView",
    name: "error",
    c: resolved("DetailView", { entity: "project", recordId: "project-0000000" }),
    fixture: { fail: "The database is not reachable" },
  },
  { component: "DetailView", name: "not found", c: resolved("DetailView", { entity: "project", recordId: "project-9999999" }) },
  { component: "DetailView", name: "unknown entity", c: resolved("DetailView", { entity: "invoice", recordId: "x" }) },
  {
    component: "DetailView",
    name: "hostile values",
    c: resolved("DetailView", { entity: "task", recordId: "task-0000001" }),
    ctx: { source: hostileSource() },
  },
];
