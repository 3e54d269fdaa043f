// Designing and debugging a workflow in the Model Editor, in a real browser against a real
// server (the todo app): steps added from the menu where they keep the flow whole, set up
// in the side panel generated from each type's description (JavaScript in the code
// editor, with completion of the ctx API), connected from the keyboard, a cycle refused
// while dragging, a syntax error and a cron that never fires named and not saved; trigger
// settings with the webhook address and the next run times; a run with a test input
// (remembered) followed node by node, a failing run marked on its node, a re-run from a
// node with its input pinned, and a past run opened from the history. axe; screenshots.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Model } from "../../src/model/schema";
import { startTestServer, type TestServer } from "../helpers/server";
import { shot } from "./browser";
import { editorSuite, panelViolations, typeCode } from "./editor-kit";

setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["todo"] }));
const { until, modelUrl, pageErrors, whenSaved, saveStatus } = suite;
let s: TestServer;
let page: Page;
let id: string;
beforeAll(async () => {
  ({ server: s, page } = suite);
  id = s.models.todo!;
  await suite.editModel(id, [
    {
      op: "addXFlow",
      xflow: {
        name: "greet",
        trigger: { type: "manual" },
        nodes: [
          { id: "start", type: "start" },
          { id: "end", type: "end" },
        ],
        edges: [{ from: "start", to: "end" }],
      },
    },
  ]);
});

const flowOf = (d: Model, name = "greet") => d.xflows!.find((f) => f.name === name)!;
const edges = (d: Model) => flowOf(d).edges.map((e) => `${e.from}>${e.to}${e.when ? `:${e.when}` : ""}`);
const box = (node: string) => page.locator(`.flow-step[data-node="${node}"]`);
const panel = () => page.getByTestId("node-panel");

async function addStep(type: string) {
  await page.getByTestId("add-step").click();
  await page.locator(`[role="menuitem"][data-type="${type}"]`).click();
}

test("steps added after the selected one keep the flow whole and saved; set up in the side panel", async () => {
  await page.goto(modelUrl(id, "/flows/greet"));
  await page.getByTestId("flow-settings").waitFor();
  await box("start").click();
  await page.getByRole("button", { name: "Add step after start" }).waitFor();
  await addStep("transform");
  let d = await until(id, (x) => flowOf(x).nodes.length === 3);
  expect(edges(d)).toEqual(["start>transform", "transform>end"]);
  await panel().getByRole("heading", { name: "Step transform (transform)" }).waitFor();
  // The expression, in the code editor, with completion of what is in scope.
  const editor = page.getByTestId("setting-expression");
  await editor.click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type("inp");
  await page.locator(".cm-tooltip-autocomplete").getByText("input").first().waitFor();
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText("({ ...input, greeting: 'Hello ' + input.name })");
  await page.keyboard.press("Tab");
  d = await until(id, (x) => String((flowOf(x).nodes[2] as Record<string, unknown>).expression).includes("greeting"));
  await whenSaved();

  // A syntax error is named under the editor and on the node, and nothing broken is saved.
  await typeCode(page, "setting-expression", "input.name +");
  await saveStatus("invalid").waitFor();
  await panel()
    .getByText(/expression is not valid JavaScript/)
    .first()
    .waitFor();
  await page.locator('.flow-step[data-node="transform"][data-problem]').waitFor();
  expect(String((flowOf((await suite.savedModel(id)).document).nodes[2] as Record<string, unknown>).expression)).toContain("greeting");
  await shot(page, "editor-flow-syntax-error");
  // Out of the inputs (where Ctrl+Z is the input's own undo), then the model's undo.
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await whenSaved();

  // A condition after transform, an error step on its false answer, chosen from the keyboard.
  await box("transform").click();
  await addStep("condition");
  await until(id, (x) => edges(x).includes("condition>end:true"));
  await typeCode(page, "setting-expression", "input.name !== ''");
  await until(id, (x) => (flowOf(x).nodes.find((n) => n.id === "condition") as Record<string, unknown>).expression === "input.name !== ''");
  await addStep("error");
  d = await until(id, (x) => edges(x).includes("condition>error:false"));
  await panel().getByLabel("message *").fill("a name is needed");
  await panel().getByLabel("message *").press("Enter");
  await until(id, (x) => (flowOf(x).nodes.find((n) => n.id === "error") as Record<string, unknown>).message === "a name is needed");
  await whenSaved();
  expect(await panelViolations(page, "flows")).toEqual([]);
  await shot(page, "editor-flow-designed");
  expect(pageErrors()).toEqual([]);
});

test("an edge dragged so that it would close a cycle is refused; nothing is saved", async () => {
  await box("condition").waitFor();
  const before = edges((await suite.savedModel(id)).document);
  // From condition's lower handle up to transform: transform already reaches condition.
  const from = (await box("condition").locator(".react-flow__handle-bottom").boundingBox())!;
  const to = (await box("transform").boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + 4, { steps: 8 });
  await page.mouse.up();
  await Bun.sleep(300);
  expect(edges((await suite.savedModel(id)).document)).toEqual(before);
  expect(pageErrors()).toEqual([]);
});

test("trigger settings: the webhook's address, a schedule's next runs, a cron that never fires refused", async () => {
  await page.getByRole("button", { name: "← Workflow settings" }).click();
  const settings = page.getByTestId("flow-settings");
  await settings.getByRole("combobox", { name: "Started" }).click();
  await page.getByRole("option", { name: "By a webhook call" }).click();
  await settings
    .getByTestId("webhook-urls")
    .getByText(/POST http:\/\/.*\/hooks\/todo\/greet/)
    .waitFor();
  await until(id, (x) => flowOf(x).trigger?.type === "webhook");
  await settings.getByRole("combobox", { name: "Started" }).click();
  await page.getByRole("option", { name: "On a schedule" }).click();
  await until(id, (x) => flowOf(x).trigger?.cron === "0 9 * * *");
  expect(await settings.getByTestId("cron-next").locator("[data-next]").count()).toBe(5);
  const cron = settings.getByLabel("Cron expression");
  await cron.fill("0 0 30 2 *");
  await cron.press("Enter");
  await settings.getByText(/never fires/).waitFor();
  expect(flowOf((await suite.savedModel(id)).document).trigger?.cron).toBe("0 9 * * *");
  await shot(page, "editor-flow-schedule");
  await cron.press("Escape");
  await settings.getByRole("combobox", { name: "Started" }).click();
  await page.getByRole("option", { name: "By hand (a button, the API, an agent)" }).click();
  await until(id, (x) => flowOf(x).trigger?.type === "manual");
  await whenSaved();
});

test("run with a test input, follow each node, see a failing run on its node, re-run from a node, open a past run", async () => {
  await typeCode(page, "run-input", '{ "name": "Ada" }');
  await page.getByTestId("run-flow").click();
  await page.getByTestId("run-outcome").getByText("succeeded").waitFor();
  for (const n of ["start", "transform", "condition", "end"]) await page.getByTestId(`run-status-${n}`).waitFor();
  await box("transform").click();
  await expect(panel().getByTestId("node-run-output").textContent()).resolves.toContain('"greeting": "Hello Ada"');
  await shot(page, "editor-flow-run");

  // The test input is remembered for this flow.
  await page.reload();
  await page.getByTestId("run-panel").waitFor();
  await expect(page.getByTestId("run-input").textContent()).resolves.toContain('"name": "Ada"');

  // A failing run: the error step is marked failed, with the flow's message.
  await typeCode(page, "run-input", '{ "name": "" }');
  await page.getByTestId("run-flow").click();
  await page.getByTestId("run-outcome").getByText("Failed at error: a name is needed").waitFor();
  await page.locator('.flow-step[data-node="error"][data-run="failed"]').waitFor();
  await box("error").click();
  await expect(panel().getByTestId("node-run-error").textContent()).resolves.toBe("a name is needed");

  // Re-run from the condition with its input pinned: only it and what follows run.
  await box("condition").click();
  await panel().getByRole("button", { name: "Re-run from condition with this input" }).click();
  await page.getByTestId("run-outcome").getByText("re-run from condition").waitFor();

  // The history: the first run opened again shows its nodes as they ran.
  const rows = page.getByTestId("run-history").locator("tbody tr");
  for (let i = 0; i < 50 && (await rows.count()) < 3; i++) await Bun.sleep(100);
  expect(await rows.count()).toBe(3);
  await rows.nth(2).getByRole("button", { name: "Show" }).click();
  await page.getByTestId("run-outcome").getByText("succeeded").waitFor();
  await box("transform").click();
  await expect(panel().getByTestId("node-run-output").textContent()).resolves.toContain("Hello Ada");
  expect(await panelViolations(page, "flows")).toEqual([]);
  await shot(page, "editor-flow-history");
  expect(pageErrors()).toEqual([]);
});

test("from the keyboard a step is selected with Enter; a cycle written as JSON is marked on its steps and not saved", async () => {
  await page.getByRole("button", { name: "← Workflow settings" }).click();
  await page.locator('.react-flow__node[data-id="transform"]').focus();
  await page.keyboard.press("Enter");
  await panel().getByRole("heading", { name: "Step transform (transform)" }).waitFor();

  await page.getByRole("button", { name: "Show the definition (JSON)" }).click();
  const json = page.locator('[data-editor="flow"]').getByLabel("Definition (JSON)");
  const def = JSON.parse(await json.inputValue());
  // transform already leads to condition: back again closes a cycle.
  def.edges.push({ from: "condition", to: "transform" });
  await json.fill(JSON.stringify(def, null, 2));
  await json.blur();
  await saveStatus("invalid").waitFor();
  for (const n of ["transform", "condition"]) await page.locator(`.flow-step[data-node="${n}"][data-problem]`).waitFor();
  await page
    .getByTestId("flow-problems")
    .getByText(/the flow has a cycle/)
    .waitFor();
  expect(edges((await suite.savedModel(id)).document)).not.toContain("condition>transform");
  await shot(page, "editor-flow-cycle");
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await whenSaved();
  expect(pageErrors()).toEqual([]);
});
