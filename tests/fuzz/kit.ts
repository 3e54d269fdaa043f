// What every fuzz door needs: a real `torque server` process over a fresh database
// (SQLite file, or a PostgreSQL database with TORQUE_TEST_DB=postgres) holding the todo
// app and a "fz" app whose model has a field of every type, a relationship of each kind
// and webhook flows; a fingerprint of the database (models, versions, apps, records,
// links, audit entries) taken before and after a run, so a change nobody asked for is
// seen; the check that an error message leaks no stack trace, SQL or file path; and the
// counters each door prints as one line ("fuzz rpc: 4000 inputs, 0 crashes, …").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templates } from "../../src/model/templates";
import { openServices } from "../../src/services";
import { systemActor } from "../../src/services/actor";
import { openDatabase } from "../../src/store/open";
import { dropPgDatabase, onPostgres, testDatabase } from "../helpers/db";
import { type Child, spawnServer } from "../helpers/server";

/** A model with every field type, a 1:n and an n:m relationship, a manual flow and webhook flows. */
export const FUZZ_MODEL = {
  name: "Fuzz",
  entities: [
    { name: "owner", display: "name", fields: [{ name: "name", type: "text", required: true, maxLength: 200 }] },
    {
      name: "item",
      display: "title",
      fields: [
        { name: "title", type: "text", required: true, maxLength: 300 },
        { name: "body", type: "longtext" },
        { name: "n", type: "integer", min: -1000, max: 1000 },
        { name: "x", type: "number" },
        { name: "flag", type: "boolean" },
        { name: "day", type: "date" },
        { name: "at", type: "datetime" },
        { name: "kind", type: "enum", values: ["a", "b", "c"] },
        { name: "tags", type: "multienum", values: ["red", "green", "blue"] },
        { name: "meta", type: "json" },
        { name: "mail", type: "email" },
        { name: "link", type: "url" },
        { name: "code", type: "text", unique: true, maxLength: 100 },
        { name: "doc", type: "file" },
        { name: "owner", type: "reference", entity: "owner" },
      ],
    },
  ],
  relationships: [
    { name: "owner_items", from: "owner", to: "item", kind: "1:n", inverse: "owner", onDelete: "setNull" },
    { name: "follows", from: "owner", to: "item", kind: "n:m", onDelete: "cascade" },
  ],
  startPage: "items",
  pages: [
    {
      name: "items",
      title: "Items",
      path: "/items",
      components: [
        { id: "grid", type: "DataGrid", position: { row: 0, col: 0, width: 12, height: 8 }, props: { entity: "item", columns: ["title", "kind", "n"] } },
      ],
    },
  ],
  navigation: [{ label: "Items", page: "items" }],
  xflows: [
    {
      name: "echo",
      trigger: { type: "manual" },
      input: { type: "object", properties: { a: { type: "string", maxLength: 100 } }, additionalProperties: false },
      nodes: [
        { id: "start", type: "start" },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "end" }],
    },
    {
      name: "hook_echo",
      trigger: { type: "webhook" },
      nodes: [
        { id: "start", type: "start" },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "end" }],
    },
    {
      name: "hook_typed",
      trigger: { type: "webhook" },
      input: {
        type: "object",
        required: ["title"],
        properties: { title: { type: "string", maxLength: 50 }, n: { type: "integer", minimum: 0, maximum: 10 } },
        additionalProperties: false,
      },
      nodes: [
        { id: "start", type: "start" },
        { id: "end", type: "end" },
      ],
      edges: [{ from: "start", to: "end" }],
    },
    {
      name: "hook_query",
      trigger: { type: "webhook" },
      nodes: [
        { id: "start", type: "start" },
        { id: "q", type: "entityQuery", entity: "item", filterExpression: "input.filter", limit: 5 },
        { id: "count", type: "transform", expression: "({ found: input.length })" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "q" },
        { from: "q", to: "count" },
        { from: "count", to: "end" },
      ],
    },
    {
      name: "hook_script",
      trigger: { type: "webhook" },
      nodes: [
        { id: "start", type: "start" },
        { id: "s", type: "script", code: "return { n: input.list.length, s: String(input.s).toUpperCase() };" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "s" },
        { from: "s", to: "end" },
      ],
    },
    {
      name: "hook_write",
      trigger: { type: "webhook" },
      nodes: [
        { id: "start", type: "start" },
        { id: "w", type: "script", code: 'const r = await ctx.entities.create("owner", { name: input.name }); return { id: r.id };' },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "w" },
        { from: "w", to: "end" },
      ],
    },
    {
      name: "hook_update",
      trigger: { type: "webhook" },
      nodes: [
        { id: "start", type: "start" },
        { id: "w", type: "entityWrite", entity: "item", operation: "update", idExpression: "input.id", dataExpression: "input.data" },
        { id: "end", type: "end" },
      ],
      edges: [
        { from: "start", to: "w" },
        { from: "w", to: "end" },
      ],
    },
  ],
};

/** Field names of the fuzz model's types, and the todo template's (for oracles). */
export const FIELDS: Record<string, Record<string, string[]>> = {
  fz: Object.fromEntries(FUZZ_MODEL.entities.map((e) => [e.name, e.fields.map((f) => f.name)])),
  todo: Object.fromEntries(templates.todo.entities.map((e: { name: string; fields: { name: string }[] }) => [e.name, e.fields.map((f) => f.name)])),
};

export interface Seeded {
  projects: string[];
  tasks: string[];
  owners: string[];
  items: string[];
}

export interface FuzzServer {
  url: string;
  db: string;
  child: Child;
  models: { todo: string; fz: string };
  ids: Seeded;
  /** The server still runs and /health answers 200 "ok". */
  alive(): Promise<boolean>;
  /** What the server wrote on stderr (it runs with --quiet: anything there is a logged failure). */
  stderr(): string;
  close(): Promise<void>;
}

/** A fresh database with the todo and fz apps and some records, served by a `torque server` process. */
export async function startFuzzServer(): Promise<FuzzServer> {
  const dir = mkdtempSync(join(tmpdir(), "torque-fuzz-"));
  try {
    return await start(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

async function start(dir: string): Promise<FuzzServer> {
  const db = await testDatabase(dir, "fuzz.db");
  const s = await openServices(db);
  const todo = await s.models.create(structuredClone(templates.todo), systemActor);
  await s.apps.create(todo.id, "todo", systemActor);
  const fz = await s.models.create(structuredClone(FUZZ_MODEL), systemActor);
  await s.apps.create(fz.id, "fz", systemActor);
  const ids: Seeded = { projects: [], tasks: [], owners: [], items: [] };
  for (let i = 0; i < 3; i++) {
    const p = await s.entities.create("todo", "project", { name: `project ${i}`, description: "seeded" }, { actor: systemActor });
    ids.projects.push(p.id);
    for (let j = 0; j < 3; j++)
      ids.tasks.push((await s.entities.create("todo", "task", { title: `task ${i}.${j}`, project: p.id, priority: 1 + j }, { actor: systemActor })).id);
    const o = await s.entities.create("fz", "owner", { name: `owner ${i}` }, { actor: systemActor });
    ids.owners.push(o.id);
  }
  const texts = ["plain", "' OR 1=1 --", "Ünïcödé 😀", "100% _done_", 'quote " and \\ backslash'];
  for (let i = 0; i < 10; i++) {
    const item = await s.entities.create(
      "fz",
      "item",
      {
        title: texts[i % texts.length]!,
        body: `body ${i}`,
        n: i * 10 - 40,
        x: i / 3,
        flag: i % 2 === 0,
        day: `2026-01-${String(i + 1).padStart(2, "0")}`,
        at: `2026-01-0${(i % 9) + 1}T10:00:00Z`,
        kind: ["a", "b", "c"][i % 3],
        tags: i % 2 ? ["red"] : ["green", "blue"],
        meta: { i, nested: { ok: true } },
        mail: `u${i}@example.com`,
        link: `https://example.com/${i}`,
        code: `code-${i}`,
        owner: ids.owners[i % 3],
      },
      { actor: systemActor },
    );
    ids.items.push(item.id);
  }
  await s.links.link("fz", "follows", ids.owners[0]!, ids.items[0]!, { actor: systemActor });
  await s.close();
  const child = await spawnServer(db, ["--quiet"]);
  return {
    url: child.url,
    db,
    child,
    models: { todo: todo.id, fz: fz.id },
    ids,
    async alive() {
      if (child.proc.exitCode !== null) return false;
      try {
        const res = await fetch(`${child.url}/health`);
        return res.status === 200 && ((await res.json()) as { status?: string }).status === "ok";
      } catch {
        return false;
      }
    },
    stderr: () => child.err(),
    async close() {
      if (child.proc.exitCode === null) child.proc.kill("SIGTERM");
      await child.proc.exited;
      if (onPostgres) await dropPgDatabase(db).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------
// The database's fingerprint.

export interface Snapshot {
  /** "table:key" → a hash of the row. */
  rows: Map<string, string>;
  /** The newest audit entry's id. */
  audit: number;
  /** App slugs by id (audit entries name apps by id). */
  apps: Map<number, string>;
  /** What a record was (its type and the start of its data), for messages. */
  about: Map<string, string>;
  /** The app (slug) of each record. */
  appOf: Map<string, string>;
}

const stable = (row: Record<string, unknown>) =>
  JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : v));

/** Every model, model version, app, record and link of the database, each row hashed; opened beside the running server. */
export async function snapshot(dbUrl: string): Promise<Snapshot> {
  const db = await openDatabase(dbUrl, { migrate: false });
  try {
    const rows = new Map<string, string>();
    const add = (key: string, row: Record<string, unknown>) => rows.set(key, Bun.hash(stable(row)).toString(36));
    for (const r of await db.all<any>("SELECT id, name, version FROM models")) add(`model:${r.id}`, r);
    for (const r of await db.all<any>("SELECT model_id, version, doc FROM model_versions")) add(`model:${r.model_id}:v${r.version}`, r);
    const apps = new Map<number, string>();
    for (const r of await db.all<any>("SELECT id, slug, model_id, settings FROM apps")) {
      add(`app:${r.slug}`, r);
      apps.set(Number(r.id), r.slug);
    }
    const about = new Map<string, string>();
    const appOf = new Map<string, string>();
    for (const r of await db.all<any>("SELECT id, app_id, type, data, version, created_at, updated_at FROM entities")) {
      add(`entity:${r.id}`, r);
      appOf.set(r.id, apps.get(Number(r.app_id)) ?? "");
      about.set(`entity:${r.id}`, `${r.type} v${r.version} ${stable({ d: r.data }).slice(0, 120)}`);
    }
    for (const r of await db.all<any>("SELECT app_id, relationship, from_id, to_id FROM entity_relationships"))
      add(`link:${r.app_id}:${r.relationship}:${r.from_id}:${r.to_id}`, r);
    const audit = Number((await db.get<any>("SELECT max(id) AS n FROM audit_log"))?.n ?? 0);
    return { rows, audit, apps, about, appOf };
  } finally {
    await db.close();
  }
}

/** Changes the fuzz run may make: records, models (by id or name) and apps that a request which succeeded named. */
export class Allowed {
  readonly entities = new Set<string>();
  readonly models = new Set<string>();
  readonly apps = new Set<string>();
  /** Every change is allowed within these apps (a successful request whose writes cannot be listed one by one). */
  readonly wholeApps = new Set<string>();
  /** Audit entries known to be expected (by id). */
  readonly audit = new Set<number>();
}

/**
 * What changed between two snapshots that no successful request explains: a row added,
 * removed or changed, or an audit entry written, about a record, model or app not in
 * `allowed`. Empty when nothing changed that should not have.
 */
export async function unexplained(dbUrl: string, before: Snapshot, after: Snapshot, allowed: Allowed): Promise<string[]> {
  // Model names resolve to ids through the model rows of either snapshot's database.
  const db = await openDatabase(dbUrl, { migrate: false });
  const modelIds = new Set<string>();
  const entityApps = new Map([...before.appOf, ...after.appOf]);
  try {
    for (const r of await db.all<any>("SELECT id, name FROM models")) if (allowed.models.has(r.id) || allowed.models.has(r.name)) modelIds.add(r.id);
    for (const m of allowed.models) modelIds.add(m);
    // Apps of a model that may change (made by an import) may change too.
    for (const r of await db.all<any>("SELECT slug, model_id FROM apps")) if (modelIds.has(r.model_id)) allowed.apps.add(r.slug);
    const slugOf = new Map([...before.apps, ...after.apps]);
    const explained = (key: string): boolean => {
      const [kind, id, ...rest] = key.split(":");
      if (kind === "entity") return allowed.entities.has(id!) || allowed.wholeApps.has(entityApps.get(id!) ?? "\u0000");
      if (kind === "model") return modelIds.has(id!);
      if (kind === "app") return allowed.apps.has(id!);
      if (kind === "link") {
        const [, from, to] = rest;
        return allowed.entities.has(from!) || allowed.entities.has(to!) || allowed.wholeApps.has(slugOf.get(Number(id)) ?? "\u0000");
      }
      return false;
    };
    const problems: string[] = [];
    for (const [key, hash] of after.rows) {
      const was = before.rows.get(key);
      if (was === hash) continue;
      if (!explained(key)) problems.push(`${was === undefined ? "added" : "changed"} ${key} (${after.about.get(key) ?? ""})`);
    }
    for (const key of before.rows.keys()) if (!after.rows.has(key) && !explained(key)) problems.push(`removed ${key} (${before.about.get(key) ?? ""})`);
    const audit = await db.all<any>("SELECT id, action, app_id, model_id, entity_type, entity_id FROM audit_log WHERE id > ? ORDER BY id", [before.audit]);
    for (const a of audit) {
      if (allowed.audit.has(Number(a.id))) continue;
      const slug = a.app_id === null ? undefined : slugOf.get(Number(a.app_id));
      const ok =
        (a.entity_id && (allowed.entities.has(a.entity_id) || allowed.wholeApps.has(slug ?? "\u0000"))) ||
        (a.model_id && modelIds.has(a.model_id)) ||
        (slug !== undefined && (allowed.apps.has(slug) || allowed.wholeApps.has(slug)) && !a.entity_id);
      if (!ok) problems.push(`audit ${a.action} ${a.entity_type ?? ""} ${a.entity_id ?? a.model_id ?? slug ?? ""}`);
    }
    return problems;
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------
// Leaks in messages.

const LEAKS: [string, RegExp][] = [
  ["a stack trace", /\n\s+at\s|\bat\s+\S+\s+\([^)]*:\d+:\d+\)|:\d+:\d+\)/],
  ["a file path", /\/work\/|\/tmp\/|\/home\/|\/usr\/|\bsrc\/[\w/.-]+|node_modules|\.tsx?:\d+|\.ts\b/],
  [
    "SQL",
    /\bSELECT\b[\s\S]{0,200}?\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|json_extract|jsonb_|sqlite|SQLITE_|no such (column|table|function)|near "[^"]*": syntax error|syntax error at (or near|end of input)|PostgresError|relation "[^"]*" does not exist|column "[^"]*" does not exist|invalid input syntax|violates [\w ]*constraint|\bWHERE\b[\s\S]{0,80}=\s*\?|\$\d+::/i,
  ],
  [
    "a JavaScript failure",
    /is not a function|is not an object|Cannot read propert|undefined is not|native code|Maximum call stack|\bRangeError\b|\bTypeError\b|\bReferenceError\b|\[object Object\]/,
  ],
];

/** The strings of a request (keys and values), longest first, for removing echoes of it from an answer. */
export function stringsOf(v: unknown, out: Set<string> = new Set()): Set<string> {
  const stack: unknown[] = [v];
  let budget = 200_000;
  while (stack.length && budget-- > 0) {
    const x = stack.pop();
    if (typeof x === "string") out.add(x);
    else if (Array.isArray(x)) for (const y of x) stack.push(y);
    else if (typeof x === "object" && x !== null) {
      const entries =
        "entries" in x && Array.isArray((x as { entries: unknown }).entries) ? (x as { entries: [string, unknown][] }).entries : Object.entries(x);
      for (const [k, y] of entries) {
        out.add(k);
        stack.push(y);
      }
    }
  }
  return out;
}

/**
 * Whether a message leaks a stack trace, SQL, a file path or a JavaScript failure; echoes
 * of what the request itself said (a name quoted back, in plain or JSON-escaped form) are
 * taken out first. Returns what leaked, or undefined.
 */
export function leak(message: string, sent: Iterable<string> = []): string | undefined {
  let m = message;
  // Short ones ("name", "id") are left: taking them out would break words of the message apart.
  const echoes = [...sent].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  for (const s of echoes) {
    // As sent, JSON-escaped (once or twice), and as a JSON Pointer segment ("/" is "~1").
    const forms = [s, s.trim(), JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s)).slice(1, -1), s.replace(/~/g, "~0").replace(/\//g, "~1")];
    for (const form of forms) if (form.length >= 2) m = m.split(form).join(" ");
    // Quoted back cut short: the first characters, then "…".
    if (m.includes("…") && s.length > 8)
      for (let cut = Math.min(s.length - 1, 300); cut >= 6; cut--) {
        const pre = `${s.slice(0, cut)}…`;
        if (m.includes(pre)) {
          m = m.split(pre).join(" ");
          break;
        }
      }
  }
  // A match that the request itself holds is its echo (cut, trimmed or re-quoted), not a leak.
  const echoed = (hit: string) => echoes.some((s) => s.includes(hit) || s.includes(hit.trim()));
  for (const [what, re] of LEAKS) {
    for (const hit of m.matchAll(new RegExp(re.source, `${re.flags}g`)))
      if (!echoed(hit[0])) return `${what}: …${m.slice(Math.max(0, hit.index - 60), hit.index + 80)}…`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------
// Counting, and running many requests a few at a time.

export class Tally {
  inputs = 0;
  crashes = 0;
  http5xx = 0;
  internal = 0;
  leaks = 0;
  dataChanges = 0;
  /** Requests that an oracle knows to be invalid but were answered with success. */
  accepted = 0;
  succeeded = 0;
  readonly problems: string[] = [];
  constructor(readonly door: string) {}

  problem(kind: "http5xx" | "internal" | "leaks" | "accepted" | "crashes" | "dataChanges", what: string) {
    this[kind]++;
    if (this.problems.length < 30) this.problems.push(`${kind}: ${what.slice(0, process.env.FUZZ_DEBUG ? 100_000 : 1200)}`);
  }

  line(extra = ""): string {
    return `fuzz ${this.door}: ${this.inputs} inputs, ${this.crashes} crashes, ${this.http5xx} 5xx, ${this.internal} internal errors, ${this.leaks} leaks, ${this.dataChanges} data changes, ${this.accepted} invalid accepted (${this.succeeded} valid after mutation${extra ? `; ${extra}` : ""})`;
  }
}

/** Run fn over items with at most `n` in flight. */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

/** Shorten a request for a failure message. */
export const brief = (text: string, max = process.env.FUZZ_DEBUG ? 20_000 : 400) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
