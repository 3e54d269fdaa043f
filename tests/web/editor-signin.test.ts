// Sign-in in the Model Editor, in a real browser against a real server whose database has
// users: the sign-in page (its look, axe, keyboard only, a wrong password), the editor at
// the address asked for with the user's name and role in the header, a user who may not
// change models told so (a note on every page, no create or delete on Home, the server's
// FORBIDDEN said where it happens), a session that ends mid-work (back to the sign-in page,
// then to the same address), sign-out; the CSRF header on every POST /graphql; the page's
// security headers, and no Content-Security-Policy violation (Mantine's styles included).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { cliActor } from "../../src/services/actor";
import { startTestServer, type TestServer } from "../helpers/server";
import { axeViolations, launchBrowser, openPage, shot, watchCsp } from "./browser";

// Browser steps on a busy 2-core machine need generous bounds.
setDefaultTimeout(60_000);

const ADMIN = { name: "ann", password: "correct horse battery" };
const EDITOR = { name: "ed", password: "an editor's passphrase" };

let s: TestServer;
let browser: Browser;
let id: string;

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
  id = s.models.todo!;
  // A second version, so that there is one to roll back to.
  await s.services.models.edit(id, { op: "setProperties", patch: { description: "Tasks and projects" } }, cliActor);
  await s.services.users.add(ADMIN.name, ADMIN.password, "admin", cliActor);
  await s.services.users.add(EDITOR.name, EDITOR.password, "editor", cliActor);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** A fresh browser (no cookie) recording CSP violations and the CSRF header of every POST /graphql. */
async function fresh(opts: Parameters<typeof openPage>[1] = {}) {
  const tp = await openPage(browser, { colorScheme: "light", ...opts });
  const csp = await watchCsp(tp.page);
  const posts: (string | undefined)[] = [];
  tp.page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/graphql") posts.push(r.headers()["x-torque-csrf"]);
  });
  return { ...tp, csp, posts };
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("name"));

/** Sign in with the keyboard only: the name field has focus; Tab to the password; Enter. */
async function signInByKeyboard(page: Page, who: { name: string; password: string }) {
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  expect(await focused(page)).toBe("username");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(who.name);
  await page.keyboard.press("Tab");
  expect(await focused(page)).toBe("password");
  await page.keyboard.type(who.password);
  await page.keyboard.press("Enter");
}

/** The sign-in button done working (Mantine's loader gone, its slide out finished). */
const idle = async (page: Page) => {
  await page.locator('form button[type="submit"]:not([data-loading])').waitFor();
  await page.locator("form .mantine-Button-loader").waitFor({ state: "detached" });
};

describe("the sign-in page", () => {
  test("a model's address without a session shows the sign-in page there: headers, look, axe, the keyboard, a wrong password; then the editor", async () => {
    const { page, errors, csp, posts, close } = await fresh();
    const res = await page.goto(`${s.url}/editor/models/${id}/history`);
    const h = res!.headers();
    expect(h["content-security-policy"]).toContain("script-src 'self';");
    // Mantine writes its theme and responsive styles as <style> elements: styles (only) are inline.
    expect(h["content-security-policy"]).toContain("style-src 'self' 'unsafe-inline'");
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");

    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/history`);
    // Each field is named by its label (for=), and the browser's password manager knows which is which.
    const fields = await page.evaluate(() =>
      [...document.querySelectorAll("form input")].map((i) => ({
        label: (i as HTMLInputElement).labels?.[0]?.textContent?.replace(/\s*\*$/, ""),
        autocomplete: i.getAttribute("autocomplete"),
      })),
    );
    expect(fields).toEqual([
      { label: "Name", autocomplete: "username" },
      { label: "Password", autocomplete: "current-password" },
    ]);
    expect(await focused(page)).toBe("username");
    await shot(page, "editor-signin");
    expect(await axeViolations(page, undefined, { all: true })).toEqual([]);

    await page.keyboard.press("Enter");
    await page.getByRole("alert").filter({ hasText: "Enter your name and your password." }).waitFor();

    await signInByKeyboard(page, { name: EDITOR.name, password: "not the password" });
    await page.getByRole("alert").filter({ hasText: "The name or the password is not right." }).waitFor();
    await idle(page);
    expect(await focused(page)).toBe("password");
    expect(await page.locator('input[name="password"]').inputValue()).toBe("");
    await shot(page, "editor-signin-wrong-password");
    expect(await axeViolations(page, undefined, { all: true })).toEqual([]);

    await page.keyboard.type(EDITOR.password);
    await page.keyboard.press("Enter");
    await page.getByRole("tab", { name: "History", selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/editor/models/${id}/history`);
    expect(await page.getByTestId("account").textContent()).toContain("Signed in as ed (editor)");
    // Every POST /graphql carried the session's token (none was sent before the session was known).
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((t) => typeof t === "string" && t.length > 10)).toBe(true);
    expect(await csp.read()).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  test("the dark theme and German sign-in pages pass axe too", async () => {
    const { page, csp, close } = await fresh({ colorScheme: "dark", locale: "de-DE" });
    await page.goto(`${s.url}/editor/`);
    await page.getByRole("heading", { name: "Anmelden" }).waitFor();
    await shot(page, "editor-signin-dark-de");
    expect(await axeViolations(page, undefined, { all: true })).toEqual([]);
    expect(await csp.read()).toEqual([]);
    await close();
  });
});

describe("signed in", () => {
  test("an editor (not an admin) is told that changing models takes the admin role; the server's refusal is shown, not swallowed", async () => {
    const { page, errors, csp, close } = await fresh();
    await page.goto(`${s.url}/editor/`);
    await signInByKeyboard(page, EDITOR);
    await page.getByRole("heading", { name: "Models" }).waitFor();
    const note = page.getByTestId("read-only");
    await note.waitFor();
    expect(await note.textContent()).toContain("changing models and creating apps takes the admin role");
    // Home offers nothing that takes the admin role.
    await page.locator('[data-model="Todo"]').waitFor();
    expect(await page.getByRole("button", { name: "Create model" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Import model" }).count()).toBe(0);
    expect(await page.locator('[data-model="Todo"]').getByRole("button", { name: "Delete" }).count()).toBe(0);
    expect(await page.locator('[data-model="Todo"]').getByRole("button", { name: "Export" }).count()).toBe(1);
    await shot(page, "editor-read-only-home");
    expect(await axeViolations(page)).toEqual([]);

    // A rollback goes to the server, which refuses it: its words are shown in the dialog.
    await page.goto(`${s.url}/editor/models/${id}/history`);
    await page.getByRole("button", { name: "Roll back to version 1" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Roll back to version 1" }).click();
    const refusal = page.getByTestId("rollback-error");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("ed (editor) may not change models; it takes the admin role");
    await shot(page, "editor-read-only-refused");
    await page.keyboard.press("Escape");
    expect((await s.services.models.get(id)).version).toBe(2);
    expect(await csp.read()).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });

  test("an admin may change models; a session that ends mid-work leads to the sign-in page and back to the same address; Sign out ends it", async () => {
    const { page, errors, csp, close } = await fresh();
    await page.goto(`${s.url}/editor/models/${id}/entities`);
    await signInByKeyboard(page, ADMIN);
    await page.getByRole("tab", { name: "Entities", selected: true }).waitFor();
    expect(await page.getByTestId("account").textContent()).toContain("Signed in as ann (admin)");
    expect(await page.getByTestId("read-only").count()).toBe(0);
    await shot(page, "editor-admin-entities");

    // The server forgets the session: the next request answers 401 and the sign-in page takes the page's place, at its address.
    await page.context().clearCookies();
    await page.getByRole("link", { name: "Models" }).first().click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByText("Your session has ended. Sign in again to go on where you were.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/editor/");
    await signInByKeyboard(page, ADMIN);
    await page.getByRole("button", { name: "Create model" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/editor/");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(async () => (await fetch("/auth/session")).json())).toEqual({ authRequired: true, user: null });
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await csp.read()).toEqual([]);
    expect(errors).toEqual([]);
    await close();
  });
});
