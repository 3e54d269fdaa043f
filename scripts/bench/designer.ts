// The page designer in Chromium (issue 12): dragging a component across a page of 50
// (frames during the drag, and the drop until the next version is saved), and the live
// preview (an edit of a Text's content until the app in the preview frame shows it).
// Targets: a drag keeps to a frame (p95 under 25 ms: 60 fps with room for a busy 2-core
// machine); a drop saves as fast as any edit (under 100 ms, like the editor's round trip);
// the preview shows an edit within 200 ms, as issue 12 asks.
import type { Page } from "playwright-core";
import { templates } from "../../src/model/templates";
import { record } from "./report";

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
}
