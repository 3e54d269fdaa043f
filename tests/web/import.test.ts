// The import wizard in a real browser: every gallery state (light and dark, axe), and
// against the real server on a todo app page holding one: a CSV with a bad row is
// checked (the row and field named, nothing written, no change event), the fixed file
// imports exactly its rows; JSON keeps values exactly and shows hostile text as text;
// the whole way by keyboard; files over the limits are refused in the browser.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { systemActor } from "../../src/services/actor";
import { unescapeCell } from "../../src/services/dataio";
import { autoMap, parseText, toCell, toCsv } from "../../web/app/components/ImportWizard/parse";
import { stories } from "../../web/app/components/ImportWizard/stories";
import type { FieldDefinition } from "../../web/app/lib/types";
import { makeProject, rpc, startTestServer, type TestServer, WsClient } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let browser: Browser;
let project: string;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"], server: { gallery: true } });
  await s.services.models.edit(
    s.models.todo!,
    {
      op: "addPage",
      page: {
        name: "import",
        title: "Import tasks",
        path: "/import",
        components: [{ id: "wizard", type: "ImportWizard", position: { row: 0, col: 0, width: 12, height: 8 }, props: { entity: "task" } }],
      },
    },
    systemActor,
  );
  project = await makeProject(s.url, "Imports");
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const taskCount = async () =>
  (await rpc(s.url, "aggregateEntities", { app: "todo", entity: "task", aggregates: [{ op: "count" }] })).groups[0].values[0] as number;
const csvFile = (name: string, text: string) => ({ name, mimeType: name.endsWith(".json") ? "application/json" : "text/csv", buffer: Buffer.from(text) });
const heading = (page: Page) => page.locator(".iw-heading");
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");

describe("reading a file (no browser)", () => {
  const field = (name: string, label: string): FieldDefinition => ({ name, label, type: "text", required: false, unique: false, sortable: true });
  const fields = [field("title", "Title"), field("due", "Due"), field("done_at", "Done at"), field("project", "Project"), field("owner_email", "Owner email")];

  test("columns match fields by name or label, ignoring case, spaces and underscores, then without a trailing date/at/id", () => {
    expect(autoMap(["TITLE", "Due date", "done at", "Project ID", "OwnerEmail", "createdAt", "title"], fields)).toEqual([
      "title",
      "due",
      "done_at",
      "project",
      "owner_email",
      "",
      "",
    ]);
  });

  test("JSON values reach the server as the same values: text escaped exactly as its import unescapes, lists as a multienum reads them", () => {
    for (const v of ["=1+1", "+x", "-5", "@SUM(A1)", "'=quoted", "''", "plain", "a, b", "line\nbreak"]) expect(unescapeCell(toCell(v, "json"))).toBe(v);
    expect(toCell("=1+1", "csv")).toBe("=1+1"); // a CSV's cells are passed on as the server would read the file itself
    expect([toCell(["bug", "docs"], "json"), toCell(3, "json"), toCell(false, "json"), toCell(null, "json"), toCell({ a: 1 }, "json")]).toEqual([
      "bug, docs",
      "3",
      "false",
      "",
      '{"a":1}',
    ]);
  });

  test("CSV: semicolons and tabs are read like commas; an unclosed quote names its row; quoted line breaks stay in their cell", () => {
    expect(parseText("Title;Priority\nA;1\n", "csv")).toEqual({ ok: true, table: { format: "csv", headers: ["Title", "Priority"], rows: [["A", "1"]] } });
    expect(parseText("Title\tPriority\nA\t1\n", "csv")).toEqual({ ok: true, table: { format: "csv", headers: ["Title", "Priority"], rows: [["A", "1"]] } });
    expect(parseText('Title,Priority\nA,1\n"B, ""quoted""\nline",2\n"C,3\n', "csv")).toEqual({
      ok: false,
      problem: { kind: "csv", errors: [{ row: 3, unclosedQuote: true }] },
    });
    expect(parseText('Title,Priority\n"B, ""quoted""\nline",2\n', "csv")).toEqual({
      ok: true,
      table: { format: "csv", headers: ["Title", "Priority"], rows: [['B, "quoted"\nline', "2"]] },
    });
  });

  test("a __proto__ column, a repeated column and exported records are columns like any other", () => {
    const csv = parseText("__proto__,title,title\nx,first,second\n", "csv");
    expect(csv).toEqual({ ok: true, table: { format: "csv", headers: ["__proto__", "title", "title"], rows: [["x", "first", "second"]] } });
    if (csv.ok) expect(toCsv(csv.table, ["", "", "title"])).toBe("title\nsecond");
    const json = parseText('[{"__proto__":{"admin":true},"title":"a"},{"id":"1","entity":"task","data":{"title":"b"}}]', "json");
    expect(json).toEqual({
      ok: true,
      table: {
        format: "json",
        headers: ["__proto__", "title"],
        rows: [
          [{ admin: true }, "a"],
          [undefined, "b"],
        ],
      },
    });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

/** What each gallery state shows once it has settled. */
const SHOWS: Record<string, string> = {
  upload: "Drag a CSV or JSON file here, or choose one.",
  "upload: file read": "tasks.csv: 6 rows, 6 columns",
  "upload: broken CSV": "Row 1: a quoted cell is never closed",
  "upload: CSV with uneven rows": "Row 2 has 1 cell; the header has 2 columns.",
  "upload: JSON that is not a list": "JSON data must be a list of records (objects).",
  "match columns": "6 rows in all.",
  "match columns: JSON": "Preview: the first rows as they will be imported",
  "match columns: required field missing": "Required fields not matched: Title, Project.",
  "check: loading": "Checking 6 rows…",
  "check: all valid": "All 6 rows are valid and ready to import.",
  "check: bad rows": "Found 3 problems in 3 rows.",
  "check: 1,000 problems": "Found 1,000 problems in 1,000 rows.",
  "check: server error": "The server could not be reached.",
  "import: importing": "Importing 6 records…",
  "import: done": "Imported 6 records",
  "import: refused": "Found 1 problem in 1 row.",
  "unknown entity": 'Unknown entity type "nope"',
  "no entity": "This import wizard names no entity type.",
};
/** States with their own layout get an axe scan (the others differ only in text); these also in dark. */
const SCANNED = ["upload", "upload: CSV with uneven rows", "match columns", "check: bad rows", "check: server error", "import: done", "unknown entity"];
const DARK = ["upload", "match columns", "check: bad rows", "import: done"];

describe("gallery", () => {
  test("every state shows what it should, with no serious axe violation, in light and dark", async () => {
    expect(stories.map((x) => x.name).sort()).toEqual(Object.keys(SHOWS).sort());
    const { page, errors, close } = await openPage(browser);
    const visit = async (name: string, theme: "light" | "dark") => {
      await page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent(`ImportWizard/${name}`)}&theme=${theme}`);
      await page.getByText(SHOWS[name]!, { exact: false }).first().waitFor();
      if (SCANNED.includes(name)) expect({ name, theme, violations: await axeViolations(page) }).toEqual({ name, theme, violations: [] });
      await shot(page, `import-story-${name}${theme === "dark" ? "-dark" : ""}`);
    };
    for (const x of stories) await visit(x.name, "light");
    for (const name of DARK) await visit(name, "dark");
    // 1,000 problems render in full, inside their own scrolling box.
    await page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent("ImportWizard/check: 1,000 problems")}`);
    await expect(page.locator(".iw-issues tbody tr").count()).resolves.toBe(1000);
    expect((await page.locator(".iw-issues").boundingBox())!.height).toBeLessThan(400);
    await page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent("ImportWizard/check: bad rows")}&lang=de`);
    await page.getByText("3 Probleme in 3 Zeilen gefunden.").waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});

describe("against the server", () => {
  test("a bad row is named by the check and nothing is written; the fixed file imports exactly its rows", async () => {
    const { page, errors, close } = await openPage(browser);
    const ws = await WsClient.open(s.wsUrl);
    await ws.rpc("subscribe", { app: "todo", entity: "task" });
    const before = await taskCount();
    await page.goto(`${s.url}/app/todo/import`);
    await expect(heading(page).textContent()).resolves.toBe("Choose the data to import");
    await shot(page, "import-app-1-upload");
    expect(await axeViolations(page)).toEqual([]);

    const rows = (p2: number) =>
      [
        "Title,Due date,Priority,Project",
        `Imported one,2026-07-01,2,${project}`,
        `Imported two,,${p2},${project}`,
        `Imported three,2026-07-03,,${project}`,
      ].join("\n");
    await page.getByLabel("File").setInputFiles(csvFile("tasks.csv", rows(9)));
    await page.getByText("tasks.csv: 3 rows, 4 columns").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await expect(heading(page).textContent()).resolves.toBe("Match columns to fields");
    expect(await focusedText(page)).toBe("Match columns to fields");
    const fieldOf = (column: string) => page.getByLabel(`Field for column ${column}`).inputValue();
    expect([await fieldOf("Title"), await fieldOf("Due date"), await fieldOf("Priority"), await fieldOf("Project")]).toEqual([
      "title",
      "due",
      "priority",
      "project",
    ]);
    await shot(page, "import-app-2-match");
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Check the data" }).click();
    await page.getByText("Found 1 problem in 1 row.").waitFor();
    const cells = await page.locator(".iw-issues tbody tr").first().locator("td").allTextContents();
    expect(cells.slice(0, 3)).toEqual(["2", "Priority", "9"]);
    expect(cells[3]).toContain("5");
    await expect(page.locator(".iw-issues tbody tr").count()).resolves.toBe(1);
    expect(await page.getByRole("button", { name: "Import 3 records" }).isDisabled()).toBe(true);
    await shot(page, "import-app-3-check-bad-row");
    expect(await axeViolations(page)).toEqual([]);
    expect(await taskCount()).toBe(before);
    expect(await ws.waitFor((n) => n.method === "entityChanged", 300)).toBeUndefined();

    await page.getByRole("button", { name: "Upload a fixed file" }).click();
    await expect(heading(page).textContent()).resolves.toBe("Choose the data to import");
    await page.getByLabel("File").setInputFiles(csvFile("tasks-fixed.csv", rows(4)));
    await page.getByText("tasks-fixed.csv: 3 rows, 4 columns").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Check the data" }).click();
    await page.getByText("All 3 rows are valid and ready to import.").waitFor();
    await shot(page, "import-app-3-check-valid");
    expect(await taskCount()).toBe(before);
    await page.getByRole("button", { name: "Import 3 records" }).click();
    await page.getByText("Imported 3 records").waitFor();
    await shot(page, "import-app-4-imported");
    expect(await axeViolations(page)).toEqual([]);
    expect(await taskCount()).toBe(before + 3);
    const made = await rpc(s.url, "queryEntities", { app: "todo", entity: "task", filter: { title: { startsWith: "Imported " } }, limit: 10 });
    expect(made.data.map((r: { data: Record<string, unknown> }) => [r.data.title, r.data.due ?? null, r.data.priority]).sort()).toEqual([
      ["Imported one", "2026-07-01", 2],
      ["Imported three", "2026-07-03", 3],
      ["Imported two", null, 4],
    ]);
    expect(await ws.waitFor((n) => n.method === "entityChanged" && n.params?.data?.title === "Imported three", 2000)).toBeDefined();
    await page.getByRole("button", { name: "Done" }).click();
    await expect(heading(page).textContent()).resolves.toBe("Choose the data to import");
    ws.close();
    expect(errors).toEqual([]);
    await close();
  });

  test("a JSON file keeps its values exactly; hostile text shows as text", async () => {
    const { page, errors, close } = await openPage(browser);
    const hostile = "<img src=x onerror=alert(1)>";
    const records = [
      { title: hostile, priority: 2, project },
      { title: "=1+1 looks like a formula", due: "2026-08-01", notes: "line one\nline, two", status: "doing", project },
    ];
    await page.goto(`${s.url}/app/todo/import`);
    await page.getByLabel("File").setInputFiles(csvFile("tasks.json", JSON.stringify(records)));
    await page.getByText("tasks.json: 2 rows, 6 columns").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page.locator(".iw-table td", { hasText: hostile }).first().waitFor();
    expect(await page.locator(".iw img").count()).toBe(0);
    await shot(page, "import-app-json-match");
    await page.getByRole("button", { name: "Check the data" }).click();
    await page.getByText("All 2 rows are valid and ready to import.").waitFor();
    await page.getByRole("button", { name: "Import 2 records" }).click();
    await page.getByText("Imported 2 records").waitFor();
    const saved = await rpc(s.url, "queryEntities", { app: "todo", entity: "task", filter: { title: { in: records.map((r) => r.title) } }, limit: 10 });
    const byTitle = new Map(saved.data.map((r: { data: Record<string, unknown> }) => [r.data.title, r.data]));
    expect(byTitle.get(hostile)).toMatchObject({ priority: 2, project });
    expect(byTitle.get(records[1]!.title)).toMatchObject({ due: "2026-08-01", notes: "line one\nline, two", status: "doing", project });
    expect(errors).toEqual([]);
    await close();
  });

  test("the whole way by keyboard: paste, match a column, check, import", async () => {
    const { page, errors, close } = await openPage(browser);
    const before = await taskCount();
    await page.goto(`${s.url}/app/todo/import`);
    await page.getByLabel("Or paste CSV or JSON").focus();
    await page.keyboard.insertText(`Name,Project\nTyped by keyboard,${project}\n`);
    await page.getByText("Pasted text: 1 row, 2 columns").waitFor();
    const tabTo = async (name: string) => {
      for (let i = 0; i < 12 && (await focusedText(page)) !== name; i++) await page.keyboard.press("Tab");
      expect(await focusedText(page)).toBe(name);
    };
    await tabTo("Next");
    await page.keyboard.press("Enter");
    expect(await focusedText(page)).toBe("Match columns to fields");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Field for column Name");
    await page.keyboard.press("t"); // typing selects the first field starting with it: Title
    expect(await page.getByLabel("Field for column Name").inputValue()).toBe("title");
    await tabTo("Check the data");
    await page.keyboard.press("Enter");
    await page.getByText("The row is valid and ready to import.").waitFor();
    await tabTo("Import 1 record");
    await page.keyboard.press("Enter");
    await page.getByText("Imported 1 record").waitFor();
    expect(await taskCount()).toBe(before + 1);
    expect(errors).toEqual([]);
    await close();
  });

  test("files over the limits are refused in the browser, saying why; a dropped file is read like a chosen one", async () => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${s.url}/app/todo/import`);
    const file = page.getByLabel("File");
    // Dropped on the zone (made in the page: 20 MB need not cross the wire to be refused).
    await page.locator(".iw-drop").evaluate((zone) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(20 * 1024 * 1024 + 200_000)], "huge.csv", { type: "text/csv" }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByText("huge.csv is 20.2 MB: files up to 20 MB can be imported. Split it into smaller files.").waitFor();
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await file.setInputFiles(csvFile("many.csv", `Title\n${Array.from({ length: 100_001 }, (_, i) => `t${i}`).join("\n")}\n`));
    await page.getByText("100,001 rows is more than one import can take (100,000). Split the file.").waitFor();
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await file.setInputFiles({ name: "sheet.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: Buffer.from("PK") });
    await page.getByText("sheet.xlsx is not a CSV or JSON file.").waitFor();
    expect(await file.getAttribute("aria-invalid")).toBe("true");
    await shot(page, "import-app-refused-file");
    await page.locator(".iw-drop").evaluate((zone) => {
      const dt = new DataTransfer();
      dt.items.add(new File(["Title\nDropped in\n"], "dropped.csv", { type: "text/csv" }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByText("dropped.csv: 1 row, 1 column").waitFor();
    expect(await file.getAttribute("aria-invalid")).toBeNull();
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(false);
    // A refused file replaces the one before: Next cannot go on with a file no longer shown.
    await file.setInputFiles({ name: "notes.txt", mimeType: "application/octet-stream", buffer: Buffer.from("x") });
    await page.getByText("notes.txt is not a CSV or JSON file.").waitFor();
    expect(await page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await close();
  });
});
