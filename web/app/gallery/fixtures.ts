// Fixtures for the component gallery: a small model, generated records (up to a million,
// made on demand from their index, never all held in memory), and a DataSource that
// answers like the server (filters, sorts, keyset cursors, aggregates, validation) or is
// made to load forever, fail, or be empty, so each component can be seen in each state.
import type { JSX } from "solid-js";
import type { ComponentContext } from "../components/contract";
import { RpcError } from "../lib/rpc";
import type { DataSource, ImportReport } from "../lib/source";
import { recordLabel } from "../lib/source";
import type {
  ColumnDefinition,
  EntityMeta,
  EntityRecord,
  FieldDefinition,
  Issue,
  ModelMetadata,
  PageResult,
  QueryParams,
  ResolvedComponent,
} from "../lib/types";

const f = (name: string, type: FieldDefinition["type"], extra: Partial<FieldDefinition> = {}): FieldDefinition => ({
  name,
  label: extra.label ?? name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()),
  type,
  required: false,
  unique: false,
  sortable: type !== "json" && type !== "multienum" && type !== "longtext",
  ...extra,
});

export const galleryModel: ModelMetadata = {
  app: "",
  model: { id: "gallery", name: "Gallery", version: 1 },
  entities: [
    {
      name: "project",
      label: "Project",
      display: "name",
      fields: [f("name", "text", { required: true, maxLength: 100, unique: true }), f("color", "enum", { values: ["red", "green", "blue"] })],
    },
    {
      name: "task",
      label: "Task",
      display: "title",
      fields: [
        f("title", "text", { required: true, maxLength: 200 }),
        f("status", "enum", { values: ["open", "doing", "done"], default: "open" }),
        f("priority", "integer", { min: 1, max: 5, default: 3 }),
        f("estimate", "number", { min: 0 }),
        f("due", "date"),
        f("done", "boolean"),
        f("project", "reference", { entity: "project", display: "name", required: true }),
        f("tags", "multienum", { values: ["bug", "feature", "docs", "ops"] }),
        f("notes", "longtext", { help: "Anything worth knowing" }),
        f("owner_email", "email", { label: "Owner email" }),
        f("link", "url"),
        f("started_at", "datetime", { label: "Started at" }),
        f("meta", "json"),
      ],
    },
  ],
  relationships: [{ name: "project_tasks", from: "project", to: "task", kind: "1:n", inverse: "project", onDelete: "cascade" }],
  pages: [{ name: "tasks", title: "Tasks", path: "/tasks" }],
  navigation: [{ label: "Tasks", page: "tasks" }],
  startPage: "tasks",
  xflows: [{ name: "close_task", trigger: "manual" }],
};

export const entityMeta = (name: string): EntityMeta | undefined => galleryModel.entities.find((e) => e.name === name);

const STATUSES = ["open", "doing", "done"];
const WORDS = ["Write", "Review", "Ship", "Plan", "Fix", "Test", "Design", "Measure"];
const THINGS = ["the grid", "release notes", "login page", "importer", "billing", "search", "dark theme", "onboarding"];

/** The i-th generated record of a type: the same every time, so a million need no memory. */
export function generated(entity: string, i: number): EntityRecord {
  const id = `${entity}-${String(i).padStart(7, "0")}`;
  const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
  const data: Record<string, unknown> =
    entity === "project"
      ? { name: `Project ${i + 1}`, color: ["red", "green", "blue"][i % 3] }
      : {
          title: `${WORDS[i % WORDS.length]} ${THINGS[(i * 7) % THINGS.length]} #${i + 1}`,
          status: STATUSES[i % 3],
          priority: (i % 5) + 1,
          estimate: Math.round(((i * 37) % 400) / 4) / 2,
          due: new Date(Date.UTC(2026, 5, 1) + (i % 90) * 86_400_000).toISOString().slice(0, 10),
          done: i % 3 === 2,
          project: `project-${String(i % 5).padStart(7, "0")}`,
          tags: [["bug"], ["feature", "docs"], [], ["ops"]][i % 4],
          owner_email: `owner${i % 12}@example.com`,
          started_at: at,
        };
  return { id, entity, data, version: 1, createdAt: at, updatedAt: at };
}

export interface FixtureOptions {
  /** Records of `task` (projects: 5). Default 25. Up to 1,000,000 (made on demand). */
  rows?: number;
  /** Every answer waits this long. */
  delayMs?: number;
  /** Nothing ever answers: the loading state. */
  loadingForever?: boolean;
  /** Every read fails with this message: the error state. */
  fail?: string;
  /** Writes fail with these validation issues (the server's answer). */
  validation?: Issue[];
}

function matchValue(v: unknown, cond: unknown): boolean {
  if (cond === null || typeof cond !== "object" || Array.isArray(cond)) return Array.isArray(v) ? v.includes(cond) : v === cond;
  return Object.entries(cond as Record<string, unknown>).every(([op, x]) => {
    const s = v === undefined || v === null ? "" : String(v).toLowerCase();
    switch (op) {
      case "eq":
        return v === x;
      case "ne":
        return v !== x;
      case "gt":
        return (v as number) > (x as number);
      case "gte":
        return (v as number) >= (x as number);
      case "lt":
        return (v as number) < (x as number);
      case "lte":
        return (v as number) <= (x as number);
      case "in":
        return Array.isArray(x) && x.includes(v);
      case "nin":
        return Array.isArray(x) && !x.includes(v);
      case "contains":
        return s.includes(String(x).toLowerCase());
      case "startsWith":
        return s.startsWith(String(x).toLowerCase());
      case "endsWith":
        return s.endsWith(String(x).toLowerCase());
      case "isNull":
        return (v === undefined || v === null) === !!x;
      case "between":
        return Array.isArray(x) && (v as number) >= (x[0] as number) && (v as number) <= (x[1] as number);
      default:
        return true;
    }
  });
}

export function matches(r: EntityRecord, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, cond]) => {
    if (k === "or") return (cond as Record<string, unknown>[]).some((x) => matches(r, x));
    if (k === "and") return (cond as Record<string, unknown>[]).every((x) => matches(r, x));
    if (k === "not") return !matches(r, cond as Record<string, unknown>);
    return matchValue(k === "id" ? r.id : r.data[k], cond);
  });
}

/** A DataSource over generated records and the writes made in this gallery session. */
export function fixtureSource(opts: FixtureOptions = {}): DataSource {
  const rows = opts.rows ?? 25;
  const count = (entity: string) => (entity === "project" ? 5 : entity === "task" ? rows : 0);
  const written = new Map<string, EntityRecord>();
  const deleted = new Set<string>();
  let nextId = 1;
  const wait = async () => {
    if (opts.loadingForever) await new Promise(() => {});
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
  };
  const readable = async () => {
    await wait();
    if (opts.fail) throw new RpcError(opts.fail, -32000);
  };
  const all = (entity: string): EntityRecord[] => {
    const n = count(entity);
    const out: EntityRecord[] = [];
    for (let i = 0; i < n; i++) {
      const r = generated(entity, i);
      if (!deleted.has(r.id)) out.push(written.get(r.id) ?? r);
    }
    for (const r of written.values()) if (r.entity === entity && !r.id.includes("-0")) out.push(r);
    return out;
  };
  const find = (entity: string, id: string) => written.get(id) ?? (deleted.has(id) ? undefined : all(entity).find((r) => r.id === id));
  const columnsOf = (entity: string, names?: string[]): ColumnDefinition[] =>
    (entityMeta(entity)?.fields ?? []).filter((x) => !names?.length || names.includes(x.name)).map((x) => ({ ...x, field: x.name }));
  const check = (entity: string, data: Record<string, unknown>, creating: boolean) => {
    if (opts.validation?.length) throw new RpcError(`invalid data: ${opts.validation.map((i) => i.message).join("; ")}`, -32001, opts.validation);
    const issues: Issue[] = [];
    for (const fd of entityMeta(entity)?.fields ?? []) {
      const v = data[fd.name];
      if (fd.required && creating && (v === undefined || v === null || v === ""))
        issues.push({ field: fd.name, rule: "required", message: `${fd.name} is required` });
      if (typeof v === "number" && fd.max !== undefined && v > fd.max)
        issues.push({ field: fd.name, rule: "max", message: `${fd.name} must be at most ${fd.max}` });
      if (typeof v === "number" && fd.min !== undefined && v < fd.min)
        issues.push({ field: fd.name, rule: "min", message: `${fd.name} must be at least ${fd.min}` });
    }
    if (issues.length) throw new RpcError(`invalid data: ${issues.map((i) => i.message).join("; ")}`, -32001, issues);
  };
  const page = (entity: string, p: QueryParams): PageResult => {
    // Large fixtures without filter or sort (or sorted by id descending) are paged by index, never materialised.
    const limit = p.limit ?? 50;
    const start = (p.cursor ? Number(p.cursor) : 0) + (p.offset ?? 0);
    const byIdDesc = p.sort?.length === 1 && p.sort[0]!.field === "id" && p.sort[0]!.dir === "desc";
    if (!p.filter && (!p.sort?.length || byIdDesc) && count(entity) > 5000) {
      const n = count(entity);
      const data = Array.from({ length: Math.max(0, Math.min(limit, n - start)) }, (_, k) => generated(entity, byIdDesc ? n - 1 - start - k : start + k));
      return { data, pagination: { nextCursor: start + limit < n ? String(start + limit) : null, limit, ...(p.total && { total: n, totalExact: true }) } };
    }
    let list = all(entity).filter((r) => matches(r, p.filter));
    if (p.sort?.length) {
      const keys = p.sort;
      list = list.sort((a, b) => {
        for (const k of keys) {
          const x = a.data[k.field] as never;
          const y = b.data[k.field] as never;
          if (x === y) continue;
          const c = x === undefined ? 1 : y === undefined ? -1 : x < y ? -1 : 1;
          return k.dir === "desc" ? -c : c;
        }
        return a.id < b.id ? -1 : 1;
      });
    }
    const data = list.slice(start, start + limit);
    return {
      data,
      pagination: { nextCursor: start + limit < list.length ? String(start + limit) : null, limit, ...(p.total && { total: list.length, totalExact: true }) },
    };
  };
  const withIncludes = (entity: string, res: PageResult, include?: string[]) => {
    if (!include?.length) return res;
    const ent = entityMeta(entity);
    for (const r of res.data) {
      r.related = {};
      for (const name of include) {
        const fd = ent?.fields.find((x) => x.name === name && x.type === "reference");
        if (fd?.entity) r.related[name] = find(fd.entity, String(r.data[name])) ?? null;
      }
    }
    return res;
  };
  return {
    async loadEntityData(entity, p) {
      await readable();
      return { ...withIncludes(entity, page(entity, p), p.include), columns: columnsOf(entity, p.columns ?? p.fields) };
    },
    async query(entity, p) {
      await readable();
      return withIncludes(entity, page(entity, p), p.include);
    },
    async get(entity, id) {
      await readable();
      const r = find(entity, id);
      if (!r) throw new RpcError(`${entity} ${id} not found`, -32004);
      return r;
    },
    async form(entity, id) {
      await readable();
      const e = entityMeta(entity);
      if (!e) throw new RpcError(`no entity type ${entity}`, -32004);
      return { entity: e, record: id ? (find(entity, id) ?? null) : null };
    },
    async create(entity, data) {
      await wait();
      check(entity, data, true);
      const now = new Date().toISOString();
      const r: EntityRecord = { id: `${entity}-new-${nextId++}`, entity, data: { ...data }, version: 1, createdAt: now, updatedAt: now };
      written.set(r.id, r);
      return r;
    },
    async update(entity, id, data) {
      await wait();
      check(entity, data, false);
      const r = find(entity, id);
      if (!r) throw new RpcError(`${entity} ${id} not found`, -32004);
      const next = { ...r, data: { ...r.data, ...data }, version: r.version + 1, updatedAt: new Date().toISOString() };
      written.set(id, next);
      return next;
    },
    async delete(_entity, id) {
      await wait();
      deleted.add(id);
      written.delete(id);
      return { id, deleted: true };
    },
    async aggregate(entity, p) {
      await readable();
      const list = all(entity).filter((r) => matches(r, p.filter));
      const field = typeof p.groupBy === "string" ? p.groupBy : p.groupBy?.field;
      const groups = new Map<unknown, EntityRecord[]>();
      for (const r of list) {
        const k = field ? (r.data[field] ?? null) : undefined;
        (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
      }
      if (!groups.size && !field) groups.set(undefined, []);
      return {
        limited: false,
        groups: [...groups].map(([key, rs]) => ({
          ...(field && { key }),
          values: p.aggregates.map((a) => {
            if (a.op === "count") return rs.length;
            const xs = rs.map((r) => r.data[a.field]).filter((x): x is number => typeof x === "number");
            if (!xs.length) return null;
            if (a.op === "sum") return xs.reduce((s, x) => s + x, 0);
            if (a.op === "avg") return xs.reduce((s, x) => s + x, 0) / xs.length;
            return a.op === "min" ? Math.min(...xs) : Math.max(...xs);
          }),
        })),
      };
    },
    async related(entity, id, _relationship, p = {}) {
      await readable();
      return page(entity === "project" ? "task" : "project", { ...p, filter: entity === "project" ? { project: id } : { id: { in: [] } } });
    },
    async bulkImport(_entity, p): Promise<ImportReport> {
      await wait();
      const n = typeof p.data === "string" ? p.data.trim().split("\n").length - 1 : p.data.length;
      return { inserted: p.dryRun ? 0 : n, ids: [], ...(p.dryRun && { dryRun: true }) };
    },
    async exportEntities(entity, p) {
      await readable();
      const list = all(entity).filter((r) => matches(r, p.filter));
      return { format: p.format, count: list.length, data: p.format === "json" ? list : "" };
    },
    async executeXFlow(xflow) {
      await wait();
      if (opts.fail) return { runId: "run-1", status: "failed", error: { message: opts.fail, node: "check" } };
      return { runId: "run-1", status: "completed", output: { ok: true, xflow }, durationMs: 12 };
    },
    async labels(entity, ids) {
      await readable();
      const display = entityMeta(entity)?.display ?? null;
      return new Map(ids.map((id) => [id, recordLabel(find(entity, id), display) || id]));
    },
    listen() {
      return () => {};
    },
  };
}

/** A component definition resolved against the gallery model, as loadPage would send it. */
export function resolved(type: string, props: Record<string, unknown>, id = `${type.toLowerCase()}-1`): ResolvedComponent {
  const ent = typeof props.entity === "string" ? entityMeta(props.entity) : undefined;
  const out: ResolvedComponent = { id, type, position: { row: 0, col: 0, width: 12, height: 6 }, props };
  if (!ent) return out;
  out.entity = { name: ent.name, label: ent.label, display: ent.display };
  const names = (key: string) =>
    Array.isArray(props[key]) ? (props[key] as unknown[]).map((c) => (typeof c === "string" ? c : (c as { field: string }).field)) : undefined;
  const cols = (list?: string[]) => ent.fields.filter((x) => !list?.length || list.includes(x.name)).map((x) => ({ ...x, field: x.name }));
  if (type === "DataGrid") out.columns = cols(names("columns"));
  if (type === "Form" || type === "DetailView") out.fields = cols(names("fields"));
  return out;
}

/** A page context for a component shown alone: dialogs and navigation are reported, not performed. */
export function fixtureContext(source: DataSource, overrides: Partial<ComponentContext> = {}): ComponentContext {
  return {
    slug: "",
    source,
    meta: () => galleryModel,
    entityMeta,
    record: () => undefined,
    openRecord: () => {},
    navigate: () => {},
    openModal: () => {},
    closeModal: () => {},
    openForm: async () => null,
    confirm: async () => true,
    notify: () => {},
    renderChild: (): JSX.Element => null,
    ...overrides,
  };
}

/** One state of one component in the gallery. */
export interface Story {
  /** The component type ("DataGrid"). */
  component: string;
  /** The state shown ("empty", "loading", "many rows", …). */
  name: string;
  c: ResolvedComponent;
  fixture?: FixtureOptions;
  /** Extra context (an open record, …). */
  ctx?: Partial<ComponentContext>;
}
