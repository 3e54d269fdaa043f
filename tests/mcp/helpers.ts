// Shared pieces for the MCP end-to-end tests: the SDK's real client over stdio (spawning
// `torque mcp`) or over Streamable HTTP (against the real server), and a small `call`
// that returns a tool result's parsed JSON with its isError flag.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { openDatabase } from "../../src/store/open";
import { MAIN, ok } from "../helpers/cli";
import { freshPgDatabase, onPostgres } from "../helpers/db";

export { MAIN };

const made: string[] = [];

/** A fresh temp folder; removeTempDirs() (call it in the file's afterAll) removes them all. */
export function tempDir(prefix = "torque-mcp-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface ToolReply {
  isError: boolean;
  /** The parsed JSON of the first text content (or the raw text when it is not JSON). */
  value: any;
  text: string;
}

/** Call a tool and parse its JSON text. A protocol-level error (not a tool result) throws. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolReply> {
  const r: any = await client.callTool({ name, arguments: args });
  const first = r.content?.[0];
  const text = first?.type === "text" ? String(first.text) : "";
  let value: any = text;
  try {
    value = JSON.parse(text);
  } catch {}
  return { isError: r.isError === true, value, text };
}

/** Call a tool that must succeed; returns its parsed result. */
export async function ok1(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const r = await call(client, name, args);
  if (r.isError) throw new Error(`${name} failed: ${r.text}`);
  return r.value;
}

/** Call a tool that must fail; returns the error message (what the agent reads). */
export async function fails(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ message: string; value: any }> {
  const r = await call(client, name, args);
  if (!r.isError) throw new Error(`${name} was expected to fail but returned ${r.text.slice(0, 500)}`);
  return { message: String(r.value?.error ?? r.text), value: r.value };
}

/** A todo project made by `torque init DIR --template todo`; returns the database path. */
export async function todoProject(): Promise<{ dir: string; dbPath: string }> {
  const root = tempDir("torque-mcp-");
  const dir = join(root, "proj");
  const db = onPostgres ? await freshPgDatabase() : join(dir, "torque.db");
  await ok(["init", dir, "--template", "todo", ...(onPostgres ? ["--db", db] : [])], { cwd: root });
  return { dir, dbPath: db };
}

export interface StdioSession {
  client: Client;
  transport: StdioClientTransport;
  stderr(): string;
  close(): Promise<void>;
}

/** Spawn `torque mcp --db DB [--app S] [--entities a,b]` and connect the SDK client to it. */
export async function stdioClient(dbPath: string, opts: { app?: string; entities?: string; name?: string; cwd?: string } = {}): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, "mcp", "--db", dbPath, ...(opts.app ? ["--app", opts.app] : []), ...(opts.entities !== undefined ? ["--entities", opts.entities] : [])],
    cwd: opts.cwd,
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => void (err += d.toString()));
  const client = new Client({ name: opts.name ?? "e2e-agent", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport, stderr: () => err, close: () => client.close() };
}

export interface HttpSession {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /**
   * Resolves once the client has asked for its server-to-client SSE stream (GET /mcp) and a
   * ping has made a round trip after that, so a notification sent now has a stream to go to.
   * (The client opens that stream in the background after initialize, and Bun sends the GET
   * response's headers only with its first event, so the client cannot see it open.)
   */
  streamOpen: Promise<void>;
  close(): Promise<void>;
}

/** `${url}/mcp` with ?app= and ?entities= when given. */
export function mcpUrl(url: string, opts: { app?: string; entities?: string } = {}): URL {
  const u = new URL(`${url}/mcp`);
  if (opts.app) u.searchParams.set("app", opts.app);
  if (opts.entities !== undefined) u.searchParams.set("entities", opts.entities);
  return u;
}

/** Connect the SDK client to `${url}/mcp[?app=S][&entities=a,b]` of a running server, with a bearer token when given. */
export async function httpClient(url: string, opts: { app?: string; entities?: string; name?: string; token?: string } = {}): Promise<HttpSession> {
  let asked!: () => void;
  const getSent = new Promise<void>((r) => (asked = r));
  const watching = ((input: any, init?: RequestInit) => {
    if (init?.method === "GET") asked();
    return fetch(input, init);
  }) as typeof fetch;
  const transport = new StreamableHTTPClientTransport(mcpUrl(url, opts), {
    fetch: watching,
    ...(opts.token && { requestInit: { headers: { authorization: `Bearer ${opts.token}` } } }),
  });
  const client = new Client({ name: opts.name ?? "e2e-agent", version: "1.0.0" });
  await client.connect(transport);
  const streamOpen = getSent.then(async () => {
    await client.ping();
  });
  return { client, transport, streamOpen, close: () => client.close() };
}

/** Wait (bounded) until pred() holds; returns whether it did. */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Rows of the audit log of a database (SQLite file or PostgreSQL URL), after the writer closed. */
export async function auditRows(
  dbPath: string,
): Promise<{ actor_kind: string; actor_id: string | null; action: string; entity_type: string | null; entity_id: string | null }[]> {
  const db = await openDatabase(dbPath, { migrate: false });
  try {
    return await db.all("SELECT actor_kind, actor_id, action, entity_type, entity_id FROM audit_log ORDER BY id");
  } finally {
    await db.close();
  }
}

export const GENERIC_TOOLS = ["list_apps", "describe_app", "query_entities", "get_entity", "create_entity", "update_entity", "delete_entity", "execute_xflow"];
export const DESIGN_TOOLS = ["get_model", "create_model", "add_entity_type", "add_field", "add_relationship", "add_page", "validate_model", "create_app"];
export const CRUD = ["query", "get", "create", "update", "delete"];
