// The storage boundary and the direction of dependencies (DESIGN.md, "Layers"), checked
// over the source: every relative import of every file under src (test files and
// test-kit.ts, the shared set-up of tests, aside) is an edge between two layers, and an
// edge against
//   transports (cli, http, graphql, rpc, mcp, realtime) → services → {xflow, sandbox, store} → model → lib
// fails the test, listed file by file. Besides, SQL is written under src/store only: a
// string or template literal anywhere else that reads as a SQL statement fails it too.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "src");

type Layer = "root" | "version" | "transport" | "services" | "xflow" | "sandbox" | "store" | "model" | "lib";

const TRANSPORTS = new Set(["cli", "http", "graphql", "rpc", "mcp", "realtime"]);
const RANK: Record<Layer, number> = { root: 5, transport: 4, services: 3, xflow: 2, sandbox: 2, store: 2, model: 1, lib: 0, version: -1 };
/** Among the three layers under services, who may import whom (besides itself). */
const BESIDE: Partial<Record<Layer, Layer[]>> = { xflow: ["sandbox"], sandbox: [], store: [] };
/** Service modules that hand out the raw driver: for the service layer and tests, never for a transport. */
const SERVICE_INTERNALS = new Set(["src/services/driver.ts", "src/services/testing.ts"]);

/** A file's layer, from its path relative to the repository ("src/…"); null outside src. */
export function layerOf(file: string): Layer | null {
  if (!file.startsWith("src/")) return null;
  if (file === "src/main.ts") return "root";
  if (file === "src/version.ts") return "version";
  const top = file.split("/")[1]!;
  if (TRANSPORTS.has(top)) return "transport";
  if (top === "services" || top === "xflow" || top === "sandbox" || top === "store" || top === "model" || top === "lib") return top;
  throw new Error(`${file}: no layer for src/${top}; add it to tests/layers.test.ts`);
}

/**
 * Files allowed one dynamic import by a computed path, each for a reason: the server run
 * from source loads the build's Solid plugin (scripts/solid-plugin.ts) to build the
 * frontends; a literal path would bundle the plugin and its compiler into the binary,
 * whose frontends are built ahead and never reach that line.
 */
const COMPUTED_IMPORTS = new Set(["src/http/frontends.ts"]);

/** Why `from` may not import `to`, or null when the edge is allowed. */
export function edgeProblem(from: string, to: string): string | null {
  const a = layerOf(from),
    b = layerOf(to);
  if (!a) throw new Error(`${from} is not under src`);
  if (!b) return "source under src imports nothing outside it (tests, scripts)";
  if (b === "version") return null;
  if (b === "root") return "nothing imports the entry point";
  if (a === "root") return b === "transport" && to.startsWith("src/cli/") ? null : "the entry point imports the CLI only";
  if (a === b) return null;
  if (a === "transport") {
    if (b === "xflow" || b === "sandbox" || b === "store") return `a transport reaches ${b} only through the services`;
    if (SERVICE_INTERNALS.has(to)) return "a transport never gets the raw driver";
    return RANK[b] < RANK[a] ? null : "upward";
  }
  if (RANK[a] === RANK[b]) return BESIDE[a]!.includes(b) ? null : `${a} must not import ${b}`;
  return RANK[b] < RANK[a] ? null : `${a} must not import ${b} (upward)`;
}

/** Test code that lives beside the source: test files and the shared set-up of a folder's tests. */
const TEST_CODE = /\.test\.ts$|^test-kit\.ts$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts") && !TEST_CODE.test(name)) out.push(p);
  }
  return out.sort();
}

const parse = (path: string) => ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);

/** Every module specifier a file names: import/export … from, import x = require, dynamic import(). */
export function specifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier))
      out.push(node.moduleSpecifier.text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      out.push(arg && ts.isStringLiteralLike(arg) ? arg.text : "<computed>");
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
      out.push(node.argument.literal.text); // import("…").Type
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The file a relative specifier names ("src/…"), null for a non-TypeScript asset (.sql, .json, …), undefined when nothing is there. */
function resolveImport(from: string, spec: string): string | null | undefined {
  const base = resolve(dirname(from), spec);
  const ext = extname(spec);
  if (ext && ext !== ".ts" && ext !== ".js") return null;
  for (const p of [base, `${base}.ts`, join(base, "index.ts"), base.replace(/\.js$/, ".ts")])
    if (p.endsWith(".ts") && existsSync(p) && statSync(p).isFile()) return relative(ROOT, p);
  return undefined;
}

/** Every offending edge of these files, as "from -> to: why". */
export function offendingEdges(files: string[]): string[] {
  const out: string[] = [];
  for (const path of files) {
    const from = relative(ROOT, path);
    for (const spec of specifiers(parse(path))) {
      if (spec === "<computed>") {
        if (!COMPUTED_IMPORTS.has(from)) out.push(`${from} -> import(<computed>): a dynamic import must name its module`);
        continue;
      }
      if (!spec.startsWith(".")) continue; // packages
      const to = resolveImport(path, spec);
      if (to === null) continue;
      if (to === undefined) {
        out.push(`${from} -> ${spec}: cannot be resolved`);
        continue;
      }
      const why = edgeProblem(from, to);
      if (why) out.push(`${from} -> ${to}: ${why}`);
    }
  }
  return out;
}

/** A literal's text reads as a SQL statement (keywords in capitals, as every statement here is written). */
const SQL =
  /\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\b(CREATE|DROP)\s+(TABLE|INDEX|VIEW|TRIGGER|VIRTUAL\s+TABLE|UNIQUE\s+INDEX)\b|\bPRAGMA\b/;

/** String and template literals of a file that read as SQL, as "file:line: text". Comments are not literals. */
export function sqlLiterals(path: string): string[] {
  const sf = parse(path);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    // A template's placeholders read as names: `UPDATE ${t} SET` is "UPDATE _ SET".
    else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join("_");
    if (text !== undefined && SQL.test(text)) {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      out.push(`${relative(ROOT, path)}:${line}: ${text.replace(/\s+/g, " ").slice(0, 100)}`);
    }
    if (!ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
    else for (const s of node.templateSpans) visit(s.expression);
  };
  visit(sf);
  return out;
}

const FILES = sourceFiles(SRC);

describe("layers", () => {
  test("every import goes down (or sideways where allowed)", () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(offendingEdges(FILES)).toEqual([]);
  });

  test("SQL is written under src/store only", () => {
    expect(FILES.filter((f) => !relative(ROOT, f).startsWith("src/store/")).flatMap(sqlLiterals)).toEqual([]);
  });

  test("the rules refuse what they should", () => {
    expect(edgeProblem("src/cli/commands/migrate.ts", "src/store/migrations.ts")).toMatch(/services/);
    expect(edgeProblem("src/rpc/methods.ts", "src/xflow/validate.ts")).toMatch(/services/);
    expect(edgeProblem("src/mcp/server.ts", "src/sandbox/sandbox.ts")).toMatch(/services/);
    expect(edgeProblem("src/http/server.ts", "src/services/driver.ts")).toMatch(/driver/);
    expect(edgeProblem("src/store/open.ts", "src/services/index.ts")).toMatch(/upward/);
    expect(edgeProblem("src/store/open.ts", "src/xflow/types.ts")).toMatch(/store must not import xflow/);
    expect(edgeProblem("src/sandbox/pool.ts", "src/store/driver.ts")).toMatch(/sandbox must not import store/);
    expect(edgeProblem("src/xflow/engine.ts", "src/store/driver.ts")).toMatch(/xflow must not import store/);
    expect(edgeProblem("src/model/compile.ts", "src/store/dialect.ts")).toMatch(/upward/);
    expect(edgeProblem("src/lib/json.ts", "src/model/schema.ts")).toMatch(/upward/);
    expect(edgeProblem("src/services/apps.ts", "src/mcp/server.ts")).toMatch(/upward/);
    expect(edgeProblem("src/services/apps.ts", "src/main.ts")).toMatch(/entry point/);
    expect(edgeProblem("src/main.ts", "src/http/server.ts")).toMatch(/CLI only/);
    expect(edgeProblem("src/services/apps.ts", "tests/helpers/server.ts")).toMatch(/outside/);
    // Allowed: down, sideways between transports, xflow onto sandbox, version from anywhere.
    for (const [a, b] of [
      ["src/main.ts", "src/cli/main.ts"],
      ["src/http/server.ts", "src/graphql/index.ts"],
      ["src/cli/commands/app.ts", "src/services/index.ts"],
      ["src/cli/commands/app.ts", "src/model/schema.ts"],
      ["src/services/apps.ts", "src/store/apps.ts"],
      ["src/services/xflow/service.ts", "src/xflow/engine.ts"],
      ["src/xflow/engine.ts", "src/sandbox/sandbox.ts"],
      ["src/store/dialect.ts", "src/lib/errors.ts"],
      ["src/lib/errors.ts", "src/version.ts"],
    ])
      expect({ a, b, why: edgeProblem(a!, b!) }).toEqual({ a: a!, b: b!, why: null });
  });

  test("imports and SQL are found where they are written", () => {
    const sf = ts.createSourceFile(
      "x.ts",
      [
        'import type { A } from "../store/a";',
        'import "./side";',
        'export { B } from "../store/b";',
        'export * from "../store/c";',
        'const m = await import("../store/d");',
        'type T = import("../store/e").T;',
        '// import { no } from "../store/comment";',
      ].join("\n"),
      ts.ScriptTarget.Latest,
      true,
    );
    expect(specifiers(sf)).toEqual(["../store/a", "./side", "../store/b", "../store/c", "../store/d", "../store/e"]);
    expect(SQL.test("SELECT id FROM entities")).toBe(true);
    expect(SQL.test("INSERT INTO apps (slug) VALUES (?)")).toBe(true);
    expect(SQL.test("UPDATE models SET name = ?")).toBe(true);
    expect(SQL.test("DELETE FROM seed_runs WHERE app_id = ?")).toBe(true);
    expect(SQL.test("CREATE INDEX x ON entities (id)")).toBe(true);
    expect(SQL.test("PRAGMA user_version")).toBe(true);
    expect(SQL.test("select a model from the list")).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), "torque-layers-"));
    try {
      const file = join(dir, "x.ts");
      writeFileSync(
        file,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of a template literal
        ["// SELECT id FROM entities (a comment)", 'const t = "x";', "const u = `UPDATE ${t} SET a = 1`;", 'const n = "DELETE FROM seed_runs";'].join("\n"),
      );
      expect(sqlLiterals(file).map((l) => l.replace(/^.*x\.ts:/, ""))).toEqual(["3: UPDATE _ SET a = 1", "4: DELETE FROM seed_runs"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
