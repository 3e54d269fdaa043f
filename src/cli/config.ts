// Where the database is: --db, then TORQUE_DB, then the project file `torque.json` that
// `torque init` writes (found in the current folder or a parent), then ./torque.db.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { TorqueError } from "../lib/errors";

export const PROJECT_FILE = "torque.json";

export interface ProjectConfig {
  db?: string;
  bind?: string;
}

export function findProject(from = process.cwd()): { dir: string; config: ProjectConfig } | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const file = join(dir, PROJECT_FILE);
    if (existsSync(file)) {
      try {
        return { dir, config: JSON.parse(readFileSync(file, "utf8")) };
      } catch (e) {
        throw new TorqueError("bad_request", `${file} is not valid JSON: ${(e as Error).message}`);
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function resolveDb(flag: string | undefined, env = process.env): string {
  if (flag) return flag;
  if (env.TORQUE_DB) return env.TORQUE_DB;
  const project = findProject();
  if (project?.config.db)
    return isAbsolute(project.config.db) || /^\w+:\/\//.test(project.config.db) ? project.config.db : join(project.dir, project.config.db);
  return "torque.db";
}
