/** @jsxImportSource react */
// A version diff in words: one line per change, nested under what it belongs to (a field
// under its entity type, a component under its page). Added lines are green, removed red,
// changed neutral, and each starts with + − ~ (and, for screen readers, the word), so
// colour is never the only signal.
import { Box, Stack, Text, Title, VisuallyHidden } from "@mantine/core";
import type { ReactNode } from "react";
import { type MessageKey, useI18n } from "../lib/i18n";
import { formatValue, type ItemChange, type ItemKind, type PropChange, type Sign, type VersionDiff } from "./diff";

const MARK: Record<Sign, string> = { "+": "+", "-": "−", "~": "~" };
const SIGN_WORD: Record<Sign, MessageKey> = { "+": "historyAdded", "-": "historyRemoved", "~": "historyChanged" };
const KIND: Record<ItemKind, MessageKey> = {
  entity: "historyKindEntity",
  field: "historyKindField",
  relationship: "historyKindRelationship",
  page: "historyKindPage",
  component: "historyKindComponent",
  flow: "historyKindFlow",
  node: "historyKindNode",
};

function Line({ sign, children, nested }: { sign: Sign; children: ReactNode; nested?: ReactNode }) {
  const { t } = useI18n();
  return (
    <li className="history-line" data-sign={sign} data-testid="diff-line">
      <span className="history-sign" aria-hidden="true">
        {MARK[sign]}
      </span>
      <VisuallyHidden>{`${t(SIGN_WORD[sign])}: `}</VisuallyHidden>
      {children}
      {nested}
    </li>
  );
}

function useValue() {
  const { t } = useI18n();
  const words = { yes: t("historyYes"), no: t("historyNo"), unset: t("historyUnset") };
  return (v: unknown) => formatValue(v, words);
}

function Change({ c }: { c: PropChange }) {
  const value = useValue();
  return <Line sign="~">{`${c.prop}: ${value(c.before)} → ${value(c.after)}`}</Line>;
}

function Item({ item }: { item: ItemChange }) {
  const { t } = useI18n();
  const value = useValue();
  const title = (
    <>
      <Text span fw={600} inherit>
        {t(KIND[item.kind], { name: item.name })}
      </Text>
      {item.what ? ` (${item.what})` : ""}
      {/* A new item's settings fit on its line; a changed one lists each change below. */}
      {item.sign === "+" && item.changes.length ? ` — ${item.changes.map((c) => `${c.prop}: ${value(c.after)}`).join(", ")}` : ""}
    </>
  );
  const below: ReactNode[] = [];
  if (item.sign === "~") {
    for (const c of item.changes) below.push(<Change key={`c:${c.prop}`} c={c} />);
    if (item.keys.length)
      below.push(
        <Line key="keys" sign="~">
          {t("historyChangedKeys", { keys: item.keys.join(", ") })}
        </Line>,
      );
    if (item.order)
      below.push(
        <Line key="order" sign="~">
          {t("historyFieldOrder", { moved: item.order.moved.join(", "), order: item.order.after.join(", ") })}
        </Line>,
      );
  }
  for (const child of item.children) below.push(<Item key={`${child.kind}:${child.name}`} item={child} />);
  return (
    <Line sign={item.sign} nested={below.length ? <ul className="history-lines">{below}</ul> : null}>
      {title}
    </Line>
  );
}

function Section({ title, children }: { title: MessageKey; children: ReactNode[] }) {
  const { t } = useI18n();
  if (!children.length) return null;
  return (
    <Box component="section">
      <Title order={4} size="h6" mb={4}>
        {t(title)}
      </Title>
      <ul className="history-lines">{children}</ul>
    </Box>
  );
}

export function DiffView({ diff, from, to }: { diff: VersionDiff; from: number; to: number }) {
  const { t, tn } = useI18n();
  if (diff.identical) return <Text data-testid="diff-identical">{t("historyIdentical", { from, to })}</Text>;
  const { moved, placed, unplaced } = diff.layout;
  const layout = [
    moved.length ? tn("historyMoved", moved.length) : null,
    placed.length ? tn("historyPlaced", placed.length) : null,
    unplaced.length ? tn("historyUnplaced", unplaced.length) : null,
  ].filter((x): x is string => x !== null);
  return (
    <Stack gap="sm" data-testid="diff">
      <Section title="historySectionModel">
        {diff.model.map((c) => (
          <Change key={c.prop} c={c} />
        ))}
      </Section>
      <Section title="historySectionEntities">
        {diff.entities.map((i) => (
          <Item key={i.name} item={i} />
        ))}
      </Section>
      <Section title="historySectionRelationships">
        {diff.relationships.map((i) => (
          <Item key={i.name} item={i} />
        ))}
      </Section>
      <Section title="historySectionPages">
        {diff.pages.map((i) => (
          <Item key={i.name} item={i} />
        ))}
      </Section>
      <Section title="historySectionFlows">
        {diff.flows.map((i) => (
          <Item key={i.name} item={i} />
        ))}
      </Section>
      <Section title="historySectionLayout">
        {layout.map((s) => (
          <Line key={s} sign="~">
            {s}
          </Line>
        ))}
      </Section>
    </Stack>
  );
}
