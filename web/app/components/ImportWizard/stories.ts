// The import wizard in the gallery: each step and each of its states. Later steps open
// with a file already uploaded (startAt); their server answers come from the story's
// own bulkImport over the fixture source.

import { fixtureSource, resolved, type Story } from "../../gallery/fixtures";
import { RpcError } from "../../lib/rpc";
import type { ImportReport } from "../../lib/source";
import type { Issue } from "../../lib/types";
import type { ComponentContext } from "../contract";
import { startAt, type WizardStart } from "./start";

const c = resolved("ImportWizard", { entity: "task" });

const TASKS = [
  "Title,Status,Priority,Due date,Project,Owner email",
  "Write the release notes,open,2,2026-07-01,project-0000000,ana@example.com",
  "Fix the login page,doing,5,2026-07-03,project-0000001,ben@example.com",
  '"Plan Q3, with the team",open,3,,project-0000000,',
  "Measure the grid,done,1,2026-06-20,project-0000002,cho@example.com",
  "Ship the importer,open,4,2026-07-10,project-0000001,",
  "Review the docs,open,2,2026-07-12,project-0000003,dev@example.com",
].join("\n");

const BAD = [
  "Title,Priority,Project",
  "Fine row,2,project-0000000",
  "<img src=x onerror=alert(1)>,9,project-0000000",
  ",3,project-0000001",
  "Dangling,1,project-9999999",
].join("\n");
const BAD_ISSUES: Issue[] = [
  { row: 2, field: "priority", rule: "max", message: "priority must be at most 5" },
  { row: 3, field: "title", rule: "required", message: "title is required" },
  { row: 4, field: "project", rule: "reference", message: 'project refers to project "project-9999999", which does not exist' },
];

const MANY = `Title,Priority,Project\n${Array.from({ length: 1000 }, (_, i) => `Task ${i + 1},${6 + (i % 4)},project-0000000`).join("\n")}`;
const MANY_ISSUES: Issue[] = Array.from({ length: 1000 }, (_, i) => ({ row: i + 1, field: "priority", rule: "max", message: "priority must be at most 5" }));

const JSON_FILE = JSON.stringify(
  [
    { title: "From JSON", priority: 3, tags: ["bug", "docs"], done: false, project: "project-0000000", meta: { source: "crm" } },
    { title: '=HYPERLINK("x")', priority: 1, tags: [], done: true, project: "project-0000001" },
  ],
  null,
  2,
);

const refused = (issues: Issue[]) => new RpcError(`invalid task rows (row 1 is the first data row): ${issues[0]?.message}`, -32001, issues);

/** The fixture source with a bulkImport that answers as told (a dry run and an import may answer differently). */
function answering(answer: (p: { dryRun?: boolean }) => Promise<ImportReport>): Partial<ComponentContext> {
  return { source: { ...fixtureSource(), bulkImport: (_entity, p) => answer(p) } };
}

const at = (start: WizardStart, more: Partial<ComponentContext> = {}): Partial<ComponentContext> => ({ ...startAt(start), ...more });
const tasks = (step: WizardStart["step"]): WizardStart => ({ step, text: TASKS, name: "tasks.csv" });

export const stories: Story[] = [
  { component: "ImportWizard", name: "upload", c },
  { component: "ImportWizard", name: "upload: file read", c, ctx: at(tasks(1)) },
  { component: "ImportWizard", name: "upload: broken CSV", c, ctx: at({ step: 1, name: "broken.csv", text: 'Title,Priority\n"unclosed,2\n' }) },
  { component: "ImportWizard", name: "upload: CSV with uneven rows", c, ctx: at({ step: 1, name: "uneven.csv", text: "Title,Priority\nA,1\nB\nC,2,extra\n" }) },
  { component: "ImportWizard", name: "upload: JSON that is not a list", c, ctx: at({ step: 1, name: "one.json", text: '{"title": "just one"}' }) },
  { component: "ImportWizard", name: "match columns", c, ctx: at(tasks(2)) },
  { component: "ImportWizard", name: "match columns: JSON", c, ctx: at({ step: 2, name: "tasks.json", text: JSON_FILE }) },
  {
    component: "ImportWizard",
    name: "match columns: required field missing",
    c,
    ctx: at({ step: 2, name: "partial.csv", text: "Name,Notes,Estimate\nCall Bob,about the invoice,1.5\n" }),
  },
  { component: "ImportWizard", name: "check: loading", c, fixture: { loadingForever: true }, ctx: at(tasks(3)) },
  { component: "ImportWizard", name: "check: all valid", c, ctx: at(tasks(3)) },
  {
    component: "ImportWizard",
    name: "check: bad rows",
    c,
    ctx: at(
      { step: 3, name: "bad.csv", text: BAD },
      answering(async () => Promise.reject(refused(BAD_ISSUES))),
    ),
  },
  {
    component: "ImportWizard",
    name: "check: 1,000 problems",
    c,
    ctx: at(
      { step: 3, name: "many.csv", text: MANY },
      answering(async () => Promise.reject(refused(MANY_ISSUES))),
    ),
  },
  {
    component: "ImportWizard",
    name: "check: server error",
    c,
    ctx: at(
      tasks(3),
      answering(async () => Promise.reject(new RpcError("network", -1))),
    ),
  },
  { component: "ImportWizard", name: "import: importing", c, fixture: { loadingForever: true }, ctx: at(tasks(4)) },
  { component: "ImportWizard", name: "import: done", c: resolved("ImportWizard", { entity: "task", title: "Bring in tasks" }), ctx: at(tasks(4)) },
  {
    component: "ImportWizard",
    name: "import: refused",
    c,
    ctx: at(
      tasks(4),
      answering(async () =>
        Promise.reject(refused([{ row: 3, field: "title", rule: "unique", message: "title must be unique: another task already has this value" }])),
      ),
    ),
  },
  { component: "ImportWizard", name: "unknown entity", c: resolved("ImportWizard", { entity: "nope" }) },
  { component: "ImportWizard", name: "no entity", c: resolved("ImportWizard", {}) },
];
