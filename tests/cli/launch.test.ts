// The command as users start it from source: `bun run torque …` and `npm run torque -- …`
// from inside a project folder (package scripts run in the package's folder, and Bun would
// otherwise take `torque` for the file torque.json), and the `torque` that `npm link` puts
// on the PATH, from a project outside the checkout. Real processes throughout.
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO, tempDir } from "../helpers/cli";

/** Our environment without TORQUE_* settings, plus `extra`. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const e = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith("TORQUE_") && v !== undefined)) as Record<string, string>;
  return { ...e, NO_COLOR: "1", ...extra };
}

function run(cmd: string[], cwd: string, extra?: Record<string, string>) {
  const r = Bun.spawnSync(cmd, { cwd, env: env(extra), stdin: "ignore" });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** A checkout to run package scripts in: the project's package.json, src and node_modules. */
function checkout(): string {
  const dir = tempDir("torque-checkout-");
  for (const name of ["package.json", "src", "node_modules", "bin"]) symlinkSync(join(REPO, name), join(dir, name));
  return dir;
}

describe("bun run torque / npm run torque from a project folder inside the checkout", () => {
  const repo = checkout();
  const project = join(repo, "myapp");

  test("init through the script creates the project where it was asked for", () => {
    const r = run([process.execPath, "run", "torque", "init", "myapp", "--template", "todo"], repo);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(project);
  }, 20_000);

  test("bun run torque started under an outer npm run (npm test) still works where it was typed", () => {
    // What `npm test` leaves in the environment: npm's user agent, INIT_CWD and local prefix of the outer package.
    const outer = {
      npm_config_user_agent: "npm/11.0.0 node/v20",
      INIT_CWD: REPO,
      npm_config_local_prefix: REPO,
      npm_execpath: "/usr/lib/node_modules/npm/bin/npm-cli.js",
    };
    const apps = run([process.execPath, "run", "torque", "app", "list", "--json"], project, outer);
    expect(apps.code, apps.err).toBe(0);
    expect(JSON.parse(apps.out).map((a: { slug: string }) => a.slug)).toEqual(["todo"]);
  }, 20_000);

  test("bun run torque inside the project uses the project's torque.json, and relative paths are the user's", async () => {
    // A stale INIT_CWD (left by an outer `npm run`) must not send it elsewhere.
    const apps = run([process.execPath, "run", "torque", "app", "list", "--json"], project, { INIT_CWD: "/nonexistent" });
    expect(apps.code, apps.err).toBe(0);
    expect(JSON.parse(apps.out).map((a: { slug: string }) => a.slug)).toEqual(["todo"]);
    await Bun.write(join(project, "model.json"), JSON.stringify({ name: "Tiny", entities: [] }));
    const v = run([process.execPath, "run", "torque", "model", "validate", "model.json"], project);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toContain("model.json: valid");
  }, 20_000);

  test("npm run torque -- … inside the project does the same", () => {
    const r = run(["npm", "run", "--silent", "torque", "--", "entity", "list", "todo", "project", "--json"], project);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).data.length).toBeGreaterThan(0);
  }, 20_000);
});

test("the linked `torque` command (package.json bin) works from a project outside the checkout, with only Node on the PATH", () => {
  const home = tempDir("torque-link-");
  const bin = join(home, "bin"),
    proj = join(home, "proj");
  mkdirSync(bin), mkdirSync(proj);
  // What `npm link` makes: a symlink on the PATH to the package's bin file.
  const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { bin: Record<string, string> };
  symlinkSync(join(REPO, pkg.bin.torque!), join(bin, "torque"));
  const PATH = [bin, dirname(Bun.which("node")!), "/usr/bin", "/bin"].join(":");
  expect(Bun.which("bun", { PATH })).toBeNull(); // as on a Node+npm machine
  const init = run(["torque", "init", "--template", "blank"], proj, { PATH });
  expect(init.code, init.err).toBe(0);
  const apps = run(["torque", "app", "list", "--json"], proj, { PATH });
  expect(apps.code, apps.err).toBe(0);
  expect(JSON.parse(apps.out).map((a: { slug: string }) => a.slug)).toEqual(["blank"]);
  // Exit codes pass through: a usage error is 2.
  expect(run(["torque", "no-such-command"], proj, { PATH }).code).toBe(2);
}, 20_000);
