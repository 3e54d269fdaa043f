/** @jsxImportSource react */
// A relationship's edge. It leaves and enters each box on the side facing the other box
// (left/right, or top/bottom when they are stacked), so it never runs behind a box
// wherever the user drags them; a type related to itself gets a loop at its top right corner.
import { BaseEdge, type EdgeProps, getBezierPath, type InternalNode, Position, useInternalNode } from "@xyflow/react";
import { memo } from "react";
import { type EntityNode, type ErdEdge, HEADER_HEIGHT, NODE_WIDTH } from "./graph";

const LOOP = 70;
// Inline, not only in erd.css: an exported image has no style sheet (see exportImage).
const LINE = { stroke: "var(--erd-edge)", strokeWidth: "var(--erd-edge-width)", fill: "none" };
const LABEL = { fill: "var(--erd-label)", fontSize: 12, fontWeight: 600 };
const LABEL_BG = { fill: "var(--erd-label-bg)" };
/** Label box size from the text's length: xyflow's own label measures each one (getBBox), a forced layout per edge that cost 120 ms when a 100-type diagram opened. */
const CHAR_WIDTH = 7;
const LABEL_HEIGHT = 18;

/** A kind ("1:n") or field name on its background, centred on (x, y). */
function EdgeLabel({ x, y, text }: { x: number; y: number; text: string }) {
  const w = 8 + text.length * CHAR_WIDTH;
  return (
    // xyflow's class names: its style sheet makes the label a click target of the edge.
    <g transform={`translate(${x} ${y})`} className="react-flow__edge-textwrapper">
      <rect className="react-flow__edge-textbg" x={-w / 2} y={-LABEL_HEIGHT / 2} width={w} height={LABEL_HEIGHT} rx={3} style={LABEL_BG} />
      <text className="react-flow__edge-text" textAnchor="middle" dominantBaseline="central" style={LABEL}>
        {text}
      </text>
    </g>
  );
}

type Box = { x: number; y: number; w: number; h: number };
const boxOf = (n: InternalNode<EntityNode>): Box => ({
  x: n.internals.positionAbsolute.x,
  y: n.internals.positionAbsolute.y,
  w: n.measured.width ?? n.initialWidth ?? NODE_WIDTH,
  h: n.measured.height ?? n.initialHeight ?? HEADER_HEIGHT,
});

const LANE = 26;

/** The end points and sides of an edge from box `s` to box `t`, moved `shift` px aside (along the sides it joins). */
function ends(s: Box, t: Box, shift: number) {
  const overlapX = t.x < s.x + s.w && s.x < t.x + t.w;
  if (overlapX) {
    const down = t.y + t.h / 2 >= s.y + s.h / 2;
    return {
      sourceX: s.x + s.w / 2 + shift,
      sourceY: down ? s.y + s.h : s.y,
      sourcePosition: down ? Position.Bottom : Position.Top,
      targetX: t.x + t.w / 2 + shift,
      targetY: down ? t.y : t.y + t.h,
      targetPosition: down ? Position.Top : Position.Bottom,
    };
  }
  const right = t.x + t.w / 2 >= s.x + s.w / 2;
  return {
    sourceX: right ? s.x + s.w : s.x,
    sourceY: s.y + s.h / 2 + shift,
    sourcePosition: right ? Position.Right : Position.Left,
    targetX: right ? t.x : t.x + t.w,
    targetY: t.y + t.h / 2 + shift,
    targetPosition: right ? Position.Left : Position.Right,
  };
}

function RelationshipEdgeView(p: EdgeProps<ErdEdge>) {
  const source = useInternalNode<EntityNode>(p.source);
  const target = useInternalNode<EntityNode>(p.target);
  if (!source || !target) return null;
  const s = boxOf(source);
  const lane = p.data?.lane ?? 0;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (p.source === p.target) {
    // Up out of the header near the right corner and back into the right side: clear of
    // the edges to other types, which leave the sides at mid-height.
    // Several loops on one type nest, each a little larger.
    const size = LOOP * (1 + 0.5 * (p.data?.index ?? 0));
    const x0 = s.x + s.w - 60;
    const x1 = s.x + s.w;
    const y1 = s.y + HEADER_HEIGHT / 2;
    path = `M ${x0} ${s.y} C ${x0} ${s.y - size}, ${x1 + size} ${y1}, ${x1} ${y1}`;
    labelX = x1 + 4 + (size - LOOP) / 3;
    labelY = s.y - size / 3;
  } else [path, labelX, labelY] = getBezierPath(ends(s, boxOf(target), lane * LANE));
  return (
    <>
      <BaseEdge id={p.id} path={path} markerEnd={p.markerEnd} style={{ ...LINE, ...p.style }} interactionWidth={p.interactionWidth} />
      {typeof p.label === "string" && p.label ? <EdgeLabel x={labelX} y={labelY} text={p.label} /> : null}
    </>
  );
}

export const RelationshipEdge = memo(RelationshipEdgeView);
