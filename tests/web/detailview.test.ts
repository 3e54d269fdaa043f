// The DetailView in a real browser: its states in the gallery (axe, screenshots, hostile
// values as text), then on the todo app's projects page: a project opened through the URL
// with its tasks, a task created elsewhere appearing live, Edit opening the form, Delete
// naming the cascade before removing the project and its tasks, and a deletion made
// elsewhere said so.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { rpc, startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, storyUrl, type TestPage } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds (a test that times out also
// has the browser it started killed, failing the tests after it).
setDefaultTimeout(60_000);

let s: TestServer;
let browser: Browser;
let tp: TestPage;
let page: Page;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"], server: { gallery: true } });
  browser = await launchBrowser();
  tp = await openPage(browser);
  page = tp.page;
  page.setDefaultTimeout(8000);
  page.setDefaultNavigationTimeout(60000);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function story(name: string, theme?: "dark") {
  await page.goto(storyUrl(s.url, `DetailView/${name}`, theme));
  await page.locator(".gallery-story").waitFor();
}
const row = (field: string) => page.locator(`.tq-dv-row[data-field="${field}"] dd`);

describe("in the gallery", () => {
  test("a record with its fields formatted per type and its related records", async () => {
    await story("project");
    await page.getByRole("heading", { name: "Project 1" }).waitFor();
    expect(await page.locator(".tq-dv-kicker").textContent()).toBe("Selected project");
    const related = page.locator(".tq-dv-related");
    await related.getByRole("heading", { name: "12 tasks" }).waitFor();
    expect(await related.getByRole("link").count()).toBe(10);
    expect(await related.locator(".tq-dv-more").textContent()).toBe("Showing 10 of 12");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-project");
    await story("project", "dark");
    await page.locator(".tq-dv-related").getByRole("heading", { name: "12 tasks" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-project-dark");

    await story("task");
    await page.getByRole("heading", { name: "Ship dark theme #3" }).waitFor();
    expect(await page.locator(".tq-dv-row dt").allTextContents()).not.toContain("Title"); // it is the heading
    expect(await row("due").textContent()).toBe("Jun 3, 2026");
    expect(await row("done").textContent()).toBe("Yes");
    expect(await row("estimate").textContent()).toBe("9.5");
    expect(await row("status").locator(".tq-dv-badge").textContent()).toBe("done");
    expect(await row("owner_email").getByRole("link").getAttribute("href")).toBe("mailto:owner2@example.com");
    await row("project").getByRole("link", { name: "Project 3" }).waitFor();
    expect(await row("tags").textContent()).toBe("—empty");
    expect(await page.locator(".tq-dv-related").count()).toBe(0); // its project is the reference field, not a list
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-task");
    await story("chosen fields");
    await page.getByRole("heading", { name: /#5$/ }).waitFor();
    expect(await page.locator(".tq-dv-row dt").allTextContents()).toEqual(["Task", "Status", "Due", "Project"]);
    expect(tp.errors).toEqual([]);
  });

  test("empty, loading, error, not found, unknown entity; the open record of the page", async () => {
    await story("empty");
    expect(await page.locator(".tq-dv-emptystate").textContent()).toContain("Select a project to see it here");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-empty");
    await story("loading");
    expect(await page.locator(".tq-dv .skeleton").count()).toBe(1);
    await story("error");
    expect(await page.getByRole("alert").textContent()).toContain("The database is not reachable");
    expect(await axeViolations(page)).toEqual([]);
    await story("not found");
    expect(await page.getByRole("alert").textContent()).toContain("not found");
    await story("unknown entity");
    expect(await page.getByRole("alert").textContent()).toContain('"invoice"');
    await story("open record");
    await page.getByRole("heading", { name: "Project 4" }).waitFor();
    expect(tp.errors).toEqual([]);
  });

  test("hostile values are text; a script URL is no link", async () => {
    await story("hostile values");
    const xss = "<img src=x onerror=alert(1)>";
    await page.getByRole("heading", { name: xss }).waitFor();
    await row("project").getByRole("link", { name: xss }).waitFor();
    expect(await row("notes").textContent()).toContain("<script>alert(1)</script>");
    expect(await row("link").textContent()).toBe("javascript:alert(1)");
    expect(await row("link").locator("a").count()).toBe(0);
    expect(await row("owner_email").locator("a").count()).toBe(0);
    expect(await page.locator(".tq-dv img, .tq-dv script").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-hostile");
    expect(tp.errors).toEqual([]);
  });
});

describe("on the todo app's projects page", () => {
  const rpcT = (method: string, params: Record<string, unknown>) => rpc(s.url, method, { app: "todo", ...params });
  const detail = () => page.locator(".tq-dv");

  test("shows the project and its tasks; live changes; edit; delete names the cascade", async () => {
    const project = await rpcT("createEntity", { entity: "project", data: { name: "Orion", description: "Ship the <b>probe</b>" } });
    for (const title of ["Assemble", "Test", "Launch"]) await rpcT("createEntity", { entity: "task", data: { title, project: project.id } });
    await page.goto(`${s.url}/app/todo/projects?record=project/${project.id}`);
    await detail().getByRole("heading", { name: "Orion" }).waitFor();
    expect(await row("description").textContent()).toBe("Ship the <b>probe</b>");
    expect(await row("color").textContent()).toBe("#3B82F6");
    const tasks = detail().locator(".tq-dv-related");
    await tasks.getByRole("heading", { name: "3 tasks" }).waitFor();
    expect((await tasks.getByRole("link").allTextContents()).sort()).toEqual(["Assemble", "Launch", "Test"]);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-todo-project");

    // Made elsewhere, seen here: a new task, a renamed project.
    await rpcT("createEntity", { entity: "task", data: { title: "Celebrate", project: project.id } });
    await tasks.getByRole("heading", { name: "4 tasks" }).waitFor();
    await tasks.getByRole("link", { name: "Celebrate" }).waitFor();
    await rpcT("updateEntity", { entity: "project", id: project.id, data: { name: "Orion II" } });
    await detail().getByRole("heading", { name: "Orion II" }).waitFor();

    // Edit (by keyboard) opens the form for this record; a saved change shows here.
    await detail().getByRole("button", { name: "Edit" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Edit Project" });
    await page.waitForFunction(() =>
      document.querySelector<HTMLTextAreaElement>("[role=dialog] .tq-field[data-field=description] textarea")?.value.startsWith("Ship"),
    );
    await dialog.getByRole("textbox", { name: "Description" }).fill("Reach orbit");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.waitForFunction(() => document.querySelector('.tq-dv-row[data-field="description"] dd')?.textContent === "Reach orbit");

    // Delete asks first, naming what the cascade removes; then the project and its tasks are gone.
    await detail().getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("alertdialog");
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain("“Orion II” will be deleted.");
    expect(await confirm.textContent()).toContain("It also deletes its 4 tasks.");
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, "detailview-todo-confirm-delete");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    expect((await rpcT("getEntity", { entity: "project", id: project.id })).id).toBe(project.id); // cancelled: still there
    await detail().getByRole("button", { name: "Delete" }).click();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await detail().getByText("Select a project to see it here").waitFor();
    expect(new URL(page.url()).searchParams.get("record")).toBeNull();
    expect((await rpcT("queryEntities", { entity: "project", filter: { id: project.id } })).data).toHaveLength(0);
    expect((await rpcT("queryEntities", { entity: "task", filter: { project: project.id } })).data).toHaveLength(0);
    expect(tp.errors).toEqual([]);
  });

  test("a task's link opens that task; a project deleted elsewhere is said so", async () => {
    const project = await rpcT("createEntity", { entity: "project", data: { name: "Vega" } });
    const task = await rpcT("createEntity", { entity: "task", data: { title: "Survey", project: project.id } });
    await page.goto(`${s.url}/app/todo/projects?record=project/${project.id}`);
    await detail().locator(".tq-dv-related").getByRole("link", { name: "Survey" }).click();
    expect(new URL(page.url()).searchParams.get("record")).toBe(`task/${task.id}`);
    // No view of tasks on this page: the shell opens the task in a form.
    const dialog = page.getByRole("dialog", { name: "Edit Task" });
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>("[role=dialog] .tq-field[data-field=title] input")?.value === "Survey");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    await page.goto(`${s.url}/app/todo/projects?record=project/${project.id}`);
    await detail().getByRole("heading", { name: "Vega" }).waitFor();
    await rpcT("deleteEntity", { entity: "project", id: project.id });
    await detail().getByText("This project was deleted.").waitFor();
    await shot(page, "detailview-todo-deleted-elsewhere");
    expect(tp.errors).toEqual([]);
  });
});
