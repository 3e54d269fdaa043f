// `torque xflow …`: list, execute, runs, validate.
import { TorqueError } from "../../lib/errors";
import { isPlainObject, parseJson } from "../../lib/json";
import { checkFlow, checkModel } from "../../services/models";
import { runSummary } from "../../services/xflow/service";
import { type Command, JSON_OPTION, UsageError } from "../command";
import { table } from "../table";
import { intOption, readJsonFile } from "./io";

const json = JSON_OPTION;
const app = { type: "string", description: "the app (slug)" } as const;

export const xflowCommand: Command = {
  name: "xflow",
  summary: "workflows: list, execute, runs, validate",
  usage: "COMMAND [ARGS]",
  subcommands: [
    {
      name: "list",
      summary: "list an app's workflows (or every app's)",
      usage: "[--app S] [--json]",
      options: { json, app },
      positionals: [0, 0],
      async run(ctx) {
        const s = await ctx.services();
        const apps = typeof ctx.opts.app === "string" ? [ctx.opts.app] : (await s.apps.list()).map((a) => a.slug);
        const rows = (await Promise.all(apps.map(async (a) => (await s.xflows.list(a)).map((f) => ({ app: a, ...f }))))).flat();
        if (ctx.opts.json) return ctx.json(rows);
        ctx.out(
          rows.length
            ? table(
                ["APP", "XFLOW", "TRIGGER"],
                rows.map((r) => [r.app, r.name, r.trigger]),
              )
            : "no workflows",
        );
      },
    },
    {
      name: "execute",
      summary: "run a workflow and print its output (exit 1 when it fails)",
      usage: "NAME --app S [--input JSON] [--json]",
      positionals: [1, 1],
      options: { json, app, input: { type: "string", short: "i", description: "the flow's input as JSON (default {})" } },
      async run(ctx) {
        if (typeof ctx.opts.app !== "string") throw new UsageError("--app is required");
        const input = typeof ctx.opts.input === "string" ? parseJson(ctx.opts.input, "--input") : {};
        const run = await (await ctx.services()).xflows.execute(ctx.opts.app, ctx.args[0]!, input, { actor: await ctx.actor() });
        if (ctx.opts.json) ctx.json(runSummary(run));
        else if (run.status === "succeeded") ctx.out(JSON.stringify(run.output ?? null, null, 2));
        if (run.status === "failed") {
          ctx.err(`torque: workflow ${run.xflow} failed${run.error?.node ? ` at node ${run.error.node}` : ""}: ${run.error?.message} (run ${run.id})`);
          return 1;
        }
      },
    },
    {
      name: "runs",
      summary: "recent workflow runs, newest first",
      usage: "[--app S] [--xflow NAME] [--limit N] [--json]",
      positionals: [0, 0],
      options: {
        json,
        app,
        xflow: { type: "string", description: "only this workflow" },
        limit: { type: "string", short: "n", description: "how many (default 20)" },
      },
      async run(ctx) {
        const runs = await (await ctx.services()).xflows.listRuns(
          {
            app: ctx.opts.app as string | undefined,
            xflow: ctx.opts.xflow as string | undefined,
            limit: intOption(ctx, "limit") ?? 20,
          },
          await ctx.actor(),
        );
        if (ctx.opts.json) return ctx.json(runs);
        ctx.out(
          runs.length
            ? table(
                ["STARTED", "APP", "XFLOW", "TRIGGER", "STATUS", "MS", "ERROR"],
                runs.map((r) => [
                  r.startedAt,
                  r.app,
                  r.xflow,
                  r.trigger,
                  r.status,
                  r.durationMs.toFixed(1),
                  r.error ? `${r.error.node ?? ""}: ${r.error.message}` : "",
                ]),
              )
            : "no runs yet",
        );
      },
    },
    {
      name: "validate",
      summary: "check a workflow file (one flow, or a model with xflows)",
      usage: "FILE [--json]",
      options: { json },
      positionals: [1, 1],
      async run(ctx) {
        const doc = await readJsonFile(ctx.args[0]!);
        if (!isPlainObject(doc)) throw new TorqueError("bad_request", `${ctx.args[0]} must hold a JSON object`);
        const issues = Array.isArray(doc.entities)
          ? checkModel(doc).filter((i) => i.path?.startsWith("/xflows"))
          : Array.isArray(doc.nodes) && Array.isArray(doc.edges)
            ? checkFlow(doc as never)
            : [{ path: "", rule: "type", message: "expected a flow {name, nodes, edges} or a model with xflows" }];
        if (ctx.opts.json) ctx.json({ valid: issues.length === 0, issues });
        else if (!issues.length) ctx.out(`${ctx.args[0]}: valid`);
        else {
          ctx.err(`${ctx.args[0]}: ${issues.length} problem(s)`);
          for (const i of issues) ctx.err(`  ${i.path || "/"}: ${i.message} [${i.rule}]`);
        }
        return issues.length ? 1 : 0;
      },
    },
  ],
};
