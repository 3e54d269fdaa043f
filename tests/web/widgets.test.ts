// Button, Text, Container, Modal and Kpi in the browser: against the real server with the
// todo app (plus a "lab" page added to its model with the cases the templates lack: a
// workflow that succeeds and one that fails, a delete, record placeholders), and the
// gallery for every state, its accessibility and its look in both themes.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { templates } from "../../src/model/templates";
import { systemActor } from "../../src/services/actor";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, SHOTS, shot, storyUrl } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let browser: Browser;
const HOSTILE = `<img src=x onerror="window.__pwned=1"> & <b>bold</b>`;

/** The todo model plus a page exercising what its own pages do not. */
function labModel() {
  const doc = structuredClone(templates.todo) as any;
  doc.pages.push({
    name: "lab",
    title: "Lab",
    path: "/lab",
    components: [
      {
        id: "about",
        type: "Text",
        position: { row: 0, col: 0, width: 6, height: 2 },
        props: { text: "Project: {name}\nColour: {color}\nNot a field: {nope}" },
      },
      {
        id: "finish",
        type: "Button",
        position: { row: 0, col: 6, width: 2, height: 1 },
        props: { label: "Finish project", action: { type: "runXFlow", xflow: "finish_project" } },
      },
      {
        id: "explode",
        type: "Button",
        position: { row: 0, col: 8, width: 2, height: 1 },
        props: { label: "Explode", action: { type: "runXFlow", xflow: "explode", input: { why: "on purpose" } } },
      },
      { id: "detail", type: "DetailView", position: { row: 2, col: 0, width: 12, height: 4 }, props: { entity: "project" } },
      {
        id: "remove",
        type: "Button",
        position: { row: 0, col: 10, width: 2, height: 1 },
        props: { label: "Delete project", action: { type: "delete", entity: "project" } },
      },
    ],
  });
  doc.xflows.push({
    name: "explode",
    description: "Fails at its second step, for the Button's error display.",
    trigger: { type: "manual" },
    nodes: [
      { id: "start", type: "start" },
      { id: "boom", type: "script", code: 'throw new Error("boom: " + input.why);' },
      { id: "end", type: "end" },
    ],
    edges: [
      { from: "start", to: "boom" },
      { from: "boom", to: "end" },
    ],
  });
  return doc;
}

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"], server: { gallery: true } });
  await s.services.models.save(s.models.todo!, labModel(), systemActor);
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const todo = (method: string, params: Record<string, unknown>) => rpc(s.url, method, { app: "todo", ...params });

async function app(path: string) {
  const p = await openPage(browser);
  await p.page.goto(`${s.url}/app/todo/${path}`);
  await p.page.waitForSelector("h1.page-title");
  return p;
}

/** Reads until `ok` holds or the time is up; returns the last value read (the test asserts on it). */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await Bun.sleep(40);
    v = await read();
  }
  return v;
}

const focusInside = (page: Page, selector: string) => page.evaluate((sel) => !!document.activeElement?.closest(sel), selector);

describe("Button", () => {
  test("openModal opens the Modal with its Form; Escape closes it and gives focus back", async () => {
    const p = await app("tasks");
    const button = p.page.getByRole("button", { name: "New task" });
    await button.click();
    const dialog = p.page.getByRole("dialog", { name: "New task" });
    await dialog.waitFor();
    expect(await dialog.locator(".modal-child").count()).toBe(1);
    expect(await dialog.locator(".error-box").count()).toBe(0);
    expect(await focusInside(p.page, ".dialog")).toBe(true);
    await shot(p.page, "widgets-modal-open");
    await p.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("navigate goes to the page and changes the URL", async () => {
    const p = await app("projects");
    await p.page.getByRole("button", { name: "All tasks" }).click();
    await p.page.waitForURL(/\/app\/todo\/tasks$/);
    await p.page.getByRole("heading", { level: 1, name: "Tasks" }).waitFor();
    await p.page.goBack();
    await p.page.getByRole("heading", { level: 1, name: "Projects" }).waitFor();
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("runXFlow shows the workflow's output", async () => {
    const project = (await todo("createEntity", { entity: "project", data: { name: "Launch" } })).id;
    for (const title of ["Write", "Ship"]) await todo("createEntity", { entity: "task", data: { title, project } });
    const p = await app(`lab?record=project/${project}`);
    const button = p.page.getByRole("button", { name: "Finish project" });
    await button.click();
    const dialog = p.page.getByRole("dialog", { name: "finish_project finished" });
    await dialog.waitFor();
    expect(JSON.parse((await dialog.locator("pre").textContent()) ?? "")).toEqual({ finished: 2 });
    const done = await todo("aggregateEntities", { entity: "task", filter: { project, status: "done" }, aggregates: [{ op: "count" }] });
    expect(done.groups[0].values[0]).toBe(2);
    await shot(p.page, "widgets-xflow-output");
    await dialog.getByRole("button", { name: "Close" }).first().click();
    await dialog.waitFor({ state: "detached" });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("runXFlow shows a failure with its message and the failing step", async () => {
    const p = await app("lab");
    await p.page.getByRole("button", { name: "Explode" }).click();
    const dialog = p.page.getByRole("alertdialog", { name: "explode failed" });
    await dialog.waitFor();
    const alert = dialog.getByRole("alert");
    expect(await alert.textContent()).toContain("boom: on purpose");
    expect(await alert.textContent()).toContain('Failed at step "boom"');
    await shot(p.page, "widgets-xflow-error");
    await p.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("delete needs an open record, asks first, and deletes only when confirmed", async () => {
    const project = (await todo("createEntity", { entity: "project", data: { name: "Doomed" } })).id;
    const p = await app("lab");
    const remove = p.page.getByRole("button", { name: "Delete project" });
    expect(await remove.isDisabled()).toBe(true);
    expect(await remove.getAttribute("title")).toBe("Open a Project record first");

    await p.page.goto(`${s.url}/app/todo/lab?record=project/${project}`);
    await remove.click();
    const ask = p.page.getByRole("alertdialog", { name: "Delete this Project?" });
    await ask.waitFor();
    await ask.getByRole("button", { name: "Cancel" }).click();
    await ask.waitFor({ state: "detached" });
    expect((await todo("getEntity", { entity: "project", id: project })).id).toBe(project);

    await remove.click();
    await ask.getByRole("button", { name: "Delete" }).click();
    await p.page.waitForURL((u) => !u.search.includes("record="));
    const left = await todo("queryEntities", { entity: "project", filter: { id: project } });
    expect(left.data).toEqual([]);
    expect(p.errors).toEqual([]);
    await p.close();
  });
});

describe("Text", () => {
  test("fills placeholders from the open record, keeps unknown ones, shows hostile values as text", async () => {
    const project = (await todo("createEntity", { entity: "project", data: { name: HOSTILE, color: "#112233" } })).id;
    const p = await app(`lab?record=project/${project}`);
    const text = p.page.locator('[data-component="about"] .text');
    const want = `Project: ${HOSTILE}\nColour: #112233\nNot a field: {nope}`;
    expect(
      await until(
        () => text.textContent(),
        (v) => v === want,
      ),
    ).toBe(want);
    expect(await text.locator("img, b").count()).toBe(0);
    expect(await p.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // Line breaks are kept.
    expect((await text.boundingBox())!.height).toBeGreaterThan(50);
    await todo("updateEntity", { entity: "project", id: project, data: { color: "#445566" } });
    expect(
      await until(
        () => text.textContent(),
        (v) => !!v?.includes("#445566"),
      ),
    ).toContain("Colour: #445566");
    expect(p.errors).toEqual([]);
    await p.close();
  });
});

describe("Container", () => {
  test("a row gives each child its model width's share (8 : 4) and stacks on a narrow screen", async () => {
    const p = await app("projects");
    const child = (id: string) => p.page.locator(`.container-child[data-component="${id}"]`);
    await child("detail").waitFor();
    const grid = (await child("grid").boundingBox())!;
    const detail = (await child("detail").boundingBox())!;
    expect(Math.abs(grid.y - detail.y)).toBeLessThan(2);
    expect(grid.width / detail.width).toBeGreaterThan(1.8);
    expect(grid.width / detail.width).toBeLessThan(2.2);
    await shot(p.page, "widgets-container-projects");
    await p.page.setViewportSize({ width: 600, height: 900 });
    const below = async () => (await child("detail").boundingBox())!.y > (await child("grid").boundingBox())!.y;
    expect(await until(below, (v) => v)).toBe(true);
    expect(p.errors).toEqual([]);
    await p.close();
  });
});

describe("Kpi", () => {
  test("shows the server's count and follows a create within a second", async () => {
    const project = (await todo("createEntity", { entity: "project", data: { name: "Counted" } })).id;
    const count = async () =>
      (await todo("aggregateEntities", { entity: "task", filter: { status: "open" }, aggregates: [{ op: "count" }] })).groups[0].values[0];
    const p = await app("tasks");
    const value = p.page.locator('[data-component="open"] .kpi-value');
    const before = await count();
    expect(
      await until(
        () => value.textContent(),
        (v) => v === String(before),
      ),
    ).toBe(String(before));
    await todo("createEntity", { entity: "task", data: { title: "One more", project } });
    const t0 = Date.now();
    expect(
      await until(
        () => value.textContent(),
        (v) => v === String(before + 1),
        3000,
      ),
    ).toBe(String(before + 1));
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await count()).toBe(before + 1);
    expect(p.errors).toEqual([]);
    await p.close();
  });
});

describe("gallery", () => {
  // A sample of the states, in alternating themes: every story would not fit the file's
  // time budget on this machine (the other gallery tests below visit more of them).
  const SHOWN = ["Button/danger", "Button/unknown action", "Text/record placeholders", "Container/row 8 and 4", "Kpi/count", "Kpi/loading", "Kpi/error"];

  test("the states are axe-clean; screenshots in light and dark", async () => {
    const p = await openPage(browser);
    for (const [i, key] of SHOWN.entries()) {
      const theme = i % 2 ? "dark" : "light";
      await p.page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent(key)}&theme=${theme}`);
      const frame = p.page.locator(".gallery-frame");
      await frame.locator(":scope > *").first().waitFor({ state: "attached" });
      await p.page.evaluate(() => new Promise(requestAnimationFrame));
      expect({ key, found: await axeViolations(p.page) }).toEqual({ key, found: [] });
      await frame.screenshot({ path: join(SHOTS, `widgets-${key.replace(/\W+/g, "-")}-${theme}.png`) });
    }
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("contained errors name what is wrong; hostile text stays text", async () => {
    const p = await openPage(browser);
    const story = async (key: string) => {
      await p.page.goto(storyUrl(s.url, key));
      await p.page.locator(".gallery-frame > *").first().waitFor();
      return p.page.locator(".gallery-frame");
    };
    expect(await (await story("Button/unknown action")).getByRole("alert").textContent()).toContain('"launchRocket"');
    expect(await (await story("Button/incomplete action")).getByRole("alert").textContent()).toContain('needs "page"');
    expect(await (await story("Kpi/unknown entity")).getByRole("alert").textContent()).toContain('"invoice"');
    expect(await (await story("Kpi/sum of text")).getByRole("alert").textContent()).toContain('"Title" is text');
    const failing = await story("Kpi/error");
    expect(await failing.getByRole("alert").textContent()).toContain("The database is busy");
    expect(await failing.getByRole("button", { name: "Try again" }).count()).toBe(1);
    expect(await (await story("Kpi/loading")).getByRole("status").count()).toBe(1);
    expect(await (await story("Kpi/large number")).locator(".kpi-value").getAttribute("title")).toMatch(/^\d{3},\d{3}(\.\d+)?$/);
    expect(await (await story("Kpi/no value")).locator(".kpi-value").textContent()).toBe("—");
    const hostile = await story("Text/hostile");
    expect(await hostile.locator("img, script, b").count()).toBe(0);
    expect(await hostile.textContent()).toContain("<img src=x onerror=alert(1)>");
    expect(await (await story("Container/unknown child")).getByRole("alert").textContent()).toContain('"missing"');
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("a huge text renders at once and scrolls inside its box", async () => {
    const p = await openPage(browser);
    const t0 = Date.now();
    await p.page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent("Text/huge")}`);
    const text = p.page.locator(".text-long");
    await text.waitFor();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await text.textContent())!.length).toBeGreaterThan(100_000);
    const box = await text.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
    expect(box.scroll).toBeGreaterThan(box.client * 10);
    expect(await text.getAttribute("tabindex")).toBe("0");
    expect(await axeViolations(p.page)).toEqual([]);
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("the busy state: aria-busy and disabled while the action runs", async () => {
    const p = await openPage(browser);
    await p.page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent("Button/busy")}`);
    const button = p.page.getByRole("button", { name: "Close task" });
    await button.click();
    expect(
      await until(
        () => button.getAttribute("aria-busy"),
        (v) => v === "true",
      ),
    ).toBe("true");
    expect(await button.getAttribute("aria-disabled")).toBe("true");
    // Still focused: a busy button keeps focus (a disabled one would drop it).
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot(p.page, "widgets-button-busy");
    expect(p.errors).toEqual([]);
    await p.close();
  });

  test("Modal: Tab stays inside, Escape and the backdrop close it, small stays small", async () => {
    const p = await openPage(browser);
    await p.page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent("Modal/medium")}`);
    const opener = p.page.getByRole("button", { name: "Open dialog" });
    await opener.focus();
    await p.page.keyboard.press("Enter");
    const dialog = p.page.getByRole("dialog", { name: "About dialogs" });
    await dialog.waitFor();
    await dialog.locator(".kpi-value").waitFor();
    for (let i = 0; i < 4; i++) {
      await p.page.keyboard.press("Tab");
      expect(await focusInside(p.page, ".dialog")).toBe(true);
    }
    expect(await axeViolations(p.page)).toEqual([]);
    await shot(p.page, "widgets-modal-medium");
    await p.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await opener.evaluate((el) => el === document.activeElement)).toBe(true);
    await opener.click();
    await dialog.waitFor();
    await p.page.mouse.click(5, 5);
    await dialog.waitFor({ state: "detached" });

    await p.page.goto(`${s.url}/app/_gallery/?story=${encodeURIComponent("Modal/small")}&theme=dark`);
    await p.page.getByRole("button", { name: "Open dialog" }).click();
    const small = p.page.getByRole("dialog", { name: "A small dialog" });
    await small.waitFor();
    expect((await small.boundingBox())!.width).toBeLessThanOrEqual(400);
    await shot(p.page, "widgets-modal-small-dark");
    expect(p.errors).toEqual([]);
    await p.close();
  });
});
