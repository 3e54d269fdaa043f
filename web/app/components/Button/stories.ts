import { resolved, type Story } from "../../gallery/fixtures";
import { pageStory, placed } from "../Container/storyPage";

const open = { record: () => ({ entity: "task", id: "task-0000001" }) };
const button = (label: string, action: unknown, extra: Record<string, unknown> = {}) => resolved("Button", { label, action, ...extra });

/** A small page: a button that opens a Modal holding a Text, as the page would wire them. */
const withModal = [
  placed(button("New task", { type: "openModal", modal: "new_task" }), 0, 0, 3),
  placed(resolved("Modal", { title: "New task", children: ["hint"] }, "new_task"), 1, 0, 8),
  placed(resolved("Text", { text: "The task form goes here." }, "hint"), 1, 0, 8),
];

export const stories: Story[] = [
  { component: "Button", name: "primary", c: button("New task", { type: "openForm", entity: "task" }) },
  { component: "Button", name: "secondary", c: button("All tasks", { type: "navigate", page: "tasks" }) },
  { component: "Button", name: "danger", c: button("Delete task", { type: "delete", entity: "task" }), ctx: open },
  { component: "Button", name: "needs a record", c: button("Mark done", { type: "update", entity: "task", data: { status: "done" } }) },
  {
    component: "Button",
    name: "confirm first",
    c: button("Reopen", { type: "update", entity: "task", data: { status: "open" } }, { confirm: "Reopen this task?" }),
    ctx: open,
  },
  {
    component: "Button",
    name: "create",
    c: button("Quick task", { type: "create", entity: "task", data: { title: "Call back", project: "project-0000000" } }, { variant: "secondary" }),
  },
  { component: "Button", name: "run workflow", c: button("Close task", { type: "runXFlow", xflow: "close_task" }), ctx: open },
  {
    component: "Button",
    name: "workflow fails",
    c: button("Close task", { type: "runXFlow", xflow: "close_task" }),
    ctx: open,
    fixture: { fail: "task is already closed" },
  },
  { component: "Button", name: "busy", c: button("Close task", { type: "runXFlow", xflow: "close_task" }), ctx: open, fixture: { loadingForever: true } },
  { component: "Button", name: "opens a modal", c: resolved("Container", { children: ["page"] }), ctx: pageStory(withModal) },
  { component: "Button", name: "long label", c: button("Send the quarterly report to every customer of the region", { type: "openForm", entity: "task" }) },
  { component: "Button", name: "unknown action", c: button("Launch", { type: "launchRocket" }) },
  { component: "Button", name: "incomplete action", c: button("Go", { type: "navigate" }) },
  { component: "Button", name: "no action", c: resolved("Button", { label: "Nothing" }) },
];
