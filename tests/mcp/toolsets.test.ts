// The tool list of an app scoped session, whatever the model's size (toolsets.ts), over
// compiled models without a database: the largest model the validator allows (1,000
// entity types) and types of 500 fields still give a short default list, bounded
// descriptions and a paged list_entity_types; a small app lists every typed tool as before.
import { describe, expect, test } from "bun:test";
import { bigModel } from "../../scripts/bench/big-model";
import type { ToolContext } from "../../src/mcp/tool";
import { FIELDS_SHOWN, MAX_DESCRIPTION } from "../../src/mcp/tools-typed";
import {
  baseTools,
  discoveryTools,
  FULL_LIST_MAX_BYTES,
  listed,
  MAX_LISTED_TYPE_BYTES,
  MAX_LISTED_TYPES,
  parseEntityList,
  SessionToolset,
} from "../../src/mcp/toolsets";
import { compileModel } from "../../src/model/compile";
import { MODEL_COUNT_LIMITS } from "../../src/model/limits";
import type { Model } from "../../src/model/schema";
import { templates } from "../../src/model/templates";
import type { Services } from "../../src/services";
import type { Actor } from "../../src/services/actor";
import type { AppRuntime } from "../../src/services/apps";

const trusted: Actor = { kind: "agent", id: "t" };
const viewer: Actor = { kind: "agent", id: "v", grant: { role: "viewer", user: "vi" } };

/** A session of an app made of `doc`, over services that only know that app. */
function session(doc: unknown, actor: Actor = trusted) {
  const rt: AppRuntime = { id: 1, slug: "big", model: compileModel("m1", 1, doc as Model) };
  const services = { apps: { runtime: async () => rt } } as unknown as Services;
  const set = new SessionToolset(services, "big", () => actor);
  let notified = 0;
  const ctx: ToolContext = { services, actor, app: "big", toolset: set, toolListChanged: async () => void notified++ };
  const run = (name: string, args: Record<string, unknown>) => discoveryTools.find((t) => t.name === name)!.run(args, ctx) as Promise<any>;
  return { rt, set, run, notified: () => notified };
}
const bytes = (tools: { name: string }[]) => Buffer.byteLength(JSON.stringify({ tools: tools.map((t) => listed(t as never)) }));

describe("the default list stays short for any model", () => {
  test(`${MODEL_COUNT_LIMITS.entityTypes} entity types of 30 fields: the generic, design and discovery tools only, under 40 KB`, async () => {
    for (const actor of [trusted, viewer]) {
      const { set } = session(bigModel(MODEL_COUNT_LIMITS.entityTypes, 30), actor);
      const tools = await set.offered();
      expect(tools.length).toBeLessThanOrEqual(40);
      expect(bytes(tools)).toBeLessThan(FULL_LIST_MAX_BYTES);
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["list_entity_types", "describe_entity_type", "enable_entity_tools", "query_entities"]));
      expect(tools.some((t) => /^e\d+_/.test(t.name))).toBe(false);
      // Every typed tool is still there to call.
      expect((await set.find("e999_create"))?.name).toBe("e999_create");
      expect(await set.find("e1000_create")).toBeUndefined();
    }
  });

  test("types of 500 fields: descriptions name a few fields, count the rest and stay under the bound", async () => {
    const { set, run } = session(bigModel(20, MODEL_COUNT_LIMITS.fieldsPerType));
    expect((await set.offered()).length).toBeLessThanOrEqual(40);
    const typed = (await set.typed())!;
    for (const t of typed.byEntity.get("e7")!) {
      expect(t.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
      expect(t.description).toContain("Example: {");
    }
    const create = typed.byName.get("e7_create")!;
    expect(create.description).toContain(`and ${MODEL_COUNT_LIMITS.fieldsPerType - FIELDS_SHOWN} more (describe_entity_type {"entity": "e7"}`);
    expect(Object.keys(create.inputSchema.properties as object)).toHaveLength(MODEL_COUNT_LIMITS.fieldsPerType); // the schema keeps every field
    // Such types are large: the bytes a session may list run out before the count does.
    const one = bytes(typed.byEntity.get("e7")!);
    const fit = Math.floor(MAX_LISTED_TYPE_BYTES / one);
    expect(fit).toBeLessThan(MAX_LISTED_TYPES);
    const names = Array.from({ length: fit + 1 }, (_, i) => `e${i}`);
    await expect(run("enable_entity_tools", { entities: names })).rejects.toThrow(`${MAX_LISTED_TYPE_BYTES / 1024} KiB`);
    expect((await set.offered()).length).toBeLessThanOrEqual(40);
    expect((await run("enable_entity_tools", { entities: names.slice(0, fit) })).added).toHaveLength(fit);
  });

  test("list_entity_types pages and filters 1,000 types; a page stays small", async () => {
    const { run } = session(bigModel(MODEL_COUNT_LIMITS.entityTypes, 30));
    const first = await run("list_entity_types", {});
    expect(first.total).toBe(MODEL_COUNT_LIMITS.entityTypes);
    expect(first.entityTypes).toHaveLength(50);
    expect(first.entityTypes[0]).toEqual({ name: "e0", label: "Entity 0", fields: 30, listed: false });
    expect(first.nextOffset).toBe(50);
    expect(JSON.stringify(first).length).toBeLessThan(5000);
    const biggest = await run("list_entity_types", { limit: 500, offset: 500 });
    expect(biggest.entityTypes.at(-1).name).toBe("e999");
    expect(biggest.nextOffset).toBeNull();
    expect(JSON.stringify(biggest).length).toBeLessThan(40_000);
    const found = await run("list_entity_types", { search: "ENTITY 25" }); // labels too, case ignored
    expect(found.entityTypes.map((e: any) => e.name)).toEqual(["e25", ...Array.from({ length: 10 }, (_, i) => `e25${i}`)]);
  });
});

describe("a small app", () => {
  test("the todo app lists every typed tool as before, and no discovery tools", async () => {
    const { set } = session(templates.todo);
    const names = (await set.offered()).map((t) => t.name);
    expect(names).toEqual([
      ...baseTools.map((t) => t.name),
      ...["project", "task"].flatMap((e) => ["query", "get", "create", "update", "delete"].map((op) => `${e}_${op}`)),
      "xflow_finish_project",
    ]);
  });

  test("the CRM app, too, and its list is within the bounds", async () => {
    const { set } = session(templates.crm);
    const tools = await set.offered();
    expect(tools.some((t) => t.name === "list_entity_types")).toBe(false);
    expect(tools.length).toBeLessThanOrEqual(48);
    expect(bytes(tools)).toBeLessThanOrEqual(FULL_LIST_MAX_BYTES);
  });
});

describe("enable_entity_tools", () => {
  test("adds a type's tools to the list and announces it; again is a no-op without an announcement", async () => {
    const { set, run, notified } = session(bigModel(300, 30));
    const r = await run("enable_entity_tools", { entities: ["e250"] });
    expect(r).toMatchObject({ added: ["e250"], listed: ["e250"], tools: ["e250_query", "e250_get", "e250_create", "e250_update", "e250_delete"] });
    expect(notified()).toBe(1);
    expect((await set.offered()).filter((t) => t.name.startsWith("e250_")).map((t) => t.name)).toHaveLength(5);
    expect((await run("enable_entity_tools", { entities: ["e250"] })).added).toEqual([]);
    expect(notified()).toBe(1);
    expect((await run("disable_entity_tools", { entities: ["e250"] })).removed).toEqual(["e250"]);
    expect(notified()).toBe(2);
    expect((await set.offered()).some((t) => t.name.startsWith("e250_"))).toBe(false);
  });

  test("a viewer's enabled type brings its reading tools only", async () => {
    const { set, run } = session(bigModel(300, 30), viewer);
    expect((await run("enable_entity_tools", { entities: ["e250"] })).tools).toEqual(["e250_query", "e250_get"]);
    expect((await set.offered()).filter((t) => t.name.startsWith("e250_")).map((t) => t.name)).toEqual(["e250_query", "e250_get"]);
    const described = await run("describe_entity_type", { entity: "e250" });
    expect(described.tools).toEqual({ query: "e250_query", get: "e250_get" });
    expect(described.examples[0].tool).toBe("create_entity");
  });

  test("unknown, prototype and too many names are refused, naming them; nothing changes", async () => {
    const { set, run, notified } = session(bigModel(300, 30));
    const before = (await set.offered()).map((t) => t.name);
    await expect(run("enable_entity_tools", { entities: ["e1", "__proto__", "constructor", "toString"] })).rejects.toThrow(
      'unknown entity types to enable: "__proto__", "constructor", "toString"',
    );
    const many = Array.from({ length: 10_000 }, (_, i) => `n${i}`);
    await expect(run("enable_entity_tools", { entities: many })).rejects.toThrow("and 9,990 more");
    const eleven = Array.from({ length: MAX_LISTED_TYPES + 1 }, (_, i) => `e${i}`);
    await expect(run("enable_entity_tools", { entities: eleven })).rejects.toThrow(`at most ${MAX_LISTED_TYPES} entity types`);
    await expect(run("enable_entity_tools", { entities: eleven })).rejects.toThrow("query_entities");
    expect((await set.offered()).map((t) => t.name)).toEqual(before);
    expect(notified()).toBe(0);
  });

  test("types chosen at connection count against the same cap", async () => {
    const { set } = session(bigModel(300, 30));
    await expect(set.choose(["e1", "nope"])).rejects.toThrow('unknown entity type in entities: "nope"');
    await expect(set.choose(Array.from({ length: MAX_LISTED_TYPES + 1 }, (_, i) => `e${i}`))).rejects.toThrow(`at most ${MAX_LISTED_TYPES}`);
    await set.choose(["e3", "e4", "e3"]);
    expect((await set.offered()).filter((t) => /^e\d+_query$/.test(t.name)).map((t) => t.name)).toEqual(["e3_query", "e4_query"]);
  });
});

test("parseEntityList splits on commas and drops blanks", () => {
  expect(parseEntityList(" a, b ,,c,")).toEqual(["a", "b", "c"]);
  expect(parseEntityList("")).toEqual([]);
});
