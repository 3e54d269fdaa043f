/** @jsxImportSource react */
// A workflow's steps as a diagram (xyflow): one box per node (its id, type, the server's
// problem with it, and how it did in the run shown), one arrow per edge labelled with its
// `when`, laid out top to bottom by dagre (the layout follows the graph; nothing is placed
// by hand, so a flow written as JSON or by an agent reads as well as one drawn). Edges are
// drawn by dragging from a box's bottom handle to another box; one that would repeat an
// edge, close a cycle or leave an end is refused while dragging. Delete removes what is
// selected (not the start).
import "@xyflow/react/dist/style.css";
import "./flows.css";
import { graphlib, layout } from "@dagrejs/dagre";
import { useComputedColorScheme } from "@mantine/core";
import { type Connection, type Edge, Handle, MarkerType, type Node, type NodeProps, type NodeTypes, Position, ReactFlow, useReactFlow } from "@xyflow/react";
import { memo, useEffect, useMemo } from "react";
import type { XFlow } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import { connectProblem } from "../state/flowActions";

const W = 200;
const H = 56;

/** How a node did in the run shown on the diagram. */
export interface NodeStatus {
  status: "running" | "succeeded" | "failed";
  ms?: number;
}

export type Selection = { kind: "node"; id: string } | { kind: "edge"; index: number } | null;

type StepData = { id: string; type: string; problem: boolean; run?: NodeStatus };
type StepNode = Node<StepData, "step">;

const Step = memo(function Step({ data }: NodeProps<StepNode>) {
  const { t } = useI18n();
  const run = data.run;
  return (
    <div className="flow-step" data-node={data.id} data-type={data.type} data-problem={data.problem || undefined} data-run={run?.status}>
      {data.type !== "start" && <Handle type="target" position={Position.Top} className="flow-handle" />}
      <span className="flow-step-id">{data.id}</span>
      <span className="flow-step-type">
        {data.type}
        {run && (
          <span className="flow-step-run" data-testid={`run-status-${data.id}`}>
            {" · "}
            {run.status === "running"
              ? t("flowsRunRunning")
              : run.status === "failed"
                ? t("flowsRunFailed")
                : t("flowsRunMs", { ms: (run.ms ?? 0).toFixed(1) })}
          </span>
        )}
      </span>
      {data.type !== "end" && data.type !== "error" && <Handle type="source" position={Position.Bottom} className="flow-handle" />}
    </div>
  );
});
const nodeTypes: NodeTypes = { step: Step };

/** Top-left corners for the steps, by dagre (top to bottom: a flow reads from its start down). */
export function placed(flow: XFlow): Map<string, { x: number; y: number }> {
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 60, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  // graphlib keeps nodes in plain objects: ids are prefixed so a step called "constructor"
  // or "__proto__" is a node like any other (and nothing is written onto Object.prototype).
  const key = (id: string) => `n:${id}`;
  const ids = new Set(flow.nodes.map((n) => n.id));
  for (const n of flow.nodes) g.setNode(key(n.id), { width: W, height: H });
  flow.edges.forEach((e, i) => {
    if (ids.has(e.from) && ids.has(e.to) && e.from !== e.to) g.setEdge(key(e.from), key(e.to), {}, String(i));
  });
  layout(g);
  return new Map(
    flow.nodes.map((n) => {
      const at = g.node(key(n.id));
      return [n.id, { x: Math.round(at.x - W / 2), y: Math.round(at.y - H / 2) }];
    }),
  );
}

/** When steps come or go, the whole flow is brought into view again (a new step could land outside it). */
function Refit({ shape }: { shape: string }) {
  const flow = useReactFlow();
  // biome-ignore lint/correctness/useExhaustiveDependencies: refits when the shape changes
  useEffect(() => {
    const frame = requestAnimationFrame(() => void flow.fitView({ maxZoom: 1 }));
    return () => cancelAnimationFrame(frame);
  }, [shape]);
  return null;
}

/** The graph's shape only: settings change often and must not move the boxes. */
const shapeKey = (flow: XFlow) => JSON.stringify([flow.nodes.map((n) => n.id), flow.edges.map((e) => [e.from, e.to])]);

export interface FlowCanvasProps {
  flow: XFlow;
  problemNodes: ReadonlySet<string>;
  run?: ReadonlyMap<string, NodeStatus>;
  selection?: Selection;
  onSelect?(s: Selection): void;
  onConnect?(from: string, to: string): void;
  onDelete?(nodes: string[], edges: number[]): void;
}

export function FlowCanvas({ flow, problemNodes, run, selection = null, onSelect, onConnect, onDelete }: FlowCanvasProps) {
  const { t } = useI18n();
  const scheme = useComputedColorScheme("light");
  const editable = !!onConnect;
  const shape = shapeKey(flow);
  // biome-ignore lint/correctness/useExhaustiveDependencies: laid out again only when the graph's shape changes
  const at = useMemo(() => placed(flow), [shape]);
  const nodes = useMemo(
    () =>
      flow.nodes.map(
        (n): StepNode => ({
          id: n.id,
          type: "step",
          position: at.get(n.id) ?? { x: 0, y: 0 },
          // The box's size is fixed (flows.css): told up front, xyflow shows the box at once
          // instead of hiding it until measured (about 150 ms for 200 steps).
          width: W,
          height: H,
          data: { id: n.id, type: n.type, problem: problemNodes.has(n.id), run: run?.get(n.id) },
          ariaLabel: t("flowsNode", { id: n.id, type: n.type }),
          draggable: false,
          connectable: editable,
          deletable: editable && n.type !== "start",
          selected: selection?.kind === "node" && selection.id === n.id,
        }),
      ),
    [flow, at, problemNodes, run, selection, editable, t],
  );
  const edges = useMemo(
    () =>
      flow.edges.map(
        (e, i): Edge => ({
          id: `e${i}`,
          source: e.from,
          target: e.to,
          label: e.when,
          markerEnd: { type: MarkerType.ArrowClosed },
          className: "flow-edge",
          ariaLabel: t("flowsEdge", { from: e.from, to: e.to, when: e.when ?? "" }),
          deletable: editable,
          selected: selection?.kind === "edge" && selection.index === i,
        }),
      ),
    [flow, selection, editable, t],
  );
  const valid = (c: Connection | Edge) => !!c.source && !!c.target && connectProblem(flow, c.source, c.target) === null;
  return (
    <section className="flow-canvas" aria-label={t("flowsDiagram", { name: flow.name })} data-testid="flow-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        colorMode={scheme}
        nodesConnectable={editable}
        nodesDraggable={false}
        elementsSelectable={!!onSelect}
        isValidConnection={valid}
        onConnect={(c) => c.source && c.target && onConnect?.(c.source, c.target)}
        onNodeClick={(_, n) => onSelect?.({ kind: "node", id: n.id })}
        onEdgeClick={(_, e) => onSelect?.({ kind: "edge", index: Number(e.id.slice(1)) })}
        onPaneClick={() => onSelect?.(null)}
        // Keyboard selection (Tab to a box or arrow, Enter) arrives as changes, not clicks.
        onNodesChange={(changes) => {
          for (const c of changes) if (c.type === "select" && c.selected) onSelect?.({ kind: "node", id: c.id });
        }}
        onEdgesChange={(changes) => {
          for (const c of changes) if (c.type === "select" && c.selected) onSelect?.({ kind: "edge", index: Number(c.id.slice(1)) });
        }}
        onDelete={({ nodes: ns, edges: es }) =>
          onDelete?.(
            ns.map((n) => n.id),
            es.map((e) => Number(e.id.slice(1))),
          )
        }
        deleteKeyCode={editable ? ["Delete", "Backspace"] : null}
        fitView
        // A short flow is not blown up past its natural size; a long one may be read zoomed out.
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.1}
      >
        <Refit shape={shape} />
      </ReactFlow>
    </section>
  );
}
