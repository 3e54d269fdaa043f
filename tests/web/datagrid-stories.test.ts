// The DataGrid's gallery states against the fixtures (no data to seed): each renders and
// says what it is, axe finds nothing, light and dark screenshots; a million fixture rows
// scrolled to the end by keyboard; an edit refused with the server's message.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, storyUrl, type TestPage } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let browser: Browser;
let tp: TestPage;
let page: Page;

beforeAll(async () => {
  s = await startTestServer({ apps: [], server: { gallery: true } });
  browser = await launchBrowser();
  tp = await openPage(browser);
  page = tp.page;
});

afterAll(async () => {
  await tp?.close();
  await browser?.close();
  await s?.close();
});

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 6000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(60);
  }
}

const domRows = () =>
  page.$$eval(".dg-body [role=row][data-id]", (rows) =>
    rows.map((r) => ({
      index: Number(r.getAttribute("data-index")),
      title: r.querySelector("[data-field=title]")?.textContent ?? "",
    })),
  );

describe("DataGrid gallery stories", () => {
  const story = async (name: string, dark = false) => {
    await page.goto(storyUrl(s.url, `DataGrid/${name}`, dark ? "dark" : undefined));
    await page.waitForSelector(".dg, .error-box");
  };
  const loaded = () => page.waitForSelector(".dg-count:not(:has-text('Loading'))");

  test("every state renders and says what it is; axe finds nothing", async () => {
    const states: [string, () => Promise<unknown>, boolean?][] = [
      ["default", loaded, true],
      ["every field type", loaded],
      ["filtered by the model", loaded],
      ["read only", loaded],
      ["projects", loaded],
      ["open record", () => page.waitForSelector(".dg-brow.open")],
      ["empty", () => page.getByText("No tasks yet").waitFor(), true],
      ["loading", async () => expect(await page.locator(".dg-body [role=row][aria-busy=true]").count()).toBeGreaterThan(3), true],
      ["error", () => page.getByText("The database is busy; try again in a moment.").waitFor(), true],
      ["unknown entity", async () => expect(await page.locator(".error-box").textContent()).toContain('Unknown entity type "invoice"'), true],
      ["unknown field", async () => expect(await page.locator(".error-box").textContent()).toContain('Task has no field "colour"')],
      ["unknown sort field", async () => expect(await page.locator(".error-box").textContent()).toContain('Task has no field "size"')],
    ];
    for (const [name, check, axe] of states) {
      await story(name);
      await check();
      await shot(page, `datagrid-story-${name}`);
      if (axe) expect({ name, v: await axeViolations(page) }).toEqual({ name, v: [] });
    }
    for (const name of ["default", "empty"]) {
      await story(name, true);
      await loaded();
      await shot(page, `datagrid-story-${name}-dark`);
    }
    expect(tp.errors).toEqual([]);
  });

  test("columns resize by dragging or by arrow keys on the edge, and keep their width", async () => {
    await story("default");
    await loaded();
    const width = () => page.locator(".dg-head-row [role=columnheader]", { hasText: "Status" }).evaluate((el) => el.getBoundingClientRect().width);
    const before = await width();
    const handle = page.getByRole("separator", { name: "Resize column Status" });
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 80, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    expect(Math.round((await width()) - before)).toBe(Math.round(80 - box.width / 2));
    await handle.focus();
    const dragged = await width();
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    expect(Math.round(dragged - (await width()))).toBe(32);
    expect(await handle.getAttribute("aria-valuenow")).toBe(String(Math.round(await width())));
    // Body cells follow the header.
    const cell = await page.locator(".dg-body [role=row][data-index='0'] [data-field=status]").evaluate((el) => el.getBoundingClientRect().width);
    expect(Math.round(cell)).toBe(Math.round(await width()));
    const kept = await width();
    await story("default");
    await loaded();
    expect(await width()).toBe(kept);
    await page.evaluate(() => localStorage.clear());
  });

  test("a date range filter in its popover", async () => {
    await story("default");
    await loaded();
    await page.getByRole("button", { name: "Filter Due: Any date" }).click();
    const panel = page.getByRole("group", { name: "Filter Due" });
    await panel.getByLabel("From").fill("2026-06-10");
    await panel.getByLabel("To").fill("2026-06-20");
    await page.getByText("11 records").waitFor();
    await shot(page, "datagrid-story-date-filter");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("button", { name: /^Filter Due:/ }).textContent()).toContain("Jun 10, 2026 – Jun 20, 2026");
    const dues = await page.$$eval(".dg-body [role=row][data-id] [data-field=due]", (cells) => cells.map((c) => c.textContent));
    expect(dues).toHaveLength(11);
    expect(dues[0]).toBe("Jun 10, 2026");
  });

  test("a million fixture rows to the end; a refused edit in the gallery", async () => {
    await story("million rows");
    await page.getByText("1,000,000 records").waitFor();
    await page.locator(".dg-body [data-cell='0:1']").click();
    await page.keyboard.press("Control+End");
    const last = await until("the millionth row", async () => (await domRows()).find((r) => r.index === 999_999));
    expect(last.title).toBe("Measure release notes #1000000");
    await shot(page, "datagrid-story-million-rows-end");
    await story("validation errors");
    await loaded();
    await page.locator(".dg-body [data-cell='0:3']").click();
    await page.keyboard.press("F2");
    await page.locator(".dg-body [data-cell='0:3'] input").fill("4");
    await page.keyboard.press("Enter");
    await page.getByText("priority must be at most 5").waitFor();
    await shot(page, "datagrid-story-validation-errors");
    expect(await axeViolations(page)).toEqual([]);
    expect(tp.errors).toEqual([]);
  });
});
