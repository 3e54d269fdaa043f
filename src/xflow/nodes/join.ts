import { leadsOn, type NodeKind } from "./kind";
/**
 * Fan-in: where the branches of one parallel meet. It waits for every branch; its input
 * is the list of their outputs, which it passes on.
 */
export const join: NodeKind = {
  type: "join",
  summary: "Where the branches of a parallel meet: waits for all and passes on the list of their outputs.",
  settings: [],
  meetsBranches: true,
  check: () => [],
  shape: (n, g) => {
    const problems = leadsOn(n, g);
    if (g.incoming(n.id).length < 2) problems.push({ rule: "edges", message: `join ${n.id} needs at least two incoming branches` });
    const forks = g.flow.nodes.filter((p) => g.kindOf(p.id).opensBranches && g.branches(p.id).meets.has(n.id)).map((p) => p.id);
    if (!forks.length)
      problems.push({ rule: "branches", message: `join ${n.id} is not where the branches of a parallel node meet, so it would have nothing to wait for` });
    if (forks.length > 1)
      problems.push({ rule: "branches", message: `the branches of ${forks.join(" and ")} all meet at join ${n.id}; each parallel needs its own join` });
    return problems;
  },
  run: async (c) => ({ output: c.input }),
};
