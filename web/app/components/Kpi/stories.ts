import { resolved, type Story } from "../../gallery/fixtures";

const kpi = (props: Record<string, unknown>) => resolved("Kpi", { entity: "task", ...props });

export const stories: Story[] = [
  { component: "Kpi", name: "count", c: kpi({ label: "Open tasks", aggregate: "count", filter: { status: "open" } }) },
  { component: "Kpi", name: "sum currency", c: kpi({ label: "Estimated cost", aggregate: "sum", field: "estimate", format: "currency", currency: "EUR" }) },
  { component: "Kpi", name: "average", c: kpi({ label: "Average priority", aggregate: "avg", field: "priority" }) },
  { component: "Kpi", name: "large number", c: kpi({ label: "Hours estimated", aggregate: "sum", field: "estimate" }), fixture: { rows: 20_000 } },
  { component: "Kpi", name: "earliest date", c: kpi({ label: "Next due", aggregate: "min", field: "due" }) },
  { component: "Kpi", name: "link", c: kpi({ label: "All tasks", aggregate: "count", link: "tasks" }) },
  { component: "Kpi", name: "zero", c: kpi({ label: "Open tasks", aggregate: "count" }), fixture: { rows: 0 } },
  { component: "Kpi", name: "no value", c: kpi({ label: "Average estimate", aggregate: "avg", field: "estimate" }), fixture: { rows: 0 } },
  { component: "Kpi", name: "loading", c: kpi({ label: "Open tasks", aggregate: "count" }), fixture: { loadingForever: true } },
  { component: "Kpi", name: "error", c: kpi({ label: "Open tasks", aggregate: "count" }), fixture: { fail: "The database is busy; try again." } },
  { component: "Kpi", name: "unknown entity", c: resolved("Kpi", { label: "Invoices", entity: "invoice", aggregate: "count" }) },
  { component: "Kpi", name: "unknown field", c: kpi({ label: "Budget", aggregate: "sum", field: "budget" }) },
  { component: "Kpi", name: "sum of text", c: kpi({ label: "Titles", aggregate: "sum", field: "title" }) },
  { component: "Kpi", name: "bad currency", c: kpi({ label: "Cost", aggregate: "sum", field: "estimate", format: "currency", currency: "EURO" }) },
];
