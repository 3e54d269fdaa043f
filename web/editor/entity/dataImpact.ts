// What data a change would touch, per app running the model (GraphQL dataImpact): the
// records of a type, and how many hold a value in a field. Asked for when a dialog opens,
// so the numbers are those of that moment.
import { useCallback, useEffect, useState } from "react";
import { errorMessage, gql } from "../lib/graphql";

export interface AppImpact {
  slug: string;
  records: number;
  /** Records with a value in the field; null when no field was asked for or the saved model has none of that name. */
  withValue: number | null;
}

export type ImpactLoad = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; apps: AppImpact[] };

export async function fetchDataImpact(model: string, entity: string, field?: string): Promise<AppImpact[]> {
  const d = await gql<{ dataImpact: AppImpact[] }>(
    "query ($m: ID!, $e: String!, $f: String) { dataImpact(model: $m, entity: $e, field: $f) { slug records withValue } }",
    { m: model, e: entity, f: field ?? null },
  );
  return d.dataImpact;
}

/** The impact while `active` (a dialog open), asked anew each time it becomes active. */
export function useDataImpact(model: string, entity: string, field: string | undefined, active: boolean): ImpactLoad {
  const [load, setLoad] = useState<ImpactLoad>({ status: "loading" });
  const run = useCallback(() => fetchDataImpact(model, entity, field), [model, entity, field]);
  useEffect(() => {
    if (!active) return;
    let live = true;
    setLoad({ status: "loading" });
    run().then(
      (apps) => live && setLoad({ status: "ready", apps }),
      (e) => live && setLoad({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [active, run]);
  return load;
}

/** Records holding a value in the field, over all apps (0 when none or unknown). */
export const valuesHeld = (apps: AppImpact[]) => apps.reduce((n, a) => n + (a.withValue ?? 0), 0);
export const recordsHeld = (apps: AppImpact[]) => apps.reduce((n, a) => n + a.records, 0);
