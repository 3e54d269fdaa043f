// Legacy flows (`trigger`, `steps[]` with `condition` and `configuration`) → xflows: a
// linear chain start → one script node per mappable step → end. Flows with no mappable
// step are dropped, and each step that does not map is named in the report.
import type { XFlow } from "../schema";
import { arr, type Ctx, type EntityInfo, entityOf, lookup, num, type Obj, obj, show, str, sub, toName, uniqueName } from "./context";
import { stepToScript } from "./steps";

type Trigger = NonNullable<XFlow["trigger"]>;
/** Nodes carry settings beside id and type (the schema allows any). */
type FlowNode = XFlow["nodes"][number] & Record<string, unknown>;
interface TriggerInfo {
  trigger: Trigger;
  entity?: EntityInfo;
  action?: string;
  timing?: "before" | "after";
}

const EVENT = /^(before|after)?_?(create|insert|update|save|delete|remove)d?$/i;
const ACTIONS: Record<string, string> = { create: "create", insert: "create", update: "update", save: "update", delete: "delete", remove: "delete" };

export function convertFlows(legacy: unknown[], ctx: Ctx): XFlow[] {
  const out: XFlow[] = [];
  const taken = new Set<string>();
  legacy.forEach((raw, i) => {
    const f = obj(raw),
      path = sub("", "flows", i);
    const legacyName = str(f?.name) ?? `flow_${i + 1}`;
    const t = f && convertTrigger(obj(f.trigger), path, legacyName, ctx);
    if (!f || !t) return;
    const flow = convertFlow(f, path, legacyName, t, ctx);
    if (!flow) return;
    flow.name = uniqueName(toName(legacyName), taken);
    if (flow.name !== legacyName) ctx.report.changed(sub(path, "name"), `flow "${legacyName}" renamed to "${flow.name}"`);
    out.push(flow);
  });
  return out;
}

/** `path` is the flow's pointer: a trigger that cannot work drops the whole flow. */
function convertTrigger(t: Obj | undefined, path: string, flow: string, ctx: Ctx): TriggerInfo | undefined {
  const type = str(t?.type) ?? "Manual";
  const config = obj(t?.config) ?? t ?? {};
  switch (type.toLowerCase()) {
    case "entityevent":
    case "entity": {
      const entity = entityOf(ctx, config.entity);
      const m = EVENT.exec(str(config.event) ?? "");
      if (!entity || !m) {
        ctx.report.dropped(
          path,
          `flow ${flow} dropped: its trigger (${JSON.stringify(config.entity)}, ${JSON.stringify(config.event)}) names no known entity type and event`,
        );
        return undefined;
      }
      const timing = (m[1]?.toLowerCase() ?? "after") as "before" | "after";
      const action = lookup(ACTIONS, m[2]!.toLowerCase())!;
      return { trigger: { type: "entity", entity: entity.def.name, event: eventName(timing, action) }, entity, action, timing };
    }
    case "schedule":
    case "cron": {
      const cron = str(config.cron) ?? str(config.expression);
      if (!cron) {
        ctx.report.dropped(path, `flow ${flow} dropped: its schedule has no cron expression`);
        return undefined;
      }
      return { trigger: { type: "schedule", cron, ...(str(config.timezone) && { timezone: str(config.timezone) }) } };
    }
    case "webhook":
      return { trigger: { type: "webhook" } };
    case "manual":
      return { trigger: { type: "manual" } };
    default:
      ctx.report.changed(sub(path, "trigger", "type"), `trigger type "${type}" of flow ${flow} is unknown; the flow runs manually`);
      return { trigger: { type: "manual" } };
  }
}

const eventName = (timing: string, action: string): string => timing + action[0]!.toUpperCase() + action.slice(1);

function convertFlow(f: Obj, path: string, legacyName: string, t: TriggerInfo, ctx: Ctx): XFlow | undefined {
  const { report } = ctx;
  const retry = retrySettings(obj(f.error_handling));
  const ids = new Set(["start", "end"]);
  const nodes: FlowNode[] = [{ id: "start", type: "start" }];
  arr(f.steps).forEach((raw, k) => {
    const step = obj(raw),
      spath = sub(path, "steps", k);
    const stepName = str(step?.name) ?? `step_${k + 1}`;
    const result = step ? stepToScript(step, spath, { entity: t.entity, action: t.action, report }) : { reason: "it is not an object" };
    if ("reason" in result) return report.dropped(spath, `step ${stepName} of flow ${legacyName} (${show(step?.type ?? "untyped")}) dropped: ${result.reason}`);
    if (result.note) report.changed(spath, `step ${stepName} of flow ${legacyName}: ${result.note}`);
    nodes.push({ id: uniqueName(toName(stepName), ids), type: "script", code: result.code, ...(retry && { retry }) });
  });
  if (nodes.length === 1) {
    report.dropped(path, `flow ${legacyName} dropped: none of its steps can be expressed in Torque`);
    return undefined;
  }
  nodes.push({ id: "end", type: "end" });

  // Changing or vetoing the record being written is what before* flows do.
  if (t.timing === "after" && t.entity && t.action) {
    t.trigger.event = eventName("before", t.action);
    report.changed(
      sub(path, "trigger"),
      `flow ${legacyName} runs before the ${t.action} (${String(t.trigger.event)}) instead of after: its steps change or check the record being written, which a before* flow does by returning data (or throwing)`,
    );
  }
  const onError = str(obj(f.error_handling)?.on_error);
  if (onError && onError !== "Stop" && onError !== "Rollback")
    report.changed(
      sub(path, "error_handling", "on_error"),
      `on_error "${onError}" of flow ${legacyName} is not supported: a failing step fails the run${t.timing ? " and rejects the write" : ""}`,
    );

  return {
    name: legacyName,
    description: `Imported from the legacy flow ${legacyName}${str(f.type) ? ` (${str(f.type)})` : ""}.`,
    trigger: t.trigger,
    nodes,
    edges: nodes.slice(1).map((n, k) => ({ from: nodes[k]!.id, to: n.id })),
  };
}

function retrySettings(eh: Obj | undefined): { attempts: number; backoffMs: number } | undefined {
  const attempts = num(eh?.retry_attempts);
  if (!attempts || attempts < 1) return undefined;
  return { attempts: Math.floor(attempts), backoffMs: Math.max(0, Math.round((num(eh?.retry_delay_seconds) ?? 0) * 1000)) };
}
