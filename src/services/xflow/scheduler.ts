// Cron-triggered flows (croner). Jobs follow the models: rebuilt whenever a model is saved
// or apps change. Missed runs: when the server was down across scheduled times, each
// flow that had run before is run ONCE at start-up to catch up (not once per missed
// time: a flow that reports "overdue tasks" should not fire twenty times after a
// weekend), with input {scheduled, missed: true}. A flow never run before waits for its
// next time. Runs of one flow never overlap. Every server on a database keeps the
// schedule; each due time is claimed in the database, and only the claimer runs it.
import { Cron } from "croner";
import type { Services } from "../index";
import type { XFlowService } from "./service";

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
          job = new Cron(t.cron, { timezone: typeof t.timezone === "string" ? t.timezone : undefined, protect: true }, (self: Cron) =>
            this.fire(rt.id, app.slug, flow.name, self.previousRuns(1, new Date(Date.now() + 1))[0] ?? new Date(), false),
          );
        } catch (e) {
          console.error(`torque: scheduler: flow ${flow.name} of ${app.slug} has a bad cron "${t.cron}": ${(e as Error).message}`);
          continue;
        }
        this.jobs.push(job);
        if (catchUp) {
          const last = await this.xflows.runs.lastStart(rt.id, flow.name, "schedule");
          const previous = job.previousRuns(1, new Date())[0];
          if (last && previous && previous.getTime() > Date.parse(last)) void this.fire(rt.id, app.slug, flow.name, previous, true);
        }
      }
    }
  }

  private async fire(appId: number, app: string, flow: string, scheduled: Date, missed: boolean) {
    try {
      // Several servers on one database each keep the schedule: one of them runs each due time.
      if (!(await this.xflows.runs.claim(appId, flow, scheduled.toISOString()))) return;
      await this.xflows.execute(app, flow, { scheduled: scheduled.toISOString(), missed }, { actor: { kind: "system", id: "scheduler" }, trigger: "schedule" });
    } catch (e) {
      console.error(`torque: scheduled flow ${flow} of ${app} did not run: ${(e as Error).message}`);
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
