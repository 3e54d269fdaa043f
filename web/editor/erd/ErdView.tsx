/** @jsxImportSource react */
// The model's entity-relationship diagram, read-only for now: positions come from the
// document's ui.erd.positions or from dagre; moving a node is not saved yet. Loaded with
// React.lazy from the model page, so xyflow, dagre and their CSS stay out of Home.
import "@xyflow/react/dist/style.css";
import "./erd.css";
import { useComputedColorScheme } from "@mantine/core";
import { type AriaLabelConfig, Controls, MiniMap, type NodeTypes, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import type { ModelDocument } from "../lib/api";
import { useI18n } from "../lib/i18n";
import { EntityNode } from "./EntityNode";
import { buildGraph } from "./graph";

// Outside the component: a new object on each render makes xyflow warn and remount nodes.
const nodeTypes: NodeTypes = { entity: EntityNode };

export default function ErdView({ document }: { document: ModelDocument }) {
  const { t } = useI18n();
  const scheme = useComputedColorScheme("light");
  const { nodes, edges } = useMemo(() => buildGraph(document), [document]);
  const ariaLabelConfig = useMemo<Partial<AriaLabelConfig>>(
    () => ({
      "node.a11yDescription.default": t("erdNodeHelp"),
      "node.a11yDescription.keyboardDisabled": t("erdNodeHelp"),
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
    <section className="erd" aria-label={t("erdTitle")} data-testid="erd">
      <ReactFlow
        defaultNodes={nodes}
        defaultEdges={edges}
        nodeTypes={nodeTypes}
        colorMode={scheme}
        ariaLabelConfig={ariaLabelConfig}
        nodesConnectable={false}
        edgesReconnectable={false}
        deleteKeyCode={null}
        onlyRenderVisibleElements
        fitView
        // A small model is not blown up past its natural size (and under the minimap).
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.05}
      >
        <MiniMap pannable zoomable />
        <Controls showInteractive={false} />
      </ReactFlow>
    </section>
  );
}
