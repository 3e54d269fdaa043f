#!/usr/bin/env node
// `torque` on the PATH from a source checkout (after `npm link`): runs src/main.ts with the
// Bun that `npm install` put in node_modules, since a Node+npm machine has no bun on its
// PATH. It runs in the user's folder (so torque.json and relative paths are theirs) and
// passes arguments, standard streams and the exit code through.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url)); // Node resolves the npm link symlink
const local = `${root}node_modules/.bin/bun`;
const bun = process.versions.bun ? process.execPath : existsSync(local) ? local : "bun";
const child = spawn(bun, [`${root}src/main.ts`, ...process.argv.slice(2)], { stdio: "inherit" });

// Ctrl-C reaches the whole process group, so the child has it already: stay alive until it
// has shut down cleanly. Signals sent to this process alone are passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("error", (e) => {
  console.error(`torque: cannot start Bun (${e.message}); run npm install in ${root}`);
  process.exit(1);
});
child.on("exit", (code, signal) => process.exit(signal ? 128 + constants.signals[signal] : (code ?? 1)));
