// Sign-in in the app runtime, in a real browser against a real server whose database has
// users: the sign-in page (its look, axe, keyboard only, a wrong password, the rate limit's
// words), the app at the address asked for with the user's name in the header, a viewer
// shown no action the server would refuse (no "New task", no row selection, a record read
// only), a session that ends mid-work (back to the sign-in page, then to the same
// address), sign-out; the CSRF header on writes; the page's security headers, and no
// Content-Security-Policy violation on any page.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { cliActor, systemActor } from "../../src/services/actor";
import { seedApp } from "../../src/services/seed/seed";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, type TestPage, watchCsp } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds.
setDefaultTimeout(60_000);

const ADMIN = { name: "ann", password: "correct horse battery" };
const VIEWER = { name: "val", password: "viewer's own passphrase" };

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
  await seedApp(s.services, "todo", { count: 8, seed: 3, actor: systemActor });
  await s.services.users.add(ADMIN.name, ADMIN.password, "admin", cliActor);
  await s.services.users.add(VIEWER.name, VIEWER.password, "viewer", cliActor);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** A fresh browser (no cookie) recording CSP violations and the CSRF header of every POST /rpc. */
async function fresh(opts: Parameters<typeof openPage>[1] = {}) {
  const tp = await openPage(browser, { colorScheme: "light", ...opts });
  const csp = await watchCsp(tp.page);
  const rpcPosts: (string | undefined)[] = [];
  tp.page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/rpc") rpcPosts.push(r.headers()["x-torque-csrf"]);
  });
  return { ...tp, csp, rpcPosts };
}

/** Sign in on the sign-in page with the keyboard only: the name field has focus; Tab to the password; Enter. */
async function signInByKeyboard(page: Page, who: { name: string; password: string }) {
  await page.locator("#signin-name").waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("signin-name");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(who.name);
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("signin-password");
  await page.keyboard.type(who.password);
  await page.keyboard.press("Enter");
}

const closeAll = async (tp: TestPage) => tp.close();

describe("the sign-in page", () => {
  test("a page asked for without a session shows the sign-in page at the same address: headers, look, axe, the keyboard, a wrong password", async () => {
    const tp = await fresh();
    const { page, errors, csp } = tp;
    const res = await page.goto(`${s.url}/app/todo/projects?lang=en`);
    // The page's security headers: only this server's scripts, framed only by this origin (the editor's preview).
    const h = res!.headers();
    expect(h["content-security-policy"]).toContain("script-src 'self';");
    expect(h["content-security-policy"]).toContain("frame-ancestors 'self'");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("same-origin");

    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");
    expect(await page.getByText("to the app todo").count()).toBe(1);
    // Labels name the fields; the browser's password manager knows which is which.
    expect(await page.getByLabel("Name").getAttribute("autocomplete")).toBe("username");
    expect(await page.getByLabel("Password").getAttribute("autocomplete")).toBe("current-password");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("signin-name");
    await shot(page, "app-signin");
    expect(await axeViolations(page, undefined, { all: true })).toEqual([]);

    // Nothing typed: said, and the name field marked.
    await page.keyboard.press("Enter");
    await page.getByRole("alert").filter({ hasText: "Enter your name and your password." }).waitFor();
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");

    // A wrong password: said in words, the password emptied and focused for another try.
    await signInByKeyboard(page, { name: VIEWER.name, password: "not the password" });
    await page.getByRole("alert").filter({ hasText: "The name or the password is not right." }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("signin-password");
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    expect(await page.getByLabel("Password").getAttribute("aria-describedby")).toBe("signin-error");
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");
    await shot(page, "app-signin-wrong-password");
    expect(await axeViolations(page, undefined, { all: true })).toEqual([]);

    // The right one: the page asked for, with the user in the header.
    await page.keyboard.type(VIEWER.password);
    await page.keyboard.press("Enter");
    await page.locator("h1.page-title", { hasText: "Projects" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");
    expect(await page.locator(".account").textContent()).toBe("val viewer");
    expect(await csp.read()).toEqual([]);
    expect(errors).toEqual([]);
    await closeAll(tp);
  });

  test("the dark theme and German sign-in pages pass axe too", async () => {
    const tp = await fresh({ colorScheme: "dark", locale: "de-DE" });
    await tp.page.goto(`${s.url}/app/todo/`);
    await tp.page.getByRole("heading", { name: "Anmelden" }).waitFor();
    await shot(tp.page, "app-signin-dark-de");
    expect(await axeViolations(tp.page, undefined, { all: true })).toEqual([]);
    expect(await tp.csp.read()).toEqual([]);
    await closeAll(tp);
  });

  test("too many attempts: the rate limit is said with its wait", async () => {
    const tp = await fresh();
    const { page } = tp;
    // The answer of a rate-limited server, as it sends it (429 with Retry-After).
    await page.route("**/auth/login", (route) =>
      route.fulfill({
        status: 429,
        headers: { "retry-after": "42" },
        contentType: "application/json",
        body: JSON.stringify({ error: "too many sign-in attempts; try again in 42 s" }),
      }),
    );
    await page.goto(`${s.url}/app/todo/`);
    await signInByKeyboard(page, ADMIN);
    await page.getByRole("alert").filter({ hasText: "Too many sign-in attempts. Try again in 42 seconds." }).waitFor();
    await closeAll(tp);
  });
});

describe("signed in", () => {
  test("a viewer sees the records but no action the server would refuse, and every write carries the CSRF token", async () => {
    const tp = await fresh();
    const { page, errors, csp, rpcPosts } = tp;
    await page.goto(`${s.url}/app/todo/`);
    await signInByKeyboard(page, VIEWER);
    await page.locator("h1.page-title", { hasText: "Tasks" }).waitFor();
    const grid = page.getByRole("grid");
    const rows = grid.locator(".dg-brow[data-id]");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(8);
    // The template's "New task" (a button opening a modal with a create form) is not offered; nor is selecting rows to delete them.
    expect(await page.getByRole("button", { name: "New task" }).count()).toBe(0);
    expect(await grid.getByRole("checkbox").count()).toBe(0);
    await shot(page, "app-viewer-tasks");
    // A record opens read only: its fields disabled, no Save.
    await rows.first().dblclick();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("You may look at this task but not change it.").waitFor();
    expect(await dialog.getByRole("textbox").first().isDisabled()).toBe(true);
    expect(new URL(page.url()).searchParams.get("record")).toMatch(/^task\//);
    await shot(page, "app-viewer-record");
    expect(await axeViolations(page, ['[role="dialog"]'])).toEqual([]);
    expect(await dialog.getByRole("button", { name: "Save" }).count()).toBe(0);
    await dialog.getByRole("button", { name: "Close" }).last().click();
    // Every POST /rpc carried the session's token.
    expect(rpcPosts.length).toBeGreaterThan(0);
    expect(rpcPosts.every((t) => typeof t === "string" && t.length > 10)).toBe(true);
    expect(await csp.read()).toEqual([]);
    expect(errors).toEqual([]);
    await closeAll(tp);
  });

  test("an admin sees New task; a session that ends mid-work leads to the sign-in page and back to the same address; Sign out ends it", async () => {
    const tp = await fresh();
    const { page, errors, csp } = tp;
    await page.goto(`${s.url}/app/todo/`);
    await signInByKeyboard(page, ADMIN);
    await page.getByRole("button", { name: "New task" }).waitFor();
    expect(await page.locator(".account").textContent()).toBe("ann admin");
    await shot(page, "app-admin-tasks");

    // The server forgets the session (it expired, or was signed out elsewhere): the next call answers 401.
    await page.context().clearCookies();
    await page.getByRole("link", { name: "Projects" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByText("Your session has ended. Sign in again to go on where you were.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");
    await signInByKeyboard(page, ADMIN);
    await page.locator("h1.page-title", { hasText: "Projects" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");

    // Sign out: the server forgets the session, the sign-in page follows at the same address.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/app/todo/projects");
    const session = await page.evaluate(async () => (await fetch("/auth/session")).json());
    expect(session).toEqual({ authRequired: true, user: null });
    // A reload stays signed out.
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await csp.read()).toEqual([]);
    expect(errors).toEqual([]);
    await closeAll(tp);
  });
});
