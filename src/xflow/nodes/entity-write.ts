import { isPlainObject } from "../../lib/json";
import { FlowError } from "../types";
import { expr, type NodeKind, need, str } from "./kind";

const OPERATIONS = ["create", "update", "delete", "upsert"];

/**
 * Write an entity of the app (validated and hooked like any write): `operation` create,
 * update, delete or upsert; `data` is the input or the value of `dataExpression`; `id`
 * (update/delete) is the value of `idExpression` or input.id; upsert matches on `matchField`.
 */
export const entityWrite: NodeKind = {
  type: "entityWrite",
  summary: "Writes a record of the app (validated and hooked like any write): create, update, delete or upsert.",
  settings: [
    { key: "entity", kind: "entity", required: true, hint: "The entity type to write." },
    { key: "operation", kind: "select", required: true, options: ["create", "update", "delete", "upsert"], hint: "What to do." },
    { key: "matchField", kind: "field", of: "entity", required: true, when: { key: "operation", is: ["upsert"] }, hint: "The field an upsert matches on." },
    {
      key: "dataExpression",
      kind: "expression",
      when: { key: "operation", is: ["create", "update", "upsert"] },
      hint: "The data to write, from input (default: input.data, or input).",
      example: "({ label: input.label })",
    },
    {
      key: "idExpression",
      kind: "expression",
      when: { key: "operation", is: ["update", "delete"] },
      hint: "The record's id, from input (default: input.id).",
      example: "input.todoId",
    },
  ],
  check: (n) => [
    ...need(n, "entity", "the entity type to write"),
    ...(OPERATIONS.includes(String(n.operation)) ? [] : [`operation: must be one of ${OPERATIONS.join(", ")}`]),
    ...(n.operation === "upsert" ? need(n, "matchField", "the field an upsert matches on") : []),
  ],
  run: async (c) => {
    const entity = String(c.node.entity);
    const dx = str(c.node, "dataExpression"),
      ix = str(c.node, "idExpression");
    const data = dx ? await c.js(expr(dx), c.input) : isPlainObject(c.input) && isPlainObject(c.input.data) ? c.input.data : c.input;
    const idOf = async () => {
      const id = ix ? await c.js(expr(ix), c.input) : isPlainObject(c.input) ? c.input.id : undefined;
      if (typeof id !== "string") throw new FlowError(c.node.id, `${c.node.operation} needs an entity id (input.id or idExpression)`);
      return id;
    };
    switch (c.node.operation) {
      case "create":
        return { output: await c.host.entities.create(entity, data) };
      case "update":
        return { output: await c.host.entities.update(entity, await idOf(), data) };
      case "delete":
        return { output: await c.host.entities.delete(entity, await idOf()) };
      default: {
        const field = String(c.node.matchField);
        const value = isPlainObject(data) && Object.hasOwn(data, field) ? data[field] : undefined;
        if (value === undefined) throw new FlowError(c.node.id, `upsert needs data.${field}`);
        const found = (await c.host.entities.query(entity, { filter: { [field]: value }, limit: 1 })) as { data: { id: string }[] };
        const existing = found.data[0];
        return { output: existing ? await c.host.entities.update(entity, existing.id, data) : await c.host.entities.create(entity, data) };
      }
    }
  },
};
