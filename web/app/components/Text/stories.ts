import { resolved, type Story } from "../../gallery/fixtures";

const open = { record: () => ({ entity: "task", id: "task-0000001" }) };
const huge = Array.from({ length: 2000 }, (_, i) => `Line ${i + 1}: the quick brown fox jumps over the lazy dog.`).join("\n");

export const stories: Story[] = [
  { component: "Text", name: "body", c: resolved("Text", { text: "Every task of every project. Set one to done and the stamp_done workflow notes when." }) },
  { component: "Text", name: "heading", c: resolved("Text", { text: "This week's work", variant: "heading" }) },
  { component: "Text", name: "muted", c: resolved("Text", { text: "Figures refresh by themselves as records change.", variant: "muted" }) },
  { component: "Text", name: "line breaks", c: resolved("Text", { text: "First line\nSecond line\n\n  Indented after a blank line" }) },
  {
    component: "Text",
    name: "record placeholders",
    c: resolved("Text", { text: "Task: {title}\nDue {due} · priority {priority} · project {project} · done: {done}\nNot a field: {nope}" }),
    ctx: open,
  },
  { component: "Text", name: "placeholders without record", c: resolved("Text", { text: "Project: {name}" }) },
  { component: "Text", name: "placeholders loading", c: resolved("Text", { text: "Task: {title}" }), ctx: open, fixture: { loadingForever: true } },
  {
    component: "Text",
    name: "hostile",
    c: resolved("Text", { text: "<img src=x onerror=alert(1)> <script>alert(2)</script> <b>not bold</b> {title}" }),
    ctx: open,
  },
  { component: "Text", name: "huge", c: resolved("Text", { text: huge }) },
  { component: "Text", name: "long word", c: resolved("Text", { text: `https://example.com/${"a".repeat(400)}` }) },
  { component: "Text", name: "empty", c: resolved("Text", {}) },
];
