/** @jsxImportSource react */
// Relate two entity types: the kind (1:n unless chosen otherwise), the relationship's name
// (from_to, editable) and, for 1:1 and 1:n, the reference field on the `to` side that holds
// it (named after `from`, or an existing reference to `from`). Opened by a drag from one
// node to another (the target given) or by "C" on a selected node (the target chosen here).
import { Button, Group, Modal, Radio, Select, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, memo, useEffect, useMemo, useState } from "react";
import type { Model, Relationship } from "../../../src/model/schema";
import { RESERVED_FIELD_NAMES } from "../common/names";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { uniqueName } from "../state/actions";
import type { Action } from "../state/store";
import { connect, keyFieldsFor } from "./actions";
import { useLast } from "./useLast";

type Kind = Relationship["kind"];
const KINDS: Kind[] = ["1:n", "1:1", "n:m"];
const KIND_TEXT = { "1:n": "erdKind1n", "1:1": "erdKind11", "n:m": "erdKindNm" } as const;

export interface ConnectRequest {
  from: string;
  to?: string;
}

// Memoised: the diagram re-renders on every frame of a drag, this does not need to.
export const ConnectModal = memo(function ConnectModal({
  doc,
  request,
  onClose,
  onConnect,
}: {
  doc: Model;
  request: ConnectRequest | null;
  onClose(): void;
  onConnect(a: Action): void;
}) {
  const { t } = useI18n();
  const checkName = useNameCheck("quoted");
  const shown = useLast(request);
  const from = shown?.from ?? "";
  const [to, setTo] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>("1:n");
  const [name, setName] = useState("");
  const [nameEdited, setNameEdited] = useState(false);
  const [key, setKey] = useState("");
  const [keyEdited, setKeyEdited] = useState(false);
  const [tried, setTried] = useState(false);
  const relNames = useMemo(() => (doc.relationships ?? []).map((r) => r.name), [doc]);
  const toFields = useMemo(() => doc.entities.find((e) => e.name === to)?.fields ?? [], [doc, to]);

  // Each opening starts from the request.
  useEffect(() => {
    if (!request) return;
    setTo(request.to ?? null);
    setKind("1:n");
    setNameEdited(false);
    setKeyEdited(false);
    setTried(false);
  }, [request]);
  // The suggested names follow the target until the user types their own.
  useEffect(() => {
    if (!request) return;
    if (!nameEdited) setName(to ? uniqueName(relNames, `${request.from}_${to}`) : "");
    if (!keyEdited)
      setKey(
        to
          ? (keyFieldsFor(doc, request.from, to)[0] ??
              uniqueName(
                toFields.map((f) => f.name),
                request.from,
              ))
          : "",
      );
  }, [request, to, nameEdited, keyEdited, relNames, doc, toFields]);

  const needsKey = kind !== "n:m";
  const nameError = checkName(name, relNames);
  const existing = toFields.find((f) => f.name === key);
  const keyUsable = !existing || (existing.type === "reference" && existing.entity === from);
  const keyError = needsKey ? (checkName(key, [], RESERVED_FIELD_NAMES) ?? (keyUsable ? null : t("erdKeyTaken", { entity: to ?? "", name: key, from }))) : null;
  // Closing after the relationship was made, its own name is taken now: no message then.
  const show = (error: string | null, value: string) => (request && error && (tried || value) ? error : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!to || nameError || keyError) return;
    onConnect(connect(doc, from, to, kind, name, needsKey ? key : undefined));
  };

  return (
    <Modal
      className="erd-dialog"
      opened={request !== null}
      onClose={onClose}
      title={t("erdConnectTitle", { from })}
      closeButtonProps={{ "aria-label": t("close") }}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label={t("erdConnectTo")}
            description={t("erdConnectToHint", { from })}
            data={doc.entities.map((e) => e.name)}
            value={to}
            onChange={setTo}
            searchable
            allowDeselect={false}
            error={tried && !to ? t("erdConnectToRequired") : null}
            data-autofocus={request?.to ? undefined : true}
            comboboxProps={{ withinPortal: true }}
          />
          <Radio.Group label={t("erdKind")} value={kind} onChange={(v) => setKind(v as Kind)}>
            <Stack gap={6} mt={4}>
              {KINDS.map((k) => (
                <Radio
                  key={k}
                  value={k}
                  label={`${k} · ${t(KIND_TEXT[k], { from, to: to ?? "…" })}`}
                  data-autofocus={request?.to && k === "1:n" ? true : undefined}
                />
              ))}
            </Stack>
          </Radio.Group>
          <TextInput
            label={t("erdRelName")}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setNameEdited(true);
            }}
            error={show(nameError, name)}
            autoComplete="off"
            spellCheck={false}
          />
          {needsKey ? (
            <TextInput
              label={t("erdKeyField")}
              description={
                to
                  ? existing && keyUsable
                    ? t("erdKeyExisting", { entity: to, name: key, from })
                    : t("erdKeyNew", { entity: to, name: key || "…", from })
                  : null
              }
              value={key}
              onChange={(e) => {
                setKey(e.currentTarget.value);
                setKeyEdited(true);
              }}
              error={show(keyError, key)}
              autoComplete="off"
              spellCheck={false}
            />
          ) : (
            <Text size="sm">{t("erdNmNoKey")}</Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("cancel")}
            </Button>
            <Button type="submit">{t("erdConnectSubmit")}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
});
