// The DataGrid in each of its states, against the gallery's fixtures.
import { resolved, type Story } from "../../gallery/fixtures";

const COLUMNS = ["title", "status", "priority", "estimate", "due", "done", "project", "tags", "owner_email", "started_at"];
const grid = (props: Record<string, unknown>) => resolved("DataGrid", { entity: "task", columns: COLUMNS, ...props });

export const stories: Story[] = [
  { component: "DataGrid", name: "default", c: grid({ sort: [{ field: "due", dir: "asc" }] }) },
  { component: "DataGrid", name: "million rows", c: grid({ title: "All tasks" }), fixture: { rows: 1_000_000 } },
  { component: "DataGrid", name: "every field type", c: resolved("DataGrid", { entity: "task", title: "Every field type" }) },
  { component: "DataGrid", name: "empty", c: grid({}), fixture: { rows: 0 } },
  { component: "DataGrid", name: "loading", c: grid({}), fixture: { loadingForever: true } },
  { component: "DataGrid", name: "slow", c: grid({}), fixture: { rows: 500, delayMs: 1500 } },
  { component: "DataGrid", name: "error", c: grid({}), fixture: { fail: "The database is busy; try again in a moment." } },
  {
    component: "DataGrid",
    name: "validation errors",
    c: grid({ title: "Edits are refused" }),
    fixture: { validation: [{ field: "priority", rule: "max", message: "priority must be at most 5" }] },
  },
  { component: "DataGrid", name: "open record", c: grid({}), ctx: { record: () => ({ entity: "task", id: "task-0000002" }) } },
  {
    component: "DataGrid",
    name: "filtered by the model",
    c: grid({ title: "Open tasks", filter: { status: "open" }, sort: [{ field: "priority", dir: "desc" }] }),
  },
  { component: "DataGrid", name: "read only", c: grid({ title: "Read only", editable: false, selectable: false }) },
  { component: "DataGrid", name: "projects", c: resolved("DataGrid", { entity: "project", sort: ["name"] }) },
  { component: "DataGrid", name: "unknown entity", c: resolved("DataGrid", { entity: "invoice" }) },
  { component: "DataGrid", name: "unknown field", c: grid({ columns: ["title", "colour"] }) },
  { component: "DataGrid", name: "unknown sort field", c: grid({ sort: [{ field: "size" }] }) },
];
