// Realtime subscriptions: who wants to hear about which app, entity type and filter, and
// the fan-out of change events to them. Transport-neutral: a subscriber is anything with
// `send(text)`; the WebSocket transport supplies it. A subscriber that cannot keep up is
// dropped by its transport (bounded buffers), never waited for.

import { TorqueError } from "../lib/errors";
import type { CompiledEntity } from "../model/compile";
import type { FilterNode } from "../model/filter/ast";
import { matches } from "../model/filter/match";
import { parseFilter } from "../model/filter/parse";
import type { Services } from "../services";
import { type EntityRights, entityRights, requireApp } from "../services/access/policy";
import type { Actor } from "../services/actor";
import { entityOf } from "../services/entities/context";
import { filterNames } from "../services/entities/guard";
import type { EntityChanged, ModelChanged } from "../services/events";

/** One connection's subscriptions, and the server's, are bounded: fan-out cost grows with them. */
export const MAX_PER_SUBSCRIBER = 100;
export const MAX_TOTAL = 100_000;

export interface Subscriber {
  /** Queue a message; returns false when the subscriber is gone or over its buffer. */
  send(text: string): boolean;
}

interface Subscription {
  id: string;
  subscriber: Subscriber;
  /** Who subscribed: with a grant, each event is kept to its list rights (row filter, hidden fields). */
  actor?: Actor;
  app: string;
  entity?: string;
  filter?: unknown;
  /** The filter parsed against the entity type it was last used with (re-parsed after a model change). */
  parsed?: { ent: CompiledEntity; node: FilterNode | undefined };
}

export class RealtimeHub {
  private byApp = new Map<string, Set<Subscription>>();
  private byId = new Map<string, Subscription>();
  private nextId = 1;
  private count = new Map<Subscriber, number>();

  constructor(private readonly services: Services) {
    // Fan-out runs after the writer has its answer: a write never waits for subscribers.
    services.events.on("entityChanged", (e) => {
      if (this.byApp.get(e.app)?.size) setImmediate(() => this.entityChanged(e).catch(logFanoutError));
    });
    services.events.on("modelChanged", (e) => void setImmediate(() => this.modelChanged(e)));
  }

  /** Subscribe to an app's changes (optionally one entity type, optionally a filter); the filter is checked now. */
  async subscribe(subscriber: Subscriber, p: { app: string; entity?: string; filter?: unknown }, actor?: Actor): Promise<{ subscription: string }> {
    const mine = this.count.get(subscriber) ?? 0;
    if (mine >= MAX_PER_SUBSCRIBER)
      throw new TorqueError("conflict", `a connection holds at most ${MAX_PER_SUBSCRIBER} subscriptions; unsubscribe some first`, { rule: "limit" });
    if (this.byId.size >= MAX_TOTAL)
      throw new TorqueError("conflict", "the server holds as many subscriptions as it takes; try again later", { rule: "limit" });
    if (actor?.grant) requireApp(actor, p.app);
    const rt = await this.services.apps.runtime(p.app);
    let parsed: Subscription["parsed"];
    if (p.entity !== undefined) {
      const ent = entityOf(rt, p.entity);
      if (actor?.grant) {
        // Refused now if the type may not be listed, or the filter reads a hidden field.
        const rights = entityRights(actor, rt.slug, ent, "list");
        for (const n of filterNames(ent, p.filter))
          if (rights.hidden.has(n)) throw new TorqueError("forbidden", `${ent.name}.${n} is hidden from ${actor.grant.user} (${actor.grant.role})`);
      }
      if (p.filter !== undefined) parsed = { ent, node: parseFilter(ent, p.filter) };
    }
    const sub: Subscription = {
      id: `s${this.nextId++}`,
      subscriber,
      ...(actor?.grant && { actor }),
      app: rt.slug,
      entity: p.entity,
      filter: p.entity ? p.filter : undefined,
      parsed,
    };
    (this.byApp.get(sub.app) ?? this.byApp.set(sub.app, new Set()).get(sub.app)!).add(sub);
    this.byId.set(sub.id, sub);
    this.count.set(subscriber, (this.count.get(subscriber) ?? 0) + 1);
    return { subscription: sub.id };
  }

  unsubscribe(subscriber: Subscriber, id: string): boolean {
    const sub = this.byId.get(id);
    if (!sub || sub.subscriber !== subscriber) return false;
    this.remove(sub);
    return true;
  }

  /** Forget everything a subscriber asked for (its connection closed). */
  drop(subscriber: Subscriber): void {
    for (const sub of this.byId.values()) if (sub.subscriber === subscriber) this.remove(sub);
  }

  get size(): number {
    return this.byId.size;
  }

  private remove(sub: Subscription) {
    if (!this.byId.delete(sub.id)) return;
    this.byApp.get(sub.app)?.delete(sub);
    const n = (this.count.get(sub.subscriber) ?? 1) - 1;
    if (n <= 0) this.count.delete(sub.subscriber);
    else this.count.set(sub.subscriber, n);
  }

  private async entityChanged(e: EntityChanged) {
    const subs = this.byApp.get(e.app);
    if (!subs?.size) return;
    let ent;
    const params = { app: e.app, entity: e.entity, id: e.id, op: e.op, version: e.version, ...(e.op !== "delete" && e.data && { data: e.data }) };
    // One serialisation for every unfiltered subscriber; the subscription id is spliced in.
    const head = `{"jsonrpc":"2.0","method":"entityChanged","params":{"subscription":"`;
    const tail = `",${JSON.stringify(params).slice(1)}}`;
    for (const sub of subs) {
      if (sub.entity !== undefined && sub.entity !== e.entity) continue;
      if (sub.actor) {
        ent ??= (await this.services.apps.runtime(e.app)).model.entities.get(e.entity);
        if (!ent) continue;
        const shown = this.forActor(sub.actor, e, ent);
        if (shown === undefined) continue;
        if (sub.filter !== undefined && !this.passes(sub, ent, e)) continue;
        if (!sub.subscriber.send(`{"jsonrpc":"2.0","method":"entityChanged","params":{"subscription":"${sub.id}",${JSON.stringify(shown).slice(1)}}`))
          this.drop(sub.subscriber);
        continue;
      }
      if (sub.filter !== undefined) {
        ent ??= (await this.services.apps.runtime(e.app)).model.entities.get(e.entity);
        if (!ent) continue;
        const node = this.filterOf(sub, ent);
        if (!node) continue;
        const at = { id: e.id, createdAt: e.createdAt, updatedAt: e.updatedAt };
        const now = e.data ? matches(node, { ...at, data: e.data }) : false;
        // The previous state's updatedAt is not carried: a filter on it may notify once more than needed, never less.
        const before = e.previous ? matches(node, { ...at, updatedAt: undefined, data: e.previous }) : false;
        if (!now && !before) continue; // neither in the filtered set before nor after
      }
      if (!sub.subscriber.send(head + sub.id + tail)) this.drop(sub.subscriber);
    }
  }

  /** Whether a change is within a subscription's filter, before or after. */
  private passes(sub: Subscription, ent: CompiledEntity, e: EntityChanged): boolean {
    const node = this.filterOf(sub, ent);
    if (!node) return false;
    const at = { id: e.id, createdAt: e.createdAt, updatedAt: e.updatedAt };
    return (!!e.data && matches(node, { ...at, data: e.data })) || (!!e.previous && matches(node, { ...at, updatedAt: undefined, data: e.previous }));
  }

  /**
   * The event's params as an actor with a grant may see them: nothing (undefined) when it
   * may not list the type or the record is outside its row filter before and after; else
   * without its hidden fields. A link's event (no data) tells only ids, as to anyone.
   */
  private forActor(actor: Actor, e: EntityChanged, ent: CompiledEntity): Record<string, unknown> | undefined {
    let rights: EntityRights;
    try {
      rights = entityRights(actor, e.app, ent, "list");
    } catch {
      return undefined;
    }
    if (rights.node && (e.data || e.previous)) {
      const at = { id: e.id, createdAt: e.createdAt, updatedAt: e.updatedAt };
      const now = !!e.data && matches(rights.node, { ...at, data: e.data });
      const before = !!e.previous && matches(rights.node, { ...at, updatedAt: undefined, data: e.previous });
      if (!now && !before) return undefined;
      // A record that left the actor's rows is told as gone, without its new values.
      if (!now) return { app: e.app, entity: e.entity, id: e.id, op: "delete", version: e.version };
    }
    const strip = (d: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d)) if (!rights.hidden.has(k)) out[k] = v;
      return out;
    };
    return { app: e.app, entity: e.entity, id: e.id, op: e.op, version: e.version, ...(e.op !== "delete" && e.data && { data: strip(e.data) }) };
  }

  /** The subscription's filter for the current model; undefined when the model no longer accepts it (it then matches nothing). */
  private filterOf(sub: Subscription, ent: CompiledEntity): FilterNode | undefined {
    if (sub.parsed?.ent !== ent) {
      let node: FilterNode | undefined;
      try {
        node = parseFilter(ent, sub.filter);
      } catch {
        node = undefined;
      }
      sub.parsed = { ent, node };
    }
    return sub.parsed.node;
  }

  private modelChanged(e: ModelChanged) {
    for (const app of e.apps) {
      const subs = this.byApp.get(app);
      if (!subs) continue;
      for (const sub of subs) {
        const msg = JSON.stringify({ jsonrpc: "2.0", method: "modelChanged", params: { subscription: sub.id, app, modelId: e.modelId, version: e.version } });
        if (!sub.subscriber.send(msg)) this.drop(sub.subscriber);
      }
    }
  }
}

const logFanoutError = (e: unknown) => console.error(`torque: realtime fan-out failed: ${(e as Error)?.message ?? e}`);
