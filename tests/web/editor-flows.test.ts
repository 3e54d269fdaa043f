// The Model Editor's workflows view in a real browser against a real server (the todo
// app): the flows listed with how they start, a flow's steps drawn as a diagram, a flow
// added (start → end), its definition edited as JSON (checked as typed; the diagram
// follows), a broken definition refused by the server with the problem marked on the node
// and undone, a rename carried to the button that runs the flow, a removal. axe in light
// and dark; screenshots.
import { beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Model } from "../../src/model/schema";
import { startTestServer, type TestServer } from "../helpers/server";
import { openPage, shot } from "./browser";
import { editorSuite, panelViolations } from "./editor-kit";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const suite = editorSuite(() => startTestServer({ apps: ["todo"] }));
const { until, modelUrl, pageErrors, whenSaved, saveStatus, dialog, dialogSettled } = suite;
let s: TestServer;
let page: Page;
let id: string;
beforeAll(() => {
  ({ server: s, page } = suite);
  id = s.models.todo!;
});

const flowOf = (d: Model, name: string) => d.xflows?.find((f) => f.name === name);
const saved = (ok: (d: Model) => boolean) => until(id, ok);
const steps = () => page.getByTestId("flow-canvas").locator(".flow-step");
const json = () => page.locator('[data-editor="flow"]').getByLabel("Definition (JSON)");
/** The JSON view is folded away under the diagram: open it. */
async function showJson() {
  const toggle = page.getByRole("button", { name: "Show the definition (JSON)" });
  if (await toggle.isVisible()) await toggle.click();
  await json().waitFor({ state: "visible" });
}

test("the flows with how they start; a flow's steps drawn top to bottom", async () => {
  await page.goto(modelUrl(id, "/flows"));
  await page.getByRole("heading", { name: "Pick a workflow" }).waitFor();
  expect(
    await page
      .getByTestId("flow-list")
      .locator("[data-flow]")
      .evaluateAll((xs) => xs.map((x) => x.getAttribute("data-flow"))),
  ).toEqual(["stamp_done", "finish_project"]);
  await page
    .getByTestId("flow-list")
    .getByRole("link", { name: /^stamp_done/ })
    .click();
  await page.getByRole("heading", { name: "Workflow stamp_done" }).waitFor();
  await page.getByText("Started: when a task record is written (beforeUpdate)").waitFor();
  await steps().first().waitFor();
  expect(await steps().count()).toBe(4);
  await page.getByTestId("flow-canvas").locator(".react-flow__edge-text").first().waitFor();
  expect(await page.getByTestId("flow-canvas").locator(".react-flow__edge-text").allTextContents()).toEqual(expect.arrayContaining(["true", "false"]));
  // Top to bottom: the start is above the end.
  const start = (await page.locator('.flow-step[data-node="start"]').boundingBox())!;
  const end = (await page.locator('.flow-step[data-node="end"]').boundingBox())!;
  expect(start.y).toBeLessThan(end.y);
  expect(await panelViolations(page, "flows")).toEqual([]);
  await shot(page, "editor-flows-stamp-done");
  expect(pageErrors()).toEqual([]);
});

test("add a workflow: start → end, saved and drawn", async () => {
  await page.getByRole("button", { name: "Add workflow" }).click();
  await dialogSettled();
  await dialog().getByLabel("Name").fill("stamp_done");
  await dialog().getByText("stamp_done is taken already.").waitFor();
  await dialog().getByLabel("Name").fill("notify");
  await dialog().getByRole("button", { name: "Add" }).click();
  await page.getByRole("heading", { name: "Workflow notify" }).waitFor();
  const d = await saved((x) => !!flowOf(x, "notify"));
  expect(flowOf(d, "notify")!.edges).toEqual([{ from: "start", to: "end" }]);
  expect(await steps().count()).toBe(2);
  await whenSaved();
});

test("the definition edited as JSON: checked as typed, saved, the diagram follows", async () => {
  await showJson();
  const before = JSON.parse(await json().inputValue());
  await json().fill("{ not json");
  await json().blur();
  await page.getByText(/Not valid JSON/).waitFor();
  const next = {
    ...before,
    nodes: [...before.nodes, { id: "note", type: "log", message: "notified" }],
    edges: [
      { from: "start", to: "note" },
      { from: "note", to: "end" },
    ],
  };
  await json().fill(JSON.stringify(next, null, 2));
  await json().blur();
  const d = await saved((x) => flowOf(x, "notify")!.nodes.length === 3);
  expect(flowOf(d, "notify")!.edges).toEqual(next.edges);
  await page.locator('.flow-step[data-node="note"]').waitFor();
  await whenSaved();
});

test("a broken definition is refused by the server, marked on its node, and undone", async () => {
  await showJson();
  const def = JSON.parse(await json().inputValue());
  def.nodes = def.nodes.map((n: { id: string; type: string }) => (n.id === "note" ? { id: "note", type: "http" } : n));
  await json().fill(JSON.stringify(def, null, 2));
  await json().blur();
  await saveStatus("invalid").waitFor();
  await page.getByTestId("flow-problems").waitFor();
  await page.locator('.flow-step[data-node="note"][data-problem]').waitFor();
  await shot(page, "editor-flows-problem");
  // Nothing broken was saved.
  expect(flowOf((await suite.savedModel(id)).document, "notify")!.nodes.find((n) => n.id === "note")!.type).toBe("log");
  await page.locator("body").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await whenSaved();
  expect(await page.locator(".flow-step[data-problem]").count()).toBe(0);
});

test("rename carries the name to the button that runs it; remove takes the flow away", async () => {
  // A button on the projects page runs finish_project.
  await suite.editModel(id, [
    {
      op: "addComponent",
      page: "projects",
      component: {
        id: "finish",
        type: "Button",
        position: { row: 20, col: 0, width: 2, height: 1 },
        props: { label: "Finish", action: { type: "runXFlow", xflow: "finish_project" } },
      },
    },
  ]);
  await page.goto(modelUrl(id, "/flows/finish_project"));
  const name = page.locator('[data-editor="flow"]').getByLabel("Name");
  await name.fill("close_project");
  await name.press("Enter");
  await dialogSettled();
  expect(await dialog().getByTestId("impact-list").locator("li").allTextContents()).toEqual(["Button finish on page projects"]);
  await dialog().getByRole("button", { name: "Rename" }).click();
  await page.getByRole("heading", { name: "Workflow close_project" }).waitFor();
  const d = await saved((x) => !!flowOf(x, "close_project"));
  const button = d.pages!.find((p) => p.name === "projects")!.components.find((c) => c.id === "finish")!;
  expect(button.props!.action).toEqual({ type: "runXFlow", xflow: "close_project" });
  await whenSaved();
  await page.goto(modelUrl(id, "/flows/notify"));
  await page.getByRole("button", { name: "Remove workflow" }).click();
  await dialogSettled();
  await dialog().getByText("No button runs this workflow.").waitFor();
  await dialog().getByRole("button", { name: "Remove workflow" }).click();
  await page.getByRole("heading", { name: "Pick a workflow" }).waitFor();
  await saved((x) => !flowOf(x, "notify"));
  await whenSaved();
  expect(pageErrors()).toEqual([]);
});

test("dark theme passes axe; German strings", async () => {
  const dark = await openPage(suite.browser, { colorScheme: "dark" });
  await dark.page.goto(modelUrl(id, "/flows/stamp_done?lang=de"));
  await dark.page.getByRole("heading", { name: "Workflow stamp_done" }).waitFor();
  await dark.page.getByText("Workflow-Einstellungen").waitFor();
  await dark.page.locator(".flow-step").first().waitFor();
  expect(await panelViolations(dark.page, "flows")).toEqual([]);
  await shot(dark.page, "editor-flows-dark-de");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
});
