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

  constructor(private readonly enabled: boolean) {
    if (enabled) {
      this.timer = setInterval(() => this.flush(), 200);
      (this.timer as unknown as { unref?(): void }).unref?.();
    }
  }

  request(r: RequestLog): void {
    if (!this.enabled) return;
    this.buf.push(JSON.stringify({ t: new Date().toISOString(), ...r, ms: Math.round(r.ms * 100) / 100 }));
    if (this.buf.length >= 1000) this.flush();
  }

  info(msg: string, extra: Record<string, unknown> = {}): void {
    if (!this.enabled) return;
    this.buf.push(JSON.stringify({ t: new Date().toISOString(), level: "info", msg, ...extra }));
  }

  flush(): void {
    if (!this.buf.length) return;
    process.stderr.write(this.buf.join("\n") + "\n");
    this.buf = [];
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}
