// The component gallery: every story of every component renders alone without a page
// error, in light and dark, each screenshotted (a visual change shows up in review), and
// axe-core finds no serious or critical violation on the whole gallery in either theme.
// The gallery is off unless the server is started with it.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let off: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"], server: { gallery: true } });
  off = await startTestServer({ apps: ["todo"] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await off?.close();
});

test("without --gallery the gallery is not served", async () => {
  const r = await fetch(`${off.url}/app/_gallery/`);
  expect(r.status).toBe(404);
  expect(await r.text()).toContain("--gallery");
});

const COMPONENTS = ["DataGrid", "Form", "Button", "Text", "Container", "Modal", "DetailView", "Kpi", "Chart", "ImportWizard"];

test("every component type has stories; the whole gallery renders without a page error and passes axe, light and dark", async () => {
  for (const theme of ["light", "dark"]) {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${s.url}/app/_gallery/?theme=${theme}`);
    await page.locator(".gallery-story").first().waitFor();
    await page.waitForLoadState("networkidle");
    const keys = await page.locator(".gallery-story").evaluateAll((els) => els.map((e) => e.getAttribute("data-story")!));
    for (const c of COMPONENTS) expect({ c, stories: keys.filter((k) => k.startsWith(`${c}/`)).length >= 2 }).toEqual({ c, stories: true });
    // Each story's own test file screenshots it alone; this is the whole gallery at a glance.
    await shot(page, `gallery-all-${theme}`);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  }
});
