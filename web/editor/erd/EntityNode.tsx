/** @jsxImportSource react */
// One entity type as a box: its name, then a row per field with its type and markers.
// Memoised: xyflow re-renders nodes on every viewport change otherwise, and a large model
// has thousands of field rows.
import { Handle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { useI18n } from "../lib/i18n";
import type { EntityNode as EntityNodeType } from "./graph";

function EntityNodeView({ data }: NodeProps<EntityNodeType>) {
  const { t } = useI18n();
  return (
    <div className="erd-node" data-entity={data.name}>
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
