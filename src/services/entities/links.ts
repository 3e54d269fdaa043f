// Relationship instances: link, unlink and list related entities. n:m links live in
// entity_relationships; 1:1 and 1:n links are the reference field on the "to" side, so
// linking those is an update of that entity (validated, audited, hooked like any update).
import { conflict, forbidden, notFound, validationError } from "../../lib/errors";
import { type CompiledModel, relationshipField } from "../../model/compile";
import type { Relationship } from "../../model/schema";
import { getRow, idExists, linkRows } from "../../store/entities/rows";
import type { Actor } from "../actor";
import type { AppRuntime } from "../apps";
import { writeAudit } from "../audit";
import { checkId, type EntityContext, logAfterError } from "./context";
import { deny, inRows, rightsFor } from "./guard";
import type { EntityService } from "./service";
import type { Page, QueryOptions, WriteOptions } from "./types";

function relationshipOf(model: CompiledModel, name: unknown, app: string): Relationship {
  if (typeof name !== "string" || !name)
    throw validationError([{ field: "relationship", rule: "required", message: "relationship (a name from the model) is required" }], "request");
  const rel = model.relationships.get(name);
  if (!rel) throw notFound(`relationship in app ${app}`, name);
  return rel;
}

export class LinkService {
  constructor(
    private readonly ctx: EntityContext,
    private readonly entities: EntityService,
  ) {}

  /** Link `fromId` (an entity of rel.from) with `toId` (an entity of rel.to). */
  async link(app: string, relationship: string, fromId: string, toId: string, opts: WriteOptions): Promise<{ relationship: string; from: string; to: string }> {
    const rt = await this.ctx.apps.runtime(app);
    const rel = relationshipOf(rt.model, relationship, app);
    checkId(fromId);
    checkId(toId);
    if (rel.kind !== "n:m") {
      const fk = relationshipField(rt.model.doc, rel)!;
      if (!(await idExists(this.ctx.db, rt.id, rel.from, fromId))) throw notFound(rel.from, fromId);
      if (rel.kind === "1:1") {
        const page = await this.entities.query(app, rel.to, { filter: { [fk.name]: fromId }, limit: 1 });
        const other = page.data[0];
        if (other && other.id !== toId)
          throw conflict(`${rel.from} ${fromId} is already linked to ${rel.to} ${other.id} (relationship ${rel.name} is 1:1); unlink it first`, {
            rule: "cardinality",
          });
      }
      await this.entities.update(app, rel.to, toId, { [fk.name]: fromId }, opts);
      return { relationship: rel.name, from: fromId, to: toId };
    }
    await this.mayLink(rt, rel, fromId, toId, opts.actor);
    const now = new Date().toISOString();
    await this.ctx.db.transaction(async (tx) => {
      if (!(await idExists(tx, rt.id, rel.from, fromId))) throw notFound(rel.from, fromId);
      if (!(await idExists(tx, rt.id, rel.to, toId))) throw notFound(rel.to, toId);
      await linkRows.add(tx, rt.id, rel.name, fromId, toId, now);
      await writeAudit(
        tx,
        opts.actor,
        { action: "relationship.link", appId: rt.id, entityType: rel.from, entityId: fromId, after: { relationship: rel.name, to: toId } },
        now,
      );
    });
    await this.notify(rt.slug, rel, fromId, toId);
    return { relationship: rel.name, from: fromId, to: toId };
  }

  async unlink(
    app: string,
    relationship: string,
    fromId: string,
    toId: string,
    opts: WriteOptions,
  ): Promise<{ relationship: string; from: string; to: string; removed: boolean }> {
    const rt = await this.ctx.apps.runtime(app);
    const rel = relationshipOf(rt.model, relationship, app);
    checkId(fromId);
    checkId(toId);
    if (rel.kind !== "n:m") {
      const fk = relationshipField(rt.model.doc, rel)!;
      const child = await this.entities.get(app, rel.to, toId);
      if (child.data[fk.name] !== fromId) return { relationship: rel.name, from: fromId, to: toId, removed: false };
      if (fk.required)
        throw validationError([
          { field: fk.name, rule: "required", message: `${rel.to}.${fk.name} is required: link ${rel.to} ${toId} to another ${rel.from} instead` },
        ]);
      await this.entities.update(app, rel.to, toId, { [fk.name]: null }, opts);
      return { relationship: rel.name, from: fromId, to: toId, removed: true };
    }
    await this.mayLink(rt, rel, fromId, toId, opts.actor);
    const now = new Date().toISOString();
    const removed = await this.ctx.db.transaction(async (tx) => {
      const r = await linkRows.remove(tx, rt.id, rel.name, fromId, toId);
      if (r.changes)
        await writeAudit(
          tx,
          opts.actor,
          { action: "relationship.unlink", appId: rt.id, entityType: rel.from, entityId: fromId, before: { relationship: rel.name, to: toId } },
          now,
        );
      return r.changes > 0;
    });
    if (removed) await this.notify(rt.slug, rel, fromId, toId);
    return { relationship: rel.name, from: fromId, to: toId, removed };
  }

  /** Entities on the other side of `relationship` from entity `id` of type `entity`, as a page. */
  async related(app: string, entity: string, id: string, relationship: string, opts: QueryOptions = {}, actor?: Actor): Promise<Page> {
    const rt = await this.ctx.apps.runtime(app);
    const rel = relationshipOf(rt.model, relationship, app);
    if (rel.from !== entity && rel.to !== entity)
      throw validationError([{ field: "relationship", rule: "reference", message: `relationship ${rel.name} does not involve ${entity}` }], "request");
    checkId(id);
    if (!(await getRow(this.ctx.db, rt.id, entity, id))) throw notFound(entity, id);
    if (actor?.grant) await this.entities.get(app, entity, id, {}, actor); // the record itself must be readable
    const side = rel.from === entity ? "from" : "to";
    const other = side === "from" ? rel.to : rel.from;
    if (rel.kind === "n:m") {
      const ids = (await linkRows.others(this.ctx.db, rt.id, rel.name, side, id)).map((r) => r.other);
      if (!ids.length) return { data: [], pagination: { nextCursor: null, limit: 0, ...(opts.total && { total: 0 }) } };
      const f = { id: { in: ids.slice(0, 1000) } };
      return this.entities.query(app, other, { ...opts, filter: opts.filter ? { and: [f, opts.filter] } : f }, actor);
    }
    const fk = relationshipField(rt.model.doc, rel)!;
    if (side === "from") {
      const f = { [fk.name]: id };
      return this.entities.query(app, other, { ...opts, filter: opts.filter ? { and: [f, opts.filter] } : f }, actor);
    }
    const child = await this.entities.get(app, entity, id);
    const parent = child.data[fk.name];
    if (typeof parent !== "string") return { data: [], pagination: { nextCursor: null, limit: 0 } };
    return this.entities.query(app, other, { ...opts, filter: opts.filter ? { and: [{ id: parent }, opts.filter] } : { id: parent } }, actor);
  }

  /**
   * An n:m link or unlink changes the `from` record as far as permissions go: the actor
   * must be allowed to update it (within the row filter) and to read the other end.
   */
  private async mayLink(rt: AppRuntime, rel: Relationship, fromId: string, toId: string, actor: Actor): Promise<void> {
    if (!actor.grant) return;
    const from = rt.model.entities.get(rel.from)!;
    const rights = await rightsFor(this.ctx, actor, rt, from, "update", fromId);
    const row = await getRow(this.ctx.db, rt.id, rel.from, fromId);
    if (!row) throw notFound(rel.from, fromId);
    if (!inRows(rights, fromId, JSON.parse(row.data), row.created_at, row.updated_at))
      await deny(
        this.ctx,
        actor,
        rt,
        from,
        "update",
        forbidden(`${actor.grant.user} (${actor.grant.role}) may not link ${rel.from} ${fromId}: it is outside its permission's row filter`),
        fromId,
      );
    await this.entities.get(rt.slug, rel.to, toId, {}, actor);
  }

  private async notify(app: string, rel: Relationship, fromId: string, toId: string) {
    // A link changes both ends as far as a subscriber is concerned.
    await this.ctx.events.notify("entityChanged", { app, entity: rel.from, id: fromId, op: "update", version: 0 }, logAfterError);
    await this.ctx.events.notify("entityChanged", { app, entity: rel.to, id: toId, op: "update", version: 0 }, logAfterError);
  }
}
