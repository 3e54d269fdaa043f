// Runs untrusted JavaScript: each script gets a time limit, a memory limit and a stack
// limit, and can reach nothing but what its host hands in (through `ctx`). Scripts run in
// QuickJS on worker threads (pool.ts), never on the server's thread; each app has its
// own contexts (runner.ts), hardened so that nothing survives a run (hardening.ts).
import { type PoolOptions, type ScriptHost, WorkerPool } from "./pool";
import { DEFAULT_LIMITS, type ScriptLimits } from "./types";

export { detached, type PoolOptions, type ScriptHost } from "./pool";
export { DEFAULT_LIMITS, ScriptError, type ScriptErrorKind, type ScriptLimits } from "./types";

export class Sandbox {
  private readonly pool: WorkerPool;
  private readonly owner: boolean;

  /**
   * A sandbox with its own worker pool. `forApp` gives views of it for one app each;
   * `app` names whose contexts a run uses (contexts are never shared between apps).
   */
  constructor(
    private readonly limits: ScriptLimits = DEFAULT_LIMITS,
    pool: Partial<PoolOptions> | WorkerPool = {},
    private readonly app = "",
  ) {
    this.owner = !(pool instanceof WorkerPool);
    this.pool = pool instanceof WorkerPool ? pool : new WorkerPool(pool);
  }

  /** The same workers, with contexts of app `app` only (give an id that is never reused). */
  forApp(app: string): Sandbox {
    return new Sandbox(this.limits, this.pool, app);
  }

  /** Workers running now. */
  get workers(): number {
    return this.pool.size;
  }

  /**
   * Run one script body with `input` (JSON-able) and the host's powers; returns what it
   * returns. `deadline` (epoch ms) is when the run it belongs to must be over: a script
   * still waiting for a worker then is dropped, and none runs past it.
   */
  async run(code: string, input: unknown, host: ScriptHost, opts: Partial<ScriptLimits> = {}, deadline?: number): Promise<unknown> {
    const job = {
      app: this.app,
      code,
      input: JSON.stringify(input ?? null),
      meta: JSON.stringify(host.meta() ?? null),
      limits: { ...this.limits, ...opts },
      deadline,
    };
    return JSON.parse(await this.pool.run(job, host));
  }

  /** Stop the workers (at shutdown); a view made by forApp leaves them to its owner. */
  close(): void {
    if (this.owner) this.pool.close();
  }
}
