// Checks a model document completely and reports every problem with its JSON Pointer
// path, so the editor, the CLI and agents can point at exactly what is wrong.
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import type { Issue } from "../lib/errors";
import { isPlainObject, pointer } from "../lib/json";
import { ACTION_TYPES, componentRefs } from "./components";
import { fieldKinds } from "./fields/registry";
import { userFilter } from "./filter/user";
import { flowLimitIssues, MODEL_COUNT_LIMITS, MODEL_SIZE_LIMITS, partName, tooManyMessage } from "./limits";
import { type EntityType, type Model, ModelSchema, NAME_PATTERN, PERMISSION_ACTIONS } from "./schema";

/** Field names that collide with an entity's own envelope. */
export const RESERVED_FIELD_NAMES = new Set(["id"]);
const COMMON_FIELD_KEYS = new Set(["name", "type", "label", "help", "required", "unique", "indexed", "default"]);

export { MODEL_COUNT_LIMITS, MODEL_SIZE_LIMITS };

const KIB = 1024;
const kib = (n: number) => `${Math.ceil(n / KIB).toLocaleString("en-US")} KiB`;

/** Whether an issue is about a document over its size or count limits: reported alone, so nothing else walks a huge one. */
export const isLimitIssue = (i: Issue): boolean => i.rule === "maxBytes" || i.rule === "maxItems";

/**
 * A document over the limits (model/limits.ts): its bytes first (nothing else is measured on
 * a larger one), then each script's bytes and the number of entity types, fields per type,
 * components per page, nodes and edges per flow. One pass over the lists, no more: a model
 * of 5,000 types is refused in milliseconds, before any part of it is checked or compiled.
 */
function limitIssues(doc: Record<string, unknown>, text = JSON.stringify(doc)): Issue[] {
  const bytes = Buffer.byteLength(text);
  if (bytes > MODEL_SIZE_LIMITS.documentBytes)
    return [{ path: "", rule: "maxBytes", message: `the model document is ${kib(bytes)}; at most ${kib(MODEL_SIZE_LIMITS.documentBytes)} are allowed` }];
  const out: Issue[] = [];
  const L = MODEL_COUNT_LIMITS;
  const over = (list: unknown, limit: number): list is unknown[] => Array.isArray(list) && list.length > limit;
  if (over(doc.entities, L.entityTypes))
    out.push({ path: "/entities", rule: "maxItems", message: tooManyMessage("the model", doc.entities.length, "entity types", "a model", L.entityTypes) });
  arr(doc.entities).forEach((e, i) => {
    if (!isPlainObject(e) || !over(e.fields, L.fieldsPerType)) return;
    const at = pointer("entities", i);
    out.push({
      path: `${at}/fields`,
      rule: "maxItems",
      message: tooManyMessage(partName("entity type", e, at), e.fields.length, "fields", "a type", L.fieldsPerType),
    });
  });
  arr(doc.pages).forEach((p, i) => {
    if (!isPlainObject(p) || !over(p.components, L.componentsPerPage)) return;
    const at = pointer("pages", i);
    out.push({
      path: `${at}/components`,
      rule: "maxItems",
      message: tooManyMessage(partName("page", p, at), p.components.length, "components", "a page", L.componentsPerPage),
    });
  });
  arr(doc.xflows).forEach((x, i) => {
    if (!isPlainObject(x)) return;
    if (over(x.nodes, L.nodesPerFlow) || over(x.edges, L.edgesPerFlow))
      out.push(...flowLimitIssues(x, pointer("xflows", i), partName("xflow", x, pointer("xflows", i))));
    arr(x.nodes).forEach((n, j) => {
      if (!isPlainObject(n) || n.type !== "script" || typeof n.code !== "string") return;
      const size = Buffer.byteLength(n.code);
      if (size > MODEL_SIZE_LIMITS.scriptBytes)
        out.push({
          path: pointer("xflows", i, "nodes", j, "code"),
          rule: "maxBytes",
          message: `the script is ${kib(size)}; at most ${kib(MODEL_SIZE_LIMITS.scriptBytes)} of code per script node`,
        });
    });
  });
  return out;
}

/** Every problem of a canonical model document; `text`, when the caller has it, is the document's JSON (measured, not made again). */
export function validateModel(doc: unknown, text?: string): Issue[] {
  if (!isPlainObject(doc)) return [{ path: "", rule: "type", message: "a model must be a JSON object" }];
  const overLimits = limitIssues(doc, text);
  if (overLimits.length) return overLimits;
  const issues = structuralIssues(doc);
  // Report reference problems too, so one run lists everything. On a broken structure
  // the semantic checks see only the parts that are well formed (see wellFormed).
  const seen = new Set(issues.map((i) => i.path ?? ""));
  let semantic: Issue[] = [];
  try {
    semantic = semanticIssues(wellFormed(doc, seen));
  } catch {
    // a structure too broken to walk: the structural issues say it all
  }
  return [...issues, ...semantic.filter((i) => !seen.has(i.path ?? ""))];
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * A view of the document in which every entity, field, page, component, relationship,
 * flow and navigation entry keeps its index (so paths stay right) but one that is not
 * an object with a usable name/type is replaced by a harmless stand-in.
 */
function wellFormed(doc: Record<string, unknown>, broken: Set<string>): Model {
  const fieldOk = (f: unknown) => isPlainObject(f) && typeof f.name === "string" && typeof f.type === "string" && Object.hasOwn(fieldKinds, f.type); // own: "constructor" is no type
  const entities = arr(doc.entities).map((e, i) => {
    if (!isPlainObject(e) || typeof e.name !== "string") return { name: `\u0000entity${i}`, fields: [] };
    return {
      ...e,
      fields: arr(e.fields).map((f, j) => (fieldOk(f) ? f : { name: `\u0000field${j}`, type: "json" })),
      indexes: arr(e.indexes).filter((x) => isPlainObject(x) && Array.isArray(x.fields)),
    };
  });
  const pages = arr(doc.pages).map((p, i) => {
    if (!isPlainObject(p) || typeof p.name !== "string") return { name: `\u0000page${i}`, components: [] };
    return {
      ...p,
      components: arr(p.components).map((c, j) =>
        isPlainObject(c) &&
        typeof c.id === "string" && // messages name a component by its id
        typeof c.type === "string" &&
        Object.hasOwn(componentRefs, c.type) &&
        isPlainObject(c.position) &&
        !broken.has(pointer("pages", i, "components", j, "position"))
          ? c
          : { id: `\u0000component${j}`, type: "Text", position: { row: 0, col: 0, width: 1, height: 1 } },
      ),
    };
  });
  const named = (list: unknown, what: string) => arr(list).map((x, i) => (isPlainObject(x) && typeof x.name === "string" ? x : { name: `\u0000${what}${i}` }));
  const relationships = named(doc.relationships, "relationship").map((r) => ({
    ...r,
    from: String((r as Record<string, unknown>).from),
    to: String((r as Record<string, unknown>).to),
  }));
  const xflows = named(doc.xflows, "xflow").map((x: Record<string, unknown>) => ({
    ...x,
    nodes: arr(x.nodes).filter(isPlainObject),
    edges: arr(x.edges).filter(isPlainObject),
  }));
  const navigation = arr(doc.navigation).map((n) => (isPlainObject(n) ? n : { label: "", page: "" }));
  return { ...doc, entities, pages, relationships, xflows, navigation } as unknown as Model;
}

/** ModelSchema compiled on first use: a valid document passes in a fraction of what walking it for errors costs. */
let compiled: ReturnType<typeof TypeCompiler.Compile<typeof ModelSchema>> | undefined;

function structuralIssues(doc: unknown): Issue[] {
  compiled ??= TypeCompiler.Compile(ModelSchema);
  // Enumerating errors walks the whole document even when there are none (7 ms for 100 types of 30 fields).
  if (compiled.Check(doc)) return [];
  const out: Issue[] = [];
  for (const e of Value.Errors(ModelSchema, doc)) {
    // TypeBox reports each failing union member; one message per path is enough.
    if (out.some((o) => o.path === e.path)) continue;
    const extra = e.message === "Unexpected property" || e.type === 41 /* ObjectAdditionalProperties */;
    out.push({
      path: e.path,
      rule: extra ? "unknown" : "schema",
      message: extra
        ? `unknown property "${e.path.split("/").pop()}"`
        : explain(e.schema as { anyOf?: { const?: unknown }[]; pattern?: string }, e.message, e.value),
    });
    if (out.length >= 100) break;
  }
  return out;
}

/** Replace TypeBox's "Expected union value" with the allowed values when they are literals, and a bare pattern with what a name may be. */
function explain(schema: { anyOf?: { const?: unknown }[]; pattern?: string }, message: string, value: unknown): string {
  // Names are lower_snake_case, so no name can be "__proto__" or "toString"; "constructor" is a valid one.
  if (schema.pattern === NAME_PATTERN && typeof value === "string")
    return `${JSON.stringify(value)} is not a valid name: use lower_snake_case (a letter a–z, then a–z, 0–9 or _)`;
  const consts = schema.anyOf?.map((s) => s.const).filter((c) => c !== undefined);
  if (consts?.length && consts.length === schema.anyOf!.length)
    return `must be one of ${consts.map((c) => JSON.stringify(c)).join(", ")} (got ${JSON.stringify(value)})`;
  return message;
}

function duplicates<T>(items: T[], key: (t: T) => string, base: (i: number) => string, what: string, out: Issue[]): void {
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    const k = key(it);
    if (seen.has(k)) out.push({ path: base(i), rule: "duplicate", message: `${what} "${k}" is defined twice (first at ${base(seen.get(k)!)})` });
    else seen.set(k, i);
  });
}

function semanticIssues(m: Model): Issue[] {
  const out: Issue[] = [];
  // The first definition of a name wins (a duplicate is reported, and must not shadow it).
  const entities = new Map<string, EntityType>();
  for (const e of m.entities) if (!entities.has(e.name)) entities.set(e.name, e);
  // Each type's field names as a set, made when a page first names one of its fields: pages
  // name fields many times (a grid's columns, sorts, filters), and a scan per name was quadratic.
  const fieldSets = new Map<EntityType, Set<string>>();
  const hasField = (e: EntityType, name: string) => {
    let names = fieldSets.get(e);
    if (!names) fieldSets.set(e, (names = new Set(e.fields.map((f) => f.name))));
    return names.has(name);
  };
  duplicates(
    m.entities,
    (e) => e.name,
    (i) => pointer("entities", i, "name"),
    "entity type",
    out,
  );

  m.entities.forEach((e, ei) => {
    duplicates(
      e.fields,
      (f) => f.name,
      (i) => pointer("entities", ei, "fields", i, "name"),
      `field of ${e.name}`,
      out,
    );
    e.fields.forEach((f, fi) => {
      const at = (...p: (string | number)[]) => pointer("entities", ei, "fields", fi, ...p);
      const kind = fieldKinds[f.type];
      if (RESERVED_FIELD_NAMES.has(f.name))
        out.push({ path: at("name"), rule: "reserved", message: `"${f.name}" is reserved: every entity already has an id` });
      for (const key of Object.keys(f))
        if (!COMMON_FIELD_KEYS.has(key) && !kind.options.includes(key))
          out.push({ path: at(key), rule: "option", message: `option "${key}" does not apply to a ${f.type} field` });
      for (const s of kind.checkSettings?.(f) ?? []) out.push({ path: at(s.option), rule: "option", message: s.message });
      if (f.type === "reference" && f.entity !== undefined && !entities.has(f.entity))
        out.push({ path: at("entity"), rule: "reference", message: `field ${e.name}.${f.name} refers to entity type "${f.entity}", which does not exist` });
      if (f.default !== undefined && f.type !== "reference" && !(f.default === "now" && (f.type === "date" || f.type === "datetime"))) {
        const c = kind.coerce(f.default, f, false);
        if (!c.ok) out.push({ path: at("default"), rule: "default", message: `default ${c.message}` });
      }
      if (f.unique && !kind.ordered) out.push({ path: at("unique"), rule: "option", message: `a ${f.type} field cannot be unique` });
    });
    (e.indexes ?? []).forEach((ix, ii) =>
      ix.fields.forEach((fname, k) => {
        if (!e.fields.some((f) => f.name === fname))
          out.push({
            path: pointer("entities", ei, "indexes", ii, "fields", k),
            rule: "reference",
            message: `index names field "${fname}", which ${e.name} does not have`,
          });
      }),
    );
    permissionIssues(e, ei, out);
    if (e.display !== undefined && !e.fields.some((f) => f.name === e.display))
      out.push({ path: pointer("entities", ei, "display"), rule: "reference", message: `display field "${e.display}" is not a field of ${e.name}` });
  });

  const rels = m.relationships ?? [];
  duplicates(
    rels,
    (r) => r.name,
    (i) => pointer("relationships", i, "name"),
    "relationship",
    out,
  );
  rels.forEach((r, ri) => {
    const at = (k: string) => pointer("relationships", ri, k);
    for (const end of ["from", "to"] as const)
      if (!entities.has(r[end]))
        out.push({ path: at(end), rule: "reference", message: `relationship ${r.name} names entity type "${r[end]}", which does not exist` });
    if (r.kind === "n:m") return;
    if (!entities.has(r.from) || !entities.has(r.to)) return;
    // 1:1 and 1:n live in a reference field on the "to" side that points back to "from".
    const target = entities.get(r.to)!;
    const field = r.inverse ? target.fields.find((f) => f.name === r.inverse) : target.fields.find((f) => f.type === "reference" && f.entity === r.from);
    if (!field) {
      out.push({
        path: at(r.inverse ? "inverse" : "to"),
        rule: "reference",
        message: r.inverse
          ? `relationship ${r.name}: ${r.to} has no field "${r.inverse}"`
          : `relationship ${r.name}: ${r.to} needs a reference field to ${r.from} (or name it in "inverse")`,
      });
    } else if (field.type !== "reference" || field.entity !== r.from) {
      out.push({ path: at("inverse"), rule: "reference", message: `relationship ${r.name}: ${r.to}.${field.name} must be a reference to ${r.from}` });
    } else if (r.onDelete === "setNull" && field.required) {
      out.push({ path: at("onDelete"), rule: "option", message: `relationship ${r.name}: onDelete setNull needs ${r.to}.${field.name} to be optional` });
    }
  });

  const pages = m.pages ?? [];
  const pageNames = new Set(pages.map((p) => p.name));
  const flowNames = new Set((m.xflows ?? []).map((x) => x.name));
  duplicates(
    pages,
    (p) => p.name,
    (i) => pointer("pages", i, "name"),
    "page",
    out,
  );
  pages.forEach((p, pi) => {
    duplicates(
      p.components,
      (c) => c.id,
      (i) => pointer("pages", pi, "components", i, "id"),
      `component of page ${p.name}`,
      out,
    );
    const ids = new Set(p.components.map((c) => c.id));
    p.components.forEach((c, ci) => {
      const at = (...k: (string | number)[]) => pointer("pages", pi, "components", ci, ...k);
      if (c.position.col + c.position.width > 12)
        out.push({
          path: at("position"),
          rule: "grid",
          message: `component ${c.id} spans columns ${c.position.col}–${c.position.col + c.position.width - 1}; the grid has 12 (0–11)`,
        });
      const props = c.props ?? {};
      const action = props.action;
      if (isPlainObject(action) && !ACTION_TYPES.includes(action.type as never))
        out.push({ path: at("props", "action", "type"), rule: "enum", message: `action type must be one of ${ACTION_TYPES.join(", ")}` });
      for (const ref of componentRefs[c.type](props)) {
        const path = at("props", ...ref.path);
        if (typeof ref.name !== "string") {
          out.push({ path, rule: "type", message: `${c.type} ${c.id}: expected the name of a ${ref.kind}` });
          continue;
        }
        if (ref.kind === "entity" && !entities.has(ref.name))
          out.push({ path, rule: "reference", message: `${c.type} ${c.id} names entity type "${ref.name}", which does not exist` });
        if (ref.kind === "field") {
          const ent = typeof ref.entity === "string" ? entities.get(ref.entity) : undefined;
          if (ent && !hasField(ent, ref.name) && !["id", "createdAt", "updatedAt"].includes(ref.name))
            out.push({ path, rule: "reference", message: `${c.type} ${c.id} names field "${ref.name}", which ${ent.name} does not have` });
        }
        if (ref.kind === "page" && !pageNames.has(ref.name))
          out.push({ path, rule: "reference", message: `${c.type} ${c.id} names page "${ref.name}", which does not exist` });
        if (ref.kind === "xflow" && !flowNames.has(ref.name))
          out.push({ path, rule: "reference", message: `${c.type} ${c.id} names xflow "${ref.name}", which does not exist` });
        if (ref.kind === "component" && !ids.has(ref.name))
          out.push({ path, rule: "reference", message: `${c.type} ${c.id} names component "${ref.name}", which is not on page ${p.name}` });
      }
    });
  });
  if (m.startPage !== undefined && !pageNames.has(m.startPage))
    out.push({ path: "/startPage", rule: "reference", message: `start page "${m.startPage}" does not exist` });
  (m.navigation ?? []).forEach((n, i) => {
    if (!pageNames.has(n.page))
      out.push({
        path: pointer("navigation", i, "page"),
        rule: "reference",
        message: `navigation entry "${n.label}" names page "${n.page}", which does not exist`,
      });
  });

  const flows = m.xflows ?? [];
  duplicates(
    flows,
    (x) => x.name,
    (i) => pointer("xflows", i, "name"),
    "xflow",
    out,
  );
  flows.forEach((x, xi) => {
    duplicates(
      x.nodes,
      (n) => n.id,
      (i) => pointer("xflows", xi, "nodes", i, "id"),
      `node of xflow ${x.name}`,
      out,
    );
    const nodeIds = new Set(x.nodes.map((n) => n.id));
    x.edges.forEach((e, ei) => {
      for (const end of ["from", "to"] as const)
        if (typeof e[end] === "string" && !nodeIds.has(e[end]))
          out.push({
            path: pointer("xflows", xi, "edges", ei, end),
            rule: "reference",
            message: `xflow ${x.name}: edge ${end} "${e[end]}" is not a node of the flow`,
          });
    });
    const starts = x.nodes.filter((n) => n.type === "start").length;
    if (starts !== 1)
      out.push({ path: pointer("xflows", xi, "nodes"), rule: "start", message: `xflow ${x.name} needs exactly one start node (has ${starts})` });
    const t = x.trigger;
    if (t && t.type === "entity" && (typeof t.entity !== "string" || !entities.has(t.entity)))
      out.push({
        path: pointer("xflows", xi, "trigger", "entity"),
        rule: "reference",
        message: `xflow ${x.name} is triggered by entity type "${String(t.entity)}", which does not exist`,
      });
  });
  settingsIssues(m, out);
  return out;
}

/**
 * settings.fetchAllowPrivate: each entry a host exactly as a URL writes it (a name, an
 * address, either with a port; no wildcard), and on settings.fetchAllowList too, so that
 * reaching a private network is always a second, deliberate step.
 */
function settingsIssues(m: Model, out: Issue[]): void {
  const allowList = new Set(arr(m.settings?.fetchAllowList).map((h) => String(h).toLowerCase()));
  arr(m.settings?.fetchAllowPrivate).forEach((entry, i) => {
    if (typeof entry !== "string") return; // the schema says so
    const path = pointer("settings", "fetchAllowPrivate", i);
    const host = entry.toLowerCase();
    let canonical: string | undefined;
    try {
      const u = new URL(`http://${host}`);
      if (!u.username && !u.password && u.pathname === "/" && !u.search && !u.hash) canonical = u.host;
    } catch {
      // not a host at all
    }
    if (host.includes("*"))
      out.push({ path, rule: "host", message: `"${entry}": wildcards are not allowed here; name each host that may reach private addresses` });
    else if (canonical === undefined)
      out.push({ path, rule: "host", message: `"${entry}" is not a host name or address (e.g. intranet.local, 10.0.0.5, [fd00::1], intranet.local:8080)` });
    else if (canonical !== host) out.push({ path, rule: "host", message: `"${entry}" is written "${canonical}" in a URL; write it so` });
    else if (!allowList.has(host))
      out.push({
        path,
        rule: "reference",
        message: `"${entry}" is not on settings.fetchAllowList; a host may reach private addresses only if workflows may call it at all`,
      });
  });
}

/** Hidden fields must exist; a row filter must be a filter of the entity type ("$user" in it stands for a user name). */
function permissionIssues(e: EntityType, ei: number, out: Issue[]): void {
  const p = e.permissions;
  if (!p) return;
  for (const [role, names] of Object.entries(p.hidden ?? {}))
    (names ?? []).forEach((name, i) => {
      if (!e.fields.some((f) => f.name === name))
        out.push({
          path: pointer("entities", ei, "permissions", "hidden", role, i),
          rule: "reference",
          message: `hidden field "${name}" is not a field of ${e.name}`,
        });
    });
  for (const action of PERMISSION_ACTIONS)
    (p[action] ?? []).forEach((rule, i) => {
      if (typeof rule === "string") return;
      for (const issue of userFilter(e, rule.filter, "user").issues)
        out.push({ ...issue, path: pointer("entities", ei, "permissions", action, i, "filter"), field: undefined });
    });
}
