// validateFlow: every broken flow is refused with a problem at the JSON path of what is
// wrong; and a model carrying a broken flow is refused on save, with /xflows/<i>/… paths.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDatabase } from "../../tests/helpers/db";
import { type Issue, TorqueError } from "../lib/errors";
import { templates } from "../model/templates";
import { openServices } from "../services";
import { systemActor } from "../services/actor";
import { checkModel } from "../services/models";
import type { FlowDef } from "./types";
import { validateFlow } from "./validate";

type Node = Record<string, unknown> & { id: string; type: string };
const flow = (nodes: Node[], edges: [string, string, string?][], extra: Record<string, unknown> = {}): FlowDef =>
  ({ name: "f", nodes, edges: edges.map(([from, to, when]) => ({ from, to, ...(when !== undefined && { when }) })), ...extra }) as FlowDef;

const S: Node = { id: "start", type: "start" };
const E: Node = { id: "end", type: "end" };
const script = (id: string, code = "return input;"): Node => ({ id, type: "script", code });

/** The flow has a problem at `path` whose message matches `msg`. */
function expectIssue(f: FlowDef, path: string, msg: RegExp, base = ""): Issue {
  const issues = validateFlow(f, base);
  const hit = issues.find((i) => i.path === path && msg.test(i.message));
  expect(hit, `no issue at ${path} matching ${msg}; got ${JSON.stringify(issues)}`).toBeDefined();
  return hit!;
}

describe("validateFlow", () => {
  test("a flow over 200 nodes or 400 edges is refused on that alone, in plain words (torque xflow validate of one flow)", () => {
    const logs: Node[] = Array.from({ length: 1998 }, (_, i) => ({ id: `log${i}`, type: "log", message: "x" }));
    const ids = ["start", ...logs.map((n) => n.id), "end"];
    const long = flow([S, ...logs, E], ids.slice(1).map((to, i) => [ids[i]!, to]) as [string, string][], { name: "long" });
    expect(validateFlow(long)).toEqual([
      { path: "/nodes", rule: "maxItems", message: 'flow "long" has 2,000 nodes; a flow may have at most 200' },
      { path: "/edges", rule: "maxItems", message: 'flow "long" has 1,999 edges; a flow may have at most 400' },
    ]);
    expect(validateFlow({ ...long, name: undefined } as unknown as FlowDef, "/xflows/3")[0]).toMatchObject({
      path: "/xflows/3/nodes",
      message: "the xflow at /xflows/3 has 2,000 nodes; a flow may have at most 200",
    });
  });

  test("a sound flow has no problems", () => {
    const f = flow(
      [S, script("calc"), { id: "big", type: "condition", expression: "input.total > 10" }, { id: "no", type: "error", message: "too big" }, E],
      [
        ["start", "calc"],
        ["calc", "big"],
        ["big", "no", "true"],
        ["big", "end", "false"],
      ],
      { trigger: { type: "entity", entity: "task", event: "beforeCreate" } },
    );
    expect(validateFlow(f)).toEqual([]);
    const par = flow(
      [S, { id: "fan", type: "parallel" }, script("a"), script("b"), { id: "meet", type: "join" }, E],
      [
        ["start", "fan"],
        ["fan", "a"],
        ["fan", "b"],
        ["a", "meet"],
        ["b", "meet"],
        ["meet", "end"],
      ],
    );
    expect(validateFlow(par)).toEqual([]);
  });

  test("a cycle", () => {
    const f = flow(
      [S, script("a"), script("b"), E],
      [
        ["start", "a"],
        ["a", "b"],
        ["b", "a"],
        ["b", "end"],
      ],
    );
    const i = expectIssue(f, "/edges", /cycle/);
    expect(i.message).toMatch(/a → b → a|b → a → b/);
  });

  test("an edge to a node that does not exist", () => {
    const f = flow(
      [S, E],
      [
        ["start", "end"],
        ["start", "ghost"],
      ],
    );
    expect(expectIssue(f, "/edges/1/to", /ghost/).rule).toBe("reference");
    expectIssue(
      flow(
        [S, E],
        [
          ["start", "end"],
          ["phantom", "end"],
        ],
      ),
      "/edges/1/from",
      /phantom/,
    );
  });

  test("two start nodes (and none)", () => {
    expectIssue(
      flow(
        [S, { id: "s2", type: "start" }, E],
        [
          ["start", "end"],
          ["s2", "end"],
        ],
      ),
      "/nodes",
      /exactly one start.*2/,
    );
    expectIssue(flow([E], []), "/nodes", /exactly one start.*0/);
  });

  test("a node that cannot be reached from start", () => {
    const f = flow(
      [S, script("lost"), E],
      [
        ["start", "end"],
        ["lost", "end"],
      ],
    );
    expect(expectIssue(f, "/nodes/1", /lost cannot be reached/).rule).toBe("unreachable");
  });

  test("a node that leads nowhere", () => {
    const f = flow([S, script("dead"), E], [["start", "dead"]]);
    expectIssue(f, "/nodes/1", /dead leads nowhere/);
  });

  test("an end (or error) node with an outgoing edge", () => {
    expectIssue(
      flow(
        [S, E, script("after")],
        [
          ["start", "end"],
          ["end", "after"],
        ],
      ),
      "/nodes/1",
      /end node end must not lead anywhere/,
    );
    const err: Node = { id: "oops", type: "error", message: "x" };
    expectIssue(
      flow(
        [S, err, E],
        [
          ["start", "oops"],
          ["oops", "end"],
        ],
      ),
      "/nodes/1",
      /error node oops must not lead anywhere/,
    );
  });

  test("condition edges without when, or twice the same answer", () => {
    const c: Node = { id: "c", type: "condition", expression: "input.x" };
    expectIssue(
      flow(
        [S, c, script("a"), E],
        [
          ["start", "c"],
          ["c", "a"],
          ["c", "end", "false"],
          ["a", "end"],
        ],
      ),
      "/nodes/1",
      /need when "true" or "false"/,
    );
    expectIssue(
      flow(
        [S, c, script("a"), E],
        [
          ["start", "c"],
          ["c", "a", "true"],
          ["c", "end", "true"],
          ["a", "end"],
        ],
      ),
      "/nodes/1",
      /two edges for the same answer/,
    );
    expectIssue(
      flow(
        [S, c, E],
        [
          ["start", "c"],
          ["c", "end", "maybe"],
        ],
      ),
      "/nodes/1",
      /need when/,
    );
  });

  test("when on an edge that does not leave a condition", () => {
    const f = flow(
      [S, script("a"), E],
      [
        ["start", "a", "true"],
        ["a", "end"],
      ],
    );
    expectIssue(f, "/nodes/0", /only edges from a condition node carry "when"/);
  });

  test("a parallel with one branch, and a join with one incoming branch", () => {
    const f = flow(
      [S, { id: "fan", type: "parallel" }, script("a"), { id: "meet", type: "join" }, E],
      [
        ["start", "fan"],
        ["fan", "a"],
        ["a", "meet"],
        ["meet", "end"],
      ],
    );
    expectIssue(f, "/nodes/1", /parallel fan needs at least two branches/);
    expectIssue(f, "/nodes/3", /join meet needs at least two incoming/);
  });

  test("two edges out of an ordinary node", () => {
    expectIssue(
      flow(
        [S, script("a"), E],
        [
          ["start", "a"],
          ["start", "end"],
          ["a", "end"],
        ],
      ),
      "/nodes/0",
      /2 outgoing edges/,
    );
  });

  test("an unknown node type lists the known ones", () => {
    const i = expectIssue(
      flow(
        [S, { id: "x", type: "teleport" }, E],
        [
          ["start", "x"],
          ["x", "end"],
        ],
      ),
      "/nodes/1/type",
      /unknown type "teleport"/,
    );
    expect(i.message).toContain("script");
    expect(i.message).toContain("entityWrite");
  });

  test("a node type named like a property every object inherits is unknown, not a crash", () => {
    for (const type of ["constructor", "__proto__", "toString"]) {
      const i = expectIssue(
        flow(
          [S, { id: "x", type }, E],
          [
            ["start", "x"],
            ["x", "end"],
          ],
        ),
        "/nodes/1/type",
        new RegExp(`unknown type "${type}"`),
      );
      expect(i.rule).toBe("enum");
    }
  });

  test("parallels nest: each meets at its own join, and conditions may branch inside a branch", () => {
    const f = flow(
      [
        S,
        { id: "p1", type: "parallel" },
        script("a"),
        { id: "p2", type: "parallel" },
        script("b"),
        { id: "c", type: "condition", expression: "input.x" },
        script("d"),
        { id: "j2", type: "join" },
        { id: "j1", type: "join" },
        E,
      ],
      [
        ["start", "p1"],
        ["p1", "a"],
        ["p1", "p2"],
        ["p2", "b"],
        ["p2", "c"],
        ["c", "d", "true"],
        ["c", "j2", "false"],
        ["d", "j2"],
        ["b", "j2"],
        ["j2", "j1"],
        ["a", "j1"],
        ["j1", "end"],
      ],
    );
    expect(validateFlow(f)).toEqual([]);
  });

  test("a script without code (and blank code)", () => {
    expectIssue(
      flow(
        [S, { id: "s", type: "script" }, E],
        [
          ["start", "s"],
          ["s", "end"],
        ],
      ),
      "/nodes/1/code",
      /node s: .*required/,
    );
    expectIssue(
      flow(
        [S, { id: "s", type: "script", code: "   " }, E],
        [
          ["start", "s"],
          ["s", "end"],
        ],
      ),
      "/nodes/1/code",
      /required/,
    );
  });

  test("a bad retry setting", () => {
    const f = flow(
      [S, { ...script("s"), retry: { attempts: 99 } }, E],
      [
        ["start", "s"],
        ["s", "end"],
      ],
    );
    expectIssue(f, "/nodes/1/retry", /attempts: 1\.\.10/);
  });

  test("bad triggers: unknown type, unknown event, schedule without cron", () => {
    const ok: [string, string][] = [["start", "end"]];
    expectIssue(flow([S, E], ok, { trigger: { type: "entity", entity: "task", event: "onCreate" } }), "/trigger/event", /beforeCreate/);
    expectIssue(flow([S, E], ok, { trigger: { type: "telepathy" } }), "/trigger/type", /manual, entity, webhook, schedule/);
    expectIssue(flow([S, E], ok, { trigger: { type: "schedule" } }), "/trigger/cron", /cron/);
    // JavaScript that does not parse is named where it is; it is compiled, never run.
    const bad = flow(
      [S, { id: "s", type: "script", code: "return (" }, { id: "c", type: "transform", expression: "input.a +" }, E],
      [
        ["start", "s"],
        ["s", "c"],
        ["c", "end"],
      ],
    );
    expectIssue(bad, "/nodes/1/code", /code is not valid JavaScript/);
    expectIssue(bad, "/nodes/2/expression", /expression is not valid JavaScript/);
    (globalThis as Record<string, unknown>).__touched = false;
    validateFlow(
      flow(
        [S, { id: "s", type: "script", code: "globalThis.__touched = true; return 1" }, E],
        [
          ["start", "s"],
          ["s", "end"],
        ],
      ) as never,
    );
    expect((globalThis as Record<string, unknown>).__touched).toBe(false);
    // A cron expression the scheduler cannot read, or one that never fires, is named at save.
    expectIssue(flow([S, E], ok, { trigger: { type: "schedule", cron: "0 0 30 2 *" } }), "/trigger/cron", /never fires/);
    expectIssue(flow([S, E], ok, { trigger: { type: "schedule", cron: "61 * * * *" } }), "/trigger/cron", /Invalid value for minute: 61/);
    expectIssue(flow([S, E], ok, { trigger: { type: "schedule", cron: "0 9 * * *", timezone: "Mars/Olympus" } }), "/trigger/cron", /timezone/);
    expect(validateFlow(flow([S, E], ok, { trigger: { type: "schedule", cron: "*/5 * * * *" } }) as never)).toEqual([]);
  });

  test("no end node", () => {
    const f = flow([S, { id: "no", type: "error", message: "always" }], [["start", "no"]]);
    expect(expectIssue(f, "/nodes", /a flow needs at least one end node \(has 0\)/).rule).toBe("end");
  });

  test("paths are prefixed with the flow's place in a model", () => {
    expectIssue(
      flow(
        [S, { id: "s", type: "script" }, E],
        [
          ["start", "s"],
          ["s", "end"],
        ],
      ),
      "/xflows/3/nodes/1/code",
      /required/,
      "/xflows/3",
    );
  });
});

describe("models carrying flows", () => {
  const dir = mkdtempSync(join(tmpdir(), "torque-xflow-validate-"));
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const good = () =>
    flow(
      [S, script("s"), E],
      [
        ["start", "s"],
        ["s", "end"],
      ],
    );
  const broken = () =>
    flow(
      [S, { id: "s", type: "script" }, { id: "c", type: "condition", expression: "1" }, E],
      [
        ["start", "s"],
        ["s", "c"],
        ["c", "end"],
      ],
    );
  const model = (...xflows: FlowDef[]) => ({ ...structuredClone(templates.todo), xflows: xflows.map((x, i) => ({ ...x, name: `flow_${i}` })) });

  test("checkModel reports each broken flow under /xflows/<i>", () => {
    const issues = checkModel(model(good(), broken()));
    expect(issues.map((i) => i.path)).toContain("/xflows/1/nodes/1/code");
    expect(issues.every((i) => i.path?.startsWith("/xflows/1"))).toBe(true);
    expect(checkModel(model(good()))).toEqual([]);
  });

  test("saving a model with a broken flow is refused, and the stored model is unchanged", async () => {
    const s = await openServices(await testDatabase(dir, "m.db"));
    opened.push(s);
    const m = await s.models.create(model(good()), systemActor);
    let err: unknown;
    try {
      await s.models.save(m.id, model(good(), broken()), systemActor);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TorqueError);
    const t = err as TorqueError;
    expect(t.code).toBe("validation");
    expect(t.message).toContain("/xflows/1/nodes/1/code");
    expect((t.data as Issue[]).some((i) => i.path === "/xflows/1/nodes/2" && /when/.test(i.message))).toBe(false); // graph checks wait for sound nodes
    const stored = await s.models.get(m.id);
    expect(stored.version).toBe(1);
    expect(stored.doc.xflows?.map((x) => x.name)).toEqual(["flow_0"]);
    // A cycle is refused on save too.
    const cyclic = flow(
      [S, script("a"), script("b"), E],
      [
        ["start", "a"],
        ["a", "b"],
        ["b", "a"],
        ["b", "end"],
      ],
    );
    const e2 = await s.models.save(m.id, model(cyclic), systemActor).catch((e) => e);
    expect((e2 as TorqueError).data).toContainEqual(expect.objectContaining({ path: "/xflows/0/edges", rule: "cycle" }));
  });
});
