// The Model Editor's diagram in a real browser against the real server: a legacy Torque
// file shows its types and relationship; the todo template is edited by mouse and by
// keyboard (add a type, drag and reload, connect by drag and by "C", a relationship's kind
// from its edge, shift-select and delete with the records named, undo, auto layout,
// PNG/SVG export), each change checked through GraphQL; the 100 × 30 model opens, moves
// and saves; axe in light and dark; the ERD is a lazy chunk Home does not load.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Page } from "playwright-core";
import { bigModel } from "../../scripts/bench/big-model";
import { systemActor } from "../../src/services/actor";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, openPage, shot } from "./browser";
import { centre, drag, editorSuite } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const LEGACY = join(import.meta.dir, "..", "fixtures", "torque-rust-samples", "customer-order.json");

const suite = editorSuite(() => startTestServer({ apps: ["todo"] }), { page: { acceptDownloads: true } });
const { gql, savedModel: saved, until, createModel, modelUrl, pageErrors, dialog, dialogSettled, whenSaved } = suite;
let s: TestServer;
let page: Page;
beforeAll(() => ({ server: s, page } = suite));

const erd = (p: Page = page) => p.getByTestId("erd");
const node = (entity: string, p: Page = page) => erd(p).locator(`.react-flow__node[data-id="${entity}"]`);
const edge = (id: string, p: Page = page) => erd(p).locator(`.react-flow__edge[data-id="${id}"]`);

async function openErd(p: Page, id: string, query = "") {
  await p.goto(modelUrl(id, query));
  await erd(p).locator(".react-flow__node").first().waitFor();
}

const translate = async (l: ReturnType<Page["locator"]>) => {
  const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec((await l.getAttribute("style")) ?? "");
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
};

test("a legacy Torque file imported through GraphQL: both entity types with their fields and the relationship", async () => {
  const d = await gql<{ importModel: { model: { id: string } | null } }>(
    "mutation ($document: JSON!) { importModel(document: $document, createApp: false) { model { id } errors { message } } }",
    { document: JSON.parse(readFileSync(LEGACY, "utf8")) },
  );
  const id = d.importModel.model?.id;
  expect(id).toBeString();
  await openErd(page, id!);
  for (const entity of ["customer", "order"]) await node(entity).waitFor();
  const customer = node("customer");
  expect(await customer.locator('[data-field="first_name"]').textContent()).toContain("text");
  expect(await customer.locator('[data-field="email"]').count()).toBe(1);
  // The order's reference to its customer is covered by the relationship: a solid edge, labelled 1:n.
  expect(await node("order").locator(".erd-field-type", { hasText: "→ customer" }).count()).toBeGreaterThan(0);
  expect(await erd().locator(".react-flow__edge-text").allTextContents()).toContain("1:n");
  expect(await erd().locator(".react-flow__edge.erd-edge-reference").count()).toBe(0);
  expect(await erd().locator(".react-flow__minimap").count()).toBe(1);
  expect(await erd().getByRole("button", { name: "Zoom in" }).count()).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-legacy");
  expect(pageErrors()).toEqual([]);
});

test("the todo template: project 1:n task, markers, the empty panel; axe in light and dark", async () => {
  await openErd(page, s.models.todo!);
  await node("project").waitFor();
  await node("task").waitFor();
  expect(await edge("rel:project_tasks").locator(".react-flow__edge-text").textContent()).toBe("1:n");
  // The task's project field points at project; a required field carries its marker.
  expect(await node("task").locator('[data-field="project"] .erd-field-type').textContent()).toBe("→ project");
  expect(await node("task").locator('abbr[title="required"]').count()).toBeGreaterThan(0);
  expect(await erd().getByRole("complementary", { name: "Selection" }).textContent()).toContain("Select an entity type");
  // Nodes are in the tab order and say how to use them.
  const first = node("project");
  await first.focus();
  expect(await first.getAttribute("tabindex")).toBe("0");
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-todo");

  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  await openErd(dark.page, s.models.todo!, "?sel=task");
  expect(await erd(dark.page).locator(".react-flow.dark").count()).toBe(1);
  await dark.page.getByTestId("erd-entity-panel").waitFor();
  expect(await axeViolations(dark.page)).toEqual([]);
  await shot(dark.page, "editor-erd-todo-dark");
  // A dialog of the diagram, in the dark theme.
  await erd(dark.page).getByRole("button", { name: "Add entity type" }).click();
  await dialog(dark.page).getByLabel("Name").fill("Bad name");
  await dialog(dark.page).getByText("cannot be used").waitFor();
  await dialogSettled(dark.page);
  expect(await axeViolations(dark.page)).toEqual([]);
  await shot(dark.page, "editor-erd-add-dark");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
  expect(pageErrors()).toEqual([]);
});

test("add an entity type from the toolbar: the name is checked as typed, the type lands in view and is saved with its position", async () => {
  const id = s.models.todo!;
  await openErd(page, id);
  const before = await saved(id);
  await erd().getByRole("button", { name: "Add entity type" }).click();
  const name = dialog().getByLabel("Name");
  await name.fill("Milestone");
  await dialog().getByText("cannot be used").waitFor();
  await name.fill("task");
  await dialog().getByText("“task” is taken already.").waitFor();
  await dialog().getByRole("button", { name: "Add", exact: true }).click();
  // Refused in place: nothing was added.
  expect(await dialog().isVisible()).toBe(true);
  expect((await saved(id)).version).toBe(before.version);
  await shot(page, "editor-erd-add-invalid");
  await name.fill("milestone");
  await name.press("Enter");
  await node("milestone").waitFor();
  expect(page.url()).toContain("sel=milestone");
  await erd().getByTestId("erd-entity-panel").getByRole("heading", { name: "milestone" }).waitFor();
  const d = await until(id, (x) => x.entities.some((e) => e.name === "milestone"));
  expect(d.ui?.erd?.positions?.milestone).toBeDefined();
  // The types dagre placed are pinned too, so they do not move on the next reload.
  expect(Object.keys(d.ui?.erd?.positions ?? {}).sort()).toEqual(["milestone", "project", "task"]);
  expect(await node("milestone").isVisible()).toBe(true);
  expect(pageErrors()).toEqual([]);
});

test("drag a node: its position is saved with the model and kept on reload", async () => {
  const id = s.models.todo!;
  await openErd(page, id);
  const before = (await saved(id)).document.ui!.erd!.positions!.project!;
  const header = node("project").locator(".erd-node-header");
  const c = await centre(header);
  await drag(page, c, { x: c.x + 30, y: c.y + 140 });
  const d = await until(id, (x) => x.ui?.erd?.positions?.project?.y !== before.y);
  const after = d.ui!.erd!.positions!.project!;
  expect(after.y).toBeGreaterThan(before.y + 50);
  await whenSaved();
  await page.reload();
  await node("project").waitFor();
  expect(await translate(node("project"))).toEqual(after);
  expect(pageErrors()).toEqual([]);
});

test("drag from a type's dot to another type: the dialog creates the relationship with its key field; the edge is labelled", async () => {
  const id = s.models.todo!;
  await openErd(page, id);
  await erd().getByRole("button", { name: "Fit view" }).click();
  await page.waitForTimeout(400);
  const from = await centre(node("milestone").locator(".erd-handle-source"));
  // Dropped on the body of the other type, not on its small target point.
  const to = await centre(node("task").locator('[data-field="status"]'));
  await drag(page, from, to);
  await dialog().getByRole("heading", { name: "Relate milestone to another entity type" }).waitFor();
  expect(await dialog().getByRole("combobox", { name: "Related entity type" }).inputValue()).toBe("task");
  expect(await dialog().getByRole("radio", { name: /^1:n/ }).isChecked()).toBe(true);
  expect(await dialog().getByLabel("Relationship name").inputValue()).toBe("milestone_task");
  expect(await dialog().getByLabel("Key field").inputValue()).toBe("milestone");
  await dialog().getByText("A new field task.milestone will refer to milestone").waitFor();
  await dialogSettled();
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-connect");
  await dialog().getByRole("button", { name: "Relate" }).click();
  await edge("rel:milestone_task").waitFor();
  expect(await edge("rel:milestone_task").locator(".react-flow__edge-text").textContent()).toBe("1:n");
  const d = await until(id, (x) => !!x.relationships?.some((r) => r.name === "milestone_task"));
  expect(d.relationships!.find((r) => r.name === "milestone_task")).toEqual({
    name: "milestone_task",
    from: "milestone",
    to: "task",
    kind: "1:n",
    inverse: "milestone",
  });
  expect(d.entities.find((e) => e.name === "task")!.fields.find((f) => f.name === "milestone")).toEqual({
    name: "milestone",
    type: "reference",
    entity: "milestone",
  });
  // The new relationship is selected for editing.
  await erd().getByTestId("erd-relationship-panel").waitFor();
  expect(pageErrors()).toEqual([]);
});

test("a relationship's kind edited from its edge: n:m lets the key field go, 1:n takes it back", async () => {
  const id = s.models.todo!;
  await openErd(page, id);
  await edge("rel:milestone_task").locator(".react-flow__edge-textwrapper").click();
  const panel = erd().getByTestId("erd-relationship-panel");
  await panel.waitFor();
  expect(page.url()).toContain("rel=milestone_task");
  await panel.getByRole("radio", { name: /^n:m/ }).check();
  await erd().locator(".react-flow__edge-text", { hasText: "n:m" }).waitFor();
  let d = await until(id, (x) => x.relationships?.find((r) => r.name === "milestone_task")?.kind === "n:m");
  expect(d.relationships!.find((r) => r.name === "milestone_task")!.inverse).toBeUndefined();
  // The field stays, now a plain reference: a dashed edge.
  expect(d.entities.find((e) => e.name === "task")!.fields.some((f) => f.name === "milestone")).toBe(true);
  await edge("ref:task.milestone").waitFor();
  await shot(page, "editor-erd-relationship");
  await panel.getByRole("radio", { name: /^1:n/ }).check();
  d = await until(id, (x) => x.relationships?.find((r) => r.name === "milestone_task")?.kind === "1:n");
  expect(d.relationships!.find((r) => r.name === "milestone_task")!.inverse).toBe("milestone");
  expect(d.entities.find((e) => e.name === "task")!.fields.filter((f) => f.type === "reference" && f.entity === "milestone").length).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  expect(pageErrors()).toEqual([]);
});

test("keyboard only: Tab to a type, Enter selects it, arrows move it (saved once), C relates it to itself", async () => {
  const id = s.models.todo!;
  await openErd(page, id);
  const before = (await saved(id)).document.ui!.erd!.positions!.project!;
  // Into the canvas, then Tab through it to the project type.
  await erd().getByRole("button", { name: "Fit view" }).focus();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.getAttribute("data-id") === "project")) break;
  }
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-id"))).toBe("project");
  await page.keyboard.press("Enter");
  await page.waitForURL(/sel=project/);
  const version = (await saved(id)).version;
  for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  const d = await until(id, (x) => x.ui?.erd?.positions?.project?.x !== before.x);
  expect(d.ui!.erd!.positions!.project).toEqual({ x: before.x + 20, y: before.y + 5 });
  await whenSaved();
  // Five key presses, one saved version.
  expect((await saved(id)).version).toBe(version + 1);

  await page.keyboard.press("c");
  await dialog().getByRole("heading", { name: "Relate project to another entity type" }).waitFor();
  const target = dialog().getByRole("combobox", { name: "Related entity type" });
  // Focus starts in the target's search.
  expect(await page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("combobox");
  await target.fill("proj");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  expect(await target.inputValue()).toBe("project");
  expect(await dialog().getByLabel("Relationship name").inputValue()).toBe("project_project");
  await dialog().getByLabel("Key field").fill("parent");
  await dialog().getByLabel("Key field").press("Enter");
  const r = await until(id, (x) => !!x.relationships?.some((q) => q.name === "project_project"));
  expect(r.relationships!.find((q) => q.name === "project_project")).toEqual({
    name: "project_project",
    from: "project",
    to: "project",
    kind: "1:n",
    inverse: "parent",
  });
  expect(r.entities.find((e) => e.name === "project")!.fields.find((f) => f.name === "parent")).toEqual({
    name: "parent",
    type: "reference",
    entity: "project",
  });
  await edge("rel:project_project").waitFor();
  await shot(page, "editor-erd-keyboard");
  expect(pageErrors()).toEqual([]);
});

test("shift-select two types and delete: the confirmation names what goes and the records kept; Ctrl+Z brings them back", async () => {
  const id = s.models.todo!;
  const opts = { actor: systemActor };
  const p1 = await s.services.entities.create("todo", "project", { name: "Garden" }, opts);
  await s.services.entities.create("todo", "project", { name: "House" }, opts);
  for (const title of ["Dig", "Plant", "Water"]) await s.services.entities.create("todo", "task", { title, project: p1.id }, opts);
  await openErd(page, id);
  await erd().getByRole("button", { name: "Fit view" }).click();
  await page.waitForTimeout(400);
  await node("project").locator(".erd-node-header").click();
  await page.keyboard.down("Shift");
  await node("task").locator(".erd-node-header").click();
  await page.keyboard.up("Shift");
  await page.waitForURL(/sel=project(%2C|,)task/);
  await erd().getByTestId("erd-multi-panel").getByText("2 entity types selected").waitFor();
  await page.keyboard.press("Delete");
  const confirm = page.getByTestId("erd-delete");
  await dialog().getByRole("heading", { name: "Delete 2 entity types?" }).waitFor();
  for (const rel of ["project_tasks", "milestone_task", "project_project"]) await confirm.getByText(rel, { exact: true }).waitFor();
  // Components of the todo pages that show the types go with them.
  await confirm.getByText("Page components removed").waitFor();
  const counts = confirm.getByTestId("erd-record-counts");
  await counts.waitFor();
  expect(await counts.locator("tbody tr").allTextContents()).toEqual(["projecttodo2 records", "tasktodo3 records"]);
  await confirm.getByText("Records are not deleted").waitFor();
  await confirm.getByText("torque app purge todo").waitFor();
  await dialogSettled();
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-delete");
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await node("project").waitFor({ state: "detached" });
  await node("task").waitFor({ state: "detached" });
  expect(page.url()).not.toContain("sel=");
  let d = await until(id, (x) => !x.entities.some((e) => e.name === "project" || e.name === "task"));
  expect(d.relationships ?? []).toEqual([]);
  await whenSaved();
  // Undo belongs to the workspace (outside text fields): one step brings both back with all that went.
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await node("project").waitFor();
  await node("task").waitFor();
  d = await until(id, (x) => x.entities.some((e) => e.name === "project") && x.entities.some((e) => e.name === "task"));
  expect((d.relationships ?? []).map((r) => r.name).sort()).toEqual(["milestone_task", "project_project", "project_tasks"]);
  // The records were never gone.
  expect((await s.services.entities.query("todo", "task", {})).data.length).toBe(3);
  expect(pageErrors()).toEqual([]);
});

test("rename a type from its panel: the confirmation lists what follows the name and the records left under the old one", async () => {
  const id = s.models.todo!;
  await openErd(page, id, "?sel=task");
  const before = (await saved(id)).document;
  const name = erd().getByTestId("erd-entity-panel").getByRole("textbox", { name: "Name" });
  await name.fill("Todo item");
  await erd().getByTestId("erd-entity-panel").getByText("cannot be used").waitFor();
  await name.fill("todo_item");
  await name.press("Enter");
  const confirm = page.getByTestId("erd-rename");
  await dialog().getByRole("heading", { name: "Rename task to todo_item?" }).waitFor();
  for (const text of ["Relationships updated", "project_tasks", "milestone_task", "Page components updated", "tasks / grid (DataGrid)"])
    await confirm.getByText(text, { exact: true }).first().waitFor();
  expect(await confirm.getByTestId("erd-record-counts").locator("tbody tr").allTextContents()).toEqual(["tasktodo3 records"]);
  await confirm.getByText("Existing records stay stored under the name task").waitFor();
  await dialogSettled();
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-rename");
  // Cancelled: nothing changes, the field shows the name again.
  await confirm.getByRole("button", { name: "Cancel" }).click();
  expect(await name.inputValue()).toBe("task");
  expect((await saved(id)).document.entities.some((e) => e.name === "task")).toBe(true);
  await name.fill("todo_item");
  await name.press("Enter");
  await confirm.getByRole("button", { name: "Rename" }).click();
  await node("todo_item").waitFor();
  await page.waitForURL(/sel=todo_item/);
  // Still selected under its new name, in the diagram and beside it.
  await page.waitForTimeout(300);
  expect(page.url()).toContain("sel=todo_item");
  expect(await node("todo_item").getAttribute("class")).toContain("selected");
  expect(await name.inputValue()).toBe("todo_item");
  const d = await until(id, (x) => x.entities.some((e) => e.name === "todo_item"));
  expect(d.relationships!.find((r) => r.name === "project_tasks")!.to).toBe("todo_item");
  expect(d.ui!.erd!.positions!.todo_item).toEqual(before.ui!.erd!.positions!.task!);
  await whenSaved();
  // Back as it was, for what follows.
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await until(id, (x) => x.entities.some((e) => e.name === "task"));
  await whenSaved();
  expect(pageErrors()).toEqual([]);
});

test("a relationship removed on its own: the confirmation says its key field stays, and it does", async () => {
  const id = s.models.todo!;
  await openErd(page, id, "?rel=project_project");
  await erd().getByTestId("erd-relationship-panel").getByRole("button", { name: "Remove relationship…" }).click();
  await dialog().getByRole("heading", { name: "Remove relationship project_project?" }).waitFor();
  await dialog().getByText("The key fields stay, with their values: project.parent.").waitFor();
  // No records table: no type goes.
  expect(await dialog().getByTestId("erd-record-counts").count()).toBe(0);
  await dialog().getByRole("button", { name: "Delete", exact: true }).click();
  await edge("ref:project.parent").waitFor();
  const d = await until(id, (x) => !x.relationships?.some((r) => r.name === "project_project"));
  expect(d.entities.find((e) => e.name === "project")!.fields.some((f) => f.name === "parent")).toBe(true);
  expect(pageErrors()).toEqual([]);
});

test("auto layout places every type, saved as one undoable action", async () => {
  const id = s.models.todo!;
  await openErd(page, id);
  await whenSaved();
  const before = await saved(id);
  await erd().getByRole("button", { name: "Auto layout" }).click();
  const d = await until(id, (x) => JSON.stringify(x.ui?.erd?.positions) !== JSON.stringify(before.document.ui?.erd?.positions));
  expect(Object.keys(d.ui!.erd!.positions!).sort()).toEqual(d.entities.map((e) => e.name).sort());
  await whenSaved();
  expect((await saved(id)).version).toBe(before.version + 1);
  expect(await page.getByRole("button", { name: /^Undo: Auto layout/ }).count()).toBe(1);
  await shot(page, "editor-erd-layout");
  expect(pageErrors()).toEqual([]);
});

/** The background colour of an exported SVG's drawing (its first element's style). */
const rootBackground = (svg: string) => /background-color: (rgb\([^)]*\))/.exec(svg)?.[1];

async function exported(p: Page, format: "png" | "svg") {
  const wait = p.waitForEvent("download");
  await erd(p)
    .getByRole("button", { name: `Export ${format.toUpperCase()}` })
    .click();
  const download = await wait;
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

test("export the diagram as PNG and as SVG: every type, named after the model, on the theme's background", async () => {
  // Two types far apart, related: with one in view, the other is not drawn on screen.
  const id = await createModel("Far apart", {
    entities: [
      { name: "near", fields: [{ name: "title", type: "text" }] },
      { name: "far", fields: [{ name: "near", type: "reference", entity: "near" }] },
    ],
    relationships: [{ name: "near_far", from: "near", to: "far", kind: "1:n", inverse: "near" }],
    ui: { erd: { positions: { near: { x: 0, y: 0 }, far: { x: 6000, y: 0 } } } },
  });
  await openErd(page, id, "?sel=near");
  expect(await erd().locator(".react-flow__node").count()).toBe(1);
  const png = await exported(page, "png");
  expect(png.name).toBe("Far apart.png");
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // The picture is as wide as the two boxes apart (a PNG's width is bytes 16–19).
  expect(png.bytes.readUInt32BE(16)).toBeGreaterThan(6000);
  const svg = await exported(page, "svg");
  expect(svg.name).toBe("Far apart.svg");
  const text = svg.bytes.toString("utf8");
  expect(text.startsWith("<svg")).toBe(true);
  for (const name of ["near", "far"]) expect(text).toContain(`data-entity="${name}"`);
  expect(text).toContain(">1:n</text>");
  // The light theme's background, and the edges' colours carried into the file (it has no style sheet).
  expect(rootBackground(text)).toBe("rgb(255, 255, 255)");
  expect(text).toContain("--erd-edge: #868e96");

  const dark = await openPage(suite.browser, { colorScheme: "dark", acceptDownloads: true });
  await openErd(dark.page, id);
  const darkSvg = (await exported(dark.page, "svg")).bytes.toString("utf8");
  expect(rootBackground(darkSvg)).toBe("rgb(36, 36, 36)");
  expect(darkSvg).toContain("--erd-edge: #828282");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
  expect(pageErrors()).toEqual([]);
});

test("a link with ?sel= and ?rel= opens with that selection in view", async () => {
  const id = s.models.todo!;
  await openErd(page, id, "?rel=project_tasks");
  await erd().getByTestId("erd-relationship-panel").getByRole("heading", { name: "project_tasks" }).waitFor();
  expect(await edge("rel:project_tasks").getAttribute("class")).toContain("selected");
  await openErd(page, id, "?sel=milestone");
  await erd().getByTestId("erd-entity-panel").waitFor();
  expect(await node("milestone").getAttribute("class")).toContain("selected");
  // "E" opens it in the entity editor.
  await node("milestone").focus();
  await page.keyboard.press("e");
  await page.waitForURL(/\/entities\/milestone$/);
  expect(pageErrors()).toEqual([]);
});

// The binary serves the split build: tests/binary.test.ts checks that Home fetches no xyflow
// code there. (Bun.serve's runtime bundling of the test server does not split.)
test("with code splitting, Home loads no xyflow code: only import() reaches it (the diagram, the workflows)", async () => {
  const out = mkdtempSync(join(tmpdir(), "torque-erd-split-"));
  try {
    const r = await Bun.build({
      entrypoints: [join(import.meta.dir, "..", "..", "web", "editor", "index.html")],
      outdir: out,
      splitting: true,
      target: "browser",
    });
    expect(r.success).toBe(true);
    const js = r.outputs.filter((o) => o.path.endsWith(".js"));
    const entry = js.filter((o) => o.kind === "entry-point");
    const chunks = js.filter((o) => o.kind === "chunk");
    expect(entry.length).toBe(1);
    const entryText = await entry[0]!.text();
    expect(entryText).not.toContain("react-flow__");
    const chunkTexts = await Promise.all(chunks.map(async (c) => ({ name: basename(c.path), text: await c.text() })));
    expect(chunkTexts.some((c) => c.text.includes("react-flow__"))).toBe(true);
    // What Home loads: the entry and the chunks it imports statically, transitively. xyflow
    // (shared by the diagram and the workflows view) is in none of them: only import() reaches it.
    const byName = new Map(chunkTexts.map((c) => [c.name, c.text]));
    const staticImports = (text: string) => [...text.matchAll(/(?:from|import)\s*"\.\/(chunk-[\w-]+\.js)"/g)].map((m) => m[1]!);
    const loaded = new Set<string>();
    const todo = staticImports(entryText);
    while (todo.length) {
      const name = todo.pop()!;
      if (loaded.has(name)) continue;
      loaded.add(name);
      todo.push(...staticImports(byName.get(name) ?? ""));
    }
    for (const name of loaded) expect(byName.get(name)).not.toContain("react-flow__");
    expect(chunkTexts.some((c) => c.text.includes("import(") && !loaded.has(c.name)) || entryText.includes("import(")).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a model of 100 entity types × 30 fields: renders, a node drags, and the move saves", async () => {
  const id = await createModel("Big", bigModel(100, 30));
  await openErd(page, id);
  // Only what is on screen is drawn.
  const drawn = await erd().locator(".react-flow__node").count();
  expect(drawn).toBeGreaterThan(0);
  expect(drawn).toBeLessThan(100);
  // Zoomed out this far, the boxes show their names and field counts, not 30 unreadable rows each.
  expect(await erd().locator(".erd-node-compact").count()).toBe(drawn);
  expect(await erd().locator(".erd-field").count()).toBe(0);
  expect(await erd().locator(".erd-node-compact").first().textContent()).toContain("30 fields");
  await erd().getByRole("button", { name: "Zoom in" }).click();
  await page.waitForTimeout(300);
  const target = erd().locator(".react-flow__node").first();
  const name = (await target.getAttribute("data-id"))!;
  const c = await centre(target);
  const started = Date.now();
  await drag(page, c, { x: c.x + 60, y: c.y + 40 });
  const doc = await until(id, (x) => !!x.ui?.erd?.positions?.[name]);
  // The move pins every type where the user saw it.
  expect(Object.keys(doc.ui!.erd!.positions!).length).toBe(100);
  await whenSaved();
  console.log(`100 × 30: drag and save round trip ${Date.now() - started} ms`);
  // Reopened with the type selected: the view goes to it (a large model does not fit the screen).
  await openErd(page, id, `?sel=${name}`);
  await node(name).waitFor();
  expect(await translate(node(name))).toEqual(doc.ui!.erd!.positions![name]!);
  // Close enough to read: the box has its rows again, at the same size.
  await node(name).locator(".erd-field").first().waitFor();
  expect(await node(name).locator(".erd-field").count()).toBe(30);
  await shot(page, "editor-erd-large");
  expect(pageErrors()).toEqual([]);
});
