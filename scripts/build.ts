// `bun run build`: the single executable, dist/torque, holding the server, both web
// frontends (production builds) and everything else; nothing needs to sit beside it.
// `bun run build --all` also cross-compiles for Linux x64/arm64 and macOS x64/arm64.
import { parseArgs } from "node:util";
import solid from "./solid-plugin";

const { values } = parseArgs({ args: Bun.argv.slice(2), options: { all: { type: "boolean" }, out: { type: "string" } } });
const TARGETS = ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64"] as const;

async function build(target: string | undefined, outfile: string) {
  const t0 = performance.now();
  const r = await Bun.build({
    // The sandbox's worker is a second entry point: inside the binary it is found by its
    // path under src/ (src/sandbox/pool.ts), so the root must stay src/.
    entrypoints: [new URL("../src/main.ts", import.meta.url).pathname, new URL("../src/sandbox/worker.ts", import.meta.url).pathname],
    root: new URL("../src/", import.meta.url).pathname,
    compile: target ? { target: target as never, outfile } : { outfile },
    minify: true,
    // Bytecode halves start-up; it needs ESM because the entry uses top-level await.
    bytecode: true,
    format: "esm",
    define: { "process.env.NODE_ENV": '"production"' },
    // The app runtime's Solid JSX (web/app) is compiled by babel-preset-solid.
    plugins: [solid],
    splitting: true,
  });
  if (!r.success) {
    for (const l of r.logs) console.error(l);
    process.exit(1);
  }
  console.log(`built ${outfile}${target ? ` (${target})` : ""} in ${Math.round(performance.now() - t0)} ms`);
}

const dist = new URL("../dist/", import.meta.url).pathname;
await build(undefined, values.out ?? `${dist}torque`);
if (values.all) for (const t of TARGETS) await build(t, `${dist}torque-${t.slice(4)}`);
