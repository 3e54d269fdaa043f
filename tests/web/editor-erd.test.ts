// The Model Editor's ERD in a real browser: a legacy Torque file imported through GraphQL
// shows its entity types, fields and relationship; the todo template's project 1:n task;
// the dark theme; axe; the ERD as a lazy chunk Home does not load; and a model of
// 100 entity types × 30 fields renders.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { bigModel } from "../../scripts/bench/big-model";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, type TestPage } from "./browser";

// Browser steps are slow on a busy 2-core machine.
setDefaultTimeout(60_000);

const LEGACY = join(import.meta.dir, "..", "fixtures", "torque-rust-samples", "customer-order.json");

let s: TestServer;
let browser: Browser;
let tp: TestPage;
let page: Page;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
  browser = await launchBrowser();
  tp = await openPage(browser, { colorScheme: "light" });
  page = tp.page;
});
afterAll(async () => {
  await tp?.close();
  await browser?.close();
  await s?.close();
});

// Chromium asks for /favicon.ico on its own; the server has none, which is not the page's fault.
const pageErrors = (t: TestPage = tp) => t.errors.filter((e) => !/favicon/.test(e));

async function gql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await r.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const erd = (p: Page = page) => p.getByTestId("erd");
const node = (entity: string, p: Page = page) => erd(p).locator(`.erd-node[data-entity="${entity}"]`);

async function openErd(p: Page, id: string) {
  await p.goto(`${s.url}/editor/models/${encodeURIComponent(id)}`);
  await erd(p).locator(".react-flow__node").first().waitFor();
}

test("a legacy Torque file imported through GraphQL: both entity types with their fields and the relationship", async () => {
  const d = await gql<{ importModel: { model: { id: string } | null } }>(
    "mutation ($document: JSON!) { importModel(document: $document, createApp: false) { model { id } errors { message } } }",
    { document: JSON.parse(readFileSync(LEGACY, "utf8")) },
  );
  const id = d.importModel.model?.id;
  expect(id).toBeString();
  await openErd(page, id!);
  // The summary above the diagram stays.
  await page.getByRole("heading", { name: "Entity types" }).waitFor();
  for (const entity of ["customer", "order"]) await node(entity).waitFor();
  const customer = node("customer");
  expect(await customer.locator('[data-field="first_name"]').textContent()).toContain("text");
  expect(await customer.locator('[data-field="email"]').count()).toBe(1);
  // The order's reference to its customer is covered by the relationship: a solid edge, labelled 1:n.
  expect(await node("order").locator(".erd-field-type", { hasText: "→ customer" }).count()).toBeGreaterThan(0);
  const labels = await erd().locator(".react-flow__edge-text").allTextContents();
  expect(labels).toContain("1:n");
  expect(await erd().locator(".react-flow__edge.erd-edge-reference").count()).toBe(0);
  expect(await erd().locator(".react-flow__minimap").count()).toBe(1);
  expect(await erd().getByRole("button", { name: "Zoom in" }).count()).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-legacy");
  expect(pageErrors()).toEqual([]);
});

test("the todo template: project 1:n task, markers, keyboard focus; axe in the dark theme", async () => {
  await openErd(page, s.models.todo!);
  await node("project").waitFor();
  await node("task").waitFor();
  expect(await erd().locator(".react-flow__edge").count()).toBeGreaterThanOrEqual(1);
  expect(await erd().locator(".react-flow__edge-text").allTextContents()).toContain("1:n");
  // The task's project field points at project; a required field carries its marker.
  expect(await node("task").locator('[data-field="project"] .erd-field-type').textContent()).toBe("→ project");
  expect(await node("task").locator('abbr[title="required"]').count()).toBeGreaterThan(0);
  // Nodes are in the tab order (xyflow's default) and say how to use them.
  const first = erd().locator(".react-flow__node").first();
  await first.focus();
  expect(await first.getAttribute("tabindex")).toBe("0");
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, "editor-erd-todo");

  const dark = await openPage(browser, { colorScheme: "dark" });
  await openErd(dark.page, s.models.todo!);
  expect(await erd(dark.page).locator(".react-flow.dark").count()).toBe(1);
  expect(await axeViolations(dark.page)).toEqual([]);
  await shot(dark.page, "editor-erd-todo-dark");
  expect(pageErrors(dark)).toEqual([]);
  await dark.close();
  expect(pageErrors()).toEqual([]);
});

// The binary serves the split build: tests/binary.test.ts checks that Home fetches no xyflow
// code there. (Bun.serve's runtime bundling of the test server does not split.)
test("with code splitting, the editor's entry holds no xyflow code and the ERD is an import() chunk", async () => {
  const out = mkdtempSync(join(tmpdir(), "torque-erd-split-"));
  try {
    const r = await Bun.build({
      entrypoints: [join(import.meta.dir, "..", "..", "web", "editor", "index.html")],
      outdir: out,
      splitting: true,
      target: "browser",
    });
    expect(r.success).toBe(true);
    const js = r.outputs.filter((o) => o.path.endsWith(".js"));
    const entry = js.filter((o) => o.kind === "entry-point");
    const chunks = js.filter((o) => o.kind === "chunk");
    expect(entry.length).toBe(1);
    const entryText = await entry[0]!.text();
    expect(entryText).not.toContain("react-flow__");
    const erdChunk = chunks.find((c) => entryText.includes(`import("./${basename(c.path)}")`));
    expect(erdChunk).toBeDefined();
    expect(await erdChunk!.text()).toContain("react-flow__");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("a model of 100 entity types × 30 fields renders", async () => {
  const d = await gql<{ createModel: { model: { id: string } | null; errors: { message: string }[] } }>(
    "mutation ($name: String!, $document: JSON) { createModel(name: $name, document: $document) { model { id } errors { message } } }",
    { name: "Big", document: bigModel(100, 30) },
  );
  expect(d.createModel.errors).toEqual([]);
  await openErd(page, d.createModel.model!.id);
  expect(await erd().locator(".react-flow__node").count()).toBeGreaterThan(0);
  await shot(page, "editor-erd-large");
  expect(pageErrors()).toEqual([]);
});
