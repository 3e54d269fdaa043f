// The compiled executable, copied alone into an empty folder: init, server and every
// endpoint work with no node_modules and no source beside it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "./helpers/binary";
import { launchBrowser, openPage, shot } from "./web/browser";

let dir: string, bin: string, server: ReturnType<typeof Bun.spawn> | undefined;
const port = 20000 + Math.floor(Math.random() * 20000);
const base = `http://127.0.0.1:${port}`;

const run = (args: string[]) => {
  const r = Bun.spawnSync([bin, ...args], { cwd: dir, env: { PATH: "/usr/bin:/bin", HOME: dir } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "torque-bin-"));
  bin = join(dir, "torque");
  copyFileSync(await buildBinary(), bin);
}, 120_000);

afterAll(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

test("the folder holds nothing but the binary", () => {
  expect(readdirSync(dir)).toEqual(["torque"]);
});

test("--version, init and app list", () => {
  expect(run(["--version"]).out).toMatch(/^torque \d+\.\d+\.\d+/);
  const init = run(["init", ".", "--template", "crm"]);
  expect(init.code).toBe(0);
  const apps = JSON.parse(run(["app", "list", "--json"]).out);
  expect(apps.map((a: { slug: string }) => a.slug)).toEqual(["crm"]);
});

test("a legacy model imports from inside the binary", () => {
  const fixture = new URL("./fixtures/torque-rust-samples/todo-app.json", import.meta.url).pathname;
  const r = run(["model", "import", fixture, "--json"]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out).app).toBe("todo-application");
});

test("the server answers health, JSON-RPC, GraphQL, WebSocket and both frontends", async () => {
  server = Bun.spawn([bin, "server", "--bind", `127.0.0.1:${port}`], { cwd: dir, env: { PATH: "/usr/bin:/bin", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  let health: any;
  for (let i = 0; i < 100 && !health; i++) {
    health = await fetch(`${base}/health`)
      .then((r) => r.json())
      .catch(() => undefined);
    if (!health) await Bun.sleep(50);
  }
  expect(health).toMatchObject({ status: "ok", database: { driver: "sqlite" } });

  const rpc = async (method: string, params: object) =>
    (await fetch(`${base}/rpc`, { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then((r) => r.json())) as any;
  const company = await rpc("createEntity", { app: "crm", entity: "company", data: { name: "Binary Inc" } });
  expect(company.result.data.name).toBe("Binary Inc");
  expect((await rpc("getEntity", { app: "crm", entity: "company", id: company.result.id })).result.id).toBe(company.result.id);

  const gql = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ apps { slug } }" }),
  }).then((r) => r.json());
  expect((gql as any).data.apps.map((a: any) => a.slug).sort()).toEqual(["crm", "todo-application"]);

  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const messages: any[] = [];
  ws.onmessage = (m) => messages.push(JSON.parse(m.data as string));
  await new Promise((r) => (ws.onopen = r));
  ws.send(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "subscribe", params: { app: "crm", entity: "company" } }));
  for (let i = 0; i < 40 && !messages.some((m) => m.id === 7); i++) await Bun.sleep(25);
  await rpc("createEntity", { app: "crm", entity: "company", data: { name: "Live Ltd" } });
  for (let i = 0; i < 80 && !messages.some((m) => m.method === "entityChanged"); i++) await Bun.sleep(25);
  ws.close();
  expect(messages.find((m) => m.method === "entityChanged")?.params).toMatchObject({ app: "crm", entity: "company", op: "create", data: { name: "Live Ltd" } });

  for (const path of ["/editor/", "/app/crm/"]) {
    const page = await fetch(`${base}${path}`);
    expect(page.headers.get("content-type")).toContain("text/html");
    // The pages' security headers, served from the files built into the binary (http/frontends.ts).
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    expect(page.headers.get("content-security-policy")).toContain(path === "/editor/" ? "frame-ancestors 'none'" : "frame-ancestors 'self'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const script = /src="([^"]+\.js)"/.exec(await page.text())![1]!;
    const file = await fetch(`${base}${script}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
  }

  server.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  server = undefined;
}, 60_000);

test("the frontends in the binary are split: an app page loads only what it shows, the chart's code only with a chart; the editor's home no xyflow", async () => {
  server = Bun.spawn([bin, "server", "--bind", `127.0.0.1:${port}`, "--quiet"], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await Bun.sleep(50);
  }
  const gz = async (url: string) => {
    const text = await (await fetch(url)).text();
    return { url, text, gz: Bun.gzipSync(text).length, chart: text.includes("chart-legend") };
  };
  const browser = await launchBrowser();
  try {
    /** The scripts a page fetched before it was painted, and all it fetched once settled. */
    const scripts = async (path: string, ready: string) => {
      const { page, errors, close } = await openPage(browser);
      await page.goto(`${base}${path}`);
      await page.locator(ready).first().waitFor();
      await page.waitForLoadState("networkidle");
      const js = await page.evaluate(() => {
        const painted = performance.getEntriesByName("torque:page-painted")[0]?.startTime ?? performance.now();
        const all = performance.getEntriesByType("resource").filter((e) => new URL(e.name).pathname.endsWith(".js"));
        return { initial: all.filter((e) => e.startTime <= painted).map((e) => e.name), all: all.map((e) => e.name) };
      });
      await shot(page, `binary${path.replace(/\//g, "-")}`);
      expect(errors).toEqual([]);
      await close();
      return { initial: await Promise.all(js.initial.map(gz)), all: await Promise.all(js.all.map(gz)) };
    };
    // The Model Editor: Home loads no xyflow (the ERD is its own chunk, loaded on a model page).
    const home = await scripts("/editor/", "h1");
    expect(home.all.some((x) => x.text.includes("react-flow__"))).toBe(false);
    const plain = await scripts("/app/crm/companies", "h1.page-title");
    const charted = await scripts("/app/crm/deals", ".chart svg");
    expect(plain.all.some((x) => x.chart)).toBe(false);
    // What a page needs before it is shown stays within 60 KB gzipped (the benchmark prints the figure).
    expect(plain.initial.reduce((n, x) => n + x.gz, 0)).toBeLessThanOrEqual(60 * 1024);
    const chunk = charted.all.filter((x) => x.chart);
    expect(chunk.length).toBe(1);
    expect(plain.all.map((x) => x.url)).not.toContain(chunk[0]!.url);
    expect(chunk[0]!.gz).toBeLessThanOrEqual(25 * 1024);
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await server.exited;
    server = undefined;
  }
}, 90_000);
