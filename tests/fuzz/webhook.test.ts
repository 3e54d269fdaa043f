// Fuzzing the webhook door (POST /hooks/<app>/<flow>) against a real `torque server`
// process whose fz app has webhook flows that echo, check an input schema, query with a
// filter from the body, run a script over the body, create a record and update one. Paths
// carry hostile app and flow names (SQL, traversal, encodings, unicode), methods and media
// types vary, and real bodies are mutated or replaced by text that is not JSON. Every
// answer must be JSON in the webhook's shape (the output with 200; {runId, error} or
// {error: {message}} otherwise) with no 5xx, no stack trace, SQL or file path; 200 only for
// a webhook flow that exists; the server stays up; and records change only where a run
// that succeeded says it wrote.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { hostileName, hostileString, hostileValue, mutate, mutateText, type Rng, toJson, uriEncode, withSeed } from "./gen";
import { Allowed, brief, type FuzzServer, leak, pool, snapshot, startFuzzServer, stringsOf, Tally, unexplained } from "./kit";

let s: FuzzServer;
beforeAll(async () => {
  s = await startFuzzServer();
}, 60_000);
afterAll(async () => {
  await s?.close();
});

const HOOKS = ["hook_echo", "hook_typed", "hook_query", "hook_script", "hook_write", "hook_update"];
const isObj = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Real bodies for each flow. */
function bodies(): Record<string, unknown[]> {
  return {
    hook_echo: [{}, { any: ["thing", 1, null] }, "just text", 42],
    hook_typed: [{ title: "hello", n: 3 }, { title: "' OR 1=1 --" }],
    hook_query: [
      { filter: { kind: "a" } },
      { filter: { n: { gte: 0 }, or: [{ title: { contains: "'" } }, { flag: true }] } },
      { filter: { $search: "plain" } },
    ],
    hook_script: [
      { list: [1, 2, 3], s: "abc" },
      { list: [], s: "' OR 1=1 --" },
    ],
    hook_write: [{ name: "made by a webhook" }, { name: '"); DROP TABLE entities; --' }],
    hook_update: [
      { id: "0190aaaa-0000-7000-8000-000000000000", data: { title: "never" } },
      { id: s.ids.items[7], data: { title: "updated by a webhook", n: 1 } },
    ],
  };
}

interface Case {
  method: string;
  path: string;
  type?: string;
  body?: string;
  /** The flow this should reach, when the path is a real one; for the oracle. */
  hook?: string;
  sent: unknown;
}

function makeCase(r: Rng): Case {
  const all = bodies();
  const hook = r.pick(HOOKS);
  const base = r.pick(all[hook]!);
  let app = "fz",
    flow = hook;
  let real = true;
  const k = r.int(100);
  // The path: mostly real, else a hostile app or flow name, another kind of flow, or a broken path.
  if (k < 12) {
    app = hostileName(r);
    real = false;
  } else if (k < 24) {
    flow = hostileName(r);
    real = false;
  } else if (k < 30) {
    flow = r.pick(["echo", "stamp_done", "finish_project", "HOOK_ECHO", "hook_echo ", "hook_echo\u0000"]);
    app = flow === "stamp_done" || flow === "finish_project" ? "todo" : "fz";
    real = false;
  }
  let path = `/hooks/${uriEncode(app)}/${uriEncode(flow)}`;
  if (r.chance(0.05)) {
    path = r.pick([
      `/hooks/fz/${hook}/extra`,
      `/hooks/fz/`,
      `/hooks//${hook}`,
      `/hooks/fz/..%2f${hook}`,
      `/hooks/fz/%2e%2e/rpc`,
      `/hooks/fz/${hook}%00`,
      `/hooks/fz/${hook}?x=%ff`,
      `/hooks/%ff%fe/${hook}`,
      `/hooks/fz/${hook}#frag`,
    ]);
    real = path === `/hooks/fz/${hook}?x=%ff` || path === `/hooks/fz/${hook}#frag`;
  }
  // The body: mutated, hostile, broken text, empty, large or deep.
  let sent: unknown = base;
  let body: string;
  const b = r.int(100);
  if (b < 55) {
    sent = mutate({ v: base }, r).value.v ?? null;
    body = toJson(sent);
  } else if (b < 65) {
    sent = hostileValue(r);
    body = toJson(sent);
  } else if (b < 78) body = mutateText(toJson(base), r);
  else if (b < 83) body = r.pick(["", " ", "\n", "\u0000", "null", "undefined", "NaN", "{}", "[]"]);
  else if (b < 86) body = toJson({ filter: { title: "x".repeat(r.pick([1000, 100_000])) }, name: "y".repeat(r.pick([10, 201, 100_000])) });
  else if (b < 89) {
    const depth = r.pick([100, 5000]);
    body = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  } else {
    sent = isObj(base) ? { ...base, [hostileString(r)]: hostileValue(r) } : base;
    body = toJson(sent);
  }
  const method = r.chance(0.94) ? "POST" : r.pick(["GET", "PUT", "DELETE", "PATCH", "HEAD"]);
  const type = r.chance(0.9)
    ? "application/json"
    : r.pick(["text/plain", "application/x-www-form-urlencoded", "", "multipart/form-data; boundary=x", "application/json; charset=latin1"]);
  return { method, path, type, body: method === "GET" || method === "HEAD" ? undefined : body, hook: real && method === "POST" ? hook : undefined, sent };
}

test("fuzz: hostile paths and mutated bodies at POST /hooks/<app>/<flow>", async () => {
  const t = new Tally("webhook");
  const allowed = new Allowed();
  const before = await snapshot(s.db);
  const t0 = performance.now();
  const statuses = new Map<number, number>();

  await withSeed("webhook", async (rng: Rng) => {
    const cases = Array.from({ length: 2400 }, () => makeCase(rng.fork()));
    await pool(cases, 8, async (c) => {
      t.inputs++;
      const headers: Record<string, string> = {};
      if (c.type) headers["content-type"] = c.type;
      let res: Response;
      try {
        res = await fetch(`${s.url}${c.path}`, { method: c.method, headers, body: c.body });
      } catch (e) {
        // The client itself refused the URL (e.g. a path it cannot send): nothing reached the server.
        t.inputs--;
        return void e;
      }
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = `${c.method} ${c.path} ${brief(c.body ?? "", 300)}`;
      if (res.status >= 500) return t.problem("http5xx", `HTTP ${res.status} ${brief(text)} for ${what}`);
      if (c.method === "HEAD" || res.status === 204) return;
      let answer: any;
      try {
        answer = text ? JSON.parse(text) : undefined;
      } catch {}
      const strings = stringsOf(c.sent, new Set([c.body ?? "", decodeURIComponentSafe(c.path)]));
      if (res.status === 200) {
        if (!c.hook) return t.problem("accepted", `a webhook that does not exist answered 200: ${what} → ${brief(text)}`);
        if (answer === undefined && text !== "") return t.problem("internal", `200 but not JSON: ${brief(text)} for ${what}`);
        t.succeeded++;
        // What a run that succeeded wrote: the record it made or changed.
        if (isObj(answer) && typeof answer.id === "string") allowed.entities.add(answer.id);
        return;
      }
      // Refusals: JSON with an error message (a failed run: {runId, error: {node, message}}).
      if ([404, 405, 413, 414, 431].includes(res.status)) {
        if (answer === undefined) {
          // Not a webhook route at all (a broken path, another method): the router's own answer, which must leak nothing.
          const l = leak(text, strings);
          if (l) t.problem("leaks", `${l} for ${what}`);
          return;
        }
      }
      const message = answer?.error?.message;
      if (typeof message !== "string" || !message) return t.problem("internal", `HTTP ${res.status} without an error message: ${brief(text)} for ${what}`);
      // A failed run's message is the flow's own (a script's TypeError is the flow author's to read), so only paths, SQL and traces count there.
      const l = leak(`${message} ${JSON.stringify(answer.error.data ?? "")}`, strings);
      if (l && !(answer.runId && l.startsWith("a JavaScript failure"))) t.problem("leaks", `${l} for ${what}`);
    });

    if (!(await s.alive())) t.problem("crashes", "the server died or /health failed");
    // Known bug (see the test.todo below): QuickJS asserts while freeing a runtime after a stack overflow.
    const lines = s
      .stderr()
      .split("\n")
      .filter((l) => l.trim());
    const aborts = lines.filter((l) => l.includes("Assertion failed: list_empty(&rt->gc_obj_list)")).length;
    const err = lines.filter((l) => !l.includes("Assertion failed: list_empty(&rt->gc_obj_list)")).join("\n");
    if (err) t.problem("internal", `the server logged: ${brief(err, 2000)}`);
    for (const p of await unexplained(s.db, before, await snapshot(s.db), allowed)) t.problem("dataChanges", p);
    const byStatus = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    console.log(t.line(`answers by status ${byStatus}; ${aborts} QuickJS aborts after a stack overflow (known bug); ${Math.round(performance.now() - t0)} ms`));
    expect(t.problems).toEqual([]);
  });
}, 120_000);

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// Found by this fuzz test; the fix belongs in src/sandbox (a runtime is freed after a stack
// overflow with objects still on its GC list). The run fails as it should (422, "Maximum call
// stack size exceeded."), the server goes on, but the sandbox aborts and logs it.
test.todo("a script whose stack overflows fails its node without the sandbox aborting", async () => {
  const before = s.stderr().length;
  const deep = `${"[".repeat(1000)}1${"]".repeat(1000)}`;
  const res = await fetch(`${s.url}/hooks/fz/hook_script`, { method: "POST", body: `{"list": [], "s": ${deep}}` });
  expect(res.status).toBe(422);
  await Bun.sleep(300);
  // Today the server's stderr gets: Aborted(Assertion failed: list_empty(&rt->gc_obj_list), at: ../../vendor/quickjs/quickjs.c,2036,JS_FreeRuntime)
  expect(s.stderr().slice(before)).toBe("");
});
