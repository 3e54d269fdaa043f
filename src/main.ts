#!/usr/bin/env bun
import { invocationDir } from "./cli/invocation";
// Entry point of the `torque` executable (and of `bun run torque` / `npm run torque` from source).
import { runCli } from "./cli/main";

// Package scripts run in the package's folder, not where the user typed the command; go
// back there, so torque.json and relative file names are found where the user expects.
const dir = invocationDir();
if (dir) process.chdir(dir);
process.exitCode = await runCli(process.argv.slice(2));
