import { resolved, type Story } from "../../gallery/fixtures";

const chart = (props: Record<string, unknown>, height = 4) => ({
  ...resolved("Chart", { entity: "task", ...props }),
  position: { row: 0, col: 0, width: 12, height },
});

export const stories: Story[] = [
  { component: "Chart", name: "bar", c: chart({ title: "Tasks by status", kind: "bar", groupBy: "status", aggregate: "count" }) },
  {
    component: "Chart",
    name: "bar by reference",
    c: chart({ title: "Estimate by project", kind: "bar", groupBy: "project", aggregate: "sum", y: "estimate" }),
  },
  {
    component: "Chart",
    name: "line by day",
    c: chart({ kind: "line", groupBy: { field: "due", bucket: "day" }, aggregate: "sum", y: "estimate" }),
    fixture: { rows: 400 },
  },
  { component: "Chart", name: "many bars", c: chart({ kind: "bar", groupBy: { field: "due", bucket: "day" }, aggregate: "count" }), fixture: { rows: 400 } },
  { component: "Chart", name: "pie", c: chart({ title: "Tasks by status", kind: "pie", groupBy: "status", aggregate: "count" }) },
  { component: "Chart", name: "pie boolean", c: chart({ title: "Done or not", kind: "pie", groupBy: "done", aggregate: "count" }, 3) },
  {
    component: "Chart",
    name: "pie many slices",
    c: chart({ title: "Tasks by day", kind: "pie", groupBy: { field: "due", bucket: "day" }, aggregate: "count" }),
    fixture: { rows: 10 },
  },
  { component: "Chart", name: "empty", c: chart({ title: "Tasks by status", kind: "bar", groupBy: "status", aggregate: "count" }), fixture: { rows: 0 } },
  { component: "Chart", name: "loading", c: chart({ title: "Tasks by status", kind: "bar", groupBy: "status" }), fixture: { loadingForever: true } },
  {
    component: "Chart",
    name: "error",
    c: chart({ title: "Tasks by status", kind: "bar", groupBy: "status" }),
    fixture: { fail: "The database is busy; try again." },
  },
  { component: "Chart", name: "unknown entity", c: resolved("Chart", { entity: "invoice", kind: "bar", groupBy: "status" }) },
  { component: "Chart", name: "unknown field", c: chart({ kind: "bar", groupBy: "stage" }) },
  { component: "Chart", name: "not groupable", c: chart({ kind: "bar", groupBy: "title" }) },
  { component: "Chart", name: "bad kind", c: chart({ kind: "radar", groupBy: "status" }) },
  { component: "Chart", name: "sum of text", c: chart({ kind: "bar", groupBy: "status", aggregate: "sum", y: "title" }) },
];
