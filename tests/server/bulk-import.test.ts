// bulkImport over JSON-RPC against the real server and a real SQLite file: a CSV header
// that names no field is refused by name, "__proto__" included (Papa's plain-object rows
// used to drop that column without a word, while "constructor" was refused), and rows
// in errors are numbered as people count them, as the message says.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { makeProject, rpc, rpcError, startTestServer, type TestServer } from "../helpers/server";

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const tasks = async (project: string) =>
  (await rpc(s.url, "queryEntities", { app: "todo", entity: "task", filter: { project }, total: true, limit: 1 })).pagination.total;

describe("bulkImport CSV headers", () => {
  test('a "__proto__" column is refused like "constructor" or any name that is not a field; nothing is written', async () => {
    const project = await makeProject(s.url);
    for (const bad of ["__proto__", "constructor", "nope"]) {
      const err = await rpcError(s.url, "bulkImport", { app: "todo", entity: "task", data: `title,${bad},project\nhello,x,${project}\n` });
      expect(err.code).toBe(-32001);
      expect(err.data).toEqual([{ field: bad, rule: "unknown", message: `task has no field "${bad}"` }]);
      expect(err.message).toBe(`invalid CSV header: ${bad}: task has no field "${bad}"`);
    }
    expect(await tasks(project)).toBe(0);
  });

  test("every unknown column is named at once; an export's envelope columns are accepted", async () => {
    const project = await makeProject(s.url);
    const err = await rpcError(s.url, "bulkImport", { app: "todo", entity: "task", data: `__proto__,title,prototype,project\nx,hello,y,${project}\n` });
    expect(err.data.map((i: any) => i.field)).toEqual(["__proto__", "prototype"]);
    const ok = await rpc(s.url, "bulkImport", {
      app: "todo",
      entity: "task",
      data: `id,title,project,version,createdAt,updatedAt\nz,hello,${project},3,a,b\n`,
    });
    expect(ok.inserted).toBe(1);
  });
});

describe("bulkImport row numbers", () => {
  test("row 1 is the first data row, in the issues and in the message, for CSV and JSON", async () => {
    const project = await makeProject(s.url);
    const csv = await rpcError(s.url, "bulkImport", { app: "todo", entity: "task", data: `title,priority,project\nfine,1,${project}\nbad,high,${project}\n` });
    expect(csv.data).toEqual([expect.objectContaining({ row: 2, field: "priority" })]);
    expect(csv.message).toStartWith("invalid task rows (row 1 is the first data row): row 2: priority:");
    const json = await rpcError(s.url, "bulkImport", { app: "todo", entity: "task", format: "json", data: [{ title: "no project" }] });
    expect(json.data).toEqual([expect.objectContaining({ row: 1, field: "project", rule: "required" })]);
    expect(json.message).toContain("(row 1 is the first data row): row 1: project");
    const broken = await rpcError(s.url, "bulkImport", { app: "todo", entity: "task", data: `title,project\n"unclosed,${project}\n` });
    expect(broken.data.map((i: any) => i.row)).toEqual([1, 1]); // an unclosed quote, so too few fields: both in the first data row
    expect(broken.message).toStartWith("invalid CSV (row 1 is the first data row): row 1:");
    const wide = await rpcError(s.url, "bulkImport", {
      app: "todo",
      entity: "task",
      data: `title,project
fine,${project}
x,${project},extra
`,
    });
    expect(wide.data).toEqual([expect.objectContaining({ row: 2, rule: "csv", message: expect.stringContaining("Too many fields") })]);
    expect(await tasks(project)).toBe(0);
  });
});
