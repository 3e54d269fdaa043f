// The Chart in the browser against the real server: the crm deals page's bar chart and
// the todo tasks page's pie drawn from aggregateEntities (one bar or slice per group),
// kept live, readable as a table and by screen readers, themed in light and dark; and
// the cost of its code: its own chunk, loaded only on pages with a chart, ≤ 25 KB gzipped.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import solid from "../../scripts/solid-plugin";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, SHOTS, shot } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let browser: Browser;
const BUDGET = 25 * 1024;
/** A string only the Chart's code holds (a message of its catalogue), to find it in any bundle. */
const MARKER = "Kreisdiagramm";

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo", "crm"], server: { gallery: true } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const call = (app: string, method: string, params: Record<string, unknown>) => rpc(s.url, method, { app, ...params });

/** Reads until `ok` holds or the time is up; returns the last value read (the test asserts on it). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await Bun.sleep(40);
    v = await read();
  }
  return v;
}

describe("on the app's pages", () => {
  test("the deals page draws one bar per stage from the aggregate, follows changes, and reads as a table", async () => {
    const deals: [string, string, number][] = [
      ["Alpha", "lead", 1200],
      ["Beta", "lead", 800],
      ["Gamma", "qualified", 5000],
      ["Delta", "won", 2500],
      ["<img src=x onerror=alert(1)>", "won", 500],
    ];
    const company = (await call("crm", "createEntity", { entity: "company", data: { name: "Acme" } })).id;
    for (const [title, stage, amount] of deals) await call("crm", "createEntity", { entity: "deal", data: { title, stage, amount, company } });
    const agg = await call("crm", "aggregateEntities", { entity: "deal", groupBy: "stage", aggregates: [{ op: "sum", field: "amount" }] });
    expect(agg.groups.length).toBe(3);

    const p = await openPage(browser);
    await p.page.goto(`${s.url}/app/crm/deals`);
    const chart = p.page.locator('[data-component="by_stage"]');
    const bars = chart.locator("rect.chart-bar");
    expect(
      await until(
        () => bars.count(),
        (n) => n === agg.groups.length,
      ),
    ).toBe(agg.groups.length);
    // In the model's order of the stages, each as tall as its sum.
    expect(await bars.evaluateAll((els) => els.map((e) => e.getAttribute("data-key")))).toEqual(["lead", "qualified", "won"]);
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute("height"))));
    const sums = ["lead", "qualified", "won"].map((k) => agg.groups.find((g: { key: string }) => g.key === k).values[0]);
    expect(sums).toEqual([2000, 5000, 3000]);
    for (const i of [0, 2]) expect(heights[i]! / heights[1]!).toBeCloseTo(sums[i]! / sums[1]!, 1);
    const image = chart.getByRole("img");
    expect(await image.getAttribute("aria-label")).toBe("Bar chart: Sum of Amount by Stage. lead: 2,000; qualified: 5,000; won: 3,000");

    // A deal in a new stage: a fourth bar within about a second.
    await call("crm", "createEntity", { entity: "deal", data: { title: "Epsilon", stage: "proposal", amount: 700, company } });
    expect(
      await until(
        () => bars.count(),
        (n) => n === 4,
        3000,
      ),
    ).toBe(4);

    await shot(p.page, "chart-deals-light");
    expect(await axeViolations(p.page)).toEqual([]);

    const toggle = chart.getByRole("button", { name: "Table" });
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    const rows = chart.locator("tbody tr");
    expect(await rows.count()).toBe(4);
    expect(await rows.nth(1).textContent()).toBe("qualified5,000");
    expect(await axeViolations(p.page)).toEqual([]);
    await toggle.click();
    await bars.first().waitFor();
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("the tasks page's pie has one slice per status, in the dark theme too", async () => {
    const project = (await call("todo", "createEntity", { entity: "project", data: { name: "Pie" } })).id;
    for (const status of ["open", "open", "open", "doing", "done"])
      await call("todo", "createEntity", { entity: "task", data: { title: status, status, project } });
    const agg = await call("todo", "aggregateEntities", { entity: "task", groupBy: "status", aggregates: [{ op: "count" }] });

    const p = await openPage(browser, { colorScheme: "dark" });
    await p.page.goto(`${s.url}/app/todo/tasks`);
    const chart = p.page.locator('[data-component="by_status"]');
    const slices = chart.locator("path.chart-slice");
    expect(
      await until(
        () => slices.count(),
        (n) => n === agg.groups.length,
      ),
    ).toBe(3);
    expect(await slices.evaluateAll((els) => els.map((e) => e.getAttribute("data-key")))).toEqual(["open", "doing", "done"]);
    expect(await chart.locator(".chart-legend li").allTextContents()).toEqual(["open360%", "doing120%", "done120%"]);
    expect(await chart.locator(".chart-total").textContent()).toBe("5");
    // Slices take the theme's colours: the first is the accent.
    const fill = await slices.first().evaluate((el) => getComputedStyle(el).fill);
    const accent = await p.page.evaluate(() => {
      const probe = document.createElement("div");
      probe.style.color = "var(--accent)";
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    expect(fill).toBe(accent);
    expect(await p.page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await axeViolations(p.page)).toEqual([]);
    await shot(p.page, "chart-tasks-dark");
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("the drawing follows the slot's width", async () => {
    const p = await openPage(browser);
    await p.page.goto(`${s.url}/app/crm/deals`);
    const svg = p.page.locator('[data-component="by_stage"] svg.chart-svg');
    await svg.waitFor();
    const wide = Number(await svg.getAttribute("width"));
    await p.page.setViewportSize({ width: 520, height: 860 });
    const narrow = Number(
      await until(
        () => svg.getAttribute("width"),
        (w) => Number(w) < wide - 300,
      ),
    );
    expect(narrow).toBeLessThan(wide - 300);
    await shot(p.page, "chart-deals-narrow");
    expect(p.errors).toEqual([]);
    await p.close();
  });
});

describe("its code", () => {
  // The binary serves this split build: tests/binary.test.ts checks the chunk is loaded only
  // on a page with a chart. (Bun.serve's runtime bundling of the test server does not split.)
  test("a split build puts the Chart in a chunk of its own within 25 KB gzipped", async () => {
    const r = await Bun.build({
      entrypoints: [join(import.meta.dir, "../../web/app/index.html")],
      splitting: true,
      minify: true,
      target: "browser",
      plugins: [solid],
    });
    expect(r.success).toBe(true);
    const js = await Promise.all(r.outputs.filter((o) => o.path.endsWith(".js")).map(async (o) => ({ kind: o.kind, text: await o.text() })));
    const holding = js.filter((o) => o.text.includes(MARKER));
    expect(holding.map((o) => o.kind)).toEqual(["chunk"]);
    expect(Bun.gzipSync(holding[0]!.text).length).toBeLessThanOrEqual(BUDGET);
    // The entry (every page's script) does not hold it.
    expect(js.filter((o) => o.kind === "entry-point" && o.text.includes(MARKER))).toEqual([]);
  });
});

describe("gallery", () => {
  test("each state is axe-clean and drawn in light and dark", async () => {
    const p = await openPage(browser);
    const keys = ["bar", "line by day", "pie many slices", "empty", "loading", "error", "unknown field"];
    for (const [i, name] of keys.entries()) {
      for (const theme of i < 3 ? ["light", "dark"] : [i % 2 ? "dark" : "light"]) {
        await p.page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent(`Chart/${name}`)}&theme=${theme}`);
        const frame = p.page.locator(".gallery-frame");
        await frame.locator(":scope > *").first().waitFor();
        await p.page.evaluate(() => new Promise(requestAnimationFrame));
        expect({ name, found: await axeViolations(p.page) }).toEqual({ name, found: [] });
        await frame.screenshot({ path: join(SHOTS, `chart-${name.replace(/\W+/g, "-")}-${theme}.png`) });
      }
    }
    const errorBox = p.page.locator(".gallery-frame [role=alert]");
    expect(await errorBox.textContent()).toContain('Unknown field "stage" of Task');
    expect(p.errors).toEqual([]);
    await p.close();
  });
});
