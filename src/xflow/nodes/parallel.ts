import { FlowError, MAX_BRANCHES, type NodeDef } from "../types";
import { type FlowGraph, type NodeKind, noWhen, type ShapeProblem } from "./kind";

/**
 * Fan-out: every outgoing branch runs at once with this node's input, until all of them
 * arrive at the same join; the join then runs once with the list of their outputs (in
 * edge order). A branch may fail (an error node); it may not end the run on its own.
 */
export const parallel: NodeKind = {
  type: "parallel",
  summary: "Runs every outgoing branch at once until they all meet at one join.",
  settings: [],
  opensBranches: true,
  check: () => [],
  shape: (n, g) => [...noWhen(n, g.outgoing(n.id)), ...branchProblems(n, g)],
  run: async (c) => ({ output: c.input }),
  next: async (c) => {
    if (c.edges.length > MAX_BRANCHES) throw new FlowError(c.node.id, tooMany(c.node.id, c.edges.length));
    const branches = await Promise.all(c.edges.map((e) => c.branch(e.to, c.result.output)));
    const meetsAt = new Set(branches.map((b) => b.meetsAt));
    const join = branches[0]?.meetsAt;
    if (meetsAt.size !== 1 || !join) throw new FlowError(c.node.id, "the branches of a parallel node must all meet at the same join node");
    return { to: join, input: branches.map((b) => b.output), joined: true };
  },
};

const tooMany = (id: string, n: number) => `parallel ${id} has ${n} branches; at most ${MAX_BRANCHES} are allowed`;

function branchProblems(n: NodeDef, g: FlowGraph): ShapeProblem[] {
  const edges = g.outgoing(n.id);
  if (edges.length < 2) return [{ rule: "edges", message: `parallel ${n.id} needs at least two branches` }];
  if (edges.length > MAX_BRANCHES) return [{ rule: "edges", message: tooMany(n.id, edges.length) }];
  const b = g.branches(n.id);
  const problems: ShapeProblem[] = [];
  const finishing = [...b.leaves].filter((id) => g.kindOf(id).endsRun === "output");
  if (finishing.length)
    problems.push({ rule: "branches", message: `a branch of parallel ${n.id} reaches ${finishing.join(", ")} before its branches meet at a join` });
  if (b.meets.size === 0 && !finishing.length) problems.push({ rule: "branches", message: `the branches of parallel ${n.id} never meet at a join` });
  if (b.meets.size > 1)
    problems.push({
      rule: "branches",
      message: `the branches of parallel ${n.id} arrive at different joins (${[...b.meets].join(", ")}); they must all meet at one`,
    });
  // A branch is entered only through its parallel: a walk coming in from outside would
  // reach the join alone, and the join would not wait for the branches.
  const inner = new Set([n.id, ...b.inside]);
  for (const id of [...b.inside, ...(b.meets.size === 1 ? b.meets : [])])
    for (const e of g.incoming(id))
      if (!inner.has(e.from))
        problems.push({
          rule: "branches",
          message: `${e.from} leads into ${id}, which is on the branches of parallel ${n.id}; branches are entered only through their parallel`,
        });
  return problems;
}
