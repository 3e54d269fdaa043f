/** @jsxImportSource react */
// The flow's own settings, shown when no step is selected: how it is started (by hand; on
// a write of an entity type, before or after; by its webhook, whose address is shown for
// each app running the model; on a schedule, with its next run times, and a cron
// expression that cannot be read or never fires named before anything is saved), the
// JSON Schemas its input and output must match, and its time limit.
import { Code, Select, Stack, Text, Title } from "@mantine/core";
import { Cron } from "croner";
import { useMemo, useState } from "react";
import type { Model, XFlow } from "../../../src/model/schema";
import { cronProblem } from "../../../src/xflow/validate";
import { CommitNumber, CommitText } from "../common/CommitInput";
import { useI18n } from "../lib/i18n";
import { useRun } from "../state/context";
import { setFlowSetting } from "../state/flowActions";
import { LazyCode } from "./code/LazyCode";

const EVENTS = ["beforeCreate", "afterCreate", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"];

export function FlowSettings({ doc, flow, apps, problemAt }: { doc: Model; flow: XFlow; apps: string[]; problemAt(path: string): string | undefined }) {
  const { t } = useI18n();
  const run = useRun();
  const trigger = (flow.trigger ?? { type: "manual" }) as NonNullable<XFlow["trigger"]>;
  const setTrigger = (next: Record<string, unknown>) => run(setFlowSetting(flow, "trigger", next));
  return (
    <Stack gap="sm" data-testid="flow-settings">
      <Title order={3} size="h5">
        {t("flowsSettingsTitle")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("flowsSettingsHint")}
      </Text>
      <Select
        label={t("flowsTriggerType")}
        data={[
          { value: "manual", label: t("flowsTriggerTypeManual") },
          { value: "entity", label: t("flowsTriggerTypeEntity") },
          { value: "webhook", label: t("flowsTriggerTypeWebhook") },
          { value: "schedule", label: t("flowsTriggerTypeSchedule") },
        ]}
        value={trigger.type}
        allowDeselect={false}
        error={problemAt("/trigger/type")}
        comboboxProps={{ withinPortal: true }}
        onChange={(v) => {
          if (!v || v === trigger.type) return;
          // Each type starts with what it needs filled in, so the change is saved at once.
          if (v === "entity") setTrigger({ type: v, entity: doc.entities[0]?.name ?? "", event: "beforeCreate" });
          else if (v === "schedule") setTrigger({ type: v, cron: "0 9 * * *" });
          else setTrigger({ type: v });
        }}
      />
      {trigger.type === "entity" && (
        <>
          <Select
            label={t("flowsTriggerEntityType")}
            data={doc.entities.map((e) => e.name)}
            value={typeof trigger.entity === "string" ? trigger.entity : null}
            allowDeselect={false}
            error={problemAt("/trigger/entity")}
            comboboxProps={{ withinPortal: true }}
            onChange={(v) => v && setTrigger({ ...trigger, entity: v })}
          />
          <Select
            label={t("flowsTriggerEvent")}
            description={t("flowsTriggerEventHint")}
            data={EVENTS}
            value={typeof trigger.event === "string" ? trigger.event : null}
            allowDeselect={false}
            error={problemAt("/trigger/event")}
            comboboxProps={{ withinPortal: true }}
            onChange={(v) => v && setTrigger({ ...trigger, event: v })}
          />
        </>
      )}
      {trigger.type === "webhook" && (
        <Stack gap={4} data-testid="webhook-urls">
          <Text size="sm">{t("flowsWebhookHint")}</Text>
          {apps.length ? (
            apps.map((slug) => (
              <Code key={slug} block>
                {`POST ${location.origin}/hooks/${encodeURIComponent(slug)}/${encodeURIComponent(flow.name)}`}
              </Code>
            ))
          ) : (
            <Text size="sm" c="dimmed">
              {t("flowsWebhookNoApp")}
            </Text>
          )}
        </Stack>
      )}
      {trigger.type === "schedule" && <Schedule trigger={trigger} problem={problemAt("/trigger/cron")} onSet={setTrigger} />}
      <Schema label={t("flowsInputSchema")} hint={t("flowsInputSchemaHint")} value={flow.input} onSet={(v) => run(setFlowSetting(flow, "input", v))} />
      <Schema label={t("flowsOutputSchema")} hint={t("flowsOutputSchemaHint")} value={flow.output} onSet={(v) => run(setFlowSetting(flow, "output", v))} />
      <CommitNumber
        label={t("flowsTimeout")}
        description={t("flowsTimeoutHint")}
        value={flow.timeoutMs}
        min={1}
        max={600_000}
        problem={problemAt("/timeoutMs")}
        onCommit={(v) => void run(setFlowSetting(flow, "timeoutMs", v))}
      />
    </Stack>
  );
}

function Schedule({ trigger, problem, onSet }: { trigger: NonNullable<XFlow["trigger"]>; problem?: string; onSet(next: Record<string, unknown>): void }) {
  const { t, language } = useI18n();
  const cron = typeof trigger.cron === "string" ? trigger.cron : "";
  const timezone = typeof trigger.timezone === "string" ? trigger.timezone : undefined;
  // Worked out when the expression or zone changes, not on every render (a check can take tens of ms).
  const next = useMemo(() => (cronProblem(cron, timezone) ? [] : new Cron(cron, { paused: true, timezone }).nextRuns(5)), [cron, timezone]);
  return (
    <>
      <CommitText
        label={t("flowsCron")}
        description={t("flowsCronHint")}
        value={cron}
        spellCheck={false}
        problem={problem}
        check={(v) => cronProblem(v, timezone) ?? null}
        onCommit={(v) => onSet({ ...trigger, cron: v })}
      />
      <CommitText
        label={t("flowsTimezone")}
        description={t("flowsTimezoneHint")}
        value={timezone ?? ""}
        spellCheck={false}
        check={(v) => (v ? (cronProblem(cron || "* * * * *", v) ?? null) : null)}
        onCommit={(v) => {
          const { timezone: _tz, ...rest } = trigger;
          onSet(v ? { ...rest, timezone: v } : rest);
        }}
      />
      <Stack gap={2} data-testid="cron-next">
        <Text size="sm" fw={600}>
          {t("flowsCronNext")}
        </Text>
        {next.map((d) => (
          <Text key={d.toISOString()} size="sm" data-next>
            {d.toLocaleString(language, { dateStyle: "medium", timeStyle: "short", timeZone: timezone })}
          </Text>
        ))}
      </Stack>
    </>
  );
}

function Schema({ label, hint, value, onSet }: { label: string; hint: string; value: unknown; onSet(v: unknown): void }) {
  const { t } = useI18n();
  const [bad, setBad] = useState<string | null>(null);
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500} component="div">
        {label}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
      <LazyCode
        value={value === undefined ? "" : JSON.stringify(value, null, 2)}
        label={label}
        language="json"
        minLines={3}
        problem={bad}
        onCommit={(text) => {
          setBad(null);
          if (!text.trim()) return onSet(undefined);
          try {
            const v = JSON.parse(text);
            if (!v || typeof v !== "object" || Array.isArray(v)) setBad(t("flowsSchemaNotObject"));
            else onSet(v);
          } catch (e) {
            setBad(t("flowsJsonInvalid", { message: (e as Error).message }));
          }
        }}
      />
    </Stack>
  );
}
