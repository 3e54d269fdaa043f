// One set of helpers for the Model Editor's browser tests (tests/web/editor-*.test.ts), so
// each file says only what it tests: the server, browser and page a file shares; GraphQL
// against that server (the editor's only interface); the saved model read back and waited
// for; the bar's save status; a local draft left as an earlier visit would; the page's own
// errors; a dialog done opening; axe in one panel; a mouse drag.
import { afterAll, beforeAll, expect } from "bun:test";
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
import type { ModelEdit } from "../../src/model/edit";
import type { Model } from "../../src/model/schema";
import type { Draft } from "../../web/editor/state/draft";
import type { EditorState } from "../../web/editor/state/store";
import { type AxeViolation, axeViolations, launchBrowser, openPage, type TestPage } from "./browser";

/** A test server (startTestServer) or the binary's (startBinaryServer): what the suite needs of either. */
type Server = { url: string } & ({ close(): Promise<void> } | { stop(): Promise<void> });

/**
 * One server, one browser and one light page for the whole file, started in beforeAll and
 * closed in afterAll (page, browser, then server). The page's leftovers (drafts, routes)
 * carry from test to test, as the files' tests are written in order.
 * Read `server`, `browser` and `page` inside tests or hooks: they exist once beforeAll ran.
 * The helpers work on `page` unless given another.
 */
export function editorSuite<S extends Server>(start: () => Promise<S>, opts: { page?: BrowserContextOptions; startTimeout?: number } = {}) {
  let server: S | undefined;
  let browser: Browser | undefined;
  let tp: TestPage | undefined;
  beforeAll(async () => {
    server = await start();
    browser = await launchBrowser();
    tp = await openPage(browser, { colorScheme: "light", ...opts.page });
  }, opts.startTimeout);
  afterAll(async () => {
    await tp?.close();
    await browser?.close();
    if (server) await ("close" in server ? server.close() : server.stop());
  });
  const started = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error("the editor suite is not started: use it inside a test or a hook");
    return x;
  };
  const url = () => started(server).url;
  const mainPage = () => started(tp).page;

  async function gql<T = unknown>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await fetch(`${url()}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await r.json()) as { data?: T; errors?: unknown };
    if (!body.data || body.errors) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
    return body.data;
  }

  /** The model as the server has it (its newest version unless told). */
  const savedModel = async (id: string, version?: number) =>
    (
      await gql<{ model: { version: number; document: Model } }>("query ($id: ID!, $v: Int) { model(id: $id, version: $v) { version document } }", {
        id,
        v: version,
      })
    ).model;

  /** The bar's save status, when it is `state`. */
  const saveStatus = (state: EditorState["status"], p: Page = mainPage()) => p.locator(`[data-testid="save-status"][data-status="${state}"]`);

  return {
    get server(): S {
      return started(server);
    },
    get browser(): Browser {
      return started(browser);
    },
    get page(): Page {
      return mainPage();
    },
    gql,
    savedModel,

    /** Wait until the saved model satisfies `ok`: the editor saves after the page shows an edit. */
    async until(id: string, ok: (d: Model) => boolean, ms = 5000): Promise<Model> {
      const end = Date.now() + ms;
      for (;;) {
        const d = (await savedModel(id)).document;
        if (ok(d)) return d;
        if (Date.now() > end) throw new Error(`the saved model never got there in ${ms} ms: ${JSON.stringify(d).slice(0, 600)}`);
        await Bun.sleep(100);
      }
    },

    /** An edit made elsewhere (an agent, another window), as one version; refused edits fail the test. */
    async editModel(id: string, edits: ModelEdit[], note?: string): Promise<number> {
      const d = await gql<{ editModel: { model: { version: number } | null; errors: { message: string }[] } }>(
        "mutation ($id: ID!, $edits: JSON!, $note: String) { editModel(model: $id, edits: $edits, note: $note) { model { version } errors { message } } }",
        { id, edits, note },
      );
      if (!d.editModel.model) throw new Error(`editModel refused: ${JSON.stringify(d.editModel.errors)}`);
      return d.editModel.model.version;
    },

    /** A new model with this document; its id. */
    async createModel(name: string, document: unknown): Promise<string> {
      const d = await gql<{ createModel: { model: { id: string } | null; errors: { message: string }[] } }>(
        "mutation ($name: String!, $document: JSON) { createModel(name: $name, document: $document) { model { id } errors { message } } }",
        { name, document },
      );
      expect(d.createModel.errors).toEqual([]);
      return d.createModel.model!.id;
    },

    /** The editor's address of a model, with a tab, item or query after it. */
    modelUrl: (id: string, rest = "") => `${url()}/editor/models/${encodeURIComponent(id)}${rest}`,

    /**
     * The errors the page logged or threw. Chromium asks for /favicon.ico on its own; the
     * server has none, which is not the page's fault. (Requests a test fails on purpose are
     * left out by openPage already.)
     */
    pageErrors: (t: TestPage = started(tp)) => t.errors.filter((e) => !/favicon/.test(e)),

    dialog: (p: Page = mainPage()) => p.getByRole("dialog"),

    /** The open dialog done with its opening transition (axe would measure half-faded colours). */
    dialogSettled: (p: Page = mainPage()) =>
      p.waitForFunction(() => {
        const d = document.querySelector<HTMLElement>('[role="dialog"]');
        return !!d && getComputedStyle(d).opacity === "1" && d.getAnimations().length === 0;
      }),

    saveStatus,

    /** Every edit saved: the bar says so (and names `version`, when given). */
    async whenSaved(version?: number, p: Page = mainPage()) {
      await saveStatus("saved", p).waitFor();
      if (version !== undefined) await p.getByText(`Saved · version ${version}`).waitFor();
    },

    /**
     * Unsaved actions in the model's local draft, as an earlier visit (a reload, a lost
     * connection) leaves them; the editor restores them when it opens the model. The page
     * must be on the server's origin already.
     */
    leaveDraft: (id: string, draft: Draft, p: Page = mainPage()) =>
      p.evaluate(([key, value]) => localStorage.setItem(key!, value!), [draftKey(id), JSON.stringify(draft)]),
  };
}

/** Where the editor keeps a model's unsaved actions in localStorage. */
export const draftKey = (id: string) => `torque.editor.draft.${id}`;

export const entityOf = (d: Model, name: string) => d.entities.find((e) => e.name === name);
export const fieldOf = (d: Model, entity: string, field: string) => entityOf(d, entity)?.fields.find((f) => f.name === field);

/**
 * axe in what one panel of the workspace draws (`[data-panel="<name>"]`, which must be there
 * once) and in a dialog open over it: each panel's test scans its own part; the workspace's
 * test scans the whole page.
 */
export async function panelViolations(p: Page, name: string): Promise<AxeViolation[]> {
  const panel = `[data-panel="${name}"]`;
  expect(await p.locator(panel).count()).toBe(1);
  // Mantine puts a dialog outside the panel, at the end of the body.
  const dialogOpen = (await p.locator(".mantine-Modal-root").count()) > 0;
  return axeViolations(p, dialogOpen ? [panel, ".mantine-Modal-root"] : [panel]);
}

/** The middle of what a locator shows, in page coordinates. */
export async function centre(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error("not on screen");
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Press at `from`, move to `to` in steps (drag libraries need moves between), release. */
export async function drag(p: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 12) {
  await p.mouse.move(from.x, from.y);
  await p.mouse.down();
  await p.mouse.move(to.x, to.y, { steps });
  await p.mouse.up();
}

/** Put text into a code editor (CodeMirror, found by its test id) and leave it with Tab, which commits it. */
export async function typeCode(p: Page, testId: string, text: string) {
  await p.getByTestId(testId).click();
  await p.keyboard.press("Control+a");
  await p.keyboard.press("Delete");
  await p.keyboard.insertText(text);
  await p.keyboard.press("Tab");
}
