// Fuzzing model import: real model files (the todo, crm and blank templates, the fuzz
// model, and the two files of the original Torque in tests/fixtures) mutated and sent
// through every door that takes a whole model: GraphQL importModel (with and without an
// app), createModel and updateModel, the MCP tool create_model, and `torque model import
// FILE`. Names of entity types, fields, relationships, pages and flows replaced by SQL
// fragments, quotes, paths or prototype names must be refused with each problem's path;
// no answer may be an internal error, a 5xx, or carry a stack trace, SQL or a file path;
// a model that is saved keeps its name exactly; the server stays up; and only the models,
// apps and records a successful import reports exist afterwards.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templates } from "../../src/model/templates";
import { openDatabase } from "../../src/store/open";
import { FIXTURES, MAIN } from "../helpers/cli";
import { onPostgres } from "../helpers/db";
import { hostileName, hostileString, isModelName, mutate, Raw, type Rng, toJson, withSeed } from "./gen";
import { Allowed, brief, FUZZ_MODEL, type FuzzServer, leak, pool, snapshot, startFuzzServer, stringsOf, Tally, unexplained } from "./kit";

let s: FuzzServer;
let sandbox: string;
beforeAll(async () => {
  s = await startFuzzServer();
  const made = await gql('mutation($d: JSON) { createModel(name: "Import sandbox", document: $d) { model { id } } }', { d: { entities: [] } });
  sandbox = made.body.data.createModel.model.id;
}, 60_000);
afterAll(async () => {
  await s?.close();
});

async function gql(query: string, variables?: unknown): Promise<{ status: number; text: string; body: any }> {
  const res = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: toJson({ query, variables }) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, text, body };
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Model files to start from: canonical ones and the original Torque's. */
function files(): { legacy: boolean; doc: Record<string, unknown> }[] {
  const legacy = ["customer-order.json", "todo-app.json"].map((f) => ({ legacy: true, doc: JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) }));
  const canonical = [templates.todo, templates.crm, templates.blank, FUZZ_MODEL].map((d) => ({
    legacy: false,
    doc: structuredClone(d) as Record<string, unknown>,
  }));
  // A canonical file with sample data, as `model import` reads it.
  const withSamples = structuredClone(templates.todo) as Record<string, unknown>;
  withSamples.sampleData = {
    project: [{ id: "p1", name: "Imported' OR 1=1 --" }],
    task: [{ title: "t", project: "p1", notes: "'); DROP TABLE entities; --" }],
  };
  return [...canonical, { legacy: false, doc: withSamples }, ...legacy];
}

/** Every place in a canonical model that holds a name (lower_snake_case only). */
const NAME_PATH = /^\/(entities\/\d+|entities\/\d+\/fields\/\d+|relationships\/\d+|pages\/\d+|xflows\/\d+)\/name$/;

function namePaths(doc: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (isObj(v)) for (const [k, x] of Object.entries(v)) NAME_PATH.test(`${at}/${k}`) ? out.push(`${at}/${k}`) : walk(x, `${at}/${k}`);
  };
  walk(doc, "");
  return out;
}

function setAt(doc: any, path: string, value: unknown) {
  const parts = path.split("/").slice(1);
  let o = doc;
  for (const p of parts.slice(0, -1)) o = o[p];
  o[parts[parts.length - 1]!] = value;
}

interface Case {
  doc: unknown;
  /** A file of the original Torque: its name is trimmed, clipped to 200 characters, or "Imported model" when empty. */
  legacy?: boolean;
  /** Why it must be refused (a hostile name where a model name goes), if the generator knows. */
  invalid?: string;
  name?: unknown;
  createApp: boolean;
}

let FILES: ReturnType<typeof files> | undefined;

/**
 * One model file to send. Saving a model (and an app with its indexes) costs tens of
 * milliseconds, a legacy file with its sample data seconds, so most cases are files the
 * validator must refuse; some are valid (a hostile model name, which must be kept exactly).
 */
function makeCase(r: Rng): Case {
  FILES ??= files();
  const k = r.int(100);
  const canonical = FILES.filter((f) => !f.legacy);
  const pick = r.pick(k < 94 ? canonical : FILES.filter((f) => f.legacy));
  const legacy = pick.legacy;
  const doc = structuredClone(pick.doc);
  const paths = legacy ? [] : namePaths(doc);
  if (k < 45 && paths.length) {
    // A hostile name in a name's place: the validator must refuse it, naming the path.
    const path = r.pick(paths);
    const name = hostileName(r);
    setAt(doc, path, name);
    // Sometimes more broken besides.
    const d = r.chance(0.3) ? mutate(doc, r).value : doc;
    return { doc: d, invalid: isModelName(name) ? undefined : `${JSON.stringify(name)} at ${path}`, createApp: r.chance(0.05) };
  }
  if (k < 55) {
    // A hostile model name (free text: valid, and must be kept exactly).
    const name = hostileString(r);
    doc.name = name;
    return { doc, name, createApp: r.chance(0.1), legacy };
  }
  if (k < 86) return { doc: mutate(doc, r, { times: 1 + r.int(4) }).value, createApp: r.chance(0.05), legacy };
  if (k < 92)
    return { doc: r.pick([null, [], "model", 1, new Raw("1e400"), { name: "x" }, { entities: "all" }, { name: "x", entities: [{}] }]), createApp: false };
  if (k < 94) {
    // Very many or very large parts.
    const d = structuredClone(templates.blank) as Record<string, any>;
    if (r.chance(0.5))
      d.entities = Array.from({ length: 100 }, (_, i) => ({ name: `e${i}`, fields: Array.from({ length: 20 }, (_, j) => ({ name: `f${j}`, type: "text" })) }));
    else d.description = "x".repeat(r.pick([10_000, 5_000_000]));
    return { doc: d, createApp: false };
  }
  // A file of the original Torque, mutated: converted leniently, so mostly saved.
  return { doc: r.chance(0.3) ? doc : mutate(doc, r).value, createApp: false, legacy };
}

/**
 * An import that fails after its model was saved (its app could not be made or loaded)
 * deletes the model again: nothing is left but the audit entries of both steps (the
 * import is not one transaction). Those entries are allowed; returns how many imports.
 */
async function undoneImports(since: number, allowed: Allowed): Promise<number> {
  const db = await openDatabase(s.db, { migrate: false });
  try {
    const rows = await db.all<{ id: number; action: string; model_id: string | null; app_id: number | null }>(
      "SELECT id, action, model_id, app_id FROM audit_log WHERE id > ? ORDER BY id",
      [since],
    );
    const models = new Set((await db.all<{ id: string }>("SELECT id FROM models")).map((r) => r.id));
    const apps = new Set((await db.all<{ id: number }>("SELECT id FROM apps")).map((r) => Number(r.id)));
    const deleted = new Set(rows.filter((r) => r.action === "model.delete" && r.model_id && !models.has(r.model_id)).map((r) => r.model_id));
    const undone = new Set<string>();
    for (const r of rows)
      if ((r.model_id && deleted.has(r.model_id)) || (r.app_id !== null && !apps.has(Number(r.app_id)) && r.action.startsWith("app."))) {
        allowed.audit.add(Number(r.id));
        if (r.model_id) undone.add(r.model_id);
      }
    return undone.size;
  } finally {
    await db.close();
  }
}

/** What is wrong with how a model name was saved, or undefined. */
function nameProblem(sent: string, saved: string, legacy: boolean): string | undefined {
  if (!saved.isWellFormed() && sent.isWellFormed()) return "the saved name holds a lone surrogate the sent one did not";
  if (!legacy) return saved === sent ? undefined : "changed";
  const trimmed = sent.trim();
  if (!trimmed) return saved === "Imported model" ? undefined : "an empty legacy name is not called Imported model";
  if (trimmed.length <= 200) return saved === trimmed ? undefined : "not the trimmed name";
  return saved.length <= 200 && saved.endsWith("…") && trimmed.startsWith(saved.slice(0, -1)) ? undefined : "not the name clipped to 200 characters";
}

test("fuzz: mutated model files through importModel, createModel, updateModel, MCP and the CLI", async () => {
  const t = new Tally("model-import");
  const allowed = new Allowed();
  allowed.models.add(sandbox);
  const before = await snapshot(s.db);
  const t0 = performance.now();

  const phase = (what: string) => process.env.FUZZ_DEBUG && console.error(what, Math.round(performance.now() - t0));
  await withSeed("model-import", async (rng: Rng) => {
    /** Check the errors of one answer: GraphQL errors, or a payload's issues. */
    const check = (c: Case, what: string, res: { status: number; text: string; body: any }, payload: any) => {
      t.inputs++;
      if (res.status >= 500) return t.problem("http5xx", `HTTP ${res.status} ${brief(res.text)} for ${what}`);
      const strings = stringsOf(c.doc, new Set(typeof c.name === "string" ? [c.name] : []));
      for (const e of res.body?.errors ?? []) {
        if (e?.message === "Unexpected error." || e?.extensions?.code === "INTERNAL_SERVER_ERROR")
          return t.problem("internal", `masked internal error for ${what}: ${brief(toJson(c.doc))}`);
        const l = leak(String(e?.message), strings);
        if (l) t.problem("leaks", `${l} for ${what}`);
      }
      if (!payload) {
        if (!res.body?.errors?.length) t.problem("internal", `no answer and no error for ${what}: ${brief(res.text)}`);
        return;
      }
      for (const i of payload.errors ?? []) {
        if (typeof i?.message !== "string" || !i.message) t.problem("internal", `an issue without a message: ${brief(JSON.stringify(i))}`);
        const l = leak(String(i?.message), strings);
        if (l) t.problem("leaks", `${l} for ${what}`);
      }
      if (payload.model) {
        if (c.invalid) return t.problem("accepted", `${c.invalid}, but ${what} saved it`);
        t.succeeded++;
        allowed.models.add(payload.model.id);
        if (payload.app?.slug) allowed.wholeApps.add(payload.app.slug).add(payload.app.slug);
        if (payload.app?.slug) allowed.apps.add(payload.app.slug);
        // A name is free text, kept exactly (a legacy file's as its conversion says).
        const bad = typeof c.name === "string" && payload.model.name !== undefined && nameProblem(c.name, payload.model.name, !!c.legacy);
        if (bad) t.problem("dataChanges", `the model name ${JSON.stringify(c.name)} was saved as ${JSON.stringify(payload.model.name)} by ${what}: ${bad}`);
      } else if (!(payload.errors?.length || res.body?.errors?.length)) t.problem("internal", `neither a model nor a problem from ${what}: ${brief(res.text)}`);
    };

    // 1. GraphQL importModel, with and without an app.
    const imports = Array.from({ length: 1300 }, () => makeCase(rng.fork()));
    await pool(imports, 4, async (c) => {
      const res = await gql(
        "mutation($d: JSON!, $c: Boolean) { importModel(document: $d, createApp: $c) { model { id name } app { slug } format report errors { path rule message } } }",
        { d: c.doc, c: c.createApp },
      );
      check(c, "importModel", res, res.body?.data?.importModel);
    });

    phase("importModel");
    // 2. createModel (a document under a hostile or plain name) and updateModel of the sandbox model.
    const saves = Array.from({ length: 400 }, () => makeCase(rng.fork()));
    await pool(saves, 4, async (c) => {
      if (rng.chance(0.5)) {
        const name = typeof c.name === "string" ? c.name : "Fuzzed";
        const res = await gql("mutation($n: String!, $d: JSON) { createModel(name: $n, document: $d) { model { id name } errors { path rule message } } }", {
          n: name,
          d: c.doc,
        });
        check({ ...c, name }, "createModel", res, res.body?.data?.createModel);
      } else {
        const res = await gql("mutation($id: ID!, $d: JSON!) { updateModel(id: $id, document: $d) { model { id name } errors { path rule message } } }", {
          id: sandbox,
          d: c.doc,
        });
        // updateModel keeps the document's own name, which may be a hostile one.
        check({ ...c, name: isObj(c.doc) && typeof c.doc.name === "string" ? c.doc.name : undefined }, "updateModel", res, res.body?.data?.updateModel);
      }
    });

    phase("createModel/updateModel");
    // 3. MCP create_model with a document, in batches over one session.
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-06-18",
    };
    const init = await fetch(`${s.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "fuzz-import", version: "0" } },
      }),
    });
    await init.text();
    headers["mcp-session-id"] = init.headers.get("mcp-session-id")!;
    await (await fetch(`${s.url}/mcp`, { method: "POST", headers, body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) })).text();
    for (let b = 0; b < 6; b++) {
      const cases = Array.from({ length: 50 }, () => makeCase(rng.fork()));
      const body = cases.map((c, i) =>
        toJson({
          jsonrpc: "2.0",
          id: i,
          method: "tools/call",
          params: { name: "create_model", arguments: { name: typeof c.name === "string" ? c.name : "Via MCP", document: c.doc } },
        }),
      );
      const res = await fetch(`${s.url}/mcp`, { method: "POST", headers, body: `[${body.join(",")}]` });
      const text = await res.text();
      const answers = text
        .split("\n")
        .filter((l) => l.startsWith("data: "))
        .map((l) => JSON.parse(l.slice(6)));
      const byId = new Map(answers.map((a) => [a.id, a]));
      cases.forEach((c, i) => {
        t.inputs++;
        const a = byId.get(i);
        if (res.status >= 500) return t.problem("http5xx", `HTTP ${res.status} for an MCP batch`);
        if (!a) return; // the whole batch refused by the SDK (a member it cannot read): judged below
        if (a.error) {
          if (a.error.code === -32603) t.problem("internal", `-32603 ${a.error.message} for create_model ${brief(toJson(c.doc))}`);
          else if (a.error.code !== -32010) {
            const l = leak(String(a.error.message), stringsOf(c.doc));
            if (l) t.problem("leaks", `${l} for create_model`);
          }
          return;
        }
        let value: any;
        try {
          value = JSON.parse(a.result.content[0].text);
        } catch {
          return t.problem("internal", `create_model answered what is not JSON: ${brief(JSON.stringify(a))}`);
        }
        if (a.result.isError) {
          // A crash of a known bug comes back as a bare JavaScript message (no code).
          if (typeof value.error !== "string") t.problem("internal", `an error result without a sentence: ${brief(JSON.stringify(value))}`);
          const l = leak(`${value.error} ${JSON.stringify(value.details ?? "")}`, stringsOf(c.doc));
          if (l) t.problem("leaks", `${l} for create_model`);
        } else if (c.invalid) t.problem("accepted", `${c.invalid}, but create_model saved it`);
        else {
          t.succeeded++;
          allowed.models.add(value.model);
        }
      });
      if (res.status !== 200 && !answers.length) {
        const e = (() => {
          try {
            return JSON.parse(text).error;
          } catch {
            return undefined;
          }
        })();
        if (!e || e.code === -32603) t.problem("internal", `HTTP ${res.status} ${brief(text)} for an MCP batch`);
      }
    }

    phase("MCP");
    // 4. `torque model import FILE`: a few hostile files, each exits 1 with one clean line, or imports.
    const cli = Array.from({ length: 6 }, (_, i) => {
      const c = i === 0 ? { doc: undefined, createApp: false, text: "{ not json" } : { ...makeCase(rng.fork()), text: "" };
      if (i === 1) {
        const d = structuredClone(templates.todo) as Record<string, any>;
        d.entities[0].fields[0].name = "name'); DROP TABLE entities;--";
        c.doc = d;
        (c as Case).invalid = "an SQL fragment as a field name";
      }
      const file = join(tmpdir(), `torque-fuzz-model-${process.pid}-${i}.json`);
      writeFileSync(file, c.text || toJson(c.doc));
      return { c, file };
    });
    for (const { c, file } of cli) {
      t.inputs++;
      const p = Bun.spawn([process.execPath, MAIN, "model", "import", file, "--no-app", "--json", "--db", s.db], {
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, NO_COLOR: "1" },
      });
      const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      if (code === 0) {
        if ((c as Case).invalid) t.problem("accepted", `${(c as Case).invalid}, but torque model import accepted ${file}`);
        try {
          allowed.models.add(JSON.parse(out).model.id);
        } catch {
          t.problem("internal", `torque model import said ${brief(out)}`);
        }
      } else {
        if (code !== 1) t.problem("crashes", `torque model import exited ${code}: ${brief(err)}`);
        const l = leak(err.replaceAll(file, "FILE"), stringsOf(c.doc));
        if (l) t.problem("leaks", `${l} from torque model import`);
        if (err.trim().split("\n").length > 1 && !/^torque: /.test(err)) t.problem("internal", `torque model import wrote more than a sentence: ${brief(err)}`);
      }
      rmSync(file, { force: true });
    }

    phase("CLI");
    if (!(await s.alive())) t.problem("crashes", "the server died or /health failed");
    const err = s.stderr().trim();
    if (err) t.problem("internal", `the server logged: ${brief(err, 2000)}`);
    const undone = await undoneImports(before.audit, allowed);
    for (const p of await unexplained(s.db, before, await snapshot(s.db), allowed)) t.problem("dataChanges", p);
    console.log(
      t.line(
        `${undone} failed imports undone, leaving their audit entries (known); ${onPostgres ? "PostgreSQL" : "SQLite"}; ${Math.round(performance.now() - t0)} ms`,
      ),
    );
    expect(t.problems).toEqual([]);
  });
}, 120_000);

// Found by this fuzz test; the fix belongs in src/services/models.ts (checkModel hands flows
// whose edges are not {from: text, to: text} to the flow validator, which reads e.from of a
// null edge, and quotes from/to in messages: a list nested 5,000 deep overflows the stack)
// or src/xflow/validate.ts.
test("a flow edge that is null is a validation problem, not a masked internal error", async () => {
  const d = structuredClone(templates.todo) as any;
  d.xflows[0].edges[0] = null;
  const r = await gql("query($d: JSON!) { validateModel(document: $d) { valid issues { path message } } }", { d });
  // Today: {"errors":[{"message":"Unexpected error.", …}]} (TypeError: null is not an object (evaluating 'e[end]'));
  // MCP validate_model and create_model answer {"error": "null is not an object (evaluating 'e[end]')"}.
  expect(r.body.data.validateModel.issues.map((i: { path: string }) => i.path)).toContain("/xflows/0/edges/0");
});
test("a canonical file whose sampleData record has an object as its id imports (or says what is wrong), not a masked internal error", async () => {
  // services/transfer.ts: String(data.id) throws "No default value" for {"toString": 1}.
  const d = {
    ...(structuredClone(templates.todo) as object),
    name: "With samples",
    sampleData: JSON.parse('{"project": [{"id": {"toString": 1}, "name": "p"}]}'),
  };
  const r = await gql("mutation($d: JSON!) { importModel(document: $d) { model { id } errors { message } } }", { d });
  // Today: {"errors":[{"message":"Unexpected error.", … "code":"INTERNAL_SERVER_ERROR"}], "data": null}
  expect(r.body.errors).toBeUndefined();
});
test("a flow edge whose from is a deeply nested list is a validation problem, not a masked internal error", async () => {
  const d = structuredClone(templates.todo) as any;
  let from: unknown = "start";
  for (let i = 0; i < 5000; i++) from = [from];
  d.xflows[0].edges[0].from = from;
  const r = await gql("query($d: JSON!) { validateModel(document: $d) { valid issues { path message } } }", { d });
  // Today: {"errors":[{"message":"Unexpected error.","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]} (RangeError: Maximum call stack size exceeded.)
  expect(r.body.data.validateModel.issues.map((i: { path: string }) => i.path)).toContain("/xflows/0/edges/0/from");
});
