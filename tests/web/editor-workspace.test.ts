// The Model Editor's workspace and edit pipeline in a real browser against the real server:
// tabs in the URL, a local draft restored after a reload and saved, a refused save kept
// with its problems, offline saving with retry, undo/redo from the keyboard, versions
// arriving from outside (GraphQL) shown live, a conflict offered both ways, and an open app
// window following a model saved in the editor.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { ModelEdit } from "../../src/model/edit";
import type { Draft } from "../../web/editor/state/draft";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, openPage, shot } from "./browser";
import { draftKey, editorSuite } from "./editor-kit";

setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["todo"] }));
const { savedModel, editModel, modelUrl, pageErrors, saveStatus, whenSaved, leaveDraft } = suite;
let s: TestServer;
let page: Page;
beforeAll(() => ({ server: s, page } = suite));

const id = () => s.models.todo!;
const current = () => savedModel(id());
const edit = (edits: ModelEdit[]) => editModel(id(), edits);
const task = (doc: any) => doc.entities.find((e: any) => e.name === "task");

/** Open the model with unsaved actions in its local draft, as a reload after an offline edit would. */
async function openWithDraft(p: Page, actions: Draft["actions"], tab = "") {
  const base = (await current()).version;
  await p.goto(`${s.url}/editor/`);
  await leaveDraft(id(), { baseVersion: base, actions }, p);
  await p.goto(modelUrl(id(), tab));
}

test("tabs live in the URL: switching, reload and Back", async () => {
  await page.goto(modelUrl(id()));
  await whenSaved((await current()).version);
  await page.getByRole("tab", { name: "Diagram" }).waitFor();
  expect(await page.getByRole("tab", { name: "Diagram" }).getAttribute("aria-selected")).toBe("true");
  await page.getByRole("tab", { name: "History" }).click();
  await page.waitForURL(/\/history$/);
  await page.reload();
  expect(await page.getByRole("tab", { name: "History" }).getAttribute("aria-selected")).toBe("true");
  await page.goBack();
  await page.waitForURL(new RegExp(`/models/${id()}$`));
  await page.getByRole("tab", { name: "Problems" }).focus();
  await page.keyboard.press("ArrowRight");
  expect(await page.getByRole("tab", { name: "History" }).evaluate((e) => e === document.activeElement)).toBe(true);
  expect(pageErrors()).toEqual([]);
});

test("a draft left by a reload is restored and saved; undo and redo from the keyboard are saved too", async () => {
  const v = (await current()).version;
  await openWithDraft(
    page,
    [{ label: "Add field task.label", edits: [{ op: "addField", entity: "task", field: { name: "label", type: "text", required: true } }] }],
    "/history",
  );
  await page.getByText("1 unsaved change from your last visit was restored.").waitFor();
  await whenSaved(v + 1);
  expect(task((await current()).document).fields.map((f: any) => f.name)).toContain("label");
  await shot(page, "editor-workspace-restored");

  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await whenSaved(v + 2);
  expect(task((await current()).document).fields.map((f: any) => f.name)).not.toContain("label");
  await page.keyboard.press("Control+Shift+z");
  await whenSaved(v + 3);
  expect(task((await current()).document).fields.map((f: any) => f.name)).toContain("label");
  const undo = page.getByRole("button", { name: "Undo: Add field task.label" });
  await undo.click();
  await whenSaved(v + 4);
  await page.getByRole("button", { name: "Redo: Add field task.label" }).click();
  await whenSaved(v + 5);
  expect(pageErrors()).toEqual([]);
});

test("a refused save keeps the edits, counts the problems on the tab and names them", async () => {
  const v = (await current()).version;
  await openWithDraft(page, [{ label: "broken", edits: [{ op: "addField", entity: "task", field: { name: "owner", type: "reference", entity: "person" } }] }]);
  await saveStatus("invalid").waitFor();
  await page.getByText("Not saved: 1 problem").waitFor();
  expect(await page.getByRole("tab", { name: /Problems/ }).textContent()).toContain("1");
  expect((await current()).version).toBe(v);
  await shot(page, "editor-workspace-invalid");
  // Still kept after another reload.
  await page.reload();
  await page.getByText("Not saved: 1 problem").waitFor();
  // Undo of the broken action leaves nothing to save, and no version is made.
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await whenSaved(v);
  expect((await current()).version).toBe(v);
  expect(pageErrors()).toEqual([]);
});

test("offline: the edits wait, survive a reload, and are saved when the server answers again", async () => {
  const v = (await current()).version;
  await page.route("**/graphql", (route) =>
    route.request().method() === "POST" && /editModel/.test(route.request().postData() ?? "") ? route.abort() : route.continue(),
  );
  await openWithDraft(page, [{ label: "describe", edits: [{ op: "setProperties", patch: { description: "offline edit" } }] }]);
  await saveStatus("offline").waitFor();
  await shot(page, "editor-workspace-offline");
  await page.reload();
  await saveStatus("offline").waitFor();
  await page.unroute("**/graphql");
  await page.getByRole("button", { name: "Save now" }).click();
  await whenSaved(v + 1);
  expect((await current()).document.description).toBe("offline edit");
});

test("a version saved elsewhere arrives live", async () => {
  await page.goto(modelUrl(id()));
  const v = (await current()).version;
  await whenSaved(v);
  await edit([{ op: "setProperties", patch: { name: "Todo renamed outside" } }]);
  await page.getByRole("heading", { name: "Todo renamed outside" }).waitFor();
  await page.getByText(`Version ${v + 1} arrived from elsewhere and is shown.`).waitFor();
  await whenSaved(v + 1);
  await edit([{ op: "setProperties", patch: { name: "Todo" } }]);
  await page.getByRole("heading", { name: "Todo", exact: true }).waitFor();
});

test("unsaved edits on other things are replayed on an arriving version", async () => {
  await page.route("**/graphql", (route) => (/editModel/.test(route.request().postData() ?? "") ? route.abort() : route.continue()));
  await openWithDraft(page, [{ label: "mine", edits: [{ op: "updateField", entity: "task", name: "title", patch: { help: "mine" } }] }]);
  await saveStatus("offline").waitFor();
  await edit([{ op: "updateField", entity: "task", name: "notes", patch: { help: "theirs" } }]);
  const v = (await current()).version;
  await page.getByText(`Version ${v} arrived from elsewhere and is shown.`).waitFor();
  await page.unroute("**/graphql");
  await page.getByRole("button", { name: "Save now" }).click();
  await whenSaved(v + 1);
  const fields = task((await current()).document).fields;
  expect(fields.find((f: any) => f.name === "title").help).toBe("mine");
  expect(fields.find((f: any) => f.name === "notes").help).toBe("theirs");
});

for (const choice of ["mine", "theirs"] as const)
  test(`a conflict on the same field asks, and '${choice}' is kept`, async () => {
    await page.route("**/graphql", (route) => (/editModel/.test(route.request().postData() ?? "") ? route.abort() : route.continue()));
    await openWithDraft(page, [
      { label: "Change field task.title", edits: [{ op: "updateField", entity: "task", name: "title", patch: { label: `Mine ${choice}` } }] },
    ]);
    await saveStatus("offline").waitFor();
    await edit([{ op: "updateField", entity: "task", name: "title", patch: { label: `Theirs ${choice}` } }]);
    const v = (await current()).version;
    const dialog = page.getByRole("dialog", { name: "This model was changed elsewhere" });
    await dialog.waitFor();
    expect(await dialog.getByTestId("conflict-items").textContent()).toContain("Field task.title");
    expect(await dialog.textContent()).toContain("Change field task.title");
    await shot(page, `editor-workspace-conflict-${choice}`);
    if (choice === "mine") expect(await axeViolations(page)).toEqual([]);
    await page.unroute("**/graphql");
    await dialog
      .getByRole("button", { name: choice === "mine" ? `Keep my changes (apply them over version ${v})` : `Discard my changes (use version ${v})` })
      .click();
    await whenSaved(choice === "mine" ? v + 1 : v);
    const title = task((await current()).document).fields.find((f: any) => f.name === "title");
    expect(title.label).toBe(choice === "mine" ? "Mine mine" : "Theirs theirs");
    expect(await page.evaluate((k) => localStorage.getItem(k), draftKey(id()))).toBeNull();
  });

test("an open app window follows a model saved in the editor, without a reload", async () => {
  const app = await openPage(suite.browser, { colorScheme: "light" });
  await app.page.goto(`${s.url}/app/todo/`);
  const nav = app.page.getByRole("navigation");
  await nav.getByRole("link").first().waitFor();
  const { version, document } = await current();
  const navigation = document.navigation as { label: string; page: string }[];
  await openWithDraft(page, [
    { label: "Rename menu", edits: [{ op: "setProperties", patch: { navigation: navigation.map((n, i) => (i ? n : { ...n, label: "Everything to do" })) } }] },
  ]);
  await whenSaved(version + 1);
  await nav.getByRole("link", { name: "Everything to do" }).waitFor();
  expect(pageErrors(app)).toEqual([]);
  await app.close();
});

test("the workspace passes axe in light and dark", async () => {
  await page.goto(modelUrl(id(), "/history"));
  await whenSaved((await current()).version);
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-workspace-light");
  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  await dark.page.goto(modelUrl(id(), "/history"));
  await saveStatus("saved", dark.page).waitFor();
  expect(await axeViolations(dark.page)).toEqual([]);
  await shot(dark.page, "editor-workspace-dark");
  await dark.close();
});
