// schema/model.schema.json is generated from src/model/schema.ts; this keeps them in step
// and checks that the published schema accepts the templates and rejects broken models.
import { describe, expect, test } from "bun:test";
import { fieldKinds } from "./fields/registry";
import { FIELD_TYPES, modelJsonSchema } from "./schema";
import { templates } from "./templates";
import { validateModel } from "./validate";

const published = await Bun.file(new URL("../../schema/model.schema.json", import.meta.url)).json();

describe("model JSON Schema", () => {
  test("schema/model.schema.json matches the code (run `bun run gen:schema` after changing src/model/schema.ts)", () => {
    expect(published).toEqual(modelJsonSchema());
  });

  test("declares JSON Schema 2020-12 and lists every registered field type", () => {
    expect(published.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const fieldTypes = published.properties.entities.items.properties.fields.items.properties.type.anyOf.map((s: { const: string }) => s.const);
    expect(fieldTypes.sort()).toEqual([...FIELD_TYPES].sort());
    expect(Object.keys(fieldKinds).sort()).toEqual([...FIELD_TYPES].sort());
  });

  test("every template is a valid model", () => {
    for (const [name, t] of Object.entries(templates)) expect({ name, issues: validateModel(t) }).toEqual({ name, issues: [] });
  });
});
