/** @jsxImportSource react */
// One entity type as a box: its name, then a row per field with its type and markers.
// Zoomed out so far that the rows could not be read (below COMPACT_ZOOM: 12 px text under
// 5 px), the box keeps its size but shows its name large and its number of fields instead
// of the rows: a 100-type diagram fitted to the screen lays out 100 names, not 3,000 rows
// of text (that took 270 ms of layout when it opened). An export always has the rows.
// Memoised: xyflow re-renders nodes on every viewport change otherwise, and a large model
// has thousands of field rows.
import { Handle, type NodeProps, Position, useStore } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import { useI18n } from "../lib/i18n";
import { type EntityNode as EntityNodeType, nodeHeight } from "./graph";

export const COMPACT_ZOOM = 0.4;

/** True while the diagram is drawn for an export: every box with its rows, whatever the zoom. */
export const FullDetail = createContext(false);

function EntityNodeView({ data }: NodeProps<EntityNodeType>) {
  const { t, tn } = useI18n();
  const full = useContext(FullDetail);
  // A boolean: the node is redrawn when the zoom crosses the line, not on every zoom step.
  const far = useStore((s) => s.transform[2] < COMPACT_ZOOM);
  if (far && !full)
    return (
      <div className="erd-node erd-node-compact" data-entity={data.name} style={{ height: nodeHeight(data.fields.length) }}>
        <Handle type="target" position={Position.Left} isConnectableStart={false} className="erd-handle-target" />
        <div className="erd-node-overview">
          <span className="erd-node-overview-name">{data.label ?? data.name}</span>
          <span className="erd-node-overview-count">{tn("erdFieldCount", data.fields.length)}</span>
        </div>
        <Handle type="source" position={Position.Right} className="erd-handle-source" title={t("erdHandleTitle")} />
      </div>
    );
  return (
    <div className="erd-node" data-entity={data.name} style={{ height: nodeHeight(data.fields.length) }}>
      {/* Edges arrive on the left; a connection is dropped anywhere on a node (ErdEditor's onConnectEnd). */}
      <Handle type="target" position={Position.Left} isConnectableStart={false} className="erd-handle-target" />
      <div className="erd-node-header">
        <span className="erd-node-name">{data.label ?? data.name}</span>
        {data.label && data.label !== data.name ? <span className="erd-node-id">{data.name}</span> : null}
      </div>
      {data.fields.length === 0 ? (
        <div className="erd-field erd-field-empty">{t("erdNoFields")}</div>
      ) : (
        <ul className="erd-fields">
          {data.fields.map((f) => (
            <li key={f.name} className="erd-field" data-field={f.name}>
              <span className="erd-field-name">
                {f.name}
                {f.required ? (
                  <abbr className="erd-marker erd-required" title={t("erdRequired")}>
                    *
                  </abbr>
                ) : null}
              </span>
              <span className="erd-field-type">{f.target ? `→ ${f.target}` : f.type}</span>
              {f.unique ? (
                <abbr className="erd-marker" title={t("erdUnique")}>
                  U
                </abbr>
              ) : null}
              {f.display ? (
                <abbr className="erd-marker" title={t("erdDisplay")}>
                  D
                </abbr>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {/* Drag from this dot to another type (or back to this one) to relate them. */}
      <Handle type="source" position={Position.Right} className="erd-handle-source" title={t("erdHandleTitle")} />
    </div>
  );
}

export const EntityNode = memo(EntityNodeView);
