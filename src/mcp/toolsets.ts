// Which typed tools a session lists. A small app lists them all (as before); an app whose
// typed tools would not fit an agent's context (300 entity types make ~1,500 tools, 1.5 MB
// of tools/list) lists the generic and design tools, the tools to find entity types
// (list_entity_types, describe_entity_type) and to list their typed tools on demand
// (enable_entity_tools, disable_entity_tools, which announce tools/list_changed), plus the
// typed tools of the types chosen at connection (`--entities a,b`, `?entities=a,b`) or
// enabled since. How many types one session may list is capped. Every typed tool can be
// called whether it is listed or not (clients differ in how they follow list_changed),
// with the same permission checks.
import { TorqueError } from "../lib/errors";
import type { CompiledEntity } from "../model/compile";
import type { Services } from "../services";
import { requireApp } from "../services/access/policy";
import type { Actor } from "../services/actor";
import type { AppRuntime } from "../services/apps";
import type { Range } from "../services/limits";
import { count, obj, str, type Tool, type ToolContext } from "./tool";
import { designTools } from "./tools-design";
import { genericTools } from "./tools-generic";
import { exampleData, exampleQuery, TYPED_OPS, type TypedOp, type TypedTools, typedTools } from "./tools-typed";

/** An app's whole typed list is listed when generic, design and typed tools together are at most this many… */
export const FULL_LIST_MAX_TOOLS = 48;
/** …and at most this many bytes of tools/list JSON. */
export const FULL_LIST_MAX_BYTES = 40 * 1024;
/** Entity types whose typed tools one session may list (chosen at connection and enabled since). */
export const MAX_LISTED_TYPES = 10;
/** And the bytes of tools/list JSON those types' tools may take (a type of 500 fields has large schemas). */
export const MAX_LISTED_TYPE_BYTES = 256 * 1024;
/** In the short list, workflow tools (xflow_<name>) are listed when there are at most this many… */
export const SHORT_LIST_MAX_XFLOWS = 8;
/** …taking at most this many bytes; otherwise execute_xflow runs them (they stay callable). */
export const SHORT_LIST_MAX_XFLOW_BYTES = 8 * 1024;
/** Page size of list_entity_types. */
export const ENTITY_TYPE_PAGE: Range = { min: 1, max: 500, default: 50 };
/** Unknown names quoted in an error (the rest are counted). */
const NAMES_QUOTED = 10;

/** Generic and design tools: every session lists them (as its grant allows). */
export const baseTools: Tool[] = [...genericTools, ...designTools];

/** The listed shape of a tool, as tools/list sends it. */
export const listed = (t: Tool) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema });
const bytesOf = (tools: Tool[]) => Buffer.byteLength(JSON.stringify({ tools: tools.map(listed) }));

/** Comma-separated entity type names (`--entities a,b`, `?entities=a,b`): trimmed, without empty ones. */
export function parseEntityList(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const quote = (names: string[]) => {
  const shown = names.slice(0, NAMES_QUOTED).map((n) => JSON.stringify(n.length > 64 ? `${n.slice(0, 63)}…` : n));
  return `${shown.join(", ")}${names.length > NAMES_QUOTED ? ` and ${(names.length - NAMES_QUOTED).toLocaleString("en-US")} more` : ""}`;
};

const entityNames = (a: Record<string, unknown>): string[] => (a.entities as string[]) ?? [];

// Built once per app runtime (a model change makes a new one), shared by every session.
const typedCache = new WeakMap<AppRuntime, TypedTools & { bytes: Map<string, number>; xflowsFit: boolean }>();
const discoveryNames = () => new Set(discoveryTools.map((t) => t.name));

function typedOf(rt: AppRuntime) {
  let t = typedCache.get(rt);
  if (!t) {
    const built = typedTools(rt, new Set([...baseTools.map((x) => x.name), ...discoveryNames()]));
    t = {
      ...built,
      bytes: new Map(),
      xflowsFit: built.xflows.length <= SHORT_LIST_MAX_XFLOWS && bytesOf(built.xflows) <= SHORT_LIST_MAX_XFLOW_BYTES,
    };
    typedCache.set(rt, t);
  }
  return t;
}

/** One MCP session's view of an app's typed tools: what it lists, what it may call. */
export class SessionToolset {
  /** Entity types whose typed tools this session lists, in the order they were chosen. */
  private readonly chosen = new Set<string>();
  /** Whether the whole list fits, per typed index (the actor is fixed for the session). */
  private readonly fits = new WeakMap<TypedTools, boolean>();

  constructor(
    private readonly services: Services,
    readonly app: string,
    private readonly actor: () => Actor,
  ) {}

  /** The app's runtime, or undefined once the app is deleted (the generic and design tools still work). */
  async runtime(): Promise<AppRuntime | undefined> {
    try {
      return await this.services.apps.runtime(this.app);
    } catch (e) {
      if (e instanceof TorqueError && e.code === "not_found") return undefined;
      throw e;
    }
  }

  async typed() {
    const rt = await this.runtime();
    return rt && typedOf(rt);
  }

  private may(t: Tool): boolean {
    return !t.offered || t.offered(this.actor());
  }

  /** Whether this actor's whole list (generic, design and every typed tool) is small enough to list as it is. */
  listsAll(typed: TypedTools): boolean {
    let fits = this.fits.get(typed);
    if (fits === undefined) {
      const offered: Tool[] = [];
      fits = true;
      for (const t of [...baseTools, ...typed.all]) {
        if (!this.may(t)) continue;
        offered.push(t);
        if (offered.length > FULL_LIST_MAX_TOOLS) {
          fits = false;
          break;
        }
      }
      fits &&= bytesOf(offered) <= FULL_LIST_MAX_BYTES;
      this.fits.set(typed, fits);
    }
    return fits;
  }

  /** The entity types this session lists, still in the model. */
  private listedTypes(typed: TypedTools): string[] {
    return [...this.chosen].filter((n) => typed.byEntity.has(n));
  }

  /** The tools of tools/list, before the grant's filter. */
  async tools(): Promise<Tool[]> {
    const typed = await this.typed();
    if (!typed) return baseTools;
    if (this.listsAll(typed)) return [...baseTools, ...typed.all];
    return [...baseTools, ...discoveryTools, ...(typed.xflowsFit ? typed.xflows : []), ...this.listedTypes(typed).flatMap((n) => typed.byEntity.get(n)!)];
  }

  /** The tools tools/list shows this actor. */
  async offered(): Promise<Tool[]> {
    return (await this.tools()).filter((t) => this.may(t));
  }

  /** A tool by name, listed or not: the generic, design and discovery tools and every typed tool of the app. */
  async find(name: string): Promise<Tool | undefined> {
    const base = baseTools.find((t) => t.name === name) ?? discoveryTools.find((t) => t.name === name);
    if (base) return base;
    return (await this.typed())?.byName.get(name);
  }

  /** Whether the actor may call the tool (the services still decide the call itself). */
  allows(t: Tool): boolean {
    return this.may(t);
  }

  /** Names checked against the app: unknown ones are refused, naming them; duplicates are dropped. */
  private known(rt: AppRuntime, names: readonly string[], where: string): string[] {
    const unique = [...new Set(names)];
    const unknown = unique.filter((n) => !rt.model.entities.has(n));
    if (unknown.length)
      throw new TorqueError(
        "bad_request",
        `unknown entity type${unknown.length > 1 ? "s" : ""} ${where}: ${quote(unknown)}; app ${rt.slug} has ${rt.model.entities.size.toLocaleString("en-US")} entity types (list_entity_types lists them, filtered by a name)`,
        { unknown: unknown.slice(0, NAMES_QUOTED) },
      );
    return unique;
  }

  private refuseOverCap(typed: TypedTools & { bytes: Map<string, number> }, names: string[], rt: AppRuntime): void {
    const generic = `Typed tools of any type can be called without being listed (${names[0] ?? "x"}_query, …), and the generic tools (query_entities, get_entity, create_entity, update_entity, delete_entity with {"app": "${rt.slug}", "entity": …}) reach every type`;
    if (names.length > MAX_LISTED_TYPES)
      throw new TorqueError(
        "bad_request",
        `at most ${MAX_LISTED_TYPES} entity types' tools can be listed in one session; this would list ${names.length}. Disable some with disable_entity_tools first. ${generic}.`,
        { max: MAX_LISTED_TYPES, listed: this.listedTypes(typed) },
      );
    let bytes = 0;
    for (const n of names) {
      let b = typed.bytes.get(n);
      if (b === undefined) typed.bytes.set(n, (b = bytesOf(typed.byEntity.get(n)!)));
      bytes += b;
    }
    if (bytes > MAX_LISTED_TYPE_BYTES)
      throw new TorqueError(
        "bad_request",
        `the typed tools of ${names.length} entity types would take ${Math.ceil(bytes / 1024).toLocaleString("en-US")} KiB of the tool list, more than the ${MAX_LISTED_TYPE_BYTES / 1024} KiB one session may list. Disable some with disable_entity_tools first. ${generic}.`,
        { maxBytes: MAX_LISTED_TYPE_BYTES, listed: this.listedTypes(typed) },
      );
  }

  /** Choose types at connection (`--entities`, `?entities=`): unknown names or too many are refused. */
  async choose(names: readonly string[]): Promise<void> {
    const rt = await this.services.apps.runtime(this.app);
    const typed = typedOf(rt);
    const wanted = this.known(rt, names, "in entities");
    this.refuseOverCap(typed, wanted, rt);
    for (const n of wanted) this.chosen.add(n);
  }

  /** List these types' typed tools too. Nothing changes when a name is unknown or the cap would be passed. */
  async enable(names: readonly string[]): Promise<{ added: string[]; listed: string[]; changed: boolean; all: boolean; typed: TypedTools }> {
    const rt = await this.services.apps.runtime(this.app);
    const typed = typedOf(rt);
    const wanted = this.known(rt, names, "to enable");
    const now = this.listedTypes(typed);
    const added = wanted.filter((n) => !now.includes(n));
    this.refuseOverCap(typed, [...now, ...added], rt);
    for (const n of added) this.chosen.add(n);
    const all = this.listsAll(typed);
    return { added, listed: this.listedTypes(typed), changed: added.length > 0 && !all, all, typed };
  }

  /** Stop listing these types' typed tools (they stay callable). */
  async disable(names: readonly string[]): Promise<{ removed: string[]; listed: string[]; changed: boolean; all: boolean }> {
    const rt = await this.services.apps.runtime(this.app);
    const typed = typedOf(rt);
    const wanted = this.known(rt, names, "to disable");
    const removed = wanted.filter((n) => this.chosen.delete(n));
    const all = this.listsAll(typed);
    return { removed, listed: this.listedTypes(typed), changed: removed.length > 0 && !all, all };
  }

  /** Whether a type's typed tools are in this session's list. */
  lists(typed: TypedTools, entity: string): boolean {
    return this.listsAll(typed) || this.chosen.has(entity);
  }

  /** The names of a type's typed tools this actor may use, by operation. */
  toolsFor(typed: TypedTools, entity: string): Partial<Record<TypedOp, string>> {
    const out: Partial<Record<TypedOp, string>> = {};
    (typed.byEntity.get(entity) ?? []).forEach((t, i) => {
      if (this.may(t)) out[TYPED_OPS[i]!] = t.name;
    });
    return out;
  }
}

function entityOf(rt: AppRuntime, name: string): CompiledEntity {
  const e = rt.model.entities.get(name);
  if (!e)
    throw new TorqueError("not_found", `entity type "${name}" not found in app ${rt.slug}; list_entity_types lists them (filtered by a name)`, {
      entity: name,
    });
  return e;
}

/** An entity type for an agent: fields as in the model, relationships, the tools that reach it and example calls. */
export async function describeEntityType(ctx: ToolContext, slug: string, name: string) {
  if (ctx.actor.grant) requireApp(ctx.actor, slug);
  const rt = await ctx.services.apps.runtime(slug);
  const e = entityOf(rt, name);
  const fields = e.def.fields;
  const rels = [...rt.model.relationships.values()].filter((r) => r.from === name || r.to === name);
  const scoped = ctx.toolset && ctx.toolset.app === rt.slug ? ctx.toolset : undefined;
  const typed = scoped && typedOf(rt);
  const tools = typed ? scoped.toolsFor(typed, name) : {};
  const data = exampleData(fields);
  return {
    app: rt.slug,
    name,
    ...(e.def.label && { label: e.def.label }),
    ...(e.def.description && { description: e.def.description }),
    fields,
    relationships: rels,
    referencedBy: e.incoming.slice(0, 50).map((r) => ({ entity: r.entity, field: r.field, onDelete: r.onDelete })),
    ...(e.incoming.length > 50 && { referencedByMore: e.incoming.length - 50 }),
    ...(typed && { tools, listed: scoped.lists(typed, name) }),
    examples: tools.create
      ? [{ tool: tools.create, arguments: data }, ...(tools.query ? [{ tool: tools.query, arguments: exampleQuery(fields) }] : [])]
      : [
          { tool: "create_entity", arguments: { app: rt.slug, entity: name, data } },
          { tool: "query_entities", arguments: { app: rt.slug, entity: name, ...exampleQuery(fields) } },
        ],
  };
}

const entitiesArg = (what: string) => ({
  type: "array",
  items: { type: "string" },
  minItems: 1,
  description: `entity type names ${what} (see list_entity_types), e.g. ["customer", "order"]`,
});

function scopedToolset(ctx: ToolContext): SessionToolset {
  if (!ctx.toolset) throw new TorqueError("bad_request", "this tool needs a server scoped to an app (torque mcp --app S, /mcp?app=S)");
  return ctx.toolset;
}

/** The tools of a large app's short list that find entity types and list their typed tools. */
export const discoveryTools: Tool[] = [
  {
    name: "list_entity_types",
    description: `The entity types of this app, a page at a time: name, label, number of fields, and whether their typed tools (<entity>_query, _get, _create, _update, _delete) are in your tool list. \`search\` keeps the types whose name or label contains it (case ignored). Every type's typed tools can be called even when not listed; enable_entity_tools lists them. Example: {"search": "invoice", "limit": 20}`,
    inputSchema: obj({
      search: { type: "string", maxLength: 200, description: "part of the name or label" },
      offset: { type: "integer", minimum: 0, description: "skip this many (nextOffset of the previous page)" },
      limit: count(ENTITY_TYPE_PAGE, "types per page"),
    }),
    run: async (a, ctx) => {
      const set = scopedToolset(ctx);
      const rt = await ctx.services.apps.runtime(set.app);
      const typed = typedOf(rt);
      const search = typeof a.search === "string" ? a.search.toLowerCase() : "";
      const offset = (a.offset as number | undefined) ?? 0;
      const limit = (a.limit as number | undefined) ?? ENTITY_TYPE_PAGE.default;
      const matching = [...rt.model.entities.values()].filter(
        (e) => !search || e.name.toLowerCase().includes(search) || (e.def.label ?? "").toLowerCase().includes(search),
      );
      const page = matching.slice(offset, offset + limit);
      return {
        app: rt.slug,
        total: matching.length,
        entityTypes: page.map((e) => ({
          name: e.name,
          ...(e.def.label && { label: e.def.label }),
          fields: e.def.fields.length,
          listed: set.lists(typed, e.name),
        })),
        nextOffset: offset + limit < matching.length ? offset + limit : null,
      };
    },
  },
  {
    name: "describe_entity_type",
    description:
      'One entity type of this app: its fields as in the model (type, required, unique, enum values, reference targets, ranges), relationships, which types refer to it, the typed tools you may use for it and example calls. Example: {"entity": "customer"}',
    inputSchema: obj({ entity: str("the entity type name (see list_entity_types)") }, ["entity"]),
    run: (a, ctx) => describeEntityType(ctx, scopedToolset(ctx).app, String(a.entity)),
  },
  {
    name: "enable_entity_tools",
    description: `Add the typed tools (<entity>_query, _get, _create, _update, _delete) of these entity types to your tool list; the server then announces tools/list_changed. At most ${MAX_LISTED_TYPES} types per session (disable_entity_tools makes room). The typed tools of any type can also be called without this, and the generic tools reach every type. Example: {"entities": ["customer", "invoice"]}`,
    inputSchema: obj({ entities: entitiesArg("whose typed tools to list") }, ["entities"]),
    run: async (a, ctx) => {
      const set = scopedToolset(ctx);
      const r = await set.enable(entityNames(a));
      if (r.changed) await ctx.toolListChanged?.();
      const tools = r.added.flatMap((n) => Object.values(set.toolsFor(r.typed, n)));
      return {
        added: r.added,
        listed: r.all ? "all (this app's tool list is small enough to hold every typed tool)" : r.listed,
        tools,
        ...(r.changed && { note: "tools/list_changed was sent; list the tools again to see them (they can be called at once either way)" }),
      };
    },
  },
  {
    name: "disable_entity_tools",
    description:
      'Remove these entity types\' typed tools from your tool list (they can still be called); the server announces tools/list_changed. Example: {"entities": ["customer"]}',
    inputSchema: obj({ entities: entitiesArg("whose typed tools to stop listing") }, ["entities"]),
    run: async (a, ctx) => {
      const set = scopedToolset(ctx);
      const r = await set.disable(entityNames(a));
      if (r.changed) await ctx.toolListChanged?.();
      return { removed: r.removed, listed: r.all ? "all (this app's tool list is small enough to hold every typed tool)" : r.listed };
    },
  },
];
