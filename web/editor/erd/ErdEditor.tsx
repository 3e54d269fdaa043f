/** @jsxImportSource react */
// The model's entity-relationship diagram, editable: every change is an action of the
// editor's pipeline (state/), so it is saved, undoable and shared with the other panels.
// The document is the truth for what is drawn (useFlowState follows it), the URL for what
// is selected (?sel=<types>, ?rel=<relationships>), so a reload or a shared link shows the
// same. Loaded with React.lazy by the workspace, so xyflow and dagre stay out of Home.
// This chunk's strings, and those it shares with the entity editor.
import "../common/messages";
import "./messages";
import "@xyflow/react/dist/style.css";
import "./erd.css";
import { useComputedColorScheme } from "@mantine/core";
import {
  type AriaLabelConfig,
  ControlButton,
  Controls,
  type EdgeTypes,
  getNodesBounds,
  getViewportForBounds,
  MiniMap,
  type NodeTypes,
  type OnConnectEnd,
  type OnNodeDrag,
  type OnSelectionChangeFunc,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from "@xyflow/react";
import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { AddEntityModal } from "../common/AddEntityModal";
import { useI18n } from "../lib/i18n";
import { navigate, setSearch, useSearch } from "../lib/route";
import { useNotices } from "../shell/notices";
import { moveNodes } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import type { Action } from "../state/store";
import { tabHref } from "../workspace/tabs";
import { pinned } from "./actions";
import { ConnectModal, type ConnectRequest } from "./ConnectModal";
import { DeleteModal, type DeleteRequest } from "./DeleteModal";
import { EntityNode, FullDetail } from "./EntityNode";
import { exportImage, type ImageFormat, imageFileName } from "./exportImage";
import { autoLayout, type EntityNode as EntityNodeType, type ErdEdge, freeSpot, GraphBuilder, NODE_WIDTH, nodeHeight, relOfEdge, type XY } from "./graph";
import { RelationshipEdge } from "./RelationshipEdge";
import { SelectionPanel } from "./SelectionPanel";
import { Toolbar } from "./Toolbar";
import { useFlowState } from "./useFlowState";

// Outside the component: a new object on each render makes xyflow warn and remount nodes.
const nodeTypes: NodeTypes = { entity: EntityNode };
const edgeTypes: EdgeTypes = { erd: RelationshipEdge };
// Shift adds to the selection by click (as Ctrl/⌘ does) and draws a selection box by drag.
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
/** Arrow-key moves are saved this long after the last key, as one action. */
const ARROW_SAVE_MS = 400;
const ARROWS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);
const MIN_ZOOM = 0.05;
// The arrowheads' colour: --erd-edge of erd.css (Mantine's gray 6 and dark 2), as a value
// because xyflow names its markers after the colour.
const MARKER = { light: "#868e96", dark: "#828282" };

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement &&
  (el.isContentEditable ||
    el.tagName === "TEXTAREA" ||
    el.tagName === "SELECT" ||
    (el.tagName === "INPUT" && !["checkbox", "radio", "button"].includes((el as HTMLInputElement).type)));

const list = (v: string | null) => (v ? v.split(",").filter(Boolean) : []);

// xyflow's own fit icon (its Controls button would use fitView, see fitTo).
const FitIcon = () => (
  <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30" aria-hidden="true">
    <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
  </svg>
);

type Dialog = { kind: "add" } | { kind: "connect"; request: ConnectRequest } | { kind: "delete"; request: DeleteRequest } | null;

export default function ErdEditor() {
  return (
    <ReactFlowProvider>
      <Diagram />
    </ReactFlowProvider>
  );
}

function Diagram() {
  const { t } = useI18n();
  const scheme = useComputedColorScheme("light");
  const notices = useNotices();
  const run = useRun();
  const doc = useEditor((s) => s.doc);
  const modelId = useEditor((s) => s.id);
  const rf = useReactFlow<EntityNodeType, ErdEdge>();
  const search = useSearch();
  const selParam = search.get("sel");
  const relParam = search.get("rel");

  const builder = useRef<GraphBuilder>(null);
  builder.current ??= new GraphBuilder();
  const graph = useMemo(() => builder.current!.build(doc), [doc]);
  // Only what exists: a link may name a type that was renamed or removed since.
  const types = useMemo(() => list(selParam).filter((n) => doc.entities.some((e) => e.name === n)), [selParam, doc]);
  const rels = useMemo(() => list(relParam).filter((n) => doc.relationships?.some((r) => r.name === n)), [relParam, doc]);
  const { nodes, edges, onNodesChange, onEdgesChange, resetPositions } = useFlowState(graph, types, rels);
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  const [dialog, setDialog] = useState<Dialog>(null);
  const [exporting, setExporting] = useState<ImageFormat | null>(null);
  const [ready, setReady] = useState(false);
  const flowRef = useRef<HTMLDivElement>(null);
  const closeDialog = useCallback(() => setDialog(null), []);

  /** Run a change of the diagram, with the layout the user sees pinned (actions.ts, pinned). */
  const runPinned = useCallback(
    (a: Action, except: string[] = []) => {
      const unplaced = { ...graph.unplaced };
      for (const n of except) delete unplaced[n];
      return run(pinned(a, unplaced));
    },
    [graph, run],
  );

  // --- moving -------------------------------------------------------------------------
  const savePositions = useCallback(
    (moved: Record<string, XY>) => {
      const before = new Map(graph.nodes.map((n) => [n.id, n.position]));
      const changed = Object.fromEntries(
        Object.entries(moved).filter(([id, p]) => {
          const b = before.get(id);
          return b && (Math.round(b.x) !== Math.round(p.x) || Math.round(b.y) !== Math.round(p.y));
        }),
      );
      if (!Object.keys(changed).length) return;
      if (!runPinned(moveNodes(changed), Object.keys(changed))) resetPositions();
    },
    [graph, runPinned, resetPositions],
  );
  const onNodeDragStop: OnNodeDrag<EntityNodeType> = useCallback(
    (_e, _node, dragged) => savePositions(Object.fromEntries(dragged.map((n) => [n.id, n.position]))),
    [savePositions],
  );
  const arrowTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const arrowMoved = useRef(new Set<string>());
  const saveArrowMoves = useCallback(() => {
    const ids = arrowMoved.current;
    arrowMoved.current = new Set();
    savePositions(Object.fromEntries(nodesRef.current.filter((n) => ids.has(n.id)).map((n) => [n.id, n.position])));
  }, [savePositions]);
  const saveArrowRef = useRef(saveArrowMoves);
  saveArrowRef.current = saveArrowMoves;
  // Leaving the diagram within the delay still saves the move.
  useEffect(
    () => () => {
      if (arrowTimer.current === undefined) return;
      clearTimeout(arrowTimer.current);
      saveArrowRef.current();
    },
    [],
  );

  // --- selection (kept in the URL) -----------------------------------------------------
  const ownSelection = useRef<string | null>(null);
  const onSelectionChange: OnSelectionChangeFunc<EntityNodeType, ErdEdge> = useCallback(({ nodes: ns, edges: es }) => {
    const sel = ns.map((n) => n.id);
    // Selected types speak for themselves (a box selection also takes their edges along).
    const rel = sel.length ? [] : es.flatMap((e) => relOfEdge(e.id) ?? []);
    ownSelection.current = `${sel.join(",")}|${rel.join(",")}`;
    setSearch({ sel: sel.length ? sel.join(",") : null, rel: rel.length ? rel.join(",") : null });
  }, []);
  const selectionKey = `${types.join(",")}|${rels.join(",")}`;
  // The view is fitted here rather than by xyflow's fitView, which waits until every node
  // is measured, and nodes off screen are never drawn (onlyRenderVisibleElements): a large
  // model would never fit. The nodes' known sizes (initialWidth/Height) are enough. A small
  // model is not blown up past its natural size.
  const fitTo = useCallback(
    (ns: EntityNodeType[], duration: number, padding = 0.1) => {
      const el = flowRef.current;
      if (!el || !ns.length) return;
      void rf.setViewport(getViewportForBounds(getNodesBounds(ns), el.clientWidth, el.clientHeight, MIN_ZOOM, 1, padding), { duration });
    },
    [rf],
  );
  const focusSelection = useCallback(
    (duration: number) => {
      const ids = new Set(types);
      for (const name of rels) {
        const r = doc.relationships?.find((x) => x.name === name);
        if (r) ids.add(r.from).add(r.to);
      }
      if (ids.size)
        fitTo(
          nodesRef.current.filter((n) => ids.has(n.id)),
          duration,
          0.3,
        );
    },
    [types, rels, doc, fitTo],
  );
  // A selection that arrives by link (reload, the problems panel, the palette) is brought into view.
  const shown = useRef(false);
  useEffect(() => {
    if (!ready) return;
    if (!shown.current) {
      // The first view: the selection of the link, or the whole diagram.
      shown.current = true;
      ownSelection.current = selectionKey;
      if (types.length || rels.length) focusSelection(0);
      else fitTo(nodesRef.current, 0);
      return;
    }
    if (ownSelection.current === selectionKey) return;
    ownSelection.current = selectionKey;
    focusSelection(300);
  }, [ready, selectionKey, focusSelection, fitTo, types, rels]);

  // --- commands --------------------------------------------------------------------------
  /** Where a new type goes: the middle of the visible canvas, or the free spot nearest to it. */
  const freeSpotInView = useCallback((): XY => {
    const box = flowRef.current?.getBoundingClientRect();
    const c = box ? rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 }) : { x: 0, y: 0 };
    return freeSpot({ x: c.x - NODE_WIDTH / 2, y: c.y - nodeHeight(1) / 2 }, nodesRef.current);
  }, [rf]);
  // The dialog adds it in view (freeSpotInView, runPinned); then it is selected.
  const selectAdded = useCallback((name: string) => setSearch({ sel: name, rel: null }), []);
  const layoutAll = useCallback(() => {
    if (!graph.nodes.length) return;
    const at = autoLayout(
      graph.nodes.map((n) => ({ id: n.id, fields: n.data.fields.length })),
      graph.edges,
    );
    if (run({ label: "Auto layout", edits: moveNodes(Object.fromEntries(at)).edits }))
      fitTo(
        nodesRef.current.map((n) => ({ ...n, position: at.get(n.id) ?? n.position })),
        300,
      );
  }, [graph, run, fitTo]);
  const askDelete = useCallback(() => {
    if (types.length || rels.length) setDialog({ kind: "delete", request: { types, rels } });
  }, [types, rels]);
  const askConnect = useCallback(() => {
    if (types.length === 1) setDialog({ kind: "connect", request: { from: types[0]! } });
  }, [types]);
  const doDelete = useCallback(
    (a: Action) => {
      if (runPinned(a)) {
        setSearch({ sel: null, rel: null });
        setDialog(null);
      }
    },
    [runPinned],
  );
  const doConnect = useCallback(
    (a: Action) => {
      const rel = a.edits.find((e) => e.op === "addRelationship");
      if (runPinned(a)) {
        setDialog(null);
        // The new relationship is selected, ready to be edited.
        const name = rel && rel.op === "addRelationship" ? (rel.relationship as { name: string }).name : null;
        if (name) setSearch({ sel: null, rel: name });
      }
    },
    [runPinned],
  );
  const openAdd = useCallback(() => setDialog({ kind: "add" }), []);
  const onInit = useCallback(() => setReady(true), []);
  const onNodeDoubleClick = useCallback((_e: unknown, n: EntityNodeType) => navigate(tabHref(modelId, "entities", n.id)), [modelId]);
  const fit = useCallback(() => fitTo(nodesRef.current, 300), [fitTo]);

  // Export draws every node, so the ones off screen are rendered for it first.
  const modelName = doc.name;
  const doExport = useCallback(
    async (format: ImageFormat) => {
      setExporting(format);
      try {
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const flow = flowRef.current?.querySelector<HTMLElement>(".react-flow");
        if (!flow) return;
        await exportImage(flow, rf.getNodes(), format, imageFileName(modelName, format));
        notices.success(t("erdExported", { file: imageFileName(modelName, format) }));
      } catch (e) {
        notices.error(t("erdExportFailed", { message: e instanceof Error ? e.message : String(e) }));
      } finally {
        setExporting(null);
      }
    },
    [rf, modelName, notices, t],
  );
  const onExport = useCallback((f: ImageFormat) => void doExport(f), [doExport]);

  // --- connecting by drag -------------------------------------------------------------------
  // Dropping anywhere on a node counts, not only on its small target dot.
  const onConnectEnd: OnConnectEnd = useCallback((event, state) => {
    const from = state.fromNode?.id;
    if (!from) return;
    const point = "changedTouches" in event ? event.changedTouches[0] : event;
    const under = point
      ? document
          .elementsFromPoint(point.clientX, point.clientY)
          .map((el) => el.closest<HTMLElement>(".react-flow__node"))
          .find(Boolean)
      : undefined;
    const to = state.toNode?.id ?? under?.dataset.id;
    if (to) setDialog({ kind: "connect", request: { from, to } });
  }, []);

  // --- keys -------------------------------------------------------------------------------
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys from dialogs (portals of this tree) and text fields are not the diagram's.
    if (!e.currentTarget.contains(e.target as Node) || typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    const inCanvas = !!(e.target as HTMLElement).closest(".react-flow");
    if (ARROWS.has(e.key) && (e.target as HTMLElement).closest(".react-flow__node")) {
      for (const n of nodesRef.current) if (n.selected) arrowMoved.current.add(n.id);
      clearTimeout(arrowTimer.current);
      arrowTimer.current = setTimeout(() => {
        arrowTimer.current = undefined;
        saveArrowMoves();
      }, ARROW_SAVE_MS);
      return;
    }
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const act: Record<string, (() => void) | undefined> = {
      Delete: inCanvas ? askDelete : undefined,
      Backspace: inCanvas ? askDelete : undefined,
      c: types.length === 1 ? askConnect : undefined,
      e: types.length === 1 ? () => navigate(tabHref(modelId, "entities", types[0])) : undefined,
      n: openAdd,
      l: layoutAll,
    };
    const f = act[key];
    if (!f) return;
    e.preventDefault();
    f();
  };

  const ariaLabelConfig = useMemo<Partial<AriaLabelConfig>>(
    () => ({
      "node.a11yDescription.default": t("erdNodeHelp"),
      "node.a11yDescription.keyboardDisabled": t("erdNodeHelp"),
      "node.a11yDescription.ariaLiveMessage": ({ direction, x, y }) => t("erdMoved", { direction: t(`erdDir_${direction}` as "erdDir_up"), x, y }),
      "edge.a11yDescription.default": t("erdEdgeHelp"),
      "controls.ariaLabel": t("erdControls"),
      "controls.zoomIn.ariaLabel": t("erdZoomIn"),
      "controls.zoomOut.ariaLabel": t("erdZoomOut"),
      "controls.fitView.ariaLabel": t("erdFitView"),
      "minimap.ariaLabel": t("erdMinimap"),
      "handle.ariaLabel": t("erdHandle"),
    }),
    [t],
  );

  return (
    <section className="erd" aria-label={t("erdTitle")} data-testid="erd" onKeyDown={onKeyDown}>
      <Toolbar
        hasSelection={types.length + rels.length > 0}
        exporting={exporting}
        onAdd={openAdd}
        onLayout={layoutAll}
        onDelete={askDelete}
        onExport={onExport}
        onFit={fit}
      />
      <div className="erd-body">
        {/* Focusable, so a click on the empty canvas gives the diagram's keys focus. */}
        <div className="erd-canvas" ref={flowRef} tabIndex={-1}>
          <FullDetail.Provider value={exporting !== null}>
            <ReactFlow<EntityNodeType, ErdEdge>
              nodes={nodes}
              edges={edges}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onNodeDragStop={onNodeDragStop}
              onSelectionChange={onSelectionChange}
              onConnectEnd={onConnectEnd}
              onNodeDoubleClick={onNodeDoubleClick}
              onInit={onInit}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              colorMode={scheme}
              defaultMarkerColor={MARKER[scheme]}
              ariaLabelConfig={ariaLabelConfig}
              multiSelectionKeyCode={MULTI_SELECT_KEYS}
              edgesReconnectable={false}
              connectOnClick={false}
              deleteKeyCode={null}
              zoomOnDoubleClick={false}
              onlyRenderVisibleElements={exporting === null}
              minZoom={MIN_ZOOM}
            >
              <MiniMap pannable zoomable />
              <Controls showInteractive={false} showFitView={false}>
                <ControlButton onClick={fit} aria-label={t("erdFitView")} title={t("erdFitView")} className="react-flow__controls-fitview">
                  <FitIcon />
                </ControlButton>
              </Controls>
            </ReactFlow>
          </FullDetail.Provider>
        </div>
        <SelectionPanel doc={doc} modelId={modelId} types={types} rels={rels} unplaced={graph.unplaced} onConnect={askConnect} onDelete={askDelete} />
      </div>
      <AddEntityModal
        className="erd-dialog"
        opened={dialog?.kind === "add"}
        onClose={closeDialog}
        onAdded={selectAdded}
        position={freeSpotInView}
        run={runPinned}
        nameStyle="quoted"
      />
      <ConnectModal doc={doc} request={dialog?.kind === "connect" ? dialog.request : null} onClose={closeDialog} onConnect={doConnect} />
      <DeleteModal doc={doc} modelId={modelId} request={dialog?.kind === "delete" ? dialog.request : null} onClose={closeDialog} onDelete={doDelete} />
    </section>
  );
}
