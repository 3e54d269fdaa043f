// The Model Editor's command palette and keyboard shortcut list in a real browser against
// the real server (crm template): Ctrl+K opens the palette with focus in its search, words
// in any order find a field and Enter opens it, Escape closes and focus goes back, arrow
// keys move the highlighted row, undo and redo with what they undo, the theme switch, the
// app window, "?" and the palette's own command open the shortcut list (⌘ on a Mac), a
// model of 100 types × 30 fields stays searchable, axe in light and dark, screenshots.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import { bigModel } from "../../scripts/bench/big-model";
import { ERD_SHORTCUTS } from "../../web/editor/erd/shortcuts";
import { SHORTCUTS } from "../../web/editor/workspace/keys";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, openPage, shot } from "./browser";
import { editorSuite } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["crm"] }));
const { savedModel, createModel, modelUrl, pageErrors, whenSaved, leaveDraft, dialogSettled } = suite;
let s: TestServer;
let page: Page;
beforeAll(() => ({ server: s, page } = suite));

const crm = () => s.models.crm!;
const document_ = (id = crm()) => savedModel(id);

const palette = (p: Page = page) => p.getByRole("dialog", { name: "Command palette" });
const search = (p: Page = page) => palette(p).getByRole("combobox", { name: "Search commands, entity types and fields" });
const option = (name: string | RegExp, p: Page = page) => palette(p).getByRole("option", { name });
const highlighted = (p: Page = page) => palette(p).locator('[role="option"][aria-selected="true"]');
const shortcuts = (p: Page = page) => p.getByRole("dialog", { name: "Keyboard shortcuts" });
const focused = (l: ReturnType<Page["locator"]>) => l.evaluate((e) => e === document.activeElement);

/** axe on the whole page with the palette's dialogs open (checked to be there) and done opening (half faded, they fail contrast). */
async function dialogViolations(p: Page) {
  expect(await p.locator("[data-palette] [role=dialog]").count()).toBeGreaterThan(0);
  await dialogSettled(p);
  return axeViolations(p);
}

/** Open a model's workspace on a tab and wait for its bar. */
async function openModel(p: Page, id: string, rest = "/problems") {
  await p.goto(modelUrl(id, rest));
  await p.getByRole("button", { name: "Command palette" }).waitFor();
}

async function openPalette(p: Page = page) {
  await p.keyboard.press("Control+k");
  await search(p).waitFor();
  // The search has focus at once: typing goes there.
  await p.waitForFunction(() => document.activeElement?.getAttribute("role") === "combobox");
}

/** The palette is gone (its closing animation over) and the workspace has taken its flag back. */
const closed = (p: Page = page) => palette(p).waitFor({ state: "detached" });

test("Ctrl+K opens the palette; words in any order find a field; Escape closes and focus returns; Enter opens the field", async () => {
  await openModel(page, crm());
  const tab = page.getByRole("tab", { name: "Problems" });
  await tab.focus();
  await openPalette();
  expect(await focused(search())).toBe(true);
  await search().fill("stage deal");
  await option("Open field deal.stage").waitFor();
  // The best match is highlighted, and the search says so to assistive technology.
  expect(await highlighted().getAttribute("id")).toBe(await search().getAttribute("aria-activedescendant"));
  expect(await highlighted().textContent()).toContain("Open field deal.stage");
  await shot(page, "editor-palette-search");
  await page.keyboard.press("Escape");
  await closed();
  await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "tab");
  expect(await focused(tab)).toBe(true);

  // Reopened, the palette starts empty; Enter runs the highlighted command.
  await openPalette();
  expect(await search().inputValue()).toBe("");
  await page.keyboard.type("deal stage");
  await option("Open field deal.stage").waitFor();
  await page.keyboard.press("Enter");
  await page.waitForURL(`${modelUrl(crm(), "/entities/deal")}?field=stage`);
  await closed();
  expect(pageErrors()).toEqual([]);
});

test("arrow keys move the highlight; results are grouped, counted and limited; nothing found says so", async () => {
  await openModel(page, crm());
  await page.getByRole("button", { name: "Command palette" }).click();
  await search().waitFor();
  // Empty: the general commands first (Undo is listed but has nothing to undo, so the first runnable one is highlighted).
  const undo = option("Nothing to undo");
  await undo.waitFor();
  expect(await undo.getAttribute("aria-disabled")).toBe("true");
  expect(await highlighted().getAttribute("aria-disabled")).toBeNull();
  for (const g of ["Commands", "Go to", "Entity types"]) expect(await palette().getByRole("group", { name: g }).count()).toBe(1);
  const doc = (await document_()).document;
  const fields = doc.entities.reduce((n: number, e: any) => n + e.fields.length, 0);
  // 2 per entity type (open, show in the diagram), 1 per field, the general commands and the 4 views: all fit.
  const status = palette().getByRole("status");
  const all = Number((await status.textContent())!.match(/^(\d+) matches$/)![1]);
  expect(all).toBeGreaterThan(doc.entities.length * 2 + fields + 4);
  expect(await palette().getByRole("option").count()).toBe(all);

  const first = await highlighted().getAttribute("id");
  await page.keyboard.press("ArrowDown");
  const second = await highlighted().getAttribute("id");
  expect(second).not.toBe(first);
  expect(await search().getAttribute("aria-activedescendant")).toBe(second);
  await page.keyboard.press("ArrowUp");
  expect(await highlighted().getAttribute("id")).toBe(first);

  await search().fill("company");
  await option("Open entity type company").waitFor();
  expect(await status.textContent()).toMatch(/^\d+ match(es)?$/);
  await search().fill("zzz nothing");
  await palette().getByText("No command matches “zzz nothing”.").waitFor();
  expect(await palette().getByRole("option").count()).toBe(0);
  // Enter with nothing to run keeps the palette open.
  await page.keyboard.press("Enter");
  expect(await palette().isVisible()).toBe(true);

  // A click runs a command too.
  await search().fill("history");
  await option("Go to History").click();
  await page.waitForURL(modelUrl(crm(), "/history"));
  await closed();
  expect(pageErrors()).toEqual([]);
});

test("views, the diagram selection, the app window and the way back", async () => {
  await openModel(page, crm());
  await openPalette();
  await page.keyboard.type("show deal diagram");
  await option("Show deal in the diagram").waitFor();
  await page.keyboard.press("Enter");
  await page.waitForURL(`${modelUrl(crm())}?sel=deal`);
  await closed();

  await openPalette();
  await page.keyboard.type("open entity type contact");
  await page.keyboard.press("Enter");
  await page.waitForURL(modelUrl(crm(), "/entities/contact"));
  await closed();

  // The app opens in its named window, as the bar's link does.
  await openPalette();
  await page.keyboard.type("open app");
  await option("Open app crm").waitFor();
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("Enter")]);
  await popup.waitForURL(/\/app\/crm\/$/);
  expect(await popup.evaluate(() => window.name)).toBe("torque-app-crm");
  await popup.close();
  await closed();

  await openPalette();
  await page.keyboard.type("back models");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${s.url}/editor/`);
  await page.getByRole("heading", { name: "Models", level: 1 }).waitFor();
  expect(pageErrors()).toEqual([]);
});

test("undo and redo name what they undo, run from the palette and are saved", async () => {
  const before = await document_();
  const deal = (doc: any) => doc.entities.find((e: any) => e.name === "deal").fields.map((f: any) => f.name);
  expect(deal(before.document)).not.toContain("probability");
  // An edit made in this browser: a local draft, restored when the model opens, is this window's to undo.
  await page.goto(`${s.url}/editor/`);
  await leaveDraft(crm(), {
    baseVersion: before.version,
    actions: [{ label: "Add field deal.probability", edits: [{ op: "addField", entity: "deal", field: { name: "probability", type: "integer" } }] }],
  });
  await openModel(page, crm());
  await whenSaved(before.version + 1);
  expect(deal((await document_()).document)).toContain("probability");

  await openPalette();
  await page.keyboard.type("undo");
  const undo = option("Undo: Add field deal.probability");
  await undo.waitFor();
  expect(await undo.getAttribute("aria-disabled")).toBeNull();
  expect(await undo.textContent()).toContain("Z");
  await page.keyboard.press("Enter");
  await closed();
  await whenSaved(before.version + 2);
  expect(deal((await document_()).document)).not.toContain("probability");

  await openPalette();
  await page.keyboard.type("redo");
  await option("Redo: Add field deal.probability").waitFor();
  await page.keyboard.press("Enter");
  await closed();
  await whenSaved(before.version + 3);
  expect(deal((await document_()).document)).toContain("probability");
  // Redone, the edit can be undone again; nothing is left to redo.
  await openPalette();
  await page.keyboard.type("do");
  await option("Undo: Add field deal.probability").waitFor();
  expect(await option("Nothing to redo").getAttribute("aria-disabled")).toBe("true");
  await page.keyboard.press("Escape");
  await closed();
  expect(pageErrors()).toEqual([]);
});

test("the theme switch; axe with the palette open in light and dark", async () => {
  await openModel(page, crm());
  const scheme = () => page.evaluate(() => document.documentElement.getAttribute("data-mantine-color-scheme"));
  expect(await scheme()).toBe("light");
  await openPalette();
  await page.keyboard.type("o");
  expect(await dialogViolations(page)).toEqual([]);
  await shot(page, "editor-palette-light");
  await search().fill("theme");
  await option("Switch to dark theme").waitFor();
  await page.keyboard.press("Enter");
  await closed();
  expect(await scheme()).toBe("dark");

  await openPalette();
  await page.keyboard.type("o");
  expect(await dialogViolations(page)).toEqual([]);
  await shot(page, "editor-palette-dark");
  await search().fill("theme");
  await option("Switch to light theme").waitFor();
  await page.keyboard.press("Enter");
  await closed();
  expect(await scheme()).toBe("light");
  expect(pageErrors()).toEqual([]);
});

test('"?" opens the keyboard shortcut list with every shortcut, grouped; so does the palette; focus returns', async () => {
  await openModel(page, crm());
  const tab = page.getByRole("tab", { name: "Problems" });
  await tab.focus();
  // "?" typed into a text field stays text.
  await openPalette();
  await page.keyboard.type("?");
  expect(await search().inputValue()).toBe("?");
  expect(await shortcuts().count()).toBe(0);
  await page.keyboard.press("Escape");
  await closed();
  expect(await focused(tab)).toBe(true);

  await page.keyboard.press("?");
  await shortcuts().waitFor();
  const general = shortcuts().getByRole("table", { name: "General" });
  const diagram = shortcuts().getByRole("table", { name: "Diagram" });
  expect(await general.locator("tbody tr").count()).toBe(SHORTCUTS.length);
  expect(await diagram.locator("tbody tr").count()).toBe(ERD_SHORTCUTS.length);
  const palette_ = general.locator("tbody tr", { hasText: "Command palette" });
  expect(await palette_.locator("kbd").allTextContents()).toEqual(["Ctrl", "K"]);
  expect(await general.locator("tbody tr", { hasText: "Redo" }).first().locator("kbd").allTextContents()).toEqual(["Ctrl", "Shift", "Z"]);
  // Every row names what it does.
  for (const cell of await shortcuts().locator("tbody tr td:nth-child(2)").allTextContents()) expect(cell.trim()).not.toBe("");
  expect(await dialogViolations(page)).toEqual([]);
  await shot(page, "editor-palette-shortcuts");
  await page.keyboard.press("Escape");
  await shortcuts().waitFor({ state: "detached" });
  await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "tab");
  expect(await focused(tab)).toBe(true);

  // From the palette: the list opens as the palette closes, and focus still goes back to the tab.
  await openPalette();
  await page.keyboard.type("keyboard shortcuts");
  await option(/^Keyboard shortcuts/).waitFor();
  await page.keyboard.press("Enter");
  await shortcuts().waitFor();
  await closed();
  await shortcuts().getByRole("button").first().waitFor();
  await page.keyboard.press("Escape");
  await shortcuts().waitFor({ state: "detached" });
  await page.waitForFunction(() => document.activeElement?.getAttribute("role") === "tab");
  expect(pageErrors()).toEqual([]);
});

test("on a Mac the shortcut list shows ⌘; in German the keys are named as on German keyboards", async () => {
  const mac = await openPage(suite.browser, { colorScheme: "dark" });
  await mac.page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "platform", { get: () => "MacIntel" });
    Object.defineProperty(Navigator.prototype, "userAgentData", { get: () => ({ platform: "macOS" }) });
  });
  await openModel(mac.page, crm());
  await mac.page.keyboard.press("?");
  await shortcuts(mac.page).waitFor();
  const row = shortcuts(mac.page).getByRole("table", { name: "General" }).locator("tbody tr", { hasText: "Command palette" });
  expect(await row.locator("kbd").first().textContent()).toContain("⌘");
  expect(await dialogViolations(mac.page)).toEqual([]);
  await shot(mac.page, "editor-palette-shortcuts-mac-dark");
  expect(pageErrors(mac)).toEqual([]);
  await mac.close();

  const de = await openPage(suite.browser, { colorScheme: "light", locale: "de-DE" });
  await de.page.goto(modelUrl(crm(), "/problems?lang=de"));
  await de.page.getByRole("button", { name: "Befehlspalette" }).waitFor();
  await de.page.keyboard.press("Control+k");
  const search_ = de.page.getByRole("combobox", { name: "Befehle, Entitätstypen und Felder durchsuchen" });
  await search_.waitFor();
  await search_.fill("deal stage");
  await de.page.getByRole("option", { name: "Feld deal.stage öffnen" }).waitFor();
  await de.page.keyboard.press("Escape");
  await de.page.getByRole("dialog").waitFor({ state: "detached" });
  await de.page.keyboard.press("?");
  const list = de.page.getByRole("dialog", { name: "Tastenkürzel" });
  await list.waitFor();
  expect(await list.getByRole("table", { name: "Allgemein" }).locator("tbody tr").first().locator("kbd").allTextContents()).toEqual(["Strg", "K"]);
  expect(pageErrors(de)).toEqual([]);
  await de.close();
});

test("a model of 100 entity types × 30 fields: typing a query shows its results, limited and counted", async () => {
  const id = await createModel("Big", bigModel(100, 30));
  await openModel(page, id);
  await openPalette();
  const status = palette().getByRole("status");
  await page.keyboard.type("f1");
  // f1 and f10…f19 of every type: many more than are shown.
  await status.getByText("Showing 50 of 1,100 matches; type more to narrow the list.").waitFor();
  expect(await palette().getByRole("option").count()).toBe(50);
  await shot(page, "editor-palette-big");
  await search().fill("");
  await page.keyboard.type("f7 e42");
  await option("Open field e42.f7").waitFor();
  expect(await highlighted().textContent()).toContain("Open field e42.f7");
  await page.keyboard.press("Enter");
  await page.waitForURL(`${modelUrl(id, "/entities/e42")}?field=f7`);
  expect(pageErrors()).toEqual([]);
});
