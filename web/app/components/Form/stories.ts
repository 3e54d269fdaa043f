import { resolved, type Story } from "../../gallery/fixtures";
import type { ColumnDefinition } from "../../lib/types";

const XSS = "<img src=x onerror=alert(1)>";

/** A form whose field definitions are made here, not taken from the gallery model: enums with very many values. */
function manyValues(): Story["c"] {
  const c = resolved("Form", { entity: "task", fields: ["title"], title: "Very long lists" }, "form-huge");
  const extra = (name: string, type: "enum" | "multienum", values: string[], label: string): ColumnDefinition => ({
    name,
    field: name,
    label,
    type,
    values,
    required: false,
    unique: false,
    sortable: true,
  });
  c.fields = [
    ...(c.fields ?? []),
    extra(
      "city",
      "enum",
      Array.from({ length: 10_000 }, (_, i) => `City ${String(i + 1).padStart(5, "0")}`),
      "City",
    ),
    extra(
      "skills",
      "multienum",
      Array.from({ length: 60 }, (_, i) => `Skill ${i + 1}`),
      "Skills",
    ),
  ];
  return c;
}

export const stories: Story[] = [
  { component: "Form", name: "create", c: resolved("Form", { entity: "task", title: "New task" }) },
  { component: "Form", name: "edit", c: resolved("Form", { entity: "task", mode: "edit", recordId: "task-0000002", title: "Edit task" }) },
  {
    component: "Form",
    name: "chosen fields",
    c: resolved("Form", { entity: "task", fields: [{ field: "title", label: "What needs doing?" }, "status", "project", "due"], submitLabel: "Add task" }),
  },
  {
    component: "Form",
    name: "validation",
    c: resolved("Form", { entity: "task", fields: ["title", "status", "priority", "project"], title: "Server validation" }),
    fixture: {
      validation: [
        { field: "title", rule: "maxLength", message: "title must be at most 200 characters" },
        { field: "project", rule: "required", message: "project is required" },
        { field: "secret", rule: "forbidden", message: "secret may not be set by this user" },
      ],
    },
  },
  { component: "Form", name: "huge enum", c: manyValues() },
  { component: "Form", name: "slow save", c: resolved("Form", { entity: "project", title: "New project" }), fixture: { delayMs: 800 } },
  { component: "Form", name: "loading", c: resolved("Form", { entity: "task", mode: "edit", recordId: "task-0000001" }), fixture: { loadingForever: true } },
  {
    component: "Form",
    name: "load error",
    c: resolved("Form", { entity: "task", mode: "edit", recordId: "task-0000001" }),
    fixture: { fail: "The database is not reachable" },
  },
  { component: "Form", name: "edit without record", c: resolved("Form", { entity: "task", mode: "edit" }) },
  { component: "Form", name: "unknown entity", c: resolved("Form", { entity: "invoice" }) },
  { component: "Form", name: "unknown field", c: resolved("Form", { entity: "task", fields: ["title", "budget", "due"] }) },
  {
    component: "Form",
    name: "hostile values",
    c: resolved("Form", {
      entity: "task",
      fields: ["title", "notes", "meta", "tags"],
      title: XSS,
      initial: { title: XSS, notes: `<script>alert(1)</script>\n${XSS}`, meta: { [XSS]: XSS }, tags: [XSS] },
    }),
  },
];
