// The DataGrid against the real server: the todo app with 100,000 tasks. Sorting by
// header clicks (and a second key with shift), filters of each kind, the end of the list
// (the reversed sort) and the middle (offset) without walking there, a small DOM, inline
// edits refused by the server and saved, selection with bulk delete, CSV export, reference
// labels, live rows, keyboard use, hostile text, a 10 KB value, axe, and screenshots of
// the app (the gallery's states: datagrid-stories.test.ts).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { systemActor } from "../../src/services/actor";
import { rpc, rpcError, startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, type TestPage } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

const N = 100_000;
const HOSTILE = "<img src=x onerror=alert(1)>";
let s: TestServer;
let browser: Browser;
let tp: TestPage;
let page: Page;
let apollo: string;
let zephyr: string;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"], server: { gallery: true } });
  const make = (data: Record<string, unknown>) => s.services.entities.create("todo", "project", data, { actor: systemActor });
  apollo = (await make({ name: "Apollo" })).id;
  zephyr = (await make({ name: "Zephyr", description: "x".repeat(10_240) })).id;
  const rows = Array.from({ length: N }, (_, i) => ({
    title: `Task ${String(i).padStart(6, "0")}`,
    status: ["open", "doing", "done"][i % 3],
    priority: (i % 5) + 1,
    due: `2026-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    project: Math.floor(i / 84) % 2 ? zephyr : apollo, // both among the earliest due dates (every 84th task)
  }));
  rows.push({ title: HOSTILE, status: "open", priority: 1, due: "2000-01-01", project: apollo });
  [browser] = await Promise.all([
    launchBrowser(),
    s.services.entities.insertMany("todo", "task", rows, { actor: systemActor, audit: "summary", checkReferences: false }),
  ]);
  tp = await openPage(browser);
  page = tp.page;
}, 60_000);

afterAll(async () => {
  await tp?.close();
  await browser?.close();
  await s?.close();
});

type Sort = { field: string; dir?: "asc" | "desc" }[];
const query = (p: Record<string, unknown>) => rpc(s.url, "queryEntities", { app: "todo", entity: "task", ...p });

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 6000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
    await Bun.sleep(60);
  }
}

/** The loaded rows in the DOM, in index order: index, id and the text of each field's cell. */
const domRows = () =>
  page.$$eval(".dg-body [role=row][data-id]", (rows) =>
    rows
      .map((r) => ({
        index: Number(r.getAttribute("data-index")),
        id: r.getAttribute("data-id")!,
        cells: Object.fromEntries([...r.querySelectorAll("[data-field]")].map((c) => [c.getAttribute("data-field"), c.textContent ?? ""])),
      }))
      .sort((a, b) => a.index - b.index),
  );

/** Wait until the grid's first rows are the server's first rows for this filter and sort. */
async function expectFirstRows(sort: Sort, filter?: Record<string, unknown>, n = 6) {
  const want = (await query({ sort, ...(filter && { filter }), limit: n })).data.map((r: { id: string }) => r.id);
  await until(`first rows for ${JSON.stringify({ sort, filter })}`, async () => {
    const got = (await domRows()).filter((r) => r.index < n).map((r) => r.id);
    return JSON.stringify(got) === JSON.stringify(want);
  });
}

async function openTasks(extra = "") {
  await page.goto(`${s.url}/app/todo/tasks${extra}`);
  await page.waitForSelector(".dg-body [role=row][data-id]");
}

const header = (label: string) => page.locator(".dg-head-row [role=columnheader]", { hasText: label });
const countText = () => page.locator(".dg-count").textContent();

describe("DataGrid on 100,000 tasks", () => {
  test("first page, reference labels, hostile text as text, a small DOM", async () => {
    await openTasks();
    await expectFirstRows([{ field: "due", dir: "asc" }]);
    expect(await countText()).toBe(`${(N + 1).toLocaleString("en-US")} records`);
    const rows = await domRows();
    expect(rows[0]!.cells.title).toBe(HOSTILE);
    expect(await page.locator(".dg img").count()).toBe(0);
    expect(rows.every((r) => r.cells.project === "Apollo" || r.cells.project === "Zephyr")).toBe(true);
    expect(rows.some((r) => r.cells.project === "Zephyr")).toBe(true);
    expect(await page.locator(".dg-body [role=row]").count()).toBeLessThan(60);
    expect(await header("Due").getAttribute("aria-sort")).toBe("ascending");
    expect(await axeViolations(page)).toEqual([]);
  });

  test("sorting by header clicks: asc, desc, off; shift-click adds a second key", async () => {
    await openTasks();
    await header("Title").locator("button").click();
    await expectFirstRows([{ field: "title", dir: "asc" }]);
    expect(await header("Title").getAttribute("aria-sort")).toBe("ascending");
    expect(await header("Due").getAttribute("aria-sort")).toBeNull();
    await header("Title").locator("button").click();
    await expectFirstRows([{ field: "title", dir: "desc" }]);
    expect((await domRows())[0]!.cells.title).toBe("Task 099999");
    expect(await header("Title").getAttribute("aria-sort")).toBe("descending");
    // Keyboard: the header button with Enter; third press turns sorting off (the server's order).
    await header("Title").locator("button").focus();
    await page.keyboard.press("Enter");
    await expectFirstRows([]);
    await header("Status").locator("button").click();
    await header("Priority")
      .locator("button")
      .click({ modifiers: ["Shift"] });
    await expectFirstRows([
      { field: "status", dir: "asc" },
      { field: "priority", dir: "asc" },
    ]);
    expect(await header("Priority").locator(".dg-rank").textContent()).toBe("2");
    await header("Priority")
      .locator("button")
      .click({ modifiers: ["Shift"] });
    await expectFirstRows([
      { field: "status", dir: "asc" },
      { field: "priority", dir: "desc" },
    ]);
    const rows = await domRows();
    expect(rows.slice(0, 5).every((r) => r.cells.status === "doing" && r.cells.priority === "5")).toBe(true);
  });

  test("filters: text contains, enum values, number range; combined, cleared", async () => {
    await openTasks();
    await page.getByLabel("Filter Title", { exact: true }).fill("Task 0004");
    await until("text filter", async () => (await countText()) === "100 records");
    expect((await domRows()).every((r) => r.cells.title!.includes("Task 0004"))).toBe(true);
    await page.getByRole("button", { name: /^Values of Status/ }).click();
    await page.getByRole("group", { name: "Values of Status" }).getByLabel("done").check();
    await shot(page, "datagrid-filter-values");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("button", { name: /^Values of Status/ }).evaluate((b) => b === document.activeElement)).toBe(true);
    await page.getByLabel("Priority at least").fill("4");
    const filter = { title: { contains: "Task 0004" }, status: { in: ["done"] }, priority: { gte: 4 } };
    const total = (await query({ filter, total: true, limit: 1 })).pagination.total;
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(40);
    await until("combined filters", async () => (await countText()) === `${total} records`);
    const rows = await domRows();
    expect(rows).toHaveLength(total);
    for (const r of rows) {
      expect(r.cells.title).toContain("Task 0004");
      expect(r.cells.status).toBe("done");
      expect(Number(r.cells.priority)).toBeGreaterThanOrEqual(4);
    }
    await expectFirstRows([{ field: "due", dir: "asc" }], filter);
    // An estimated total (a contains filter over 100,000 rows) shows as such.
    await page.getByLabel("Filter Title", { exact: true }).fill("Task 01");
    await page.getByLabel("Priority at least").fill("");
    await page.getByRole("button", { name: /^Values of Status/ }).click();
    await page.getByRole("group", { name: "Values of Status" }).getByLabel("done").uncheck();
    await page.keyboard.press("Escape");
    await until("an estimate", async () => (await countText())?.startsWith("≈ "));
    expect(await page.locator(".dg-grid").getAttribute("aria-rowcount")).toBe("-1");
    // A reference: a record of the referenced type picked by searching its name.
    await page.getByLabel("Filter Project", { exact: true }).fill("zep");
    await page.getByRole("option", { name: "Zephyr" }).waitFor();
    expect(await page.getByRole("listbox", { name: "Filter Project" }).getByRole("option").allTextContents()).toEqual(["Zephyr"]);
    await shot(page, "datagrid-filter-reference");
    await page.getByRole("option", { name: "Zephyr" }).click();
    const byProject = { title: { contains: "Task 01" }, project: { eq: zephyr } };
    await expectFirstRows([{ field: "due", dir: "asc" }], byProject);
    expect((await domRows()).every((r) => r.cells.project === "Zephyr")).toBe(true);
    await page.getByRole("button", { name: "Clear filter of Project" }).click();
    await page.getByLabel("Filter Title", { exact: true }).fill("no such task");
    await page.getByText("No records match these filters").waitFor();
    await page.locator(".dg-empty").getByRole("button", { name: "Clear filters" }).click();
    await until("filters cleared", async () => (await countText()) === `${(N + 1).toLocaleString("en-US")} records`);
    expect(await page.getByLabel("Filter Title", { exact: true }).inputValue()).toBe("");
  });

  test("the end comes from the reversed sort, the middle from offset; the DOM stays small", async () => {
    await openTasks();
    const sort = [{ field: "due", dir: "asc" }];
    const last = (await query({ sort: [{ field: "due", dir: "desc" }], limit: 1 })).data[0].id;
    const requests: string[] = [];
    page.on("request", (r) => r.url().endsWith("/rpc") && requests.push(r.postData() ?? ""));
    await page.locator(".dg-body [data-cell='0:1']").click();
    await page.keyboard.press("Control+End");
    const end = await until("the last row", async () => (await domRows()).find((r) => r.index === N));
    expect(end.id).toBe(last);
    expect(await page.locator(`.dg-body [role=row][data-index="${N}"]`).getAttribute("aria-rowindex")).toBe(String(N + 3));
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-cell"))).toBe(`${N}:5`);
    // One reversed page, not hundreds of pages walked.
    const pages = requests.filter((b) => b.includes('"queryEntities"'));
    expect(pages.length).toBeLessThan(5);
    expect(pages.some((b) => b.includes('"dir":"desc"') && !b.includes('"cursor"'))).toBe(true);
    expect(await page.locator(".dg-body [role=row]").count()).toBeLessThan(100);

    await page.locator(".dg-scroller").evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    const mid = await until("rows in the middle", async () => {
      const rows = (await domRows()).filter((r) => r.index > 40_000 && r.index < 60_000);
      return rows.length >= 8 ? rows : undefined;
    });
    for (const r of [mid[0]!, mid.at(-1)!]) {
      const want = (await query({ sort, offset: r.index, limit: 1 })).data[0].id;
      expect(r.id).toBe(want);
    }
    expect(requests.some((b) => /"offset":\d{4,}/.test(b))).toBe(true);
    expect(await page.locator(".dg-body [role=row]").count()).toBeLessThan(100);
  });

  test("inline edit: the server's refusal shows on the cell and keeps the value; a good value is saved", async () => {
    await openTasks();
    const first = (await domRows())[1]!;
    const refused = await rpcError(s.url, "updateEntity", { app: "todo", entity: "task", id: first.id, data: { priority: 9 } });
    const message = refused.data.find((i: { field: string }) => i.field === "priority").message;
    const cell = page.locator(`.dg-body [role=row][data-id="${first.id}"] [data-field=priority]`);
    await cell.click();
    await page.keyboard.press("Enter");
    const input = cell.locator("input");
    await input.fill("9");
    await page.keyboard.press("Enter");
    await cell.locator(".dg-cell-error").waitFor();
    expect(await cell.locator(".dg-cell-error").textContent()).toBe(message);
    expect(await cell.getAttribute("aria-invalid")).toBe("true");
    expect(await input.inputValue()).toBe("9");
    expect(await input.getAttribute("aria-describedby")).toBe(await cell.locator(".dg-cell-error").getAttribute("id"));
    await shot(page, "datagrid-edit-refused");
    await input.fill("2");
    await page.keyboard.press("Enter");
    await until("saved", async () => (await cell.textContent()) === "2" && (await cell.locator("input").count()) === 0);
    expect((await rpc(s.url, "getEntity", { app: "todo", entity: "task", id: first.id })).data.priority).toBe(2);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-field"))).toBe("priority");
  });

  test("keyboard: arrows move, Enter edits, Escape cancels, Enter on the first cell opens the record", async () => {
    await openTasks();
    await page.locator(".dg-body [data-cell='0:1']").click();
    const active = () => page.evaluate(() => document.activeElement?.getAttribute("data-cell"));
    expect(await active()).toBe("0:1");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    expect(await active()).toBe("2:2");
    await page.keyboard.press("End");
    expect(await active()).toBe("2:5");
    await page.keyboard.press("Home");
    expect(await active()).toBe("2:0");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const row = (await domRows())[2]!;
    const before = row.cells.priority;
    await page.keyboard.press("Enter");
    const input = page.locator(".dg-body [data-cell='2:3'] input");
    await input.waitFor();
    await input.fill("1");
    await page.keyboard.press("Escape");
    await until("editor closed", async () => (await input.count()) === 0);
    expect(await active()).toBe("2:3");
    expect((await domRows())[2]!.cells.priority).toBe(before);
    expect((await rpc(s.url, "getEntity", { app: "todo", entity: "task", id: row.id })).data.priority).toBe(Number(before));
    await page.keyboard.press("PageDown");
    expect(Number((await active())!.split(":")[0])).toBeGreaterThan(5);
    await page.keyboard.press("Control+Home");
    expect(await active()).toBe("0:0");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    await until(
      "record opened",
      async () => page.url().includes(`record=task%2F${(await domRows())[1]!.id}`) || page.url().includes(`record=task/${(await domRows())[1]!.id}`),
    );
    expect(await page.locator(`.dg-body [role=row][data-index="1"]`).getAttribute("class")).toContain("open");
    await page.keyboard.press("Escape");
  });

  test("selection with shift-click and bulk delete after a confirmation", async () => {
    await openTasks();
    const rows = (await domRows()).slice(3, 6);
    const box = (id: string) => page.locator(`.dg-body [role=row][data-id="${id}"] input[type=checkbox]`);
    await box(rows[0]!.id).click();
    await box(rows[2]!.id).click({ modifiers: ["Shift"] });
    expect(await page.locator(".dg-selcount").textContent()).toBe("3 selected");
    for (const r of rows) expect(await page.locator(`.dg-body [role=row][data-id="${r.id}"]`).getAttribute("aria-selected")).toBe("true");
    await page.getByRole("button", { name: "Delete 3" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Delete 3 records?");
    expect(await dialog.textContent()).toContain("3 Task records");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await until("deleted", async () => (await countText()) === `${(N - 2).toLocaleString("en-US")} records`);
    for (const r of rows) {
      const e = await rpcError(s.url, "getEntity", { app: "todo", entity: "task", id: r.id });
      expect(e.code).toBe(-32004);
      expect(await page.locator(`.dg-body [role=row][data-id="${r.id}"]`).count()).toBe(0);
    }
    expect(await page.locator(".dg-selcount").count()).toBe(0);
  });

  test("CSV export of the current filter and sort", async () => {
    await openTasks();
    await page.getByLabel("Filter Title", { exact: true }).fill("Task 00012");
    await until("filtered", async () => (await countText()) === "10 records");
    await header("Title").locator("button").click();
    await header("Title").locator("button").click();
    await expectFirstRows([{ field: "title", dir: "desc" }], { title: { contains: "Task 00012" } });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("task.csv");
    const lines = readFileSync((await download.path())!, "utf8")
      .trim()
      .split(/\r?\n/);
    expect(lines[0]).toBe("id,title,status,priority,due,project,version,createdAt,updatedAt");
    expect(lines).toHaveLength(11);
    expect(lines[1]).toContain("Task 000129");
    expect(lines[10]).toContain("Task 000120");
  });

  test("a record created by another client appears within a second", async () => {
    await openTasks();
    const t0 = Date.now();
    const made = await rpc(s.url, "createEntity", { app: "todo", entity: "task", data: { title: "Created elsewhere", project: zephyr } });
    const row = await until("live row", async () => (await domRows()).find((r) => r.id === made.id), 3000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(row.index).toBe(0); // no due date: first in due order
    expect(row.cells.project).toBe("Zephyr");
    await rpc(s.url, "updateEntity", { app: "todo", entity: "task", id: made.id, data: { title: "Changed elsewhere", project: apollo } });
    await until("live update", async () => {
      const r = (await domRows()).find((x) => x.id === made.id);
      return r?.cells.title === "Changed elsewhere" && r.cells.project === "Apollo";
    });
    await rpc(s.url, "deleteEntity", { app: "todo", entity: "task", id: made.id });
    await until("live delete", async () => !(await domRows()).some((r) => r.id === made.id));
  });

  test("a 10 KB value keeps its row one line high", async () => {
    await page.goto(`${s.url}/app/todo/projects`);
    const row = page.locator(`.dg-body [role=row][data-id="${zephyr}"]`);
    await row.waitFor();
    const box = await row.boundingBox();
    expect(box!.height).toBeLessThanOrEqual(37);
    const cell = row.locator("[data-field=description]");
    expect((await cell.getAttribute("title"))!.length).toBe(10_240);
    expect((await cell.textContent())!.length).toBeLessThan(300);
  });

  test("screenshots: light, dark, narrow", async () => {
    await openTasks();
    await shot(page, "datagrid-app-light");
    await page.evaluate(() => localStorage.setItem("torque.theme", "dark"));
    await openTasks();
    await shot(page, "datagrid-app-dark");
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate(() => localStorage.setItem("torque.theme", "light"));
    await page.setViewportSize({ width: 390, height: 844 });
    await openTasks();
    const grid = await page.locator(".dg").boundingBox();
    expect(grid!.width).toBeLessThanOrEqual(390);
    expect(grid!.height).toBeGreaterThanOrEqual(320);
    await shot(page, "datagrid-app-narrow");
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(tp.errors).toEqual([]);
  });
});
