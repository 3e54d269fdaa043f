// The app runtime's shell in a real browser against the real server: routes in the URL
// (reload, back/forward, shared links), navigation, themes, languages, the connection
// state and its recovery, model changes applied in place, and a broken component kept
// inside its box.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { systemActor } from "../../src/services/actor";
import { seedApp } from "../../src/services/seed/seed";
import { importModel } from "../../src/services/transfer";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo", "crm"] });
  await seedApp(s.services, "todo", { count: 25, seed: 7, actor: systemActor });
  // The original Torque's todo app, imported with its sample data (app "todo-application").
  const legacy = JSON.parse(await Bun.file(new URL("../fixtures/torque-rust-samples/todo-app.json", import.meta.url).pathname).text());
  await importModel(s.services, legacy, { actor: systemActor });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const gql = async (query: string, variables: Record<string, unknown>) => {
  const r = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = (await r.json()) as { data?: unknown; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
};

describe("routes and navigation", () => {
  test("the start page, a menu click, reload, back and forward all show the page the URL names", async () => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${s.url}/app/todo/`);
    await expect(page.locator("h1.page-title").textContent()).resolves.toBe("Tasks");
    // The start page shows the sample data: the grid's rows are the seeded tasks.
    const firstTask = (await rpc(s.url, "queryEntities", { app: "todo", entity: "task", sort: [{ field: "due", dir: "asc" }], limit: 1 })).data[0];
    await page.getByRole("grid").getByText(firstTask.data.title).first().waitFor();
    expect(await page.getByRole("grid").locator('[role="row"][aria-rowindex]').count()).toBeGreaterThan(5);
    await expect(page.locator('nav a[aria-current="page"]').textContent()).resolves.toBe("Tasks");
    await page.getByRole("link", { name: "Projects" }).click();
    await page.locator("h1.page-title", { hasText: "Projects" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");
    await page.reload();
    await page.locator("h1.page-title", { hasText: "Projects" }).waitFor();
    await page.goBack();
    await page.locator("h1.page-title", { hasText: "Tasks" }).waitFor();
    await page.goForward();
    await page.locator("h1.page-title", { hasText: "Projects" }).waitFor();
    expect(await page.title()).toContain("Projects");
    expect(errors).toEqual([]);
    await close();
  });

  test("a shared link to a page that does not exist says so and keeps the menu working", async () => {
    const { page, close } = await openPage(browser);
    await page.goto(`${s.url}/app/todo/nowhere`);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("nowhere");
    await page.getByRole("link", { name: "Tasks" }).click();
    await page.locator("h1.page-title", { hasText: "Tasks" }).waitFor();
    await close();
  });

  test("an unknown app says it could not be loaded", async () => {
    const { page, close } = await openPage(browser);
    await page.goto(`${s.url}/app/no-such-app/`);
    await expect(page.getByRole("alert").textContent()).resolves.toContain("no-such-app");
    await close();
  });
});

describe("look and language", () => {
  test("the theme toggle switches to dark and stays after a reload", async () => {
    const { page, close } = await openPage(browser, { colorScheme: "light" });
    await page.goto(`${s.url}/app/todo/`);
    await page.locator("h1.page-title").waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    await page.getByRole("button", { name: "Dark theme" }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.reload();
    await page.locator("h1.page-title").waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(15, 17, 21)");
    await close();
  });

  test("German comes from the catalogue; numbers and dates follow the browser's locale", async () => {
    const { page, close } = await openPage(browser, { locale: "de-DE" });
    await page.goto(`${s.url}/app/todo/`);
    await page.locator("h1.page-title").waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("de");
    await expect(page.locator(".skip-link").textContent()).resolves.toBe("Zum Inhalt springen");
    await page.getByLabel("Sprache").selectOption("en");
    await expect(page.locator(".skip-link").textContent()).resolves.toBe("Skip to content");
    await close();
  });
});

describe("resilience", () => {
  test("a component of an unknown type shows a contained error; the rest of the page works", async () => {
    const { page, close } = await openPage(browser);
    await page.route("**/rpc", async (route) => {
      const body = route.request().postDataJSON();
      if (body?.method !== "loadPage") return route.continue();
      const res = await route.fetch();
      const json = await res.json();
      json.result.page.components.push({ id: "bad", type: "Sparkline", position: { row: 0, col: 0, width: 2, height: 1 }, props: {} });
      json.result.page.components.push({ id: "bad_grid", type: "DataGrid", position: { row: 20, col: 0, width: 6, height: 2 }, props: { entity: "no_such" } });
      await route.fulfill({ response: res, json });
    });
    await page.goto(`${s.url}/app/todo/`);
    const bad = page.locator('[data-component="bad"]');
    await expect(bad.getByRole("alert").textContent()).resolves.toContain('Unknown component type "Sparkline"');
    await expect(page.locator('[data-component="bad_grid"]').getByRole("alert").textContent()).resolves.toContain("no_such");
    // The rest still works: the menu navigates.
    await page.getByRole("link", { name: "Projects" }).click();
    await page.locator("h1.page-title", { hasText: "Projects" }).waitFor();
    await close();
  });

  test("a lost connection shows its state, reconnects and catches up with what changed meanwhile", async () => {
    const { page, close } = await openPage(browser);
    const sockets: { close(): Promise<void> }[] = [];
    let refuse = false;
    await page.routeWebSocket("**/ws", (ws) => {
      if (refuse) return void ws.close();
      ws.connectToServer();
      sockets.push(ws);
    });
    await page.goto(`${s.url}/app/todo/projects`);
    const state = page.locator(".live-state");
    await page.locator('.live-state[data-state="open"]').waitFor();
    refuse = true;
    for (const w of sockets.splice(0)) await w.close();
    await page.locator('.live-state[data-state="offline"]').waitFor();
    await expect(state.textContent()).resolves.toContain("Offline");
    const name = `Made while offline ${Date.now()}`;
    await rpc(s.url, "createEntity", { app: "todo", entity: "project", data: { name } });
    refuse = false;
    await page.locator('.live-state[data-state="open"]').waitFor({ timeout: 15_000 });
    await page.getByText(name).first().waitFor({ timeout: 5000 });
    await close();
  });
});

describe("live model changes", () => {
  test("a model change re-renders the open page without a reload and keeps a half-filled form", async () => {
    const { page, errors, close } = await openPage(browser);
    await page.goto(`${s.url}/app/todo/`);
    await page.locator("h1.page-title", { hasText: "Tasks" }).waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByRole("button", { name: "New task" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Title").fill("Half-typed title");
    const model = s.models.todo!;
    await gql(`mutation($m: ID!, $f: JSON!) { addField(model: $m, entity: "task", field: $f) { model { version } errors { message } } }`, {
      m: model,
      f: { name: "reviewer", type: "text", label: "Reviewer" },
    });
    await gql(`mutation($m: ID!, $p: JSON!) { updatePage(model: $m, name: "tasks", patch: $p) { model { version } errors { message } } }`, {
      m: model,
      p: { title: "All tasks" },
    });
    await page.locator("h1.page-title", { hasText: "All tasks" }).waitFor();
    await dialog.getByLabel("Reviewer").waitFor();
    expect(await dialog.getByLabel("Title").inputValue()).toBe("Half-typed title");
    // No reload happened: the marker set on the window is still there.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await shot(page, "app-model-change-form-kept");
    expect(errors).toEqual([]);
    await close();
  });
});

describe("every page of the sample apps", () => {
  for (const app of ["todo", "crm", "todo-application"] as const)
    test(`${app}: each page renders, passes axe, and is screenshotted light, dark and narrow`, async () => {
      const pages = (await rpc(s.url, "getModelMetadata", { app })).pages as { name: string; path: string }[];
      for (const scheme of ["light", "dark"] as const) {
        const { page, errors, close } = await openPage(browser, { colorScheme: scheme });
        for (const p of pages) {
          await page.goto(`${s.url}/app/${app}${p.path}`);
          await page.locator("h1.page-title").waitFor();
          await page.waitForLoadState("networkidle");
          expect(await page.locator(".skeleton").count()).toBe(0);
          expect(await axeViolations(page)).toEqual([]);
          await shot(page, `app-${app}-${p.name}-${scheme}`);
        }
        expect(errors).toEqual([]);
        await close();
      }
      const { page, close } = await openPage(browser, { viewport: { width: 390, height: 844 } });
      await page.goto(`${s.url}/app/${app}/`);
      await page.locator("h1.page-title").waitFor();
      await page.waitForLoadState("networkidle");
      // Stacked: no component wider than the screen.
      const widest = await page.evaluate(() => Math.max(...[...document.querySelectorAll(".slot")].map((e) => e.getBoundingClientRect().right)));
      expect(widest).toBeLessThanOrEqual(390);
      await shot(page, `app-${app}-narrow`);
      await close();
    });
});
