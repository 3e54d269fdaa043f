// The page designer in Chromium (issue 12): dragging a component across a page of 50
// (frames during the drag, and the drop until the next version is saved), and the live
// preview (an edit of a Text's content until the app in the preview frame shows it).
// Targets: a drag keeps to a frame (p95 under 25 ms: 60 fps with room for a busy 2-core
// machine); a drop saves as fast as any edit (under 100 ms, like the editor's round trip);
// the preview shows an edit within 200 ms, as issue 12 asks.
// Then the workflows view: a flow of 200 nodes (the most a flow may have) opened cold until
// every step box is drawn, under 1,000 ms like the 100-type model in the diagram.
import type { Page } from "playwright-core";
import { templates } from "../../src/model/templates";
import { record } from "./report";
import { gzipOf, scriptsOf } from "./scripts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

type Gql = (query: string, variables: Record<string, unknown>) => Promise<any>;

export async function benchDesigner(base: string, fresh: () => Promise<Page>, gql: Gql, widePage: () => Record<string, unknown>): Promise<void> {
  const doc = structuredClone(templates.todo) as unknown as { pages: unknown[] };
  doc.pages.push(widePage());
  const created = await gql('mutation ($d: JSON) { createModel(name: "Designer", document: $d) { model { id } errors { message } } }', { d: doc });
  const id = created.createModel.model.id as string;
  await gql('mutation ($m: ID!) { createApp(model: $m, slug: "designer") { slug } }', { m: id });
  const version = async () => (await gql("query ($id: ID!) { model(id: $id) { version } }", { id })).model.version as number;
  const wide = doc.pages.at(-1) as { name: string; components: { id: string }[] };

  const p = await fresh();
  await p.goto(`${base}/editor/models/${id}/pages/${wide.name}`);
  const grid = p.getByTestId("designer-grid");
  await grid.waitFor();
  const boxes = await grid.locator("[data-component]").count();
  if (boxes < 40) throw new Error(`the wide page shows ${boxes} boxes, expected about 50`);

  // Drag the first box 4 cells right and back, 10 times; frame gaps are taken while it moves.
  const frames: number[] = [];
  const drops: number[] = [];
  const target = grid.locator("[data-component]").first();
  for (let i = 0; i < 10; i++) {
    const b = (await target.boundingBox())!;
    const cell = (await grid.boundingBox())!.width / 12;
    const v = await version();
    await p.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __on: boolean };
      w.__gaps = [];
      w.__on = true;
      let last = performance.now();
      const tick = (t: number) => {
        w.__gaps.push(t - last);
        last = t;
        if (w.__on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const from = { x: b.x + 10, y: b.y + 10 };
    const dx = (i % 2 === 0 ? 4 : -4) * cell;
    await p.mouse.move(from.x, from.y);
    await p.mouse.down();
    for (let s = 1; s <= 20; s++) await p.mouse.move(from.x + (dx * s) / 20, from.y);
    const gaps = await p.evaluate(() => {
      const w = window as unknown as { __gaps: number[]; __on: boolean };
      w.__on = false;
      return w.__gaps.slice(1);
    });
    frames.push(...gaps);
    const t0 = await p.evaluate(() => performance.now());
    await p.mouse.up();
    await p.evaluate(
      (next) =>
        new Promise<void>((done) => {
          const look = () =>
            document.querySelector('[data-testid="save-status"][data-status="saved"]')?.textContent?.includes(`version ${next}`)
              ? done()
              : requestAnimationFrame(look);
          look();
        }),
      v + 1,
    );
    drops.push((await p.evaluate(() => performance.now())) - t0);
  }
  record({
    name: "designer: frame time while dragging on a page of 50 (p95)",
    value: pct(frames, 0.95),
    unit: "ms",
    target: { op: "<", value: 25 },
    note: `median ${median(frames).toFixed(1)} ms, ${frames.length} frames`,
  });
  record({ name: "designer: a drop on a page of 50 to its saved version (median of 10)", value: median(drops), unit: "ms", target: { op: "<", value: 100 } });

  // The preview: a Text's content changed in the props panel until the app frame shows it.
  const text = (await p.evaluate(() =>
    [...document.querySelectorAll("[data-component]")].find((e) => e.textContent?.startsWith("Text"))?.getAttribute("data-component"),
  )) as string;
  await p.goto(`${base}/editor/models/${id}/pages/${wide.name}?component=${text}`);
  await p.getByTestId("preview").getByText("Desktop").click();
  const frame = p.frameLocator("iframe.page-preview");
  await frame.locator("main").first().waitFor({ timeout: 20_000 });
  const refreshes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const content = `Preview check ${i}`;
    const input = p.getByTestId("designer-props").getByLabel("Text");
    await input.fill(content);
    const t0 = Date.now();
    await input.blur();
    await frame.getByText(content).waitFor({ timeout: 10_000 });
    refreshes.push(Date.now() - t0);
    await p.getByTestId("save-status").and(p.locator('[data-status="saved"]')).waitFor();
  }
  record({
    name: "designer: an edit shown in the live preview (median of 5)",
    value: median(refreshes),
    unit: "ms",
    target: { op: "<", value: 200 },
    note: `max ${Math.max(...refreshes)} ms`,
  });
  await p.context().close();

  await benchFlowOpen(base, fresh, gql);
}

/**
 * A workflow of exactly 200 nodes, as long flows are written: start, 18 stretches of nine
 * steps (log and transform in turn) each closed by a condition whose "false" answer fails
 * at its own error node and whose "true" answer carries on, then end. 200 nodes, 199 edges,
 * 18 side branches, so dagre lays out more than a straight line.
 */
export function bigFlow() {
  const nodes: Record<string, unknown>[] = [{ id: "start", type: "start" }];
  const edges: { from: string; to: string; when?: string }[] = [];
  let last = "start";
  let when: string | undefined;
  const step = (node: Record<string, unknown>) => {
    nodes.push(node);
    edges.push(when ? { from: last, to: node.id as string, when } : { from: last, to: node.id as string });
    last = node.id as string;
    when = undefined;
  };
  for (let g = 0; g < 18; g++) {
    for (let s = 0; s < 9; s++) {
      const n = g * 9 + s + 1;
      step(s % 2 === 0 ? { id: `log${n}`, type: "log", message: `step ${n}` } : { id: `transform${n}`, type: "transform", expression: "input" });
    }
    step({ id: `check${g + 1}`, type: "condition", expression: "input.ok" });
    nodes.push({ id: `fail${g + 1}`, type: "error", message: "no" });
    edges.push({ from: last, to: `fail${g + 1}`, when: "false" });
    when = "true";
  }
  step({ id: "end", type: "end" });
  if (nodes.length !== 200) throw new Error(`the big flow has ${nodes.length} nodes, not 200`);
  return { name: "big", trigger: { type: "manual" }, nodes, edges };
}

/**
 * Opening the 200-node flow at /editor/models/<id>/flows/big, cold (a fresh browser
 * context each time: no cache, no editor state), until all 200 step boxes are drawn. Timed
 * in the page with performance.now(), i.e. from navigation start: an init script looks once
 * a frame for the `.flow-step` boxes in the canvas and takes the first frame where all are
 * there and their xyflow nodes are shown (xyflow keeps a node `visibility: hidden` until it
 * has measured it, so a box in the DOM is not yet a box on screen); the frame where they
 * were first all in the DOM is noted beside it. A flow of 3 steps in the same model, opened
 * the same way, is noted as well: what opening the workflows view costs before any size.
 */
async function benchFlowOpen(base: string, fresh: () => Promise<Page>, gql: Gql): Promise<void> {
  const small = {
    name: "small",
    nodes: [
      { id: "start", type: "start" },
      { id: "log1", type: "log", message: "step 1" },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "log1" },
      { from: "log1", to: "end" },
    ],
  };
  const doc = {
    name: "Flows",
    entities: [{ name: "item", label: "Item", display: "title", fields: [{ name: "title", type: "text", required: true }] }],
    xflows: [bigFlow(), small],
  };
  const created = await gql('mutation ($d: JSON) { createModel(name: "Flows", document: $d) { model { id } errors { path message } } }', { d: doc });
  const errors = created.createModel.errors as { path: string; message: string }[];
  if (errors.length || !created.createModel.model) throw new Error(`the 200-node flow was refused: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  const id = created.createModel.model.id as string;

  /** Five cold opens of a flow: per open, ms from navigation start to its `steps` boxes drawn, and first all in the DOM. */
  const opens = async (flow: string, steps: number) => {
    const drawn: number[] = [];
    const inDom: number[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await fresh();
      await p.addInitScript((want: number) => {
        const w = window as unknown as { __inDom?: number; __drawn?: number };
        const look = () => {
          const boxes = document.querySelectorAll('[data-testid="flow-canvas"] .flow-step');
          if (boxes.length >= want) {
            w.__inDom ??= performance.now();
            const shown = [...boxes].every((b) => (b.closest(".react-flow__node") as HTMLElement | null)?.style.visibility !== "hidden");
            if (shown) w.__drawn = performance.now();
          }
          if (w.__drawn === undefined) requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }, steps);
      await p.goto(`${base}/editor/models/${id}/flows/${flow}`);
      const m = await p.waitForFunction(
        () => {
          const w = window as unknown as { __inDom?: number; __drawn?: number };
          return w.__drawn === undefined ? undefined : { drawn: w.__drawn, inDom: w.__inDom! };
        },
        undefined,
        { timeout: 30_000 },
      );
      const v = (await m.jsonValue()) as { drawn: number; inDom: number };
      const boxes = await p.locator('[data-testid="flow-canvas"] .flow-step').count();
      if (boxes !== steps) throw new Error(`the canvas of flow ${flow} shows ${boxes} step boxes, expected ${steps}`);
      drawn.push(v.drawn);
      inDom.push(v.inDom);
      await p.context().close();
    }
    return { drawn, inDom };
  };
  // What a workflow's view loads beyond the list of workflows: the code editor, once idle.
  {
    const p = await fresh();
    await p.goto(`${base}/editor/models/${id}/flows`);
    await p.locator('[data-panel="flows"]').waitFor();
    const before = await scriptsOf(p);
    await p
      .getByTestId("flow-list")
      .getByRole("link", { name: /^small/ })
      .click();
    await p.locator(".cm-editor").first().waitFor({ timeout: 30_000 });
    const added = (await scriptsOf(p)).filter((u) => !before.includes(u));
    record({
      name: "editor: code editor chunk, loaded with a workflow (gzip)",
      value: (await gzipOf(added)) / 1024,
      unit: "KB",
      target: { op: "<=", value: 175 },
      note: `${added.length} files; CodeMirror 6 view, state and the JavaScript grammar are most of it`,
    });
    await p.context().close();
  }
  const big = await opens("big", 200);
  const three = await opens("small", 3);
  record({
    name: "editor: open a workflow of 200 nodes (cold, median of 5)",
    value: median(big.drawn),
    unit: "ms",
    target: { op: "<", value: 1000 },
    note: `samples ${big.drawn.map((x) => x.toFixed(0)).join(", ")} ms; all 200 in the DOM at ${median(big.inDom).toFixed(0)} ms; a flow of 3 steps drawn at ${median(three.drawn).toFixed(0)} ms (medians)`,
  });
}
