// Shared set-up for the entity engine's unit tests (not a test file itself): services on
// real SQLite files in one temp folder per test file (or fresh PostgreSQL databases, see
// tests/helpers/db.ts), closed and removed after its tests, and a helper that expects a
// call to fail with our error.
import { afterAll, expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropPgDatabase, onPostgres, testDatabase } from "../../../tests/helpers/db";
import { type Issue, TorqueError } from "../../lib/errors";
import type { Actor } from "../actor";
import { openServices, type Services } from "../index";
import { type TestServices, withDb } from "../testing";

/** A factory of fresh services, each with one model and one app of it. */
export function testServices(prefix: string, actor: Actor) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const opened: Services[] = [];
  const urls: string[] = [];
  let n = 0;
  afterAll(async () => {
    for (const s of opened) await s.close();
    if (onPostgres) for (const u of urls) await dropPgDatabase(u);
    rmSync(dir, { recursive: true, force: true });
  });
  return async function freshServices(doc: unknown, slug: string): Promise<TestServices> {
    const url = await testDatabase(dir, `t${++n}.db`);
    urls.push(url);
    const s = withDb(await openServices(url));
    opened.push(s);
    const m = await s.models.create(structuredClone(doc), actor);
    await s.apps.create(m.id, slug, actor);
    return s;
  };
}

/** The TorqueError a call fails with (the test fails if it succeeds). */
export async function failure(p: Promise<unknown>): Promise<TorqueError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TorqueError);
    return e as TorqueError;
  }
  throw new Error("expected the call to fail");
}

export const issues = (e: TorqueError) => e.data as Issue[];
