// The compiled executable for end-to-end tests, built once per test run (bun test runs
// every file in one process, so the binary test and the editor's end-to-end test share it),
// and a server process started from it on a free port.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = new URL("../..", import.meta.url).pathname;
let built: Promise<string> | undefined;

/** The path of a freshly built `torque` binary (scripts/build.ts), built on first use. */
export function buildBinary(): Promise<string> {
  built ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), "torque-build-")), "torque");
    const b = Bun.spawn([process.execPath, "scripts/build.ts", "--out", out], { cwd: repo, stdout: "pipe", stderr: "pipe" });
    if ((await b.exited) !== 0) throw new Error(`build failed: ${await new Response(b.stderr).text()}`);
    return out;
  })();
  return built;
}

export interface BinaryServer {
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** `torque server` from the binary, in `dir` (a fresh empty folder unless given), answering on 127.0.0.1. */
export async function startBinaryServer(bin: string, opts: { dir?: string; args?: string[] } = {}): Promise<BinaryServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "torque-bin-"));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const url = `http://127.0.0.1:${port}`;
  const proc = Bun.spawn([bin, "server", "--bind", `127.0.0.1:${port}`, "--quiet", ...(opts.args ?? [])], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (proc.exitCode !== null) throw new Error(`torque server exited: ${await new Response(proc.stderr).text()}`);
    await Bun.sleep(50);
  }
  return {
    url,
    dir,
    stop: async () => {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}
