// Picks a record of the referenced entity type: a combobox that searches the type's
// display field on the server as the user types, and shows the chosen record's label
// (fetched through the source's batched, cached labels).
import { createEffect, createSignal, on } from "solid-js";
import { recordLabel } from "../../lib/source";
import { Combobox } from "./Combobox";
import type { InputProps } from "./inputs/types";
import { t } from "./messages";

export function ReferencePicker(props: InputProps) {
  const target = () => props.field.def.entity ?? "";
  const display = () => props.field.def.display ?? props.ctx.entityMeta(target())?.display ?? null;
  const id = () => (typeof props.value === "string" ? props.value : "");
  const [label, setLabel] = createSignal("");
  /** The label of a record just picked, so it needs no lookup. */
  let picked: { id: string; label: string } | undefined;

  createEffect(
    on(id, (v) => {
      if (!v) return setLabel("");
      if (picked?.id === v) return setLabel(picked.label);
      setLabel(v);
      props.ctx.source.labels(target(), [v]).then(
        (m) => id() === v && setLabel(m.get(v) ?? v),
        () => {}, // the id stays shown: still a usable value
      );
    }),
  );

  const search = async (text: string, signal: AbortSignal) => {
    const d = display();
    const q = text.trim();
    const sortable = d && props.ctx.entityMeta(target())?.fields.find((f) => f.name === d)?.sortable;
    const page = await props.ctx.source.query(
      target(),
      {
        ...(q && d && { filter: { [d]: { contains: q } } }),
        limit: 20,
        ...(d && { fields: [d] }),
        ...(sortable && { sort: [{ field: d, dir: "asc" as const }] }),
      },
      signal,
    );
    return { options: page.data.map((r) => ({ value: r.id, label: recordLabel(r, d) })), more: !!page.pagination.nextCursor };
  };

  return (
    <Combobox
      id={props.field.controlId}
      labelledBy={props.field.labelId}
      value={id()}
      label={label()}
      search={search}
      onSelect={(o) => {
        picked = o ? { id: o.value, label: o.label } : undefined;
        props.set(o ? o.value : "");
      }}
      required={props.field.def.required}
      invalid={props.invalid}
      describedBy={props.describedBy}
      clearLabel={props.field.def.required ? undefined : t("clear", { label: props.field.label })}
      placeholder={t("typeToSearch")}
    />
  );
}
