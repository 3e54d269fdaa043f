import { bad, type FieldKind, ok } from "./kind";
import { describe } from "./text";

/**
 * The id of another entity (of type `entity`) in the same app. That the target exists is
 * checked by the entity service, which can see the store; here only the shape is checked.
 */
export const reference: FieldKind = {
  type: "reference",
  options: ["entity"],
  ordered: true,
  coerce(v) {
    if (typeof v === "string" && v.length > 0 && v.length <= 100) return ok(v);
    return bad("type", `must be the id of a ${"referenced entity"} (got ${describe(v)})`);
  },
  checkSettings: (f) => (f.entity ? [] : [{ option: "entity", message: 'a reference field needs "entity": the entity type it refers to' }]),
  jsonSchema: (f) => ({ type: "string", description: `id of a ${f.entity} entity` }),
  sample: () => null, // filled by the seeder with ids that exist
};
