/** @jsxImportSource react */
// One workflow: its name (a rename carries to the buttons that run it, after a
// confirmation naming them), its steps as a diagram that is edited in place (add a step
// from the menu, draw edges, select a step to set it up in the side panel, Delete to
// remove) with the server's problems marked on their nodes, the flow's own settings when
// nothing is selected, running it with a test input and following each node live, its
// run history, and its whole definition as JSON (saved as one action when the field is
// left). The diagram, the panels and the JSON all show the one document, so each follows
// a change made in another at once.
import { Button, Collapse, Grid, Group, List, Menu, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useEffect, useMemo, useState } from "react";
import type { Model, XFlow } from "../../../src/model/schema";
import { nodeKind, nodeTypes } from "../../../src/xflow/nodes/registry";
import { CommitText, CommitTextarea } from "../common/CommitInput";
import { useNameCheck } from "../common/useNameCheck";
import { useI18n } from "../lib/i18n";
import { parsePointer } from "../problems/locate";
import { useModelApps } from "../state/apps";
import { useEditor, useRun, useStore } from "../state/context";
import { addNode, connect, flowUsers, removeEdges, removeFlow, removeNodes, renameFlow, replaceFlow } from "../state/flowActions";
import { FlowCanvas, type NodeStatus, type Selection } from "./FlowCanvas";
import { FlowSettings } from "./FlowSettings";
import { NodePanel } from "./NodePanel";
import { newNode } from "./newNode";
import { RunPanel, rememberedInput } from "./RunPanel";
import { useFlowRuns } from "./useFlowRuns";

type Ask = { mode: "rename"; to: string } | { mode: "remove" };

export function FlowEditor({ flow, index, onRenamed, onRemoved }: { flow: XFlow; index: number; onRenamed(to: string): void; onRemoved(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const store = useStore();
  const check = useNameCheck();
  const problems = useEditor((s) => s.problems);
  const [ask, setAsk] = useState<Ask | null>(null);
  const [revision, setRevision] = useState(0);
  // The document only while the dialog is open (a selector must return the store's own objects).
  const askDoc = useEditor((s) => (ask ? s.doc : null));
  const users = askDoc ? flowUsers(askDoc, flow.name) : null;
  const doc = useEditor((s) => s.doc);
  const modelId = useEditor((s) => s.id);
  const saved = useEditor((s) => s.status === "saved" && s.unsaved.length === 0);
  const [selection, setSelection] = useState<Selection>(null);
  const [showJson, setShowJson] = useState(false);
  const apps = useModelApps(modelId);
  const slugs = apps.status === "ready" ? apps.slugs : [];
  const [app, setApp] = useState<string | null>(null);
  const runApp = app && slugs.includes(app) ? app : (slugs[0] ?? null);
  const runs = useFlowRuns(runApp, flow.name);
  const [input, setInput] = useState(() => rememberedInput(modelId, flow.name, defaultInput(flow, doc)));

  // A selection that no longer exists (removed here or elsewhere) is let go.
  useEffect(() => {
    if (selection?.kind === "node" && !flow.nodes.some((n) => n.id === selection.id)) setSelection(null);
    if (selection?.kind === "edge" && !flow.edges[selection.index]) setSelection(null);
  }, [flow, selection]);

  /** How each node did in the run shown (running ones first marked so, finished ones with their timing). */
  const status = useMemo(() => {
    const m = new Map<string, NodeStatus>();
    const shown = runs.shown;
    if (!shown) return m;
    for (const id of shown.running) m.set(id, { status: "running" });
    for (const n of shown.nodes) m.set(n.id, { status: n.status, ms: n.ms });
    return m;
  }, [runs.shown]);

  // The server's problems in this flow, and the nodes they name (paths /xflows/<i>/nodes/<j>/…).
  const { mine, nodes, byNode } = useMemo(() => {
    const mine = problems.filter((p) => {
      const segs = parsePointer(p.path ?? "");
      return segs?.[0] === "xflows" && segs[1] === String(index);
    });
    const nodes = new Set<string>();
    const byNode = new Map<string, { setting: string; message: string }[]>();
    for (const p of mine) {
      // A cycle is a problem of the edges; its message names the steps on it ("a → b → a"): mark each.
      if (p.rule === "cycle")
        for (const step of p.message.split(": ").slice(1).join(": ").split(" → ")) if (flow.nodes.some((n) => n.id === step)) nodes.add(step);
      const segs = parsePointer(p.path ?? "")!;
      const n = segs[2] === "nodes" ? flow.nodes[Number(segs[3])] : undefined;
      if (n) {
        nodes.add(n.id);
        byNode.set(n.id, [...(byNode.get(n.id) ?? []), { setting: segs[4] ?? "", message: p.message }]);
      }
    }
    return { mine, nodes, byNode };
  }, [problems, index, flow]);

  const trigger = flow.trigger;
  const how =
    !trigger || trigger.type === "manual"
      ? t("flowsTriggerManual")
      : trigger.type === "entity"
        ? t("flowsTriggerEntity", { entity: String(trigger.entity ?? "?"), event: String(trigger.event ?? "?") })
        : trigger.type === "webhook"
          ? t("flowsTriggerWebhook")
          : trigger.type === "schedule"
            ? t("flowsTriggerSchedule", { cron: String(trigger.cron ?? "?") })
            : t("flowsTriggerOther", { type: trigger.type });
  const { name: _name, ...definition } = flow;

  /** A new step of this type, after the selected step (see addNode for where it goes). */
  const add = (type: string) => {
    const current = store.getState().doc;
    const f = current.xflows?.find((x) => x.name === flow.name);
    if (!f) return;
    const node = newNode(current, f, type);
    if (run(addNode(f, node, selection?.kind === "node" ? selection.id : undefined))) setSelection({ kind: "node", id: node.id });
  };

  const rename = (to: string) => {
    if (run(renameFlow(store.getState().doc, flow.name, to))) onRenamed(to);
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="flow-editor-title" data-editor="flow">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Title order={2} size="h3" id="flow-editor-title" tabIndex={-1}>
            {t("flowsHeading", { name: flow.name })}
          </Title>
          <Button color="red" variant="light" onClick={() => setAsk({ mode: "remove" })}>
            {t("flowsRemove")}
          </Button>
        </Group>
        <CommitText
          label={t("flowsName")}
          description={t("commonNameHint")}
          inputWrapperOrder={["label", "input", "description", "error"]}
          value={flow.name}
          check={(v) =>
            check(
              v,
              (store.getState().doc.xflows ?? []).filter((x) => x.name !== flow.name).map((x) => x.name),
            )
          }
          onCommit={(to) => {
            if (flowUsers(store.getState().doc, flow.name).length) setAsk({ mode: "rename", to });
            else rename(to);
          }}
          revision={revision}
          maxLength={80}
          spellCheck={false}
        />
        <Text size="sm">{t("flowsTrigger", { trigger: how })}</Text>
        {mine.length ? (
          <Stack gap={2} role="alert" data-testid="flow-problems">
            <Text size="sm" fw={600}>
              {t("flowsProblems")}
            </Text>
            {mine.map((p) => (
              <Text key={`${p.path}:${p.message}`} size="sm" c="var(--mantine-color-error)">
                {p.message}
              </Text>
            ))}
          </Stack>
        ) : null}
        <Group gap="sm">
          <Menu position="bottom-start" withinPortal>
            <Menu.Target>
              <Button variant="light" data-testid="add-step">
                {selection?.kind === "node" ? t("flowsAddStepAfter", { id: selection.id }) : t("flowsAddStep")}
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={420} style={{ overflowY: "auto" }}>
              {nodeTypes
                .filter((type) => type !== "start")
                .map((type) => (
                  <Menu.Item key={type} data-type={type} onClick={() => add(type)}>
                    <Text size="sm" fw={600}>
                      {type}
                    </Text>
                    <Text size="xs" c="dimmed" maw={320}>
                      {nodeKind(type)?.summary}
                    </Text>
                  </Menu.Item>
                ))}
            </Menu.Dropdown>
          </Menu>
          <Text size="xs" c="dimmed">
            {t("flowsCanvasHint")}
          </Text>
        </Group>
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <FlowCanvas
              flow={flow}
              problemNodes={nodes}
              run={status}
              selection={selection}
              onSelect={setSelection}
              onConnect={(from, to) => run(connect(flow, from, to))}
              onDelete={(ids, edgeIds) => {
                const gone = new Set(ids);
                const edges = edgeIds.map((i) => flow.edges[i]!).filter((e) => e && !gone.has(e.from) && !gone.has(e.to));
                if (ids.length)
                  run(
                    removeNodes(
                      flow,
                      ids.filter((x) => flow.nodes.find((n) => n.id === x)?.type !== "start"),
                    ),
                  );
                if (edges.length) run(removeEdges(store.getState().doc.xflows!.find((x) => x.name === flow.name)!, edges));
                setSelection(null);
              }}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Paper withBorder p="sm" component="aside" aria-label={t("flowsSidePanel")}>
              {selection && (
                <Button variant="subtle" size="compact-sm" mb="xs" onClick={() => setSelection(null)}>
                  {t("flowsBackToSettings")}
                </Button>
              )}
              {selection?.kind === "node" ? (
                <NodePanel
                  key={selection.id}
                  doc={doc}
                  flow={flow}
                  id={selection.id}
                  problems={byNode.get(selection.id) ?? []}
                  ran={runs.shown?.nodes.find((n) => n.id === selection.id)}
                  running={runs.shown?.running.includes(selection.id)}
                  inputKeys={inputKeys(input)}
                  onRerun={saved && runApp ? (node, value) => void runs.start(value, node) : undefined}
                  onRemoved={() => setSelection(null)}
                  onRenamed={(to) => setSelection({ kind: "node", id: to })}
                />
              ) : selection?.kind === "edge" && flow.edges[selection.index] ? (
                <EdgeInfo flow={flow} index={selection.index} onRemoved={() => setSelection(null)} />
              ) : (
                <FlowSettings doc={doc} flow={flow} apps={slugs} problemAt={(path) => problemAt(mine, index, path)} />
              )}
            </Paper>
          </Grid.Col>
        </Grid>
        <RunPanel
          model={modelId}
          flow={flow.name}
          apps={slugs}
          app={runApp}
          onApp={setApp}
          input={input}
          onInput={setInput}
          saved={saved}
          shown={runs.shown}
          history={runs.history}
          error={runs.error}
          onRun={(value) => void runs.start(value)}
          onOpen={runs.open}
        />
        <Button variant="subtle" size="xs" onClick={() => setShowJson((v) => !v)} aria-expanded={showJson} style={{ alignSelf: "flex-start" }}>
          {showJson ? t("flowsJsonHide") : t("flowsJsonShow")}
        </Button>
        <Collapse expanded={showJson}>
          <CommitTextarea
            label={t("flowsJson")}
            description={t("flowsJsonHint")}
            value={JSON.stringify(definition, null, 2)}
            autosize
            minRows={6}
            maxRows={30}
            maxLength={300_000}
            spellCheck={false}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            check={(text) => {
              try {
                const v = JSON.parse(text);
                return v && typeof v === "object" && !Array.isArray(v) ? null : t("flowsJsonNotObject");
              } catch (e) {
                return t("flowsJsonInvalid", { message: (e as Error).message });
              }
            }}
            onCommit={(text) => {
              run(replaceFlow(flow, JSON.parse(text) as Record<string, unknown>));
            }}
          />
        </Collapse>
      </Stack>
      <Modal
        opened={ask !== null}
        onClose={() => {
          if (ask?.mode === "rename") setRevision((r) => r + 1);
          setAsk(null);
        }}
        title={ask?.mode === "rename" ? t("flowsRenameTitle", { from: flow.name, to: ask.to }) : t("flowsRemoveTitle", { name: flow.name })}
        closeButtonProps={{ "aria-label": t("close") }}
      >
        <Stack>
          {users?.length ? (
            <Stack gap={4}>
              <Text size="sm">{t(ask?.mode === "rename" ? "flowsUsersRenamed" : "flowsUsersRemoved")}</Text>
              <List size="sm" data-testid="impact-list">
                {users.map((u) => (
                  <List.Item key={`${u.page}#${u.id}`}>{t("flowsUser", { type: u.type, id: u.id, page: u.page })}</List.Item>
                ))}
              </List>
            </Stack>
          ) : (
            <Text size="sm">{t("flowsUsersNone")}</Text>
          )}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                if (ask?.mode === "rename") setRevision((r) => r + 1);
                setAsk(null);
              }}
            >
              {t("cancel")}
            </Button>
            <Button
              color={ask?.mode === "remove" ? "red" : undefined}
              data-autofocus
              onClick={() => {
                const a = ask;
                setAsk(null);
                if (a?.mode === "rename") rename(a.to);
                else if (a?.mode === "remove" && run(removeFlow(store.getState().doc, flow.name))) onRemoved();
              }}
            >
              {t(ask?.mode === "rename" ? "flowsRenameConfirm" : "flowsRemoveConfirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

/** A problem's message at a path inside this flow (/trigger/cron…), if the server named one. */
function problemAt(mine: { path?: string | null; message: string }[], index: number, path: string): string | undefined {
  return mine.find((p) => p.path === `/xflows/${index}${path}`)?.message;
}

/** The keys of the test input, offered after `input.` in the code editor. */
function inputKeys(text: string): string[] {
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v)) return [];
    const keys = Object.keys(v);
    // An entity trigger's input carries the record under data: offer its fields as data.<field> too.
    const data = (v as Record<string, unknown>).data;
    if (data && typeof data === "object" && !Array.isArray(data)) keys.push(...Object.keys(data).map((k) => `data.${k}`));
    return keys;
  } catch {
    return [];
  }
}

/** A first test input that fits how the flow is started (an entity trigger's input has the record under data). */
function defaultInput(flow: XFlow, doc: Model): string {
  const t = flow.trigger;
  if (t?.type === "entity") {
    const entity = doc.entities.find((e) => e.name === t.entity);
    const data = Object.fromEntries(
      (entity?.fields ?? []).slice(0, 5).map((f) => [f.name, f.type === "number" || f.type === "integer" ? 0 : f.type === "boolean" ? false : ""]),
    );
    return JSON.stringify({ entity: t.entity, event: t.event, data }, null, 2);
  }
  return "{}";
}

/** The selected edge: where it goes, its answer when it leaves a condition, and a way to remove it. */
function EdgeInfo({ flow, index, onRemoved }: { flow: XFlow; index: number; onRemoved(): void }) {
  const { t } = useI18n();
  const run = useRun();
  const e = flow.edges[index]!;
  return (
    <Stack gap="sm" data-testid="edge-panel">
      <Title order={3} size="h5">
        {t("flowsEdgeTitle", { from: e.from, to: e.to })}
      </Title>
      <Text size="sm">{e.when ? t("flowsEdgeWhenText", { when: e.when }) : t("flowsEdgeAlways")}</Text>
      <Text size="xs" c="dimmed">
        {t("flowsEdgeHint", { from: e.from })}
      </Text>
      <Button
        color="red"
        variant="light"
        size="xs"
        style={{ alignSelf: "flex-start" }}
        onClick={() => {
          if (run(removeEdges(flow, [e]))) onRemoved();
        }}
      >
        {t("flowsEdgeRemoveShort")}
      </Button>
    </Stack>
  );
}
