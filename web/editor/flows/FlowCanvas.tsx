/** @jsxImportSource react */
// A workflow's steps as a diagram: one box per node (its id and type, marked when the
// server has a problem with it), one arrow per edge labelled with its `when`, laid out top
// to bottom by dagre. It follows the definition (the JSON view, or a change from
// elsewhere); editing on the canvas itself is the flow editor's next part.
import "@xyflow/react/dist/style.css";
import "./flows.css";
import { graphlib, layout } from "@dagrejs/dagre";
import { useComputedColorScheme } from "@mantine/core";
import { type Edge, Handle, MarkerType, type Node, type NodeProps, type NodeTypes, Position, ReactFlow } from "@xyflow/react";
import { memo, useMemo } from "react";
import type { XFlow } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";

const W = 200;
const H = 48;

type StepData = { id: string; type: string; problem: boolean };
type StepNode = Node<StepData, "step">;

const Step = memo(function Step({ data }: NodeProps<StepNode>) {
  return (
    <div className="flow-step" data-node={data.id} data-type={data.type} data-problem={data.problem || undefined}>
      {/* Where edges meet the box (xyflow draws edges between handles); not for connecting. */}
      <Handle type="target" position={Position.Top} isConnectable={false} className="flow-handle" />
      <span className="flow-step-id">{data.id}</span>
      <span className="flow-step-type">{data.type}</span>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="flow-handle" />
    </div>
  );
});
const nodeTypes: NodeTypes = { step: Step };

/** Top-left corners for the steps, by dagre (top to bottom: a flow reads from its start down). */
function placed(flow: XFlow): Map<string, { x: number; y: number }> {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(flow.nodes.map((n) => n.id));
  for (const n of flow.nodes) g.setNode(n.id, { width: W, height: H });
  flow.edges.forEach((e, i) => {
    if (ids.has(e.from) && ids.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to, {}, String(i));
  });
  layout(g);
  return new Map(flow.nodes.map((n) => [n.id, { x: Math.round(g.node(n.id).x - W / 2), y: Math.round(g.node(n.id).y - H / 2) }]));
}

export function FlowCanvas({ flow, problemNodes }: { flow: XFlow; problemNodes: ReadonlySet<string> }) {
  const { t } = useI18n();
  const scheme = useComputedColorScheme("light");
  const { nodes, edges } = useMemo(() => {
    const at = placed(flow);
    const nodes: StepNode[] = flow.nodes.map((n) => ({
      id: n.id,
      type: "step",
      position: at.get(n.id)!,
      data: { id: n.id, type: n.type, problem: problemNodes.has(n.id) },
      ariaLabel: t("flowsNode", { id: n.id, type: n.type }),
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = flow.edges.map((e, i) => ({
      id: `e${i}`,
      source: e.from,
      target: e.to,
      label: e.when,
      markerEnd: { type: MarkerType.ArrowClosed },
      className: "flow-edge",
    }));
    return { nodes, edges };
  }, [flow, problemNodes, t]);
  return (
    <section className="flow-canvas" aria-label={t("flowsDiagram", { name: flow.name })} data-testid="flow-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        colorMode={scheme}
        nodesConnectable={false}
        nodesDraggable={false}
        elementsSelectable={false}
        fitView
        // A short flow is not blown up past its natural size.
        fitViewOptions={{ maxZoom: 1 }}
      />
    </section>
  );
}
