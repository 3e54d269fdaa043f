// Where the user typed the command, when `bun run torque …` or `npm run torque -- …` started
// us: both run package scripts in the package's folder, and say where they were called from
// in different variables. npm: INIT_CWD. Bun 1.4 sets no INIT_CWD (one inherited from an
// outer npm run would be stale) but puts the calling folder in npm_config_local_prefix,
// which npm sets to the package folder. Any other start (the binary, `bun src/main.ts`, a
// linked bin) already runs in the user's folder: undefined.
export function invocationDir(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env.npm_lifecycle_event !== "torque") return undefined;
  return env.npm_config_user_agent?.startsWith("bun/") ? env.npm_config_local_prefix || undefined : env.INIT_CWD || undefined;
}
