// Several servers on one database: each server's change events (a record written, a
// model saved, apps made or removed) are relayed to the others over the database
// (Driver.broadcast, PostgreSQL's NOTIFY) and fired on their event buses as if local, so
// WebSocket and MCP subscribers, GraphQL subscriptions, caches and the scheduler of every
// server follow every write. SQLite serves one machine: nothing to relay.

import type { Driver } from "../store/driver";
import { MAX_BROADCAST } from "../store/driver";
import type { EntityService } from "./entities/service";
import type { ChangeEvents, EventBus } from "./events";

type Relayed = { [K in keyof ChangeEvents]: { type: K; event: ChangeEvents[K] } }[keyof ChangeEvents];
const TYPES = ["entityChanged", "modelChanged", "appsChanged"] as const;

/**
 * A record's data may not fit in a message: it then travels without it (`partial`), and the
 * receiving server reads the record (a delete's last data, and an update's previous data,
 * are then unknown there: a subscriber whose filter needed them is not told).
 */
function encode(r: Relayed): string {
  const whole = JSON.stringify(r);
  // Measured as the driver packs it (a JSON string: quotes and backslashes double).
  if (Buffer.byteLength(JSON.stringify(whole)) <= MAX_BROADCAST || r.type !== "entityChanged") return whole;
  const { data: _d, previous: _p, ...rest } = r.event;
  return JSON.stringify({ type: r.type, event: rest, partial: true });
}

export function relayEvents(db: Driver, events: EventBus, entities: EntityService): () => void {
  if (!db.broadcast || !db.onBroadcast) return () => {};
  // Events fired here from another server's message: not sent back out.
  const heard = new WeakSet<object>();
  const offs = TYPES.map((type) =>
    events.on(type, (event) => {
      if (!heard.has(event)) db.broadcast!(encode({ type, event } as Relayed));
    }),
  );
  let chain: Promise<unknown> = Promise.resolve();
  offs.push(
    db.onBroadcast((message) => {
      // In arrival order, one after another: a partial event's read must not let a later event overtake it.
      chain = chain.then(() => fire(message)).catch((e) => console.error(`torque: a change from another server was not applied: ${(e as Error).message}`));
    }),
  );
  async function fire(message: string) {
    const m = JSON.parse(message) as Relayed & { partial?: boolean };
    if (!TYPES.includes(m.type)) return;
    if (m.type === "entityChanged" && m.partial && m.event.op !== "delete") {
      const rec = await entities.get(m.event.app, m.event.entity, m.event.id).catch(() => undefined);
      if (rec) Object.assign(m.event, { data: rec.data, createdAt: rec.createdAt, updatedAt: rec.updatedAt });
    }
    heard.add(m.event);
    await events.notify(m.type, m.event as never, (e) => console.error(`torque: ${m.type} from another server: ${(e as Error).message}`));
  }
  return () => {
    for (const off of offs) off();
  };
}
