// Fuzzing the filter language through the doors that take a filter (JSON-RPC
// queryEntities, aggregateEntities, exportEntities, and WebSocket subscriptions) on a real
// `torque server` process. Filters are grown from the grammar (every field type, system
// names, and/or/not, `$search`) with hostile names, operators in the wrong places, values of
// the wrong type and hostile text, and real filters are mutated. For every filter: the
// doors agree on whether it is valid; a filter that names something the type does not
// have (a field, an operator) is refused as a validation error (-32001) and never reaches
// SQL; no internal error, no SQL, stack trace or path in a message; a valid filter gives
// the same count through a query and an aggregate; the server stays up and nothing changes.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { onPostgres } from "../helpers/db";
import { WsClient } from "../helpers/server";
import { deep, hostileName, hostileString, hostileValue, mutate, OPERATOR_WORDS, Raw, type Rng, toJson, withSeed } from "./gen";
import { Allowed, brief, type FuzzServer, leak, pool, snapshot, startFuzzServer, stringsOf, Tally, unexplained } from "./kit";

let s: FuzzServer;
beforeAll(async () => {
  s = await startFuzzServer();
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith", "endsWith", "isNull", "between"];
const SYSTEM = ["id", "createdAt", "updatedAt"];

/** The fz item type's fields by type, and the todo task's. */
const TYPES: Record<string, Record<string, string>> = {
  item: {
    title: "text",
    body: "longtext",
    n: "integer",
    x: "number",
    flag: "boolean",
    day: "date",
    at: "datetime",
    kind: "enum",
    tags: "multienum",
    meta: "json",
    mail: "email",
    link: "url",
    code: "text",
    doc: "file",
    owner: "reference",
  },
  task: { title: "text", status: "enum", priority: "integer", due: "date", done_at: "datetime", notes: "longtext", project: "reference" },
};
const APP: Record<string, string> = { item: "fz", task: "todo" };

const TEXTS = [
  "plain",
  "' OR 1=1 --",
  "%",
  "_",
  "%_%",
  "\\",
  "Ü",
  "😀",
  "a\u0000b",
  "\ud800",
  "100% _done_",
  'quote "',
  "json_extract(",
  "",
  " ",
  "PLAIN",
  "e\u0301",
];

/** A value that fits (or nearly fits) a field type. */
function valueFor(r: Rng, type: string): unknown {
  switch (type) {
    case "text":
    case "longtext":
    case "email":
    case "url":
      return r.pick([...TEXTS, "u1@example.com", "https://example.com/1", "code-3"]);
    case "integer":
      return r.pick([-5, 0, 10, 1000, 1001, 1.5, 2 ** 60, -(2 ** 53), new Raw("1e400"), "5"]);
    case "number":
      return r.pick([0.5, -1e300, 3, new Raw("1e-400"), new Raw("-0"), "NaN", 1e308]);
    case "boolean":
      return r.pick([true, false, "true", 0]);
    case "date":
      return r.pick(["2026-01-03", "2026-02-30", "2026-1-3", "2026-01-03T00:00:00Z", "0000-00-00", "+275760-09-13"]);
    case "datetime":
      return r.pick(["2026-01-03T10:00:00Z", "2026-01-03T10:00:00+14:00", "2026-01-03", "not a date", "2026-01-03T25:00:00Z"]);
    case "enum":
      return r.pick(["a", "b", "c", "A", "z", "open", "done", "OPEN", ""]);
    case "multienum":
      return r.pick(["red", "green", "RED", "purple", ["red"]]);
    case "reference":
      return r.pick([...s.ids.owners, ...s.ids.projects, "' OR 1=1 --", "x"]);
    case "id":
      return r.pick([...s.ids.items, ...s.ids.tasks, "01", "%"]);
    default:
      return r.pick(["2026-01-01T00:00:00Z", "2026", 5]);
  }
}

const EQUALITY = ["eq", "ne", "in", "nin", "isNull"];
const ORDER = ["gt", "gte", "lt", "lte", "between"];
const TEXT_OPS = ["contains", "startsWith", "endsWith"];
const OPS_BY_TYPE: Record<string, string[]> = {
  text: [...EQUALITY, ...ORDER, ...TEXT_OPS],
  email: [...EQUALITY, ...ORDER, ...TEXT_OPS],
  url: [...EQUALITY, ...ORDER, ...TEXT_OPS],
  enum: [...EQUALITY, ...ORDER, ...TEXT_OPS],
  reference: [...EQUALITY, ...ORDER, ...TEXT_OPS],
  id: [...EQUALITY, ...ORDER, ...TEXT_OPS],
  longtext: [...EQUALITY, ...TEXT_OPS],
  integer: [...EQUALITY, ...ORDER],
  number: [...EQUALITY, ...ORDER],
  date: [...EQUALITY, ...ORDER],
  datetime: [...EQUALITY, ...ORDER],
  system: [...EQUALITY, ...ORDER],
  boolean: EQUALITY,
  multienum: ["contains", "isNull"],
  json: ["isNull"],
  file: ["isNull"],
};
/** Text that PostgreSQL can hold (no NUL): hostile, but a valid value. */
const CLEAN_TEXTS = TEXTS.filter((x) => !x.includes("\u0000") && x !== "\ud800");

/** A value the filter language accepts for an operator on a type. */
function validValue(r: Rng, type: string, op: string, enumValues: string[]): unknown {
  if (TEXT_OPS.includes(op) && type !== "multienum") return r.pick(CLEAN_TEXTS.filter((x) => x !== ""));
  switch (type) {
    case "text":
    case "longtext":
    case "email":
    case "url":
      return r.pick([...CLEAN_TEXTS, "u1@example.com", "code-3"]);
    case "enum":
    case "multienum":
      return r.pick(enumValues);
    case "integer":
      return r.pick([-5, 0, 10, 1000, 2 ** 53 - 1, -(2 ** 53) + 1]);
    case "number":
      return r.pick([0.5, -1e300, 3, 1e308, 0]);
    case "boolean":
      return r.chance(0.5);
    case "date":
      return r.pick(["2026-01-03", "2026-01-01", "1970-01-01", "2999-12-31"]);
    case "datetime":
    case "system":
      return r.pick(["2026-01-03T10:00:00Z", "2026-01-03T10:00:00+14:00", "2000-01-01T00:00:00.000Z"]);
    case "reference":
      return r.pick([...s.ids.owners, ...s.ids.projects]);
    default:
      return r.pick([...s.ids.items, ...s.ids.tasks]);
  }
}

/** A condition every part of which the grammar accepts: the right operators, values of the right type (hostile text included). */
function validCondition(r: Rng, type: string, enumValues: string[]): unknown {
  const ops = OPS_BY_TYPE[type]!;
  if (r.chance(0.2) && !["multienum", "json", "file"].includes(type)) return validValue(r, type, "eq", enumValues);
  const o: Record<string, unknown> = {};
  for (let i = 0; i < 1 + r.int(2); i++) {
    const op = r.pick(ops);
    o[op] =
      op === "isNull"
        ? r.chance(0.5)
        : op === "in" || op === "nin"
          ? Array.from({ length: 1 + r.int(3) }, () => validValue(r, type, op, enumValues))
          : op === "between"
            ? [validValue(r, type, op, enumValues), validValue(r, type, op, enumValues)]
            : validValue(r, type, op, enumValues);
  }
  return o;
}

/** A filter the grammar accepts throughout, with hostile text as values. */
function validFilter(r: Rng, entity: string, depth = 0): Record<string, unknown> {
  const types = TYPES[entity]!;
  const enums: Record<string, string[]> = entity === "item" ? { kind: ["a", "b", "c"], tags: ["red", "green", "blue"] } : { status: ["open", "doing", "done"] };
  const f: Record<string, unknown> = {};
  for (let i = 0; i < 1 + r.int(3); i++) {
    const k = r.int(100);
    if (k < 65) {
      const name = r.pick(Object.keys(types));
      f[name] = validCondition(r, types[name]!, enums[name] ?? []);
    } else if (k < 75) {
      const name = r.pick(SYSTEM);
      f[name] = validCondition(r, name === "id" ? "id" : "system", []);
    } else if (k < 85 && depth < 7) f[r.pick(["and", "or"])] = Array.from({ length: 1 + r.int(3) }, () => validFilter(r, entity, depth + 1));
    else if (k < 92 && depth < 7) f.not = validFilter(r, entity, depth + 1);
    else f.$search = r.pick([...CLEAN_TEXTS, "plain body", "task 1"]);
  }
  return f;
}

/** A condition on a field: a value, null, or an operator object (sometimes with a wrong operator or value). */
function condition(r: Rng, type: string): unknown {
  const k = r.int(100);
  if (k < 20) return valueFor(r, type);
  if (k < 25) return null;
  if (k < 30) return hostileValue(r);
  const o: Record<string, unknown> = {};
  const n = 1 + r.int(2);
  for (let i = 0; i < n; i++) {
    const op = r.chance(0.88) ? r.pick(OPERATORS) : r.chance(0.5) ? r.pick(OPERATOR_WORDS) : hostileString(r);
    let v: unknown;
    if (op === "in" || op === "nin") v = r.chance(0.9) ? Array.from({ length: r.pick([1, 2, 3, 1001]) }, () => valueFor(r, type)) : hostileValue(r);
    else if (op === "between") v = r.chance(0.8) ? [valueFor(r, type), valueFor(r, type)] : r.pick([[1], [1, 2, 3], "a", null]);
    else if (op === "isNull") v = r.chance(0.8) ? r.chance(0.5) : hostileValue(r);
    else v = r.chance(0.8) ? valueFor(r, type) : hostileValue(r);
    Object.defineProperty(o, op, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return o;
}

/** A filter grown from the grammar, `depth` levels of and/or/not at most. */
function filter(r: Rng, entity: string, depth = 0): Record<string, unknown> {
  const fields = Object.keys(TYPES[entity]!);
  const f: Record<string, unknown> = {};
  const n = 1 + r.int(3);
  const put = (k: string, v: unknown) => Object.defineProperty(f, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (let i = 0; i < n; i++) {
    const k = r.int(100);
    if (k < 55) {
      const name = r.pick(fields);
      put(name, condition(r, TYPES[entity]![name]!));
    } else if (k < 62) {
      const name = r.pick(SYSTEM);
      put(name, condition(r, name === "id" ? "id" : "system"));
    } else if (k < 72 && depth < 9)
      put(
        r.pick(["and", "or"]),
        Array.from({ length: r.pick([1, 2, 3]) }, () => filter(r, entity, depth + 1)),
      );
    else if (k < 78 && depth < 9) put("not", filter(r, entity, depth + 1));
    else if (k < 84) put("$search", r.chance(0.8) ? r.pick([...TEXTS, "plain body", "a b c d e f g h i j k", "x".repeat(101)]) : hostileValue(r));
    else if (k < 92) put(hostileName(r), condition(r, "text"));
    else if (k < 96) put(r.pick(["and", "or"]), r.pick([[], {}, "x", [1], [[]], null]));
    else put(r.pick(OPERATOR_WORDS), valueFor(r, "text"));
  }
  return f;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Why a filter (as the server parses it) must be refused, when the structure alone tells:
 * a key that is no field, system name or connective; an operator that does not exist; and
 * or/or that is not a non-empty list; nesting past 8 levels. Type and value checks are
 * left to the server.
 */
function structurallyInvalid(f: unknown, entity: string, depth = 0): string | undefined {
  if (depth > 8) return "too deep";
  if (!isObj(f)) return "not an object";
  for (const [k, v] of Object.entries(f)) {
    if (k === "and" || k === "or") {
      if (!Array.isArray(v) || !v.length) return `${k} is not a non-empty list`;
      for (const x of v) {
        const why = structurallyInvalid(x, entity, depth + 1);
        if (why) return why;
      }
    } else if (k === "not") {
      const why = structurallyInvalid(v, entity, depth + 1);
      if (why) return why;
    } else if (k === "$search") {
      if (typeof v !== "string") return "$search is not text";
    } else if (!Object.hasOwn(TYPES[entity]!, k) && !SYSTEM.includes(k)) return `unknown field ${JSON.stringify(k)}`;
    else if (isObj(v)) {
      if (!Object.keys(v).length) return "empty condition";
      for (const op of Object.keys(v)) if (!OPERATORS.includes(op)) return `unknown operator ${JSON.stringify(op)}`;
    }
  }
  return undefined;
}

test("fuzz: hostile and mutated filters through query, aggregate, export and subscribe", async () => {
  const t = new Tally("filter");
  const before = await snapshot(s.db);
  const t0 = performance.now();
  let disagreements = 0;
  let counted = 0;
  let pgNul = 0;
  await withSeed("filter", async (rng) => {
    // Real filters to mutate: what the models' pages and the docs use.
    const real: [string, Record<string, unknown>][] = [
      ["task", { status: "open" }],
      ["task", { status: "open", priority: { gte: 3, lte: 5 }, title: { contains: "report" }, or: [{ due: { lt: "2026-01-01" } }, { due: null }] }],
      ["task", { not: { status: { in: ["done"] } }, $search: "task 1" }],
      ["item", { tags: { contains: "red" }, kind: { nin: ["c"] }, n: { between: [-10, 10] }, meta: { isNull: true } }],
      ["item", { and: [{ title: { startsWith: "'" } }, { title: { endsWith: "--" } }], flag: true, day: { gt: "2026-01-02" } }],
      ["item", { at: { lte: "2026-01-05T00:00:00Z" }, mail: { contains: "@" }, link: { ne: null }, owner: s.ids.owners[0], id: { nin: [s.ids.items[0]] } }],
    ];
    const cases: { entity: string; filter: unknown; text: string }[] = [];
    for (let i = 0; i < 2300; i++) {
      const r = rng.fork();
      const entity = r.chance(0.7) ? "item" : "task";
      let f: unknown;
      const k = r.int(100);
      if (k < 35) f = filter(r, entity);
      else if (k < 70) f = validFilter(r, entity);
      else if (k < 90) {
        const [e, base] = r.pick(real.filter(([e]) => e === entity));
        f = mutate(base, r).value;
        void e;
      } else if (k < 95)
        f = r.pick([
          deep(9, "object"),
          { not: deep(10, "object") },
          { or: Array.from({ length: 250 }, () => ({ n: 1 })) },
          { n: { in: Array.from({ length: 1001 }, (_, j) => j) } },
        ]);
      else f = hostileValue(r);
      // What the server will see (duplicate keys collapse, raw numbers become numbers).
      const text = toJson(f);
      cases.push({ entity, filter: JSON.parse(text), text });
    }

    // Query and aggregate each filter in one batch; the answers must agree.
    const chunks: (typeof cases)[] = [];
    for (let i = 0; i < cases.length; i += 50) chunks.push(cases.slice(i, i + 50));
    await pool(chunks, 2, async (chunk) => {
      const body = chunk
        .flatMap((c, i) => [
          `{"jsonrpc":"2.0","id":"q${i}","method":"queryEntities","params":{"app":"${APP[c.entity]}","entity":"${c.entity}","limit":1000,"fields":["title"],"filter":${c.text}}}`,
          `{"jsonrpc":"2.0","id":"a${i}","method":"aggregateEntities","params":{"app":"${APP[c.entity]}","entity":"${c.entity}","aggregates":[{"op":"count"}],"filter":${c.text}}}`,
        ])
        .join(",");
      const res = await fetch(`${s.url}/rpc`, { method: "POST", headers: { "content-type": "application/json" }, body: `[${body}]` });
      const text = await res.text();
      if (res.status >= 500) return t.problem("http5xx", `HTTP ${res.status} ${brief(text)}`);
      const byId = new Map((JSON.parse(text) as any[]).map((a) => [a.id, a]));
      chunk.forEach((c, i) => {
        const invalid = structurallyInvalid(c.filter, c.entity);
        const q = byId.get(`q${i}`),
          a = byId.get(`a${i}`);
        let judged = 0;
        for (const x of [q, a]) {
          if (!x) continue;
          if (x.error?.code === -32010) continue; // not run: the batch's time was spent
          t.inputs++;
          judged++;
          if (x.error) {
            const e = x.error;
            if (e.code === -32603) t.problem("internal", `-32603 for filter ${brief(c.text)}`);
            else if (typeof e.message !== "string" || !e.message) t.problem("internal", `no message: ${brief(JSON.stringify(x))}`);
            else if (invalid && isObj(c.filter) && e.code !== -32001)
              t.problem("internal", `${invalid}: expected -32001, got ${e.code} ${e.message} for ${brief(c.text)}`);
            const l = leak(`${e.message ?? ""} ${JSON.stringify(e.data ?? "")}`, stringsOf(c.filter));
            if (l) t.problem("leaks", `${l} for ${brief(c.text)}`);
          } else if (invalid) t.problem("accepted", `${invalid}, but it was answered: ${brief(c.text)} → ${brief(JSON.stringify(x.result))}`);
          else t.succeeded++;
        }
        if (judged < 2) return;
        if (!!q.error !== !!a.error) {
          disagreements++;
          t.problem(
            "internal",
            `query and aggregate disagree on ${brief(c.text)}: ${brief(JSON.stringify(q.error ?? "ok"))} vs ${brief(JSON.stringify(a.error ?? "ok"))}`,
          );
        } else if (!q.error) {
          counted++;
          const n = q.result.data.length,
            m = a.result.groups[0]?.values[0];
          if (n !== m || q.result.pagination.nextCursor !== null)
            t.problem("internal", `query found ${n} records (next ${q.result.pagination.nextCursor}), aggregate counted ${m}, for ${brief(c.text)}`);
          if (q.result.data.some((rec: any) => rec.entity !== c.entity)) t.problem("internal", `records of another type for ${brief(c.text)}`);
        }
      });
    });

    // Exports of a sample, and subscriptions: the same filter is valid through every door or none.
    const sample = cases.filter((_, i) => i % 5 === 0);
    let ws = await WsClient.open(`${s.url.replace("http", "ws")}/ws`);
    try {
      for (let i = 0; i < sample.length; i += 45) {
        const part = sample.slice(i, i + 45);
        const batch = part.flatMap((c, j) => [
          `{"jsonrpc":"2.0","id":"e${j}","method":"exportEntities","params":{"app":"${APP[c.entity]}","entity":"${c.entity}","format":"csv","fields":["title"],"filter":${c.text}}}`,
          `{"jsonrpc":"2.0","id":"s${j}","method":"subscribe","params":{"app":"${APP[c.entity]}","entity":"${c.entity}","filter":${c.text}}}`,
          `{"jsonrpc":"2.0","id":"q${j}","method":"queryEntities","params":{"app":"${APP[c.entity]}","entity":"${c.entity}","limit":1,"filter":${c.text}}}`,
        ]);
        const answers = (await ws.sendRaw(`[${batch.join(",")}]`, 20_000)) as any[];
        const byId = new Map(answers.map((a) => [a.id, a]));
        part.forEach((c, j) => {
          const [e, sub, q] = [byId.get(`e${j}`), byId.get(`s${j}`), byId.get(`q${j}`)];
          if ([e, sub, q].some((x) => !x || x.error?.code === -32010)) return;
          t.inputs += 2;
          for (const x of [e, sub]) {
            if (x.error?.code === -32603) t.problem("internal", `-32603 for ${brief(c.text)}`);
            const l = x.error && leak(`${x.error.message}`, stringsOf(c.filter));
            if (l) t.problem("leaks", `${l} for ${brief(c.text)}`);
          }
          // PostgreSQL cannot match a NUL, so the doors that ask it refuse one; a subscription matches in memory.
          const nul = (x: any) => onPostgres && x.error?.code === -32000 && /NUL/.test(x.error.message);
          if (nul(q) && nul(e) && !sub.error) {
            pgNul++;
            return;
          }
          if (!!e.error !== !!q.error || !!sub.error !== !!q.error) {
            disagreements++;
            t.problem(
              "internal",
              `doors disagree on ${brief(c.text)}: export ${brief(JSON.stringify(e.error ?? "ok"))}, subscribe ${brief(JSON.stringify(sub.error ?? "ok"))}, query ${brief(JSON.stringify(q.error ?? "ok"))}`,
            );
          }
        });
        // A connection holds at most 100 subscriptions: a new one for the next round.
        ws.close();
        ws = await WsClient.open(`${s.url.replace("http", "ws")}/ws`);
      }
    } finally {
      ws.close();
    }

    if (!(await s.alive())) t.problem("crashes", "the server died or /health failed");
    const err = s.stderr().trim();
    if (err) t.problem("internal", `the server logged: ${brief(err, 2000)}`);
    for (const p of await unexplained(s.db, before, await snapshot(s.db), new Allowed())) t.problem("dataChanges", p);
    console.log(
      t.line(
        `${counted} valid filters counted alike by query and aggregate, ${disagreements} disagreements${onPostgres ? `, ${pgNul} NUL filters refused by PostgreSQL but not by a subscription` : ""}; ${Math.round(performance.now() - t0)} ms`,
      ),
    );
    expect(t.problems).toEqual([]);
  });
}, 120_000);
