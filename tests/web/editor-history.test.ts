// The Model Editor's history and problems views in a real browser against a real server:
// versions made through GraphQL editModel are listed with their notes; the diff between
// two versions reads option by option; ?from=&to= survive a reload; a rollback to version 1
// saves its content as a new version and the editor shows it at once. The problems view
// lists the server's refusal of a restored draft with a link to the exact control, and
// rollback is refused while that draft is unsaved. axe in light and dark.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { ModelEdit } from "../../src/model/edit";
import { renameField } from "../../web/editor/state/actions";
import type { Draft } from "../../web/editor/state/draft";
import { startTestServer, type TestServer } from "../helpers/server";
import { openPage, shot } from "./browser";
import { editorSuite, panelViolations } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["todo"] }));
const { gql, savedModel, editModel, modelUrl, pageErrors, leaveDraft } = suite;
let s: TestServer;
let page: Page;
let id: string;
beforeAll(() => {
  ({ server: s, page } = suite);
  id = s.models.todo!;
});

const documentOf = (version?: number) => savedModel(id, version);
/** A version made through GraphQL editModel, with its note; its number. */
const edit = (note: string, edits: ModelEdit[]) => editModel(id, edits, note);
const versionCount = async () =>
  (await gql<{ modelVersions: unknown[] }>("query ($id: ID!) { modelVersions(id: $id) { version } }", { id })).modelVersions.length;

const historyUrl = (query = "") => modelUrl(id, `/history${query}`);
const rows = (p: Page = page) => p.getByTestId("versions").locator("tbody tr");
/** Each line of the diff as "<sign> <text>", its own text only (not the lines nested under it); the text starts with the sign's word for screen readers. */
const diffLines = (p: Page = page) =>
  p
    .getByTestId("diff")
    .getByTestId("diff-line")
    .evaluateAll((lis) =>
      lis.map((li) => {
        const own = li.cloneNode(true) as HTMLElement;
        for (const x of own.querySelectorAll(":scope > ul, :scope > .history-sign")) x.remove();
        return `${li.querySelector(":scope > .history-sign")?.textContent} ${own.textContent?.replace(/\s+/g, " ").trim()}`;
      }),
    );
/** A problem as it reads: its place, then the message on the next line. */
const problemTexts = (p: Page) => p.getByTestId("problem").evaluateAll((lis) => lis.map((li) => (li.textContent ?? "").replace(/\s+/g, " ").trim()));

async function waitForDiff(p: Page, from: number, to: number) {
  await p
    .getByTestId("diff-title")
    .filter({ hasText: `Changes from version ${from} to version ${to}` })
    .waitFor();
  await p.getByTestId("diff").or(p.getByTestId("diff-identical")).waitFor();
}

test("versions made through GraphQL are listed newest first with their notes; the diff reads option by option", async () => {
  expect(await edit("Add field task.label", [{ op: "addField", entity: "task", field: { name: "label", type: "text", maxLength: 40 } }])).toBe(2);
  expect(
    await edit("Change field task.status", [
      { op: "updateField", entity: "task", name: "status", patch: { values: ["open", "doing", "done", "archived"], required: true } },
    ]),
  ).toBe(3);
  expect(await edit("Move field task.notes", [{ op: "moveField", entity: "task", name: "notes", to: 0 }])).toBe(4);
  const rename = renameField((await documentOf()).document, "task", "due", "due_date");
  expect(await edit(rename.label, rename.edits)).toBe(5);

  await page.goto(historyUrl());
  await rows().first().waitFor();
  expect(await rows().count()).toBe(5);
  const versions = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-version")));
  expect(versions).toEqual(["5", "4", "3", "2", "1"]);
  const table = await page.getByTestId("versions").textContent();
  for (const note of ["Add field task.label", "Change field task.status", "Move field task.notes", "Rename field task.due to due_date", "created"])
    expect(table).toContain(note);
  // Dates in the editor's language, not the server's ISO stamps.
  expect(table).not.toMatch(/\d{4}-\d{2}-\d{2}T/);

  // By default: the one before the newest against the newest (the rename).
  await waitForDiff(page, 4, 5);
  const rename45 = await diffLines();
  expect(rename45).toEqual(expect.arrayContaining(["+ added: field due_date (date)", "− removed: field due (date)"]));
  // The rename carried the name into the index and the grid, and the diff says so.
  expect(rename45.join("\n")).toContain('indexes: "status+due" → "status+due_date"');
  const grid = rename45.indexOf("~ changed: component grid (DataGrid)");
  expect(rename45[grid + 1]).toBe("~ changed: settings: columns, sort");

  // A version's own changes, from its row; the comparison heading takes the focus.
  await page.getByRole("button", { name: "Show the changes of version 3" }).click();
  await waitForDiff(page, 2, 3);
  expect(new URL(page.url()).search).toBe("?from=2&to=3");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("diff-title");
  const status = await diffLines();
  expect(status).toContain('~ changed: values: "open, doing, done" → "open, doing, done, archived"');
  expect(status).toContain("~ changed: required: no → yes");
  expect(await page.getByTestId("diff").getByText("Entity types", { exact: true }).count()).toBe(1);
  expect(await panelViolations(page, "history")).toEqual([]);
  await shot(page, "editor-history");
  expect(pageErrors()).toEqual([]);
});

test("any two versions: ?from=&to= survive a reload, a version the model lacks is said, the same version twice is identical", async () => {
  await page.goto(historyUrl("?from=1&to=4"));
  await waitForDiff(page, 1, 4);
  const lines = await diffLines();
  expect(lines).toContain("+ added: field label (text) — maxLength: 40");
  expect(lines).toContain('~ changed: values: "open, doing, done" → "open, doing, done, archived"');
  expect(lines).toContain("~ changed: field order: notes moved; now notes, title, status, priority, due, done_at, project");
  expect(await page.getByRole("combobox", { name: "From version" }).inputValue()).toMatch(/^Version 1 · /);
  expect(await page.getByRole("combobox", { name: "To version" }).inputValue()).toMatch(/^Version 4 · /);
  await page.reload();
  await waitForDiff(page, 1, 4);
  expect(new URL(page.url()).search).toBe("?from=1&to=4");
  expect(await diffLines()).toEqual(lines);

  // Choosing in the select with the keyboard alone changes the address.
  await page.getByRole("combobox", { name: "To version" }).focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Version 2 ");
  await page.getByRole("option", { name: /^Version 2 · / }).waitFor();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await waitForDiff(page, 1, 2);
  expect(new URL(page.url()).search).toBe("?from=1&to=2");
  expect(await diffLines()).toEqual(["~ changed: entity type task", "+ added: field label (text) — maxLength: 40"]);

  await page.goto(historyUrl("?from=99&to=3"));
  await waitForDiff(page, 4, 3);
  expect(await page.getByTestId("compare-bad").textContent()).toBe(
    'The address asks for version "99", which this model does not have; version 4 is shown instead.',
  );

  await page.goto(historyUrl("?from=3&to=3"));
  await waitForDiff(page, 3, 3);
  expect(await page.getByTestId("diff-identical").textContent()).toBe("Versions 3 and 3 have the same content.");
  expect(pageErrors()).toEqual([]);
});

test("roll back to version 1: its content becomes a new version, shown in the editor at once", async () => {
  await page.goto(historyUrl());
  await rows().first().waitFor();
  expect(await page.getByTestId("save-status").textContent()).toContain("version 5");
  // The newest version is the current one: nothing to roll back to.
  expect(
    await rows()
      .first()
      .getByRole("button", { name: /Roll back/ })
      .count(),
  ).toBe(0);
  await page.getByRole("button", { name: "Roll back to version 1" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("Version 1's content is saved as a new version, version 6. Nothing is deleted").waitFor();
  expect(await dialog.textContent()).toContain("Apps running this model use it at once.");
  expect(await panelViolations(page, "history")).toEqual([]);
  await shot(page, "editor-history-rollback");
  // Cancel changes nothing.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
  expect(await versionCount()).toBe(5);

  await page.getByRole("button", { name: "Roll back to version 1" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back to version 1" }).click();
  await page.getByText("Version 1 was restored as version 6.").waitFor();
  await page.getByTestId("save-status").filter({ hasText: "version 6" }).waitFor();

  const now = await documentOf();
  const v1 = await documentOf(1);
  expect(now.version).toBe(6);
  expect({ ...now.document, version: undefined }).toEqual({ ...v1.document, version: undefined });
  expect(await versionCount()).toBe(6);
  // The list grows by one (refetched when the editor's saved version moved) and compares 5 → 6.
  await rows().filter({ hasText: "rollback to version 1" }).waitFor();
  expect(await rows().count()).toBe(6);
  await waitForDiff(page, 5, 6);
  expect(await diffLines()).toEqual(expect.arrayContaining(["− removed: field label (text)", "+ added: field due (date)"]));
  expect(pageErrors()).toEqual([]);
});

test("problems: a restored draft the server refuses is listed at its place, with a link (Enter) to the field's control; rollback waits", async () => {
  const own = await openPage(suite.browser, { colorScheme: "light" });
  const p = own.page;
  // Nothing unsaved: no problems, and which version is saved.
  await p.goto(modelUrl(id, "/problems"));
  await p.getByRole("heading", { name: "Problems (0)" }).waitFor();
  await p.getByText("The model has no problems. Version 6 is saved.").waitFor();

  // A draft left by an earlier visit: a reference to a type that does not exist.
  const draft: Draft = {
    baseVersion: 6,
    actions: [{ label: "Add field task.owner", edits: [{ op: "addField", entity: "task", field: { name: "owner", type: "reference", entity: "person" } }] }],
  };
  await leaveDraft(id, draft, p);
  await p.reload();
  await p.getByRole("heading", { name: "Problems (1)" }).waitFor();
  const problem = p.getByTestId("problem");
  expect(await problemTexts(p)).toEqual(['entity type task › , field owner › , entity field task.owner refers to entity type "person", which does not exist']);
  expect(await p.getByRole("region", { name: "Problems with entity type task" }).count()).toBe(1);
  expect(await p.getByText("Unsaved changes: Add field task.owner").count()).toBe(1);
  const link = problem.getByRole("link");
  expect(await link.getAttribute("href")).toBe(`/editor/models/${id}/entities/task?field=owner&prop=entity`);
  expect(await panelViolations(p, "problems")).toEqual([]);
  await shot(p, "editor-problems");

  // Nothing was saved.
  expect(await versionCount()).toBe(6);

  // Rollback is refused, with the reason, while the change is unsaved.
  await p.getByRole("tab", { name: "History" }).click();
  await p.getByTestId("rollback-blocked").waitFor();
  expect(await p.getByTestId("rollback-blocked").textContent()).toContain("(Add field task.owner)");
  const roll = p.getByRole("button", { name: "Roll back to version 1" });
  expect(await roll.isDisabled()).toBe(true);
  expect(await roll.getAttribute("aria-describedby")).toBe(await p.getByTestId("rollback-blocked").getAttribute("id"));

  // Back to the problems: the link opens with Enter.
  await p.getByRole("tab", { name: /Problems/ }).click();
  await link.focus();
  await p.keyboard.press("Enter");
  await p.waitForURL((u) => u.pathname.endsWith("/entities/task"));
  expect(new URL(p.url()).search).toBe("?field=owner&prop=entity");
  expect(pageErrors(own)).toEqual([]);
  await own.close();
});

test("problems in a relationship and a page component, each linking to what fixes it; dark theme axe on both views", async () => {
  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  const p = dark.page;
  await p.goto(`${s.url}/editor/`);
  // Broken in several places at once: a component naming a type that is not there, a relationship to nowhere.
  const draft: Draft = {
    baseVersion: 6,
    actions: [
      {
        label: "Break the grid",
        edits: [{ op: "updateComponent", page: "projects", id: "grid", patch: { props: { entity: "project", columns: ["name", "budget"] } } }],
      },
      { label: "Break a relationship", edits: [{ op: "updateRelationship", name: "project_tasks", patch: { inverse: "owner_project" } }] },
    ],
  };
  await leaveDraft(id, draft, p);
  await p.goto(modelUrl(id, "/problems"));
  await p.getByRole("heading", { name: "Problems (2)" }).waitFor();
  const texts = (await problemTexts(p)).map((t) => t.replace(/ › , /g, " › "));
  expect(texts).toEqual([
    'relationship project_tasks › inverse relationship project_tasks: task has no field "owner_project"',
    'page projects › component grid › columns 1 DataGrid grid names field "budget", which project does not have Opens entity type project, which it names.',
  ]);
  const hrefs = await p.getByTestId("problem").evaluateAll((lis) => lis.map((li) => li.querySelector("a")?.getAttribute("href") ?? null));
  expect(hrefs).toEqual([`/editor/models/${id}?rel=project_tasks`, `/editor/models/${id}/entities/project`]);
  expect(await panelViolations(p, "problems")).toEqual([]);
  await shot(p, "editor-problems-dark");

  await p.goto(historyUrl("?from=1&to=5"));
  await waitForDiff(p, 1, 5);
  expect(await panelViolations(p, "history")).toEqual([]);
  await shot(p, "editor-history-dark");
  // In German: the words, the dates and the values.
  await p.goto(historyUrl("?from=2&to=3&lang=de"));
  await p.getByTestId("diff-title").filter({ hasText: "Änderungen von Version 2 bis Version 3" }).waitFor();
  expect(await diffLines(p)).toContain("~ geändert: required: nein → ja");
  expect(await p.getByTestId("rollback-blocked").textContent()).toContain("Zurücksetzen ist nicht möglich");
  await shot(p, "editor-history-dark-de");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
});
