// The Model Editor's pages view in a real browser against a real server (the crm app):
// the pages in order with the start page marked, a page added (its name checked as typed)
// with a menu entry, moved by keyboard, made the start page, renamed after a confirmation
// naming the menu entry and the button that open it (both follow), undone, the menu
// relabelled, reordered and trimmed, and a page removed with what goes along. Every step
// is checked in the saved model; axe in light and dark; German strings load on demand.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Model } from "../../src/model/schema";
import { startTestServer, type TestServer } from "../helpers/server";
import { openPage, shot } from "./browser";
import { editorSuite, panelViolations } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["crm"] }));
const { until, modelUrl, pageErrors, whenSaved, dialog, dialogSettled } = suite;
let s: TestServer;
let page: Page;
let id: string;
beforeAll(() => {
  ({ server: s, page } = suite);
  id = s.models.crm!;
});

const list = () => page.getByTestId("page-list");
const names = () =>
  list()
    .locator("[data-page]")
    .evaluateAll((xs) => xs.map((x) => x.getAttribute("data-page")));
const saved = (ok: (d: Model) => boolean) => until(id, ok);
const pagesOf = (d: Model) => (d.pages ?? []).map((p) => p.name);
const button = (d: Model) => d.pages!.find((p) => p.name === "companies")!.components.find((c) => c.id === "to_deals");

async function open(rest = "") {
  await page.goto(modelUrl(id, `/pages${rest}`));
  await list().waitFor();
}

test("the pages in their order with the start page marked; pick one; an unknown one says so", async () => {
  await open();
  await page.getByRole("heading", { name: "Pick a page" }).waitFor();
  expect(await names()).toEqual(["deals", "companies", "contacts"]);
  expect(await list().locator('[data-page="deals"]').textContent()).toContain("start");
  expect(await page.getByTestId("menu-entries").locator("[data-entry]").count()).toBe(3);
  expect(await panelViolations(page, "pages")).toEqual([]);
  await list()
    .getByRole("link", { name: /^companies/ })
    .click();
  await page.getByRole("heading", { name: "Page companies" }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/pages/companies`);
  expect(await page.getByTestId("designer-grid").locator('[data-component="to_deals"]').count()).toBe(1);
  await shot(page, "editor-pages-companies");
  await open("/nope");
  await page.getByRole("heading", { name: "There is no page nope" }).waitFor();
  expect(pageErrors()).toEqual([]);
});

test("add a page: the name is checked as typed; it lands in the menu and opens with focus", async () => {
  await open();
  await page.getByRole("button", { name: "Add page" }).click();
  await dialogSettled();
  const name = dialog().getByLabel("Name");
  await name.fill("Bad Name");
  await dialog().getByText("not a valid name").waitFor();
  await name.fill("deals");
  await dialog().getByText("deals is taken already.").waitFor();
  await dialog().getByRole("button", { name: "Add" }).click();
  // Refused: still open, nothing saved.
  expect(await dialog().count()).toBe(1);
  await name.fill("reports");
  await dialog().getByLabel("Title (optional)").fill("Reports");
  expect(await panelViolations(page, "pages")).toEqual([]);
  await dialog().getByRole("button", { name: "Add" }).click();
  await page.getByRole("heading", { name: "Page reports" }).waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("page-editor-title");
  const d = await saved((x) => pagesOf(x).includes("reports"));
  expect(d.pages!.at(-1)).toEqual({ name: "reports", title: "Reports", components: [] });
  expect(d.navigation!.at(-1)).toEqual({ label: "Reports", page: "reports" });
  await whenSaved();
});

test("move by keyboard, then make it the start page", async () => {
  await open("/reports");
  const up = page.getByRole("button", { name: "Move reports up" });
  await up.focus();
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute("aria-label"));
  for (const order of ["deals,companies,reports,contacts", "deals,reports,companies,contacts", "reports,deals,companies,contacts"]) {
    await page.keyboard.press("Enter");
    await saved((x) => pagesOf(x).join() === order);
    // The keyboard stays on the button that moved the page (at the top, on its twin).
    await page.waitForFunction(
      (want) => document.activeElement?.getAttribute("aria-label") === want,
      order.startsWith("reports") ? "Move reports down" : "Move reports up",
    );
  }
  expect(await focused()).toBe("Move reports down");
  expect(await up.isDisabled()).toBe(true);
  await page.getByRole("button", { name: "Make start page" }).click();
  await saved((x) => x.startPage === "reports");
  await page.getByText("The start page: the app opens here.").waitFor();
  expect(await list().locator('[data-page="reports"]').textContent()).toContain("start");
  await whenSaved();
});

test("rename: the confirmation names the menu entry and the button; both follow; undo brings it back", async () => {
  await open("/deals");
  const name = page.locator('[data-editor="page"] [data-prop="name"] input');
  await name.fill("pipeline");
  await name.press("Enter");
  await dialogSettled();
  const impact = await dialog().getByTestId("impact-list").locator("li").allTextContents();
  expect(impact).toEqual(["menu entry “Deals”", "Button to_deals on page companies, which opens it (action.page)"]);
  expect(await panelViolations(page, "pages")).toEqual([]);
  await shot(page, "editor-pages-rename");
  await dialog().getByRole("button", { name: "Rename" }).click();
  await page.getByRole("heading", { name: "Page pipeline" }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/pages/pipeline`);
  const d = await saved((x) => pagesOf(x).includes("pipeline"));
  expect(d.navigation!.find((n) => n.label === "Deals")!.page).toBe("pipeline");
  expect(button(d)!.props!.action).toEqual({ type: "navigate", page: "pipeline" });
  await whenSaved();
  // Undo from the keyboard (outside a text field): all of it goes back in one step.
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  const back = await saved((x) => pagesOf(x).includes("deals"));
  expect(back.navigation!.find((n) => n.label === "Deals")!.page).toBe("deals");
  expect(button(back)!.props!.action).toEqual({ type: "navigate", page: "deals" });
  // Cancelling a rename puts the name back.
  await open("/deals");
  await name.fill("nope");
  await name.press("Enter");
  await dialog().getByRole("button", { name: "Cancel" }).click();
  await dialog().waitFor({ state: "detached" });
  expect(await name.inputValue()).toBe("deals");
  await whenSaved();
});

test("the menu: relabel, reorder and remove entries, add one; each saved as one change", async () => {
  await open();
  const entries = page.getByTestId("menu-entries");
  const label1 = entries.getByLabel("Label of menu entry 1");
  await label1.fill("Pipeline");
  await label1.press("Enter");
  await saved((x) => x.navigation![0]!.label === "Pipeline");
  await label1.fill("");
  await label1.press("Enter");
  await entries.getByText("Enter a label.").waitFor();
  await label1.press("Escape");
  await entries.getByRole("button", { name: "Move menu entry Pipeline down" }).click();
  await saved((x) => x.navigation![1]!.label === "Pipeline");
  await entries.getByLabel("Page of menu entry 1").selectOption("contacts");
  await saved((x) => x.navigation![0]!.page === "contacts");
  await entries.getByRole("button", { name: "Remove menu entry Reports" }).click();
  await saved((x) => !x.navigation!.some((n) => n.label === "Reports"));
  await page.getByRole("button", { name: "Add menu entry" }).click();
  const d = await saved((x) => x.navigation!.length === 4);
  expect(d.navigation!.at(-1)).toEqual({ label: "Reports", page: "reports" });
  await whenSaved();
  await shot(page, "editor-pages-menu");
});

test("remove a page: the confirmation names what goes; the list, menu and start page follow", async () => {
  await open("/contacts");
  await page.getByRole("button", { name: "Remove page" }).click();
  await dialogSettled();
  expect(await dialog().getByTestId("impact-list").locator("li").allTextContents()).toContain("menu entry “Contacts”");
  await dialog().getByRole("button", { name: "Remove page" }).click();
  await page.getByRole("heading", { name: "Pick a page" }).waitFor();
  const d = await saved((x) => !pagesOf(x).includes("contacts"));
  expect(d.navigation!.some((n) => n.page === "contacts")).toBe(false);
  expect(await names()).toEqual(pagesOf(d));
  await whenSaved();
  expect(pageErrors()).toEqual([]);
});

test("dark theme passes axe; in German the view's strings arrive with it", async () => {
  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  await dark.page.goto(modelUrl(id, "/pages/reports?lang=de"));
  await dark.page.getByRole("heading", { name: "Seite reports" }).waitFor();
  await dark.page.getByRole("heading", { name: "Menü" }).waitFor();
  expect(await dark.page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe("dark");
  expect(await panelViolations(dark.page, "pages")).toEqual([]);
  await shot(dark.page, "editor-pages-dark-de");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
});
