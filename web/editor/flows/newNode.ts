// A new step of a given type with its required settings filled in from its description
// (the example, the model's first entity type and field, the first option, another
// flow), so adding a step keeps the flow valid and saved wherever the type allows it.
import type { Model, XFlow } from "../../../src/model/schema";
import { nodeKind } from "../../../src/xflow/nodes/registry";
import { freeNodeId } from "../state/flowActions";

export function newNode(doc: Model, flow: XFlow, type: string): XFlow["nodes"][number] & Record<string, unknown> {
  const kind = nodeKind(type);
  const node: Record<string, unknown> = { id: freeNodeId(flow, type), type };
  if (!kind) return node as XFlow["nodes"][number];
  const applies = (when?: { key: string; is: readonly string[] }) => !when || when.is.includes(String(node[when.key]));
  for (const s of kind.settings) {
    if (!s.required || !applies(s.when)) continue;
    switch (s.kind) {
      case "entity":
        if (doc.entities[0]) node[s.key] = doc.entities[0].name;
        break;
      case "field": {
        const entity = doc.entities.find((e) => e.name === node[s.of ?? ""]);
        if (entity?.fields[0]) node[s.key] = entity.fields[0].name;
        break;
      }
      case "flow": {
        const other = (doc.xflows ?? []).find((f) => f.name !== flow.name);
        if (other) node[s.key] = other.name;
        break;
      }
      case "select":
        node[s.key] = s.options?.[0];
        break;
      case "number":
        node[s.key] = s.min ?? 0;
        break;
      case "json":
        if (s.example) node[s.key] = JSON.parse(s.example);
        break;
      default:
        if (s.example) node[s.key] = s.example;
    }
  }
  // A setting that is one of several (a log's message or expression) is not marked required; fill what check still names.
  for (const problem of kind.check(node as never)) {
    const s = kind.settings.find((x) => x.key === problem.split(":")[0]);
    if (s?.example && node[s.key] === undefined) node[s.key] = s.kind === "json" ? JSON.parse(s.example) : s.example;
  }
  return node as XFlow["nodes"][number];
}
