// The /ws transport: JSON-RPC over WebSocket (the same methods as POST /rpc) plus
// subscribe/unsubscribe, whose notifications the realtime hub sends. Buffers are bounded:
// a client that stops reading is disconnected, never waited for.

import { Type } from "@sinclair/typebox";
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { RealtimeHub, type Subscriber } from "../realtime/hub";
import { type MethodSpec, methodTable, type RpcContext } from "../rpc/methods";
import { type AnswerBudget, DEFAULT_ANSWER_BUDGET, handleRpc } from "../rpc/protocol";
import type { Services } from "../services";
import type { Actor } from "../services/actor";
import type { Credential } from "./auth";

/** Bytes a client may have queued before it is considered dead and dropped. */
export const WS_BUFFER_LIMIT = 4 * 1024 * 1024;
export const WS_MAX_MESSAGE = 4 * 1024 * 1024;

export interface WsData {
  actor: Actor;
  /** What the upgrade authenticated with: checked again while the socket is open. */
  credential?: Credential;
  subscriber?: Subscriber;
}

/** How often open sockets' credentials are checked again: a revoked token or ended session loses its socket within this (plus the 2 s the services trust a lookup). */
export const RECHECK_MS = 5_000;
/** The close code of a socket whose credential no longer holds (4000–4999: the application's own). */
export const CLOSE_SIGNED_OUT = 4401;

const App = Type.String({ minLength: 1, maxLength: 63 });

/** Parameters of the WebSocket-only methods (also published in schema/openrpc.json). */
export const wsOnlyParams = {
  subscribe: {
    summary: "Hear about changes to an app (optionally one entity type, optionally a filter) as entityChanged and modelChanged notifications. WebSocket only.",
    params: Type.Object(
      { app: App, entity: Type.Optional(Type.String()), filter: Type.Optional(Type.Record(Type.String(), Type.Unknown())) },
      { additionalProperties: false },
    ),
  },
  unsubscribe: { summary: "Stop a subscription. WebSocket only.", params: Type.Object({ subscription: Type.String() }, { additionalProperties: false }) },
};

export function createWsHandler(
  services: Services,
  budget: AnswerBudget = DEFAULT_ANSWER_BUDGET,
  holds?: (c: Credential) => Promise<boolean>,
  recheckMs = RECHECK_MS,
): { handler: WebSocketHandler<WsData>; hub: RealtimeHub; close(): void } {
  const hub = new RealtimeHub(services);
  // Sockets that signed in, checked again every RECHECK_MS: one lookup per credential, however many sockets share it.
  const signedIn = new Set<ServerWebSocket<WsData>>();
  let checking = false;
  const recheck = setInterval(async () => {
    if (checking || !holds || !signedIn.size) return;
    checking = true;
    try {
      const verdicts = new Map<string, Promise<boolean>>();
      for (const ws of signedIn) {
        const c = ws.data.credential!;
        const key = "bearer" in c ? `b:${c.bearer}` : `s:${c.session}`;
        let v = verdicts.get(key);
        if (!v) verdicts.set(key, (v = holds(c).catch(() => true))); // a failed lookup (database restarting) is not a sign-out
        if (!(await v)) {
          signedIn.delete(ws);
          ws.close(CLOSE_SIGNED_OUT, "signed out, or the token was revoked or expired");
        }
      }
    } finally {
      checking = false;
    }
  }, recheckMs);
  recheck.unref?.();
  // An answer larger than what a socket may queue would only get the socket closed.
  const answers: AnswerBudget = { ...budget, answerBytes: Math.min(budget.answerBytes, WS_BUFFER_LIMIT) };
  const subscriberOf = (ws: ServerWebSocket<WsData>): Subscriber =>
    (ws.data.subscriber ??= {
      // send() > 0 sent, -1 queued behind backpressure (still delivered; past the limit Bun
      // closes the socket and close() drops the subscriber), 0 dropped: only 0 is a failure.
      send: (text) => ws.readyState === 1 && ws.send(text) !== 0,
    });
  const wsOnly: Record<string, MethodSpec> = {
    subscribe: {
      ...wsOnlyParams.subscribe,
      wsOnly: true,
      run: async (p: unknown, ctx: RpcContext & { ws?: ServerWebSocket<WsData> }) =>
        hub.subscribe(subscriberOf(ctx.ws!), p as Parameters<RealtimeHub["subscribe"]>[1], ctx.actor),
    },
    unsubscribe: {
      ...wsOnlyParams.unsubscribe,
      wsOnly: true,
      run: async (p: unknown, ctx: RpcContext & { ws?: ServerWebSocket<WsData> }) => ({
        unsubscribed: hub.unsubscribe(subscriberOf(ctx.ws!), (p as { subscription: string }).subscription),
      }),
    },
  };
  const table = methodTable(wsOnly);
  const handler: WebSocketHandler<WsData> = {
    maxPayloadLength: WS_MAX_MESSAGE,
    backpressureLimit: WS_BUFFER_LIMIT,
    closeOnBackpressureLimit: true,
    idleTimeout: 120,
    sendPings: true,
    open(ws) {
      if (ws.data.credential) signedIn.add(ws);
    },
    async message(ws, message) {
      const text = typeof message === "string" ? message : new TextDecoder().decode(message);
      const res = await handleRpc(text, table, { services, actor: ws.data.actor, ws } as RpcContext, answers);
      if (res && ws.readyState === 1) ws.send(res);
    },
    close(ws) {
      signedIn.delete(ws);
      if (ws.data.subscriber) hub.drop(ws.data.subscriber);
    },
  };
  return { handler, hub, close: () => clearInterval(recheck) };
}
