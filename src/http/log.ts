// Structured request logs: one JSON line per request on stderr, buffered and flushed in
// the background so logging never slows the request that is logged.

export interface RequestLog {
  method: string;
  path: string;
  status: number;
  ms: number;
  rpc?: string;
}

export class Logger {
  private buf: string[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly enabled: boolean) {
    if (enabled) {
      this.timer = setInterval(() => this.flush(), 200);
      (this.timer as unknown as { unref?(): void }).unref?.();
    }
  }

  private lastMs = 0;
  private lastIso = "";

  /** Cheap on the hot path: the time string is made at most once per millisecond, the line by hand. */
  request(r: RequestLog): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastIso = new Date(now).toISOString();
    }
    this.buf.push(`{"t":"${this.lastIso}","method":"${r.method}","path":${JSON.stringify(r.path)},"status":${r.status},"ms":${r.ms.toFixed(2)}}`);
    if (this.buf.length >= 4096) this.flush();
  }

  info(msg: string, extra: Record<string, unknown> = {}): void {
    if (!this.enabled) return;
    this.buf.push(JSON.stringify({ t: new Date().toISOString(), level: "info", msg, ...extra }));
  }

  flush(): void {
    if (!this.buf.length) return;
    process.stderr.write(`${this.buf.join("\n")}\n`);
    this.buf = [];
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}
