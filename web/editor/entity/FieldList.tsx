/** @jsxImportSource react */
// The fields of a type in their order: each links to its editor (?field=), shows its type
// and markers, and is reordered by dragging its handle (mouse, or keyboard: Space lifts,
// arrows move, Space drops, Escape cancels) or with the Move up/down buttons. Each
// reorder is one moveField action.
// Each row reads its own field from the store, and the list is drawn again only when the
// names, their order, the selection or the problems change: dnd-kit's context hands every
// sortable row a new value whenever the list around it is drawn, so a list drawn on each
// edit would redraw every row (30 rows of a 30-field type on every click of a checkbox).
import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  type ScreenReaderInstructions,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { ActionIcon, Anchor, Badge, Group, Table, Text, VisuallyHidden } from "@mantine/core";
import { memo, useCallback, useRef } from "react";
import type { Field, Model } from "../../../src/model/schema";
import { useI18n } from "../lib/i18n";
import { Link } from "../lib/route";
import { moveField } from "../state/actions";
import { useEditor, useRun } from "../state/context";
import { tabHref } from "../workspace/tabs";
import type { Located } from "./model";
import { hasProblems } from "./problems";

interface RowProps {
  entity: string;
  name: string;
  index: number;
  count: number;
  href: string;
  selected: boolean;
  problem: boolean;
  onMove(name: string, to: number, via: "up" | "down"): void;
  register(key: string, el: HTMLButtonElement | null): void;
}

function typeText(f: Field): string {
  if (f.type === "reference") return `reference → ${f.entity ?? "?"}`;
  if (f.type === "enum" || f.type === "multienum") return `${f.type} (${f.values?.length ?? 0})`;
  return f.type;
}

const fieldOf = (doc: Model, entity: string, name: string) => doc.entities.find((e) => e.name === entity)?.fields.find((f) => f.name === name);

/** Memoised, and subscribed to its own field: an edit of one field redraws its row only. */
const FieldRow = memo(function FieldRow({ entity, name, index, count, href, selected, problem, onMove, register }: RowProps) {
  const { t } = useI18n();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: name });
  // Undefined for the moment between the field's removal and the list that no longer has it.
  const field = useEditor((s) => fieldOf(s.doc, entity, name));
  if (!field) return null;
  return (
    <Table.Tr
      ref={setNodeRef}
      className="entity-field-row"
      data-field={field.name}
      data-selected={selected}
      data-problem={problem}
      data-dragging={isDragging}
      style={{ transform: CSS.Translate.toString(transform), transition }}
    >
      <Table.Td w={40}>
        <ActionIcon
          ref={(el) => {
            setActivatorNodeRef(el);
            register(`${field.name}:handle`, el);
          }}
          variant="subtle"
          color="gray"
          className="entity-drag-handle"
          aria-label={t("entityFieldReorder", { name: field.name })}
          {...attributes}
          {...listeners}
        >
          <span aria-hidden="true">⠿</span>
        </ActionIcon>
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} href={href} aria-current={selected ? "true" : undefined} fw={selected ? 700 : 500}>
          {field.name}
        </Anchor>
        {field.label ? (
          <Text size="xs" c="dimmed">
            {field.label}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {typeText(field)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {field.required ? (
            <Badge size="sm" variant="light" color="grape" tt="none">
              {t("entityMarkRequired")}
            </Badge>
          ) : null}
          {field.unique ? (
            <Badge size="sm" variant="light" color="indigo" tt="none">
              {t("entityMarkUnique")}
            </Badge>
          ) : null}
          {problem ? (
            <Badge size="sm" color="red" variant="filled" tt="none">
              {t("entityMarkProblem")}
            </Badge>
          ) : null}
        </Group>
      </Table.Td>
      <Table.Td w={84}>
        <Group gap={4} wrap="nowrap">
          <ActionIcon
            ref={(el) => register(`${field.name}:up`, el)}
            variant="default"
            size="sm"
            aria-label={t("entityFieldUp", { name: field.name })}
            disabled={index === 0}
            onClick={() => onMove(field.name, index - 1, "up")}
          >
            <span aria-hidden="true">↑</span>
          </ActionIcon>
          <ActionIcon
            ref={(el) => register(`${field.name}:down`, el)}
            variant="default"
            size="sm"
            aria-label={t("entityFieldDown", { name: field.name })}
            disabled={index === count - 1}
            onClick={() => onMove(field.name, index + 1, "down")}
          >
            <span aria-hidden="true">↓</span>
          </ActionIcon>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
});

interface Props {
  entity: string;
  /** The field names in their order (the same array while they stay). */
  names: readonly string[];
  selected: string | null;
  located: readonly Located[];
}

export const FieldList = memo(function FieldList({ entity, names, selected, located }: Props) {
  const { t } = useI18n();
  const run = useRun();
  const id = useEditor((s) => s.id);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const register = useCallback((key: string, el: HTMLButtonElement | null) => {
    el ? buttons.current.set(key, el) : buttons.current.delete(key);
  }, []);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  // Keep the keyboard where it was: React moves the row, which can drop focus; a button that became disabled hands it to its twin.
  const refocus = (key: string, fallback?: string) =>
    requestAnimationFrame(() => {
      const el = buttons.current.get(key);
      const target = el && !el.disabled ? el : fallback ? buttons.current.get(fallback) : undefined;
      if (target && document.activeElement !== target) target.focus();
    });

  const move = (name: string, to: number, via: "up" | "down" | "handle") => {
    if (!run(moveField(entity, name, to))) return;
    if (via === "handle") refocus(`${name}:handle`);
    else refocus(`${name}:${via}`, `${name}:${via === "up" ? "down" : "up"}`);
  };

  // Stable for the memoised rows; calls the move of the latest render.
  const latestMove = useRef(move);
  latestMove.current = move;
  const onMove = useCallback((name: string, to: number, via: "up" | "down") => latestMove.current(name, to, via), []);

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const to = names.indexOf(String(over.id));
    if (to >= 0) move(String(active.id), to, "handle");
  };

  const pos = (name: unknown) => names.indexOf(String(name)) + 1;
  const announcements: Announcements = {
    onDragStart: ({ active }) => t("entityDragStart", { name: String(active.id), pos: pos(active.id), count: names.length }),
    onDragOver: ({ active, over }) => (over ? t("entityDragOver", { name: String(active.id), pos: pos(over.id), count: names.length }) : undefined),
    onDragEnd: ({ active, over }) => (over ? t("entityDragEnd", { name: String(active.id), pos: pos(over.id), count: names.length }) : undefined),
    onDragCancel: ({ active }) => t("entityDragCancel", { name: String(active.id) }),
  };
  const instructions: ScreenReaderInstructions = { draggable: t("entityDragInstructions") };

  if (!names.length) return <Text size="sm">{t("entityNoFields")}</Text>;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: instructions }}
    >
      <SortableContext items={names as string[]} strategy={verticalListSortingStrategy}>
        <Table verticalSpacing={4} data-testid="field-list">
          <Table.Caption style={{ captionSide: "top", textAlign: "start" }}>
            <VisuallyHidden>{t("entityFieldsCaption", { name: entity })}</VisuallyHidden>
          </Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>
                <VisuallyHidden>{t("entityColHandle")}</VisuallyHidden>
              </Table.Th>
              <Table.Th>{t("entityColName")}</Table.Th>
              <Table.Th>{t("entityColType")}</Table.Th>
              <Table.Th>{t("entityColMarkers")}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t("entityColOrder")}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {names.map((name, i) => (
              <FieldRow
                key={name}
                entity={entity}
                name={name}
                index={i}
                count={names.length}
                href={tabHref(id, "entities", entity, { field: name })}
                selected={name === selected}
                problem={hasProblems(located, entity, name)}
                onMove={onMove}
                register={register}
              />
            ))}
          </Table.Tbody>
        </Table>
      </SortableContext>
    </DndContext>
  );
});
