// Helpers for the end-to-end tests of the command line: run the real `torque` (src/main.ts
// under the same bun that runs the tests) as a subprocess in a temp folder, and look into
// the SQLite file it leaves behind.
import { Database } from "bun:sqlite";
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = new URL("../../", import.meta.url).pathname;
export const MAIN = join(REPO, "src/main.ts");
export const TEMPLATES = join(REPO, "src/model/templates");
export const FIXTURES = new URL("../fixtures/torque-rust-samples/", import.meta.url).pathname;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Text on standard input (a password for --password-stdin); none: stdin is closed. */
  input?: string;
}

/** The environment a CLI run starts from: ours, without any TORQUE_* setting that could leak in. */
function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
  for (const k of Object.keys(env)) if (k.startsWith("TORQUE_")) delete env[k];
  Object.assign(env, extra);
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Start `torque ARGS` without waiting for it. */
export function spawnTorque(args: string[], opts: RunOptions) {
  return Bun.spawn([process.execPath, MAIN, ...args], {
    cwd: opts.cwd,
    env: baseEnv(opts.env),
    stdin: opts.input === undefined ? "ignore" : new Blob([opts.input]),
    stdout: "pipe",
    stderr: "pipe",
  });
}

/** Run `torque ARGS` to completion. */
export async function torque(args: string[], opts: RunOptions): Promise<RunResult> {
  const p = spawnTorque(args, opts);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** Run and insist on success; returns the result (the message shows stderr when it fails). */
export async function ok(args: string[], opts: RunOptions): Promise<RunResult> {
  const r = await torque(args, opts);
  if (r.code !== 0) throw new Error(`torque ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Run with --json and parse stdout. */
export async function okJson<T = any>(args: string[], opts: RunOptions): Promise<T> {
  const r = await ok([...args, "--json"], opts);
  return JSON.parse(r.stdout) as T;
}

const made: string[] = [];
let cleanupRegistered = false;

/** A fresh temp folder, removed after the test file. */
export function tempDir(prefix = "torque-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    afterAll(() => {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Open a database file read-only, run fn, close. */
export function withDb<T>(file: string, fn: (db: Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Records per entity type, for one app (by slug) or for the whole file. */
export function entityCounts(file: string, slug?: string): Record<string, number> {
  return withDb(file, (db) => {
    const rows = slug
      ? db
          .query<{ type: string; n: number }, [string]>(
            "SELECT e.type, count(*) AS n FROM entities e JOIN apps a ON a.id = e.app_id WHERE a.slug = ? GROUP BY e.type",
          )
          .all(slug)
      : db.query<{ type: string; n: number }, []>("SELECT type, count(*) AS n FROM entities GROUP BY type").all();
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  });
}

/** The slugs of the apps in a database file. */
export function appSlugs(file: string): string[] {
  return withDb(file, (db) =>
    db
      .query<{ slug: string }, []>("SELECT slug FROM apps ORDER BY slug")
      .all()
      .map((r) => r.slug),
  );
}

/** A template model (todo, crm, blank) as a fresh object. */
export async function template(name: "todo" | "crm" | "blank"): Promise<any> {
  return JSON.parse(await Bun.file(join(TEMPLATES, `${name}.json`)).text());
}

/** Write JSON to dir/name and return the path. */
export async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await Bun.write(path, JSON.stringify(value, null, 2));
  return path;
}
