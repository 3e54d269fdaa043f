// For tests and benchmarks only: services together with the driver they run on, so a
// test can read and write the stored rows directly. No transport imports this
// (tests/layers.test.ts).
import type { Driver } from "../store/driver";
import { driverOf } from "./driver";
import { openServices, type Services } from "./index";

export type TestServices = Services & { readonly db: Driver };

/** The same services, with their driver as `db`. */
export function withDb(s: Services): TestServices {
  return Object.assign(s, { db: driverOf(s) });
}

export async function openTestServices(url: string): Promise<TestServices> {
  return withDb(await openServices(url));
}
