// Help, version and bad usage: --help everywhere (exit 0, stdout, naming the options),
// usage errors exit 2 with the usage on stderr and touch no database.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { tempDir, torque } from "../helpers/cli";

const dir = tempDir();
const run = (args: string[]) => torque(args, { cwd: dir });

/** The sub-command names listed under "Commands:" in a help text. */
function listedCommands(help: string): string[] {
  const at = help.indexOf("Commands:");
  if (at < 0) return [];
  const names: string[] = [];
  for (const line of help.slice(at).split("\n").slice(1)) {
    const m = /^ {2}([a-z][a-z-]*)\s{2,}/.exec(line);
    if (!m) break;
    names.push(m[1]!);
  }
  return names;
}

describe("--help", () => {
  const cases: [string[], string[]][] = [
    [[], ["init", "migrate", "server", "model", "app", "backup", "--db", "--help"]],
    [["model"], ["list", "create", "show", "export", "import", "validate", "diff", "delete", "rollback", "versions"]],
    [
      ["model", "import"],
      ["--name", "--slug", "--no-app", "--json", "--db"],
    ],
    [
      ["app", "seed"],
      ["--count", "--seed", "--json", "--db"],
    ],
    [["migrate"], ["--up", "--down", "--status", "--json", "--db"]],
    [["backup"], ["FILE", "--db"]],
    [["init"], ["--template", "todo", "crm", "blank", "--db"]],
  ];
  for (const [path, mentions] of cases) {
    test(`torque ${[...path, "--help"].join(" ")} exits 0 and names its options`, async () => {
      const r = await run([...path, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toContain(`Usage: torque ${path.join(" ")}`.trimEnd());
      for (const m of mentions) expect(r.stdout).toContain(m);
    });
  }

  test("-h and `help` work like --help", async () => {
    const long = await run(["model", "--help"]);
    for (const alt of [
      ["model", "-h"],
      ["model", "help"],
    ]) {
      const r = await run(alt);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(long.stdout);
    }
    const leaf = await run(["app", "seed", "-h"]);
    expect(leaf.code).toBe(0);
    expect(leaf.stdout).toContain("--count");
  });

  test("every command and sub-command has help, and none says it is not implemented", async () => {
    const seen: string[] = [];
    const walk = async (path: string[]) => {
      const r = await run([...path, "--help"]);
      expect(r.code, `torque ${path.join(" ")} --help`).toBe(0);
      expect(r.stdout.toLowerCase()).not.toContain("not implemented");
      expect(r.stdout).toContain("Options:");
      seen.push(path.join(" "));
      for (const sub of listedCommands(r.stdout)) await walk([...path, sub]);
    };
    await walk([]);
    // The walk really went down the tree.
    expect(seen).toContain("model import");
    expect(seen).toContain("app export");
    expect(seen.length).toBeGreaterThan(15);
    // Help never opens (or creates) a database.
    expect(existsSync(join(dir, "torque.db"))).toBe(false);
  }, 30_000); // ~40 processes one after another

  test("the commands this suite drives answer without 'not implemented'", async () => {
    // Every real run below fails for its own reason (missing things), never for lack of code.
    const probes = [
      ["model", "list"],
      ["app", "list"],
      ["migrate", "--status"],
      ["model", "show", "nope"],
      ["model", "versions", "nope"],
      ["model", "export", "nope"],
      ["model", "delete", "nope"],
      ["model", "rollback", "nope", "1"],
      ["app", "seed", "nope"],
      ["app", "export", "nope"],
      ["app", "delete", "nope"],
    ];
    const d = tempDir();
    for (const p of probes) {
      const r = await torque(p, { cwd: d });
      expect(r.code, p.join(" ")).toBeLessThan(2);
      expect((r.stdout + r.stderr).toLowerCase()).not.toContain("not implemented");
    }
  });
});

describe("--version", () => {
  test("prints the version and exits 0", async () => {
    const pkg = await Bun.file(new URL("../../package.json", import.meta.url).pathname).json();
    for (const flag of ["--version", "-v"]) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(/^torque \d+\.\d+\.\d+/);
      expect(r.stdout).toContain(pkg.version);
    }
  });
});

describe("bad usage exits 2 with the usage on stderr", () => {
  const cases: [string, string[], RegExp][] = [
    ["no command", [], /Usage: torque/],
    ["unknown command", ["frobnicate"], /unknown command "frobnicate"[\s\S]*torque --help/],
    ["unknown sub-command", ["model", "frobnicate"], /unknown command "frobnicate"[\s\S]*torque model --help/],
    ["group without sub-command", ["app"], /Usage: torque app/],
    ["unknown flag", ["model", "list", "--frobnicate"], /--frobnicate[\s\S]*Usage: torque model list/],
    ["unknown flag on a leaf with arguments", ["app", "seed", "x", "--bogus"], /--bogus[\s\S]*Usage: torque app seed/],
    ["missing argument", ["model", "show"], /missing argument[\s\S]*Usage: torque model show ID/],
    ["missing second argument", ["app", "import", "slug"], /missing argument[\s\S]*Usage: torque app import SLUG FILE/],
    ["missing FILE", ["backup"], /missing argument[\s\S]*Usage: torque backup FILE/],
    ["too many arguments", ["model", "list", "extra"], /unexpected argument "extra"[\s\S]*Usage: torque model list/],
    ["string option without value", ["model", "import", "f.json", "--name"], /--name[\s\S]*Usage: torque model import/],
    ["non-numeric --count", ["app", "seed", "x", "--count", "lots"], /--count[\s\S]*"lots"[\s\S]*Usage: torque app seed/],
    ["two migrate modes", ["migrate", "--up", "--down"], /--up[\s\S]*--down[\s\S]*Usage: torque migrate/],
    ["non-numeric rollback version", ["model", "rollback", "m", "latest"], /"latest"[\s\S]*Usage: torque model rollback/],
  ];
  for (const [what, args, stderr] of cases) {
    test(what, async () => {
      const d = tempDir();
      const r = await torque(args, { cwd: d });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(stderr);
      expect(existsSync(join(d, "torque.db"))).toBe(false);
    });
  }
});

describe("failures exit 1 with one line on stderr", () => {
  test("a missing model, app or file", async () => {
    const d = tempDir();
    for (const [args, needle] of [
      [["model", "show", "ghost"], "ghost"],
      [["app", "seed", "ghost"], "ghost"],
      [["app", "create", "ghost", "--slug", "g"], "ghost"],
      [["model", "import", "ghost.json"], "ghost.json"],
    ] as [string[], string][]) {
      const r = await torque(args, { cwd: d });
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toContain(needle);
      expect(r.stderr).not.toContain("internal error");
    }
  });
});
