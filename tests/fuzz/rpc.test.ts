// Fuzzing the JSON-RPC door (POST /rpc and /ws) against a real `torque server` process:
// real, valid requests of every method, mutated in one to three places (params broken,
// names replaced by SQL fragments, prototype names, paths and unicode edge cases, values of
// the wrong type, giant numbers, deep nesting), envelopes broken (jsonrpc, id, method,
// params), and bodies that are not JSON at all. Every answer must be a JSON-RPC answer in
// the protocol's shape with a message and no internal error (-32603), no stack trace, SQL
// or file path; a request an oracle knows to be invalid (an unknown app, type, field,
// parameter) must be refused; the server must stay up; and the database may change only
// where a request that succeeded says it wrote.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { WsClient } from "../helpers/server";
import { hostileName, hostileString, mutate, mutateText, Raw, type Rng, toJson, withSeed } from "./gen";
import { Allowed, brief, FIELDS, type FuzzServer, leak, pool, snapshot, startFuzzServer, stringsOf, Tally, unexplained } from "./kit";

let s: FuzzServer;
beforeAll(async () => {
  s = await startFuzzServer();
}, 60_000);
afterAll(async () => {
  await s?.close();
});

type Params = Record<string, unknown>;
interface Req {
  method: string;
  params: Params;
}

/** Real, valid requests of every method (ids of the seeded records). */
function corpus(): Req[] {
  const { projects, tasks, owners, items } = s.ids;
  const item = {
    title: "fuzzed",
    body: "long\ntext",
    n: 5,
    x: 1.25,
    flag: true,
    day: "2026-02-03",
    at: "2026-02-03T04:05:06Z",
    kind: "b",
    tags: ["red", "blue"],
    meta: { a: [1, 2, { b: null }] },
    mail: "a@example.com",
    link: "https://example.com/x",
    code: "fuzz-code",
    doc: { name: "f.txt", url: "https://example.com/f.txt" },
    owner: owners[0],
  };
  const taskQuery = {
    filter: { status: "open", priority: { gte: 2, lte: 5 }, or: [{ due: null }, { title: { contains: "task" } }], not: { id: { in: [tasks[0]] } } },
    sort: [{ field: "priority", dir: "desc" }],
    limit: 5,
    fields: ["title", "priority"],
    include: ["project"],
    total: true,
  };
  const itemQuery = {
    filter: {
      and: [{ kind: { in: ["a", "b"] } }, { n: { between: [-100, 100] } }],
      tags: { contains: "red" },
      meta: { isNull: false },
      $search: "plain",
      createdAt: { gte: "2020-01-01T00:00:00Z" },
    },
    sort: [{ field: "day", dir: "asc" }],
    limit: 3,
    offset: 1,
    include: ["owner", "follows"],
  };
  return [
    { method: "ping", params: {} },
    { method: "getCapabilities", params: {} },
    { method: "getModelMetadata", params: { app: "todo" } },
    { method: "loadPage", params: { app: "todo", page: "tasks" } },
    { method: "loadPage", params: { app: "fz", page: "/items" } },
    { method: "loadEntityData", params: { app: "todo", entity: "task", ...taskQuery, columns: ["title", "status"] } },
    { method: "getFormDefinition", params: { app: "todo", entity: "task", id: tasks[0] } },
    {
      method: "createEntity",
      params: { app: "todo", entity: "task", data: { title: "new", project: projects[0], priority: 3, status: "open", due: "2026-05-01" } },
    },
    { method: "createEntity", params: { app: "fz", entity: "item", data: item } },
    { method: "createEntity", params: { app: "fz", entity: "owner", data: { name: "new owner" } } },
    { method: "getEntity", params: { app: "todo", entity: "task", id: tasks[1], fields: ["title"], include: ["project"] } },
    { method: "getEntity", params: { app: "fz", entity: "item", id: items[1] } },
    { method: "updateEntity", params: { app: "todo", entity: "task", id: tasks[2], data: { title: "changed", priority: 2 }, expectedVersion: 1 } },
    { method: "updateEntity", params: { app: "fz", entity: "item", id: items[2], data: { n: 7, tags: ["green"], meta: null } } },
    { method: "deleteEntity", params: { app: "todo", entity: "task", id: tasks[3], expectedVersion: 1 } },
    { method: "deleteEntity", params: { app: "fz", entity: "owner", id: owners[2], expectedVersion: 1 } },
    { method: "queryEntities", params: { app: "todo", entity: "task", ...taskQuery } },
    { method: "queryEntities", params: { app: "fz", entity: "item", ...itemQuery } },
    {
      method: "aggregateEntities",
      params: {
        app: "todo",
        entity: "task",
        filter: { status: "open" },
        groupBy: { field: "due", bucket: "month" },
        aggregates: [{ op: "count" }, { op: "sum", field: "priority" }],
      },
    },
    {
      method: "aggregateEntities",
      params: {
        app: "fz",
        entity: "item",
        groupBy: "kind",
        aggregates: [
          { op: "avg", field: "x" },
          { op: "max", field: "at" },
        ],
      },
    },
    { method: "bulkImport", params: { app: "todo", entity: "project", format: "csv", data: "name,description\nbulk a,x\nbulk b,y\n", dryRun: true } },
    {
      method: "bulkImport",
      params: {
        app: "fz",
        entity: "item",
        format: "json",
        data: [
          { title: "b1", n: 1 },
          { title: "b2", kind: "c" },
        ],
        dryRun: true,
      },
    },
    {
      method: "exportEntities",
      params: { app: "todo", entity: "task", format: "csv", filter: { priority: { gt: 1 } }, sort: [{ field: "title" }], fields: ["title"] },
    },
    { method: "exportEntities", params: { app: "fz", entity: "item", format: "json", filter: { code: { startsWith: "code" } } } },
    { method: "getRelated", params: { app: "todo", entity: "project", id: projects[0], relationship: "project_tasks", limit: 5, sort: [{ field: "title" }] } },
    { method: "getRelated", params: { app: "fz", entity: "owner", id: owners[0], relationship: "follows" } },
    { method: "link", params: { app: "fz", relationship: "follows", from: owners[1], to: items[1] } },
    { method: "unlink", params: { app: "fz", relationship: "follows", from: owners[0], to: items[0] } },
    { method: "executeXFlow", params: { app: "fz", xflow: "echo", input: { a: "x" } } },
    { method: "executeXFlow", params: { app: "fz", xflow: "echo", from: { node: "end", input: { a: 1 } } } },
    { method: "getXFlowRun", params: { id: "0190aaaa-0000-7000-8000-000000000000" } },
    { method: "listXFlowRuns", params: { app: "fz", xflow: "echo", limit: 5 } },
  ];
}

const APP_METHODS = new Set([
  "getModelMetadata",
  "loadPage",
  "loadEntityData",
  "getFormDefinition",
  "createEntity",
  "getEntity",
  "updateEntity",
  "deleteEntity",
  "queryEntities",
  "aggregateEntities",
  "bulkImport",
  "exportEntities",
  "link",
  "unlink",
  "getRelated",
  "executeXFlow",
]);
const PARAMS: Record<string, string[]> = {
  ping: [],
  getCapabilities: [],
  getModelMetadata: ["app"],
  loadPage: ["app", "page"],
  loadEntityData: ["app", "entity", "filter", "sort", "limit", "cursor", "offset", "fields", "include", "total", "columns"],
  getFormDefinition: ["app", "entity", "id"],
  createEntity: ["app", "entity", "data"],
  getEntity: ["app", "entity", "id", "fields", "include"],
  updateEntity: ["app", "entity", "id", "data", "expectedVersion"],
  deleteEntity: ["app", "entity", "id", "expectedVersion"],
  queryEntities: ["app", "entity", "filter", "sort", "limit", "cursor", "offset", "fields", "include", "total"],
  aggregateEntities: ["app", "entity", "filter", "groupBy", "aggregates"],
  bulkImport: ["app", "entity", "format", "data", "dryRun"],
  exportEntities: ["app", "entity", "format", "filter", "sort", "fields"],
  link: ["app", "relationship", "from", "to"],
  unlink: ["app", "relationship", "from", "to"],
  getRelated: ["app", "entity", "id", "relationship", "filter", "sort", "limit", "cursor", "offset", "fields", "include", "total"],
  executeXFlow: ["app", "xflow", "input", "from"],
  getXFlowRun: ["id"],
  listXFlowRuns: ["app", "xflow", "limit"],
};
const SYSTEM = ["id", "createdAt", "updatedAt"];
const INCLUDES: Record<string, string[]> = {
  "todo:task": ["project", "project_tasks"],
  "todo:project": ["project_tasks"],
  "fz:item": ["owner", "owner_items", "follows"],
  "fz:owner": ["owner_items", "follows"],
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Why a request (as the server parses it) cannot succeed, when a cheap oracle can tell: an
 * unknown method or parameter, an app or type that does not exist, a name in data, a
 * filter's top level, a sort, `fields` or `include` that the type does not have.
 */
function knownInvalid(method: unknown, params: unknown): string | undefined {
  if (typeof method !== "string" || !Object.hasOwn(PARAMS, method)) return "unknown method";
  if (params === undefined) return PARAMS[method]!.includes("app") ? "no params" : undefined;
  if (!isObj(params)) return "params not an object";
  for (const k of Object.keys(params)) if (!PARAMS[method]!.includes(k)) return `unknown parameter ${JSON.stringify(k)}`;
  if (!APP_METHODS.has(method)) return undefined;
  const app = params.app;
  if (typeof app !== "string" || !Object.hasOwn(FIELDS, app)) return "unknown app";
  if (!("entity" in params)) return undefined;
  if (method === "getRelated") return undefined; // its filter, sort and fields are about the other side's type
  const entity = params.entity;
  if (typeof entity !== "string" || !Object.hasOwn(FIELDS[app]!, entity)) return "unknown entity";
  const fields = FIELDS[app]![entity]!;
  const named = (n: unknown) => typeof n === "string" && (fields.includes(n) || SYSTEM.includes(n));
  if ((method === "createEntity" || method === "updateEntity") && isObj(params.data))
    for (const k of Object.keys(params.data)) if (!fields.includes(k)) return `unknown field ${JSON.stringify(k)} in data`;
  if (isObj(params.filter))
    for (const k of Object.keys(params.filter)) if (!["and", "or", "not", "$search"].includes(k) && !named(k)) return `unknown filter key ${JSON.stringify(k)}`;
  if (Array.isArray(params.sort)) for (const k of params.sort) if (isObj(k) && typeof k.field === "string" && !named(k.field)) return "unknown sort field";
  if (Array.isArray(params.fields)) for (const f of params.fields) if (typeof f === "string" && !named(f)) return "unknown field in fields";
  if (Array.isArray(params.include))
    for (const f of params.include) if (typeof f === "string" && !INCLUDES[`${app}:${entity}`]?.includes(f)) return "unknown include";
  return undefined;
}

/** Note what a successful write changed, so the fingerprint may differ there. */
function allow(allowed: Allowed, method: string, params: Params, result: any) {
  const add = (id: unknown) => typeof id === "string" && allowed.entities.add(id);
  if (method === "createEntity" || method === "updateEntity") add(result?.id);
  if (method === "deleteEntity") {
    add(result?.id);
    for (const c of result?.cascaded ?? []) add(c?.id);
  }
  if (method === "bulkImport") for (const id of result?.ids ?? []) add(id);
  if (method === "link" || method === "unlink") {
    add(params.from);
    add(params.to);
  }
  if (method === "executeXFlow" && typeof params.app === "string") allowed.wholeApps.add(params.app);
}

interface Sent {
  id: string;
  method: string;
  params: unknown;
  text: string;
  invalid?: string;
}

test("fuzz: mutated JSON-RPC requests over HTTP and WebSocket", async () => {
  const t = new Tally("rpc");
  const allowed = new Allowed();
  const before = await snapshot(s.db);
  const t0 = performance.now();

  await withSeed("rpc", async (rng: Rng) => {
    const valid = corpus();
    // Check an answer to one request whose id we know.
    const judge = (sent: Sent, answer: any) => {
      t.inputs++;
      if (!isObj(answer) || answer.jsonrpc !== "2.0" || answer.id !== sent.id) {
        t.problem("internal", `not a JSON-RPC answer to ${sent.id}: ${brief(JSON.stringify(answer))} for ${brief(sent.text)}`);
        return;
      }
      if ("error" in answer) {
        const e = answer.error as any;
        if (!isObj(e) || !Number.isInteger(e.code) || typeof e.message !== "string" || !e.message)
          return t.problem("internal", `malformed error ${brief(JSON.stringify(e))} for ${brief(sent.text)}`);
        if (e.code === -32603) return t.problem("internal", `-32603 ${e.message} for ${brief(sent.text)}`);
        const l = leak(`${e.message}\n${JSON.stringify(e.data ?? "")}`, stringsOf(sent.params));
        if (l) t.problem("leaks", `${l} for ${brief(sent.text)}`);
        return;
      }
      if (!("result" in answer)) return t.problem("internal", `no result or error: ${brief(JSON.stringify(answer))}`);
      if (sent.invalid)
        return t.problem("accepted", `${sent.invalid}, but ${sent.method} succeeded: ${brief(sent.text)} → ${brief(JSON.stringify(answer.result))}`);
      t.succeeded++;
      allow(allowed, sent.method, isObj(sent.params) ? sent.params : {}, answer.result);
    };

    /** A request with params mutated (the envelope intact); its id is `id`. */
    const paramCase = (r: Rng, id: string): Sent => {
      const base = r.pick(valid);
      let method = base.method;
      let params: unknown;
      const k = r.int(100);
      if (k < 70) params = mutate(base.params, r).value;
      else if (k < 80) {
        // A name replaced by a hostile one: never a valid app, type, relationship or flow.
        const p = { ...base.params };
        const key = r.pick(["app", "entity", "relationship", "xflow", "page", "id"].filter((n) => n in p).concat("app"));
        p[key] = hostileName(r);
        params = p;
      } else if (k < 90) {
        // Another method's params, or params of the wrong type.
        method = r.pick(valid).method;
        params = r.chance(0.7) ? base.params : r.pick([[], [base.params], "params", 1, null, true]);
      } else params = mutate(base.params, r, { times: 4 + r.int(4) }).value;
      const text = toJson({ jsonrpc: "2.0", id, method, params });
      const seen = (JSON.parse(text) as { params: unknown }).params; // what the server will see
      return { id, method, params: seen, text, invalid: knownInvalid(method, seen) };
    };

    // 1. Batches of 50 param-mutated requests over HTTP.
    const batches: Sent[][] = [];
    for (let b = 0; b < 60; b++) batches.push(Array.from({ length: 50 }, (_, i) => paramCase(rng.fork(), `b${b}-${i}`)));
    await pool(batches, 2, async (batch) => {
      const res = await fetch(`${s.url}/rpc`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `[${batch.map((x) => x.text).join(",")}]`,
      });
      const text = await res.text();
      if (res.status >= 500) {
        t.inputs += batch.length;
        return t.problem("http5xx", `HTTP ${res.status} for a batch: ${brief(text)}`);
      }
      const answers = JSON.parse(text) as any[];
      const byId = new Map(answers.map((a) => [a?.id, a]));
      for (const sent of batch) {
        const a = byId.get(sent.id);
        if (a?.error?.code === -32010) {
          t.inputs++; // not run: the batch's time was spent (documented); nothing to judge
          continue;
        }
        judge(sent, a);
      }
    });

    // 2. Single bodies: broken envelopes and text that is not JSON.
    const singles: { text: string; params?: unknown }[] = [];
    for (let i = 0; i < 700; i++) {
      const r = rng.fork();
      const base = r.pick(valid);
      const env = { jsonrpc: "2.0", id: `s${i}`, method: base.method, params: base.params };
      const k = r.int(100);
      if (k < 45) singles.push({ text: toJson(mutate(env, r, { root: r.chance(0.2) }).value), params: base.params });
      else if (k < 75) singles.push({ text: mutateText(toJson(env), r), params: base.params });
      else if (k < 85) {
        const idRaw = r.pick(["1e400", "-0", "123456789012345678901234567890", "0.1", "true", "[]", "{}", '"\\ud800"', "null"]);
        singles.push({ text: `{"jsonrpc":"2.0","id":${idRaw},"method":${JSON.stringify(base.method)},"params":${toJson(base.params)}}` });
      } else if (k < 92) singles.push({ text: toJson([...Array.from({ length: r.pick([0, 1, 1001]) }, () => env)]).replace(/"id":"s\d+"/g, `"id":${i}`) });
      else singles.push({ text: toJson(r.chance(0.5) ? hostileString(r) : { jsonrpc: "2.0", id: i, method: hostileString(r), params: {} }) });
    }
    // A few shapes that stress the parser: deep nesting, a body of NULs, 2 MB of one string, many keys.
    singles.push({ text: `${"[".repeat(100_000)}${"]".repeat(100_000)}` });
    singles.push({ text: `{"jsonrpc":"2.0","id":1,"method":"ping","params":${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}}` });
    singles.push({ text: "\u0000".repeat(1000) });
    singles.push({
      text: toJson({ jsonrpc: "2.0", id: 2, method: "createEntity", params: { app: "fz", entity: "owner", data: { name: "x".repeat(2_000_000) } } }),
    });
    singles.push({
      text: toJson({
        jsonrpc: "2.0",
        id: 3,
        method: "queryEntities",
        params: { app: "fz", entity: "item", filter: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i])) },
      }),
    });
    singles.push({ text: `{"jsonrpc":"2.0","id":4,"method":"queryEntities","params":{"app":"fz","entity":"item","limit":${new Raw("1e400").text}}}` });
    await pool(singles, 6, async ({ text, params }) => {
      t.inputs++;
      // A notification gets no answer to learn its writes from: one the oracle cannot fault may change its app.
      const req = parsed(text);
      for (const m of Array.isArray(req) ? req : [req])
        if (isObj(m) && !("id" in m) && isObj(m.params) && typeof m.params.app === "string" && !knownInvalid(m.method, m.params))
          allowed.wholeApps.add(m.params.app);
      const res = await fetch(`${s.url}/rpc`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
      const body = await res.text();
      if (res.status >= 500) return t.problem("http5xx", `HTTP ${res.status} ${brief(body)} for ${brief(text)}`);
      if (res.status === 204) return;
      if (res.status !== 200) return t.problem("internal", `HTTP ${res.status} for ${brief(text)}`);
      let answer: any;
      try {
        answer = JSON.parse(body);
      } catch {
        return t.problem("internal", `answer is not JSON: ${brief(body)} for ${brief(text)}`);
      }
      for (const a of Array.isArray(answer) ? answer : [answer]) {
        if (!isObj(a) || a.jsonrpc !== "2.0") return t.problem("internal", `not a JSON-RPC answer: ${brief(body)}`);
        if (a.error) {
          const e = a.error as any;
          if (e.code === -32603) return t.problem("internal", `-32603 for ${brief(text)}`);
          if (typeof e.message !== "string" || !e.message) return t.problem("internal", `error without a message: ${brief(body)}`);
          const l = leak(e.message, stringsOf(req, stringsOf(params)));
          if (l) t.problem("leaks", `${l} for ${brief(text)}`);
        } else {
          // A mutated envelope that is still a valid request: what it wrote is allowed.
          t.succeeded++;
          const req = parsed(text);
          const one = Array.isArray(req) ? req[0] : req;
          if (isObj(one) && isObj(one.params)) allow(allowed, String(one.method), one.params, a.result);
        }
      }
    });

    // 3. The same over the WebSocket, with subscriptions among them.
    const ws = await WsClient.open(`${s.url.replace("http", "ws")}/ws`);
    try {
      valid.push(
        { method: "subscribe", params: { app: "fz", entity: "item", filter: { kind: "a", n: { gt: 0 } } } },
        { method: "subscribe", params: { app: "todo" } },
        { method: "unsubscribe", params: { subscription: "s1" } },
      );
      PARAMS.subscribe = ["app", "entity", "filter"];
      PARAMS.unsubscribe = ["subscription"];
      for (let b = 0; b < 12; b++) {
        const batch = Array.from({ length: 40 }, (_, i) => paramCase(rng.fork(), `w${b}-${i}`));
        for (const x of batch) if (x.method === "subscribe" || x.method === "unsubscribe") x.invalid = undefined; // the oracle knows no subscriptions
        const answers = (await ws.sendRaw(`[${batch.map((x) => x.text).join(",")}]`, 20_000)) as any[];
        const byId = new Map(answers.map((a) => [a?.id, a]));
        for (const sent of batch) {
          const a = byId.get(sent.id);
          if (a?.error?.code === -32010) {
            t.inputs++;
            continue;
          }
          judge(sent, a);
        }
      }
      // Text that is not JSON, over the socket.
      for (let i = 0; i < 60; i++) {
        t.inputs++;
        const text = mutateText(toJson({ jsonrpc: "2.0", id: `x${i}`, method: "ping" }), rng);
        let parsedOk = true;
        try {
          JSON.parse(text);
        } catch {
          parsedOk = false;
        }
        if (parsedOk) continue; // a still-valid ping would be routed by id; only broken text is waited for
        const a = await ws.sendRaw(text, 10_000);
        if (a?.error?.code !== -32700) t.problem("internal", `not a parse error for ${brief(text)}: ${brief(JSON.stringify(a))}`);
      }
    } finally {
      ws.close();
    }

    if (!(await s.alive())) t.problem("crashes", "the server died or /health failed");
    const err = s.stderr().trim();
    if (err) t.problem("internal", `the server logged: ${brief(err, 2000)}`);
    const after = await snapshot(s.db);
    for (const p of await unexplained(s.db, before, after, allowed)) t.problem("dataChanges", p);
    console.log(t.line(`${Math.round(performance.now() - t0)} ms`));
    expect(t.problems).toEqual([]);
  });
}, 120_000);

// Found by this fuzz test; the fix belongs in src/services/entities/include.ts (attachIncludes
// returns before it checks the names when the page is empty), which is being rewritten.
test("an unknown include name is refused even when the page holds no records", async () => {
  const r = await (
    await fetch(`${s.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "queryEntities",
        params: { app: "fz", entity: "item", filter: { title: "no such title" }, include: ["' OR 1=1 --"] },
      }),
    })
  ).json();
  // Today: {"result": {"data": [], "pagination": {…}}}; with a record on the page the same name is -32001.
  expect(r.error?.code).toBe(-32001);
});

// Found by this fuzz test; the fix belongs in src/services/dataio.ts (bulkImport returns for
// zero rows before it resolves the app and the entity type), which is being rewritten.
test("bulkImport of no rows into an app or entity type that does not exist is not found (-32004)", async () => {
  const r = await (
    await fetch(`${s.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "bulkImport", params: { app: "' OR 1=1 --", entity: "nope", format: "json", data: [] } }),
    })
  ).json();
  // Today: {"result": {"inserted": 0, "ids": []}} (CSV with only a header row: the same for an unknown entity type).
  expect(r.error?.code).toBe(-32004);
});
