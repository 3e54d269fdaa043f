// Browser tests drive Debian's Chromium through playwright-core against the real server:
// one browser per test file, pages that record console and page errors (a test fails on
// them), screenshots saved under artifacts/screenshots/ for review, and an axe-core scan.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean) as string[];

export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${CANDIDATES.join(", ")}); install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return found;
}

/**
 * playwright-core (1.65 under Bun) can deliver a WebSocket frame event after it has disposed
 * of that socket's object, and then throws "Cannot find object to frameSent" from its
 * message loop, failing whichever test is running. Frame events of a socket that is gone
 * carry nothing a test could use: they are dropped here; every other message passes.
 */
function dropLateFrameEvents(browser: Browser): void {
  type Conn = { dispatch(m: { guid?: string; method?: string }): void; _objects: Map<string, unknown> };
  const conn = (browser as unknown as { _connection?: Conn })._connection;
  if (!conn || typeof conn.dispatch !== "function" || !(conn._objects instanceof Map)) return;
  const dispatch = conn.dispatch.bind(conn);
  conn.dispatch = (m) => {
    if (
      (m.method === "frameSent" || m.method === "frameReceived" || m.method === "socketError" || m.method === "close") &&
      m.guid?.startsWith("ws@") &&
      !conn._objects.has(m.guid)
    )
      return;
    dispatch(m);
  };
}

export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
    ],
  });
  dropLateFrameEvents(browser);
  return browser;
}

export interface TestPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context and page (desktop size unless told), recording errors. */
export async function openPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<TestPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-US", ...opts });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  // A script that data managed to run (an XSS) would typically open a dialog: every test fails on one.
  page.on("dialog", (d) => {
    errors.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  page.on("console", (m) => {
    // A failed request the test caused on purpose is logged as a console error by Chromium; those are checked by the tests themselves.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  // Leaving the page first closes its WebSocket cleanly: frames arriving for a socket of an
  // already closed context make playwright-core throw from its dispatcher.
  const close = async () => {
    await page.goto("about:blank").catch(() => {});
    await context.close();
  };
  return { page, errors, close };
}

/** The gallery's address for one story (`Type/name`), in the dark theme when asked. */
export const storyUrl = (base: string, key: string, theme?: "light" | "dark") =>
  `${base}/app/_gallery/?story=${encodeURIComponent(key)}${theme ? `&theme=${theme}` : ""}`;

export const SHOTS = join(new URL("../..", import.meta.url).pathname, "artifacts", "screenshots");

/** Save a full-page screenshot as artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now (every violation,
 * minor ones too, with `all`); with `include` (CSS selectors), only in what those match. axe
 * refuses an include that matches nothing at all, not one selector of several that does:
 * callers check their parts are there.
 */
export async function axeViolations(page: Page, include?: string[], opts: { all?: boolean } = {}): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  // Evaluated through DevTools rather than added as a <script>: the pages' Content-Security-
  // Policy lets no inline script run, and must not be loosened for a test.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  // Colours read halfway through a transition (a dialog fading in) are no colours anyone
  // reads: finite animations and transitions end first (a spinner's endless one is left).
  await page
    .waitForFunction(
      () => document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity),
      undefined,
      {
        timeout: 3000,
      },
    )
    .catch(() => {});
  const result = await page.evaluate(async (include) => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document | { include: string[][] },
            opts: unknown,
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(include ? { include: include.map((s) => [s]) } : document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  }, include);
  return opts.all ? result : result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * Record the page's Content-Security-Policy violations (the `securitypolicyviolation`
 * events of every document it loads) before it navigates; `read` returns them so far.
 */
export async function watchCsp(page: Page): Promise<{ read(): Promise<string[]> }> {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations?: string[] };
    w.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__cspViolations!.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  const seen: string[] = [];
  // Chromium also says so on the console; those lines are kept too (a violation in a document already left).
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  return {
    async read() {
      const now = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []).catch(() => []);
      return [...seen, ...now];
    },
  };
}
