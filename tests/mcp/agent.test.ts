// An agent-like script: through the MCP design tools only, it builds a small Library app
// from nothing (authors and books, a reference with a cascading 1:n relationship, a page
// with a DataGrid), then a second client scoped to the new app uses the typed tools to
// fill, query, change and delete data; JSON-RPC and `torque mcp --app library` see the same.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { CRUD, fails, type HttpSession, httpClient, ok1, stdioClient } from "./helpers";

let s: TestServer;
let designer: HttpSession, user: HttpSession | undefined;
let d: Client; // the designing agent (no app scope)
let modelId: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await startTestServer({ apps: [] });
  designer = await httpClient(s.url, { name: "librarian" });
  d = designer.client;
});
afterAll(async () => {
  await designer?.close();
  await user?.close();
  await s.close();
});

const booksPage = (columns: string[]) => ({
  name: "books",
  title: "Books",
  path: "/books",
  components: [
    {
      id: "grid",
      type: "DataGrid",
      position: { row: 0, col: 0, width: 12, height: 8 },
      props: { entity: "book", columns, sort: [{ field: "year", dir: "asc" }] },
    },
  ],
});

describe("designing the Library through the design tools", () => {
  test("create_model starts an empty model", async () => {
    const m = await ok1(d, "create_model", { name: "Library", description: "Authors and their books." });
    expect(m).toMatchObject({ name: "Library", version: 1 });
    modelId = m.model;
    expect((await ok1(d, "get_model", { model: modelId })).document.entities).toEqual([]);
  });

  test("add_entity_type, add_field and add_relationship build authors and books; each change is a new version", async () => {
    let v = (
      await ok1(d, "add_entity_type", {
        model: modelId,
        name: "author",
        label: "Author",
        fields: [
          { name: "name", type: "text", required: true, unique: true },
          { name: "born", type: "integer" },
        ],
      })
    ).version;
    expect(v).toBe(2);
    v = (
      await ok1(d, "add_entity_type", {
        model: modelId,
        name: "book",
        label: "Book",
        fields: [
          { name: "title", type: "text", required: true },
          { name: "year", type: "integer", min: 0 },
          { name: "genre", type: "enum", values: ["fiction", "science", "history"], default: "fiction" },
        ],
      })
    ).version;
    expect(v).toBe(3);
    // A relationship whose inverse field does not exist yet is refused and saves nothing.
    const early = await fails(d, "add_relationship", {
      model: modelId,
      relationship: { name: "author_books", from: "author", to: "book", kind: "1:n", inverse: "author", onDelete: "cascade" },
    });
    expect(early.message).toContain("/relationships/0");
    expect((await ok1(d, "get_model", { model: modelId })).version).toBe(3);

    expect(
      (await ok1(d, "add_field", { model: modelId, entity: "book", field: { name: "author", type: "reference", entity: "author", required: true } })).version,
    ).toBe(4);
    expect(
      (
        await ok1(d, "add_relationship", {
          model: modelId,
          relationship: { name: "author_books", from: "author", to: "book", kind: "1:n", inverse: "author", onDelete: "cascade" },
        })
      ).version,
    ).toBe(5);
    const doc = (await ok1(d, "get_model", { model: modelId })).document;
    expect(doc.entities.map((e: any) => e.name)).toEqual(["author", "book"]);
    expect(doc.relationships).toEqual([expect.objectContaining({ name: "author_books", kind: "1:n", onDelete: "cascade" })]);
  });

  test("validate_model finds a grid column naming a missing field; add_page refuses it and then adds the good page", async () => {
    const { document, version } = await ok1(d, "get_model", { model: modelId });
    const bad = await ok1(d, "validate_model", { document: { ...document, pages: [booksPage(["title", "isbn"])] } });
    expect(bad.valid).toBe(false);
    expect(bad.issues).toEqual([expect.objectContaining({ path: expect.stringContaining("/pages/0/components/0") })]);
    expect(JSON.stringify(bad.issues)).toContain("isbn");
    const refused = await fails(d, "add_page", { model: modelId, page: booksPage(["title", "isbn"]) });
    expect(refused.message).toContain("isbn");
    expect((await ok1(d, "get_model", { model: modelId })).version).toBe(version);

    const added = await ok1(d, "add_page", { model: modelId, page: booksPage(["title", "year", "genre", "author"]) });
    expect(added.version).toBeGreaterThan(version);
    const now = await ok1(d, "get_model", { model: modelId });
    expect(now.document.pages.map((p: any) => p.name)).toEqual(["books"]);
    expect(now.document.navigation).toEqual([{ label: "Books", page: "books" }]);
    expect(await ok1(d, "validate_model", { document: now.document })).toEqual({ valid: true, issues: [] });
  });

  test("create_app runs the model as app `library`, and list_apps shows it", async () => {
    const app = await ok1(d, "create_app", { model: modelId });
    expect(app).toMatchObject({ app: "library", model: "Library" });
    const listed = (await ok1(d, "list_apps")).find((a: any) => a.slug === "library");
    expect(listed).toMatchObject({ model: "Library", entities: ["author", "book"] });
    const page = await rpc(s.url, "loadPage", { app: "library", page: "books" });
    expect(JSON.stringify(page)).toContain("DataGrid");
  });
});

describe("using the Library through typed tools of a client scoped to it", () => {
  test("the scoped client has author_* and book_* tools with schemas from the fields", async () => {
    user = await httpClient(s.url, { app: "library", name: "reader" });
    const tools = (await user.client.listTools()).tools;
    for (const e of ["author", "book"]) for (const op of CRUD) expect(tools.map((t) => t.name)).toContain(`${e}_${op}`);
    const create = tools.find((t) => t.name === "book_create")!.inputSchema as any;
    expect(create.properties.genre.enum).toEqual(["fiction", "science", "history"]);
    expect([...create.required].sort()).toEqual(["author", "title"]);
  });

  test("authors and books are created; a book of a missing author or a bad genre is refused", async () => {
    const u = user!.client;
    ids.leguin = (await ok1(u, "author_create", { name: "Ursula K. Le Guin", born: 1929 })).id;
    ids.sagan = (await ok1(u, "author_create", { name: "Carl Sagan", born: 1934 })).id;
    ids.earthsea = (await ok1(u, "book_create", { title: "A Wizard of Earthsea", year: 1968, author: ids.leguin })).id;
    ids.dispossessed = (await ok1(u, "book_create", { title: "The Dispossessed", year: 1974, author: ids.leguin })).id;
    ids.cosmos = (await ok1(u, "book_create", { title: "Cosmos", year: 1980, genre: "science", author: ids.sagan })).id;
    expect((await fails(u, "book_create", { title: "Orphan", author: crypto.randomUUID() })).message).toContain("author");
    expect((await fails(u, "book_create", { title: "Odd", author: ids.sagan, genre: "poetry" })).message).toContain("genre");
    expect((await fails(u, "author_create", { name: "Carl Sagan" })).message).toContain("name");
  });

  test("book_query filters and sorts; book_get reads one", async () => {
    const u = user!.client;
    const fiction = await ok1(u, "book_query", { filter: { genre: "fiction" }, sort: [{ field: "year", dir: "desc" }] });
    expect(fiction.data.map((b: any) => b.data.title)).toEqual(["The Dispossessed", "A Wizard of Earthsea"]);
    const recent = await ok1(u, "book_query", { filter: { year: { gte: 1970 } }, sort: [{ field: "year", dir: "asc" }], total: true });
    expect(recent.data.map((b: any) => b.id)).toEqual([ids.dispossessed, ids.cosmos]);
    expect(recent.pagination.total).toBe(2);
    const one = await ok1(u, "book_get", { id: ids.cosmos });
    expect(one).toMatchObject({ id: ids.cosmos, entity: "book", version: 1, data: { title: "Cosmos", author: ids.sagan, genre: "science" } });
  });

  test("book_update with expectedVersion changes a book once; a stale version is a conflict", async () => {
    const u = user!.client;
    const upd = await ok1(u, "book_update", { id: ids.cosmos, expectedVersion: 1, title: "Cosmos (1980)" });
    expect(upd).toMatchObject({ version: 2, data: { title: "Cosmos (1980)", year: 1980 } });
    const stale = await fails(u, "book_update", { id: ids.cosmos, expectedVersion: 1, title: "Cosmos!" });
    expect(stale.value.code).toBe("conflict");
    expect((await ok1(u, "book_get", { id: ids.cosmos })).data.title).toBe("Cosmos (1980)");
  });

  test("author_delete cascades to the author's books; JSON-RPC sees the same data", async () => {
    const u = user!.client;
    const del = await ok1(u, "author_delete", { id: ids.leguin });
    expect(del).toMatchObject({ id: ids.leguin, deleted: true });
    expect(del.cascaded.map((c: any) => c.id).sort()).toEqual([ids.earthsea, ids.dispossessed].sort());
    const left = await ok1(u, "book_query", {});
    expect(left.data.map((b: any) => b.id)).toEqual([ids.cosmos]);
    expect((await fails(u, "book_get", { id: ids.earthsea })).value.code).toBe("not_found");

    const viaRpc = await rpc(s.url, "queryEntities", { app: "library", entity: "book" });
    expect(viaRpc.data.map((b: any) => ({ id: b.id, title: b.data.title, version: b.version }))).toEqual([
      { id: ids.cosmos, title: "Cosmos (1980)", version: 2 },
    ]);
    expect((await rpc(s.url, "queryEntities", { app: "library", entity: "author" })).data.map((a: any) => a.data.name)).toEqual(["Carl Sagan"]);
  });

  test("`torque mcp --app library` over stdio on the same database offers the same tools and sees the same books", async () => {
    const io = await stdioClient(s.dbPath, { app: "library" });
    try {
      expect((await io.client.listTools()).tools.map((t) => t.name)).toContain("book_create");
      expect((await ok1(io.client, "book_query", {})).data.map((b: any) => b.id)).toEqual([ids.cosmos]);
    } finally {
      await io.close();
    }
  });
});
