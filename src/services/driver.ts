// The driver behind a services container. The service modules that work across several
// services (seed, purge, transfer) take the container and reach the database through
// this; it is not part of the Services interface, and no transport imports this module
// (tests/layers.test.ts): transports get what they need of the database from services.system.
import type { Driver } from "../store/driver";
import type { Services } from "./index";

const drivers = new WeakMap<Services, Driver>();

/** Record the driver a container was made over (createServices). */
export function bindDriver(s: Services, db: Driver): void {
  drivers.set(s, db);
}

export function driverOf(s: Services): Driver {
  const db = drivers.get(s);
  if (!db) throw new Error("these services were not made by createServices");
  return db;
}
