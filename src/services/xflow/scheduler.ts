// Cron-triggered flows (croner). Jobs follow the models: rebuilt whenever a model is saved
// or apps change. Missed runs: when the server was down across scheduled times, each
// flow that had run before is run ONCE at start-up to catch up (not once per missed
// time: a flow that reports "overdue tasks" should not fire twenty times after a
// weekend), with input {scheduled, missed: true}. A flow never run before waits for its
// next time. Runs of one flow never overlap. Every server on a database keeps the
// schedule; each due time is claimed in the database, and only the claimer runs it; while
// a claimed run is unfinished (within the flow's time limit) no server claims another.
import { Cron } from "croner";
import { DEFAULT_RUN_TIMEOUT_MS } from "../../xflow/types";
import type { Services } from "../index";
import type { XFlowService } from "./service";

/** How long a run of the flow may last (its own timeoutMs, else the default). */
const runLimit = (flow: unknown): number => {
  const ms = Number((flow as { timeoutMs?: unknown }).timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_RUN_TIMEOUT_MS;
};

export class Scheduler {
  private jobs: Cron[] = [];
  private stopped = false;
  private rebuilding: Promise<void> = Promise.resolve();

  constructor(
    private readonly s: Services,
    private readonly xflows: XFlowService,
  ) {
    s.events.on("modelChanged", () => this.rebuild());
    s.events.on("appsChanged", () => this.rebuild());
  }

  start(): Promise<void> {
    return this.rebuild(true);
  }

  rebuild(catchUp = false): Promise<void> {
    this.rebuilding = this.rebuilding.then(() => this.build(catchUp)).catch((e) => console.error(`torque: scheduler: ${(e as Error).message}`));
    return this.rebuilding;
  }

  private async build(catchUp: boolean) {
    for (const j of this.jobs) j.stop();
    this.jobs = [];
    if (this.stopped) return;
    for (const app of await this.s.apps.list()) {
      const rt = await this.s.apps.runtime(app.slug);
      for (const flow of this.xflows.flowsOf(rt)) {
        const t = flow.trigger;
        if (t?.type !== "schedule" || typeof t.cron !== "string") continue;
        let job: Cron;
        try {
          // Fired at its due time (croner hands the moment it woke, a few ms later): the due
          // time names the run, so every server claims the same one.
          const limit = runLimit(flow);
          job = new Cron(t.cron, { timezone: typeof t.timezone === "string" ? t.timezone : undefined, protect: true }, (self: Cron) =>
            this.fire(rt.id, app.slug, flow.name, limit, self.previousRuns(1, new Date(Date.now() + 1))[0] ?? new Date(), false),
          );
        } catch (e) {
          console.error(`torque: scheduler: flow ${flow.name} of ${app.slug} has a bad cron "${t.cron}": ${(e as Error).message}`);
          continue;
        }
        this.jobs.push(job);
        if (catchUp) {
          const last = await this.xflows.runs.lastStart(rt.id, flow.name, "schedule");
          const previous = job.previousRuns(1, new Date())[0];
          if (last && previous && previous.getTime() > Date.parse(last)) void this.fire(rt.id, app.slug, flow.name, runLimit(flow), previous, true);
        }
      }
    }
  }

  private async fire(appId: number, app: string, flow: string, limitMs: number, scheduled: Date, missed: boolean) {
    const at = scheduled.toISOString();
    try {
      // Several servers on one database each keep the schedule: one of them runs each due
      // time, and none while a run of the flow is still going on any of them.
      if (!(await this.xflows.runs.claim(appId, flow, at, limitMs))) return;
    } catch (e) {
      console.error(`torque: scheduled flow ${flow} of ${app} did not run: ${(e as Error).message}`);
      return;
    }
    try {
      await this.xflows.execute(app, flow, { scheduled: at, missed }, { actor: { kind: "system", id: "scheduler" }, trigger: "schedule" });
    } catch (e) {
      console.error(`torque: scheduled flow ${flow} of ${app} did not run: ${(e as Error).message}`);
    } finally {
      await this.xflows.runs.finish(appId, flow, at).catch((e) => console.error(`torque: scheduled flow ${flow} of ${app}: ${(e as Error).message}`));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const j of this.jobs) j.stop();
    this.jobs = [];
  }

  get size(): number {
    return this.jobs.length;
  }
}
