import { resolved, type Story } from "../../gallery/fixtures";
import { childrenContext, placed } from "./storyPage";

const intro = placed(resolved("Text", { text: "Open work, grouped. The two figures on the right stay current." }, "intro"), 0, 0, 6);
const open = placed(resolved("Kpi", { label: "Open tasks", entity: "task", aggregate: "count", filter: { status: "open" } }, "open"), 0, 6, 3);
const done = placed(resolved("Kpi", { label: "Done", entity: "task", aggregate: "count", filter: { status: "done" } }, "done"), 0, 9, 3);
const grid = placed(resolved("Text", { text: "A wide child (8 of 12 columns)" }, "wide"), 1, 0, 8, 4);
const side = placed(resolved("Text", { text: "A narrow child (4 of 12 columns)", variant: "muted" }, "narrow"), 1, 8, 4, 4);
const children = [intro, open, done, grid, side];

export const stories: Story[] = [
  {
    component: "Container",
    name: "row",
    c: resolved("Container", { direction: "row", children: ["intro", "open", "done"] }),
    ctx: childrenContext(children),
  },
  {
    component: "Container",
    name: "row 8 and 4",
    c: resolved("Container", { direction: "row", title: "Selected project", children: ["wide", "narrow"] }),
    ctx: childrenContext(children),
  },
  {
    component: "Container",
    name: "column",
    c: resolved("Container", { direction: "column", title: "Figures", children: ["open", "done", "intro"] }),
    ctx: childrenContext(children),
  },
  {
    component: "Container",
    name: "empty",
    c: resolved("Container", { direction: "row", title: "Nothing here", children: [] }),
    ctx: childrenContext(children),
  },
  {
    component: "Container",
    name: "unknown child",
    c: resolved("Container", { direction: "row", children: ["intro", "missing"] }),
    ctx: childrenContext(children),
  },
  {
    component: "Container",
    name: "children loading",
    c: resolved("Container", { direction: "row", children: ["open", "done"] }),
    ctx: childrenContext(children, { loadingForever: true }),
  },
];
