// The diagram's commands keep a flow whole where they can: after adding a step, drawing
// or removing an edge, or taking a step out, the server's validator finds nothing; an
// edge that would close a cycle, repeat one or leave an end is refused with the reason.
import { describe, expect, test } from "bun:test";
import { applyEdits } from "../../../src/model/invert";
import type { Model, XFlow } from "../../../src/model/schema";
import { templates } from "../../../src/model/templates";
import { checkModel as validateModel } from "../../../src/services/models";
import { nodeTypes } from "../../../src/xflow/nodes/registry";
import { newNode } from "../flows/newNode";
import { addFlow, addNode, connect, connectProblem, removeEdges, removeNodes, renameNode, setEdgeWhen, setNode } from "./flowActions";
import type { Action } from "./store";

const base = () => applyEdits(structuredClone(templates.todo) as unknown as Model, addFlow("f").edits);
const flowOf = (d: Model) => d.xflows!.find((x) => x.name === "f")!;
const apply = (d: Model, a: (f: XFlow) => Action) => applyEdits(d, a(flowOf(d)).edits);
const valid = (d: Model) => {
  expect(validateModel(d)).toEqual([]);
  return d;
};
const edges = (d: Model) => flowOf(d).edges.map((e) => `${e.from}>${e.to}${e.when ? `:${e.when}` : ""}`);

describe("the flow diagram's commands", () => {
  test("a step of every type but start, added after start, has its required settings and (except parallel and join) keeps the flow valid", () => {
    for (const type of nodeTypes) {
      if (type === "start") continue;
      const d = base();
      const next = apply(d, (f) => addNode(f, newNode(d, f, type), "start"));
      if (type === "parallel" || type === "join") expect(validateModel(next).length).toBeGreaterThan(0);
      else if (type === "end" || type === "error") {
        expect(edges(next)).toEqual(["start>end"]); // an end cannot stand in a line: it waits to be connected
        expect(validateModel(next).map((p) => p.message)).toEqual([expect.stringMatching(/cannot be reached from start/)]);
      } else expect([type, validateModel(next)]).toEqual([type, []]);
    }
  });

  test("a step goes between a node and the one it leads to; a condition's new way takes its unused answer", () => {
    let d = base();
    d = valid(apply(d, (f) => addNode(f, newNode(d, f, "condition"), "start")));
    expect(edges(d)).toEqual(["start>condition", "condition>end:true"]);
    d = apply(d, (f) => addNode(f, { id: "no", type: "error", message: "no" }, "condition"));
    valid(d);
    expect(edges(d)).toContain("condition>no:false");
    d = apply(d, (f) => addNode(f, newNode(d, f, "transform"), "condition"));
    // Both answers taken: the new step stands alone until connected, and says so.
    expect(validateModel(d).map((p) => p.rule)).toEqual(["unreachable", "edges"]);
  });

  test("taking a step out of a line joins its neighbours; removing an end leaves the flow to be fixed", () => {
    let d = base();
    d = apply(d, (f) => addNode(f, newNode(d, f, "log"), "start"));
    expect(edges(d)).toEqual(["start>log", "log>end"]);
    d = valid(apply(d, (f) => removeNodes(f, ["log"])));
    expect(edges(d)).toEqual(["start>end"]);
  });

  test("edges: a cycle, a repeat, an edge out of an end and into start are refused with the reason", () => {
    let d = base();
    d = apply(d, (f) => addNode(f, newNode(d, f, "log"), "start"));
    const f = flowOf(d);
    expect(connectProblem(f, "log", "start")).toMatch(/nothing may lead into the start|cycle/);
    expect(connectProblem(f, "end", "log")).toMatch(/a run stops there/);
    expect(connectProblem(f, "start", "log")).toMatch(/already leads/);
    expect(connectProblem(f, "log", "log")).toMatch(/cycle \(log → log\)/);
    expect(connectProblem(f, "log", "start")).toBe("nothing may lead into the start node");
    d = apply(d, (x) => addNode(x, { id: "t", type: "transform", expression: "input" }));
    d = apply(d, (x) => connect(x, "log", "t"));
    expect(connectProblem(flowOf(d), "t", "log")).toBe("t → log would make a cycle (log → t → log); a workflow runs one way, from start to its ends");
    expect(() => connect(flowOf(d), "t", "log")).toThrow(/cycle/);
  });

  test("when marks, removing edges, settings and renames", () => {
    let d = base();
    d = apply(d, (f) => addNode(f, newNode(d, f, "condition"), "start"));
    d = apply(d, (f) =>
      setEdgeWhen(
        f,
        f.edges.findIndex((e) => e.from === "condition"),
        "false",
      ),
    );
    expect(edges(d)).toContain("condition>end:false");
    d = apply(d, (f) =>
      setEdgeWhen(
        f,
        f.edges.findIndex((e) => e.from === "condition"),
        undefined,
      ),
    );
    expect(
      validateModel(d)
        .map((p) => p.message)
        .join(),
    ).toMatch(/need when "true" or "false"/);
    d = valid(
      apply(d, (f) =>
        setEdgeWhen(
          f,
          f.edges.findIndex((e) => e.from === "condition"),
          "true",
        ),
      ),
    );
    d = valid(apply(d, (f) => setNode(f, "condition", { expression: "input.ok", note: undefined })));
    expect((flowOf(d).nodes[2] as Record<string, unknown>).expression).toBe("input.ok");
    d = valid(apply(d, (f) => renameNode(f, "condition", "ok")));
    expect(edges(d)).toEqual(["start>ok", "ok>end:true"]);
    d = apply(d, (f) => removeEdges(f, [f.edges[1]!]));
    expect(edges(d)).toEqual(["start>ok"]);
  });
});
