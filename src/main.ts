#!/usr/bin/env bun
// Entry point of the `torque` executable (and of `bun run torque` from source).
import { runCli } from "./cli/main";

process.exitCode = await runCli(process.argv.slice(2));
