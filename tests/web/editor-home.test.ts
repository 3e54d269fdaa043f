// The Model Editor's Home in a real browser against an empty server: the empty state,
// creating models (blank and from a template), an app with a refused then a good slug,
// importing a legacy Torque file, export, delete with its confirmation, dark theme and
// language, axe in both themes, and screenshots for review.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, shot } from "./browser";
import { editorSuite } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const LEGACY = join(import.meta.dir, "..", "fixtures", "torque-rust-samples", "customer-order.json");

const suite = editorSuite(() => startTestServer({ apps: [] }), { page: { acceptDownloads: true } });
const { pageErrors, dialog } = suite;
let s: TestServer;
let page: Page;
beforeAll(() => ({ server: s, page } = suite));

const card = (name: string): Locator => page.locator(`section[data-model="${name}"]`);

async function createModel(name: string, template?: string) {
  await page.getByRole("button", { name: "Create model" }).first().click();
  await dialog().getByLabel("Name").fill(name);
  if (template) await dialog().getByRole("radio", { name: template }).check();
  await dialog().getByRole("button", { name: "Create", exact: true }).click();
  await card(name).waitFor();
  await dialog().waitFor({ state: "detached" });
}

test("a fresh server shows the call to create or import", async () => {
  await page.goto(`${s.url}/editor/`);
  const empty = page.getByTestId("empty-state");
  await empty.getByText("No models yet").waitFor();
  expect(await empty.getByRole("button", { name: "Create model" }).isVisible()).toBe(true);
  expect(await empty.getByRole("button", { name: "Import model" }).isVisible()).toBe(true);
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-home-empty");
  expect(pageErrors()).toEqual([]);
});

test("create a blank model and one from the crm template", async () => {
  // An empty name stays in the dialog with the problem at the field.
  await page.getByRole("button", { name: "Create model" }).first().click();
  await dialog().getByRole("button", { name: "Create", exact: true }).click();
  await dialog().getByText("Give the model a name.").waitFor();
  await dialog().getByRole("button", { name: "Cancel" }).click();
  await dialog().waitFor({ state: "detached" });
  // Focus is back on the button that opened the dialog.
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Create model");

  await createModel("TODO List");
  expect(await card("TODO List").textContent()).toContain("0 entity types");
  await createModel("Sales", "crm");
  const text = await card("Sales").textContent();
  expect(text).toContain("Version 1");
  expect(text).not.toContain("0 entity types");
  expect(text).toContain("No app runs this model yet.");
  expect(pageErrors()).toEqual([]);
});

test("create an app: the server's refusal at the slug field, then the app with its record count and link", async () => {
  await card("Sales").getByRole("button", { name: "Create app" }).click();
  const slug = dialog().getByLabel("App address (slug)");
  // The browser refuses what cannot be a slug before asking.
  await slug.fill("Bad Slug");
  await dialog().getByRole("button", { name: "Create app" }).click();
  await dialog().getByText("Use lowercase letters").waitFor();
  // "bad-" passes the browser's check; the server refuses a trailing hyphen and says so at the field.
  await slug.fill("bad-");
  await dialog().getByRole("button", { name: "Create app" }).click();
  await dialog().getByText('slug "bad-" must be').waitFor();
  expect(await slug.getAttribute("aria-invalid")).toBe("true");
  expect(await slug.inputValue()).toBe("bad-");
  await shot(page, "editor-home-slug-error");
  await slug.fill("sales");
  await dialog().getByRole("button", { name: "Create app" }).click();
  const app = card("Sales").locator('li[data-app="sales"]');
  await app.waitFor();
  expect(await app.textContent()).toContain("0 records");
  expect(await app.getByRole("link").getAttribute("href")).toBe("/app/sales/");
  expect(pageErrors()).toEqual([]);
});

test("import a file of the original Torque: the report, then its app in the list", async () => {
  await page.getByRole("button", { name: "Import model" }).click();
  await dialog().locator('input[type="file"]').setInputFiles(LEGACY);
  await dialog().getByText("Chosen: customer-order.json").waitFor();
  await dialog().getByRole("button", { name: "Import", exact: true }).click();
  const report = dialog().getByTestId("import-report");
  await report.waitFor();
  const text = (await report.textContent()) ?? "";
  expect(text).toContain("Imported Customer Order Management");
  expect(text).toContain("original Torque (converted)");
  expect(text).toContain("App customer-order-management was created.");
  expect(await report.getByRole("row").count()).toBeGreaterThan(0);
  await shot(page, "editor-home-import-report");
  await dialog().getByRole("button", { name: "Done" }).click();
  await dialog().waitFor({ state: "detached" });
  const app = card("Customer Order Management").locator('li[data-app="customer-order-management"]');
  await app.waitFor();
  expect(await app.textContent()).not.toContain(" 0 records");
  expect(pageErrors()).toEqual([]);
});

test("export downloads the model as <name>.json", async () => {
  const [download] = await Promise.all([page.waitForEvent("download"), card("Sales").getByRole("button", { name: "Export" }).click()]);
  expect(download.suggestedFilename()).toBe("Sales.json");
  const doc = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(doc.name).toBe("Sales");
  expect(doc.entities.length).toBeGreaterThan(0);
});

test("delete names the apps and their records, asks for the name when there is data, then removes", async () => {
  const name = "Customer Order Management";
  await card(name).getByRole("button", { name: "Delete" }).click();
  const text = (await dialog().textContent()) ?? "";
  expect(text).toContain("/app/customer-order-management/");
  expect(text).toMatch(/\d+ records/);
  const confirm = dialog().getByRole("button", { name: "Delete model" });
  expect(await confirm.isDisabled()).toBe(true);
  await dialog().getByLabel(`Type ${name} to confirm`).fill(name);
  await shot(page, "editor-home-delete");
  await confirm.click();
  await card(name).waitFor({ state: "detached" });
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
  expect((await s.services.apps.list()).map((a) => a.slug)).toEqual(["sales"]);

  // A model without records is deleted without typing its name.
  await card("TODO List").getByRole("button", { name: "Delete" }).click();
  await dialog().getByRole("button", { name: "Delete model" }).click();
  await card("TODO List").waitFor({ state: "detached" });
  // The dialog fades out after the card is gone; axe in the next test must not see it half transparent.
  await dialog().waitFor({ state: "detached" });
  expect(pageErrors()).toEqual([]);
});

test("light home passes axe; dark theme is remembered and passes axe; German", async () => {
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-home-light");
  await page.getByRole("button", { name: "Switch to dark theme" }).click();
  await page.reload();
  await card("Sales").waitFor();
  expect(await page.evaluate(() => document.documentElement.dataset.mantineColorScheme)).toBe("dark");
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-home-dark");
  await page.getByLabel("Language").selectOption("de");
  await page.getByRole("heading", { name: "Modelle", level: 1 }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe("de");
  expect(await card("Sales").getByRole("button", { name: "App anlegen" }).isVisible()).toBe(true);
  await page.getByLabel("Sprache").selectOption("en");
  expect(pageErrors()).toEqual([]);
});

test("a model's name opens its workspace, with its diagram and a link to its app", async () => {
  await card("Sales").getByRole("link", { name: "Sales", exact: true }).click();
  await page.getByRole("heading", { name: "Sales", exact: true }).waitFor();
  expect(new URL(page.url()).pathname).toMatch(/^\/editor\/models\/[^/]+$/);
  await page.getByTestId("erd").locator(".react-flow__node").first().waitFor();
  expect(await page.getByRole("link", { name: "Open app" }).getAttribute("href")).toBe("/app/sales/");
  await page.goBack();
  await card("Sales").waitFor();
  expect(pageErrors()).toEqual([]);
});
