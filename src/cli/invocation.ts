// Where the user typed the command, when `bun run torque …` or `npm run torque -- …` started
// us: both run package scripts in the package's folder, and say where they were called from
// in different variables. npm puts the package folder in npm_config_local_prefix and the
// calling folder in INIT_CWD. Bun 1.4 puts the calling folder in npm_config_local_prefix and
// keeps whatever INIT_CWD, npm_execpath and npm_config_user_agent it inherits (from an outer
// `npm test`, say), so those cannot tell the two apart; npm_package_json (the package, set by
// both) can. Any other start (the binary, `bun src/main.ts`, a linked bin) already runs in
// the user's folder: undefined.
import { dirname, resolve, sep } from "node:path";

export function invocationDir(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.npm_lifecycle_event !== "torque") return undefined;
  const local = env.npm_config_local_prefix || undefined;
  const root = env.npm_package_json ? dirname(env.npm_package_json) : undefined;
  // A local prefix other than the package folder can only be Bun's calling folder.
  if (local && root && resolve(local) !== resolve(root)) return local;
  // Here the local prefix is the package folder, so npm's INIT_CWD (the calling folder)
  // lies inside it; one outside it was left by an outer run and Bun was called right here.
  const init = env.INIT_CWD ? resolve(env.INIT_CWD) : undefined;
  const base = local ?? root;
  if (init && (!base || init === resolve(base) || init.startsWith(resolve(base) + sep))) return init;
  return local;
}
