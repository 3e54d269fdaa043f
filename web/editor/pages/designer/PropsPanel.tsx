/** @jsxImportSource react */
// The selected component's settings, generated from its type's description (props.ts):
// one control per described prop, each a picker that knows the model. Every change writes
// the component's props as one action (undoable, saved, checked by the server). Props the
// description does not cover are kept and named, so nothing set elsewhere is lost.
import { Checkbox, MultiSelect, NativeSelect, Stack, Text, Title } from "@mantine/core";
import { componentRefs } from "../../../../src/model/components";
import type { Component, Model, Page } from "../../../../src/model/schema";
import { CommitNumber, CommitText, CommitTextarea } from "../../common/CommitInput";
import { useI18n } from "../../lib/i18n";
import { setComponentProps } from "../../state/componentActions";
import { useEditor, useRun } from "../../state/context";
import { FilterBuilder } from "./FilterBuilder";
import { holdersOf } from "./layout";
import { ACTIONS, COMPONENT_PROPS, fieldProps, type PropSpec } from "./props";
import { SortBuilder } from "./SortBuilder";

type Props = Record<string, unknown>;

/** The name a field-kind prop holds (`groupBy` may be `{field, bucket}`). */
const fieldName = (v: unknown) => (typeof v === "string" ? v : v && typeof v === "object" ? String((v as Props).field ?? "") : "");

export function PropsPanel({ page, component }: { page: Page; component: Component }) {
  const { t } = useI18n();
  const run = useRun();
  const entities = useEditor((s) => s.doc.entities);
  const pages = useEditor((s) => s.doc.pages);
  const flows = useEditor((s) => s.doc.xflows);
  const props: Props = component.props ?? {};
  const specs = COMPONENT_PROPS[component.type];
  const described = new Set(specs.map((s) => s.name));
  const others = Object.keys(props).filter((k) => !described.has(k));
  const entity = entities.find((e) => e.name === props.entity);
  const fields = entity?.fields.map((f) => f.name) ?? [];
  const unset = { value: "", label: t("propUnset") };
  const holders = holdersOf(page, component.id);

  const write = (next: Props, what: string) => {
    run(setComponentProps(page.name, component.id, next, what));
  };
  const set = (name: string, value: unknown) => {
    const next = { ...props };
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0 && name !== "children")) delete next[name];
    else next[name] = value;
    write(next, name);
  };

  const control = (spec: PropSpec) => {
    const label = t(spec.label);
    const v = props[spec.name];
    switch (spec.kind) {
      case "text":
        return spec.multiline ? (
          <CommitTextarea label={label} value={typeof v === "string" ? v : ""} onCommit={(x) => set(spec.name, x)} autosize minRows={2} maxLength={4000} />
        ) : (
          <CommitText label={label} value={typeof v === "string" ? v : ""} onCommit={(x) => set(spec.name, x.trim())} maxLength={400} />
        );
      case "number":
        return (
          <CommitNumber
            label={label}
            value={typeof v === "number" ? v : undefined}
            min={spec.min}
            max={spec.max}
            allowDecimal={false}
            onCommit={(x) => set(spec.name, x)}
          />
        );
      case "boolean":
        return (
          <Checkbox
            label={label}
            checked={typeof v === "boolean" ? v : spec.initial}
            onChange={(e) => set(spec.name, e.currentTarget.checked === spec.initial ? undefined : e.currentTarget.checked)}
          />
        );
      case "choice":
        return (
          <NativeSelect
            label={label}
            value={typeof v === "string" ? v : ""}
            data={[unset, ...spec.options.map((o) => ({ value: o, label: o }))]}
            onChange={(e) => set(spec.name, e.currentTarget.value)}
          />
        );
      case "entity":
        return (
          <NativeSelect
            label={label}
            description={t("propsEntityChangeNote")}
            value={typeof v === "string" ? v : ""}
            data={[
              ...(typeof v === "string" && entities.some((e) => e.name === v) ? [] : [unset]),
              ...entities.map((e) => ({ value: e.name, label: e.label ? `${e.name} (${e.label})` : e.name })),
            ]}
            onChange={(e) => {
              const next: Props = { ...props, entity: e.currentTarget.value };
              // The old type's field names mean nothing to the new one: every prop naming a
              // field (as the validator finds them), and a chart's `field` (its `y`).
              for (const k of fieldProps(component.type)) delete next[k];
              for (const r of componentRefs[component.type](props)) if (r.kind === "field") delete next[String(r.path[0])];
              if (component.type === "Chart") delete next.field;
              write(next, spec.name);
            }}
          />
        );
      case "field":
        return (
          <NativeSelect
            label={label}
            value={fieldName(v)}
            data={[unset, ...fields.map((f) => ({ value: f, label: f }))]}
            disabled={!entity}
            onChange={(e) => {
              const f = e.currentTarget.value;
              // A grouping with a time bucket keeps its bucket.
              set(spec.name, f && v && typeof v === "object" ? { ...(v as Props), field: f } : f);
            }}
          />
        );
      case "fields":
        return (
          <MultiSelect
            label={label}
            value={Array.isArray(v) ? v.map(fieldName) : []}
            data={[...new Set([...fields, ...(Array.isArray(v) ? v.map(fieldName) : [])])]}
            disabled={!entity}
            searchable
            onChange={(names) => {
              // Columns given as {field, label} keep their labels.
              const before = new Map((Array.isArray(v) ? v : []).map((x) => [fieldName(x), x]));
              set(
                spec.name,
                names.map((n) => before.get(n) ?? n),
              );
            }}
          />
        );
      case "page":
        return (
          <NativeSelect
            label={label}
            value={typeof v === "string" ? v : ""}
            data={[unset, ...(pages ?? []).map((p) => p.name)]}
            onChange={(e) => set(spec.name, e.currentTarget.value)}
          />
        );
      case "children":
        return (
          <MultiSelect
            label={label}
            value={Array.isArray(v) ? v.map(String) : []}
            // Not itself, nor what holds it (a cycle the app could not draw).
            data={page.components.filter((c) => c.id !== component.id && !holders.has(c.id)).map((c) => ({ value: c.id, label: `${c.id} (${c.type})` }))}
            searchable
            onChange={(ids) => set(spec.name, ids)}
          />
        );
      case "sort":
        return <SortBuilder entity={entity} value={v} onChange={(x) => set(spec.name, x)} />;
      case "filter":
        return <FilterBuilder entity={entity} value={v} onChange={(x) => set(spec.name, x)} />;
      case "action":
        return <ActionControl doc={{ pages, xflows: flows, entities } as Model} page={page} value={v} onChange={(a) => set(spec.name, a)} />;
    }
  };

  return (
    <Stack gap="xs" component="section" aria-labelledby="props-title" data-testid="designer-props">
      <Title order={4} size="h5" id="props-title">
        {t("propsTitle")}
      </Title>
      {specs.map((spec) => (
        <div key={spec.name} data-prop={spec.name}>
          {control(spec)}
        </div>
      ))}
      {others.length ? (
        <Text size="xs" c="dimmed">
          {t("propsOther", { names: others.join(", ") })}
        </Text>
      ) : null}
    </Stack>
  );
}

/** A Button's action: its type, then the one thing that type names (an entity type, a page, a dialog or a workflow). */
function ActionControl({ doc, page, value, onChange }: { doc: Model; page: Page; value: unknown; onChange(a: Props | undefined): void }) {
  const { t } = useI18n();
  const a = value && typeof value === "object" ? (value as Props) : undefined;
  const type = typeof a?.type === "string" ? a.type : "";
  const needs = ACTIONS[type] ?? [];
  const options = {
    entity: doc.entities.map((e) => e.name),
    page: (doc.pages ?? []).map((p) => p.name),
    modal: page.components.filter((c) => c.type === "Modal").map((c) => c.id),
    xflow: (doc.xflows ?? []).map((f) => f.name),
  };
  const labels = { entity: "propTargetEntity", page: "propTargetPage", modal: "propTargetModal", xflow: "propTargetXflow" } as const;
  return (
    <Stack gap={6}>
      <NativeSelect
        label={t("propAction")}
        value={type}
        // A type whose target does not exist yet (no dialog on the page, no workflow) cannot be chosen.
        data={[
          { value: "", label: t("propActionNone") },
          ...Object.entries(ACTIONS).map(([k, needs]) => ({ value: k, label: k, disabled: needs.some((n) => !options[n].length) && k !== type })),
        ]}
        onChange={(e) => {
          const next = e.currentTarget.value;
          if (!next) return onChange(undefined);
          // Keep what the new type names too (an entity for create after openForm); start the rest on the first choice.
          const kept: Props = { type: next };
          for (const k of ACTIONS[next]!) kept[k] = a?.[k] !== undefined && options[k].includes(String(a[k])) ? a[k] : options[k][0];
          onChange(kept);
        }}
      />
      {needs.map((k) => (
        <NativeSelect
          key={k}
          label={t(labels[k])}
          value={typeof a?.[k] === "string" ? (a[k] as string) : ""}
          data={[...(typeof a?.[k] === "string" && options[k].includes(a[k] as string) ? [] : [{ value: "", label: t("propUnset") }]), ...options[k]]}
          onChange={(e) => onChange({ ...a, [k]: e.currentTarget.value })}
        />
      ))}
    </Stack>
  );
}
