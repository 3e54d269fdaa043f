// One WebSocket per tab, shared by every component: subscribes to the app's changes and
// fans them out to listeners. A lost connection shows its state, reconnects with backoff
// (0.5 s doubling to 10 s, with jitter) and then tells listeners to catch up (`resync`),
// since changes made while it was away were not heard.
import { createSignal } from "solid-js";
import type { EntityChange } from "./types";

export type LiveState = "connecting" | "open" | "offline";

export interface LiveListener {
  entity?: (e: EntityChange) => void;
  model?: (e: { version: number }) => void;
  /** Called after a reconnect: reload what is shown. */
  resync?: () => void;
}

export class LiveConnection {
  private ws: WebSocket | undefined;
  private listeners = new Set<LiveListener>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private everOpen = false;
  readonly state: () => LiveState;
  private setState: (s: LiveState) => void;

  constructor(
    private readonly app: string,
    private readonly url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`,
  ) {
    const [state, setState] = createSignal<LiveState>("connecting");
    this.state = state;
    this.setState = setState;
    this.connect();
  }

  listen(l: LiveListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  private connect() {
    this.setState(this.everOpen ? "offline" : "connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { app: this.app } }));
    };
    ws.onmessage = (m) => {
      let msg: { id?: unknown; result?: unknown; error?: unknown; method?: string; params?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (msg.id === 1 && msg.result) {
        const again = this.everOpen;
        this.everOpen = true;
        this.attempt = 0;
        this.setState("open");
        if (again) for (const l of this.listeners) l.resync?.();
        return;
      }
      if (msg.method === "entityChanged" && msg.params) for (const l of this.listeners) l.entity?.(msg.params as unknown as EntityChange);
      else if (msg.method === "modelChanged" && msg.params) for (const l of this.listeners) l.model?.({ version: Number(msg.params.version) });
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.closed) return;
      this.setState(this.everOpen ? "offline" : "connecting");
      const delay = Math.min(10_000, 500 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}
