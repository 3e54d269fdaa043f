// What data a change would touch, per app running the model (GraphQL dataImpact): the
// records of entity types and, for a field, how many hold a value in it. The confirmations
// of a rename, removal or type change say what stays stored, hidden; asked for when such a
// dialog opens, so the numbers are those of that moment.
import { useEffect, useState } from "react";
import { errorMessage, gql } from "../lib/graphql";

export interface AppImpact {
  slug: string;
  records: number;
  /** Records with a value in the field; null when no field was asked for or the saved model has none of that name. */
  withValue: number | null;
}

export type DataImpact =
  | { status: "loading" }
  | { status: "error"; message: string }
  /** Per entity type asked about, the apps running the model and their counts. */
  | { status: "ready"; byType: Record<string, AppImpact[]> };

const QUERY = "query ($m: ID!, $e: String!, $f: String) { dataImpact(model: $m, entity: $e, field: $f) { slug records withValue } }";

const ask = (model: string, entity: string, field: string | undefined) =>
  gql<{ dataImpact: AppImpact[] }>(QUERY, { m: model, e: entity, f: field ?? null }).then((d) => [entity, d.dataImpact] as const);

/**
 * The data of `types` (and of `field` in each, when given), asked anew whenever they change,
 * as they do at each opening of a dialog. `null` (a closed dialog) asks nothing and keeps
 * what was last shown, so a dialog fading out does not flash "counting".
 */
export function useDataImpact(model: string, types: readonly string[] | null, field?: string): DataImpact {
  const [state, setState] = useState<DataImpact>({ status: "loading" });
  // A string, so a new array of the same names (each render) asks nothing; names have no commas.
  const key = types ? types.join(",") : null;
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setState({ status: "loading" });
    const names = key ? key.split(",") : [];
    Promise.all(names.map((entity) => ask(model, entity, field))).then(
      (pairs) => live && setState({ status: "ready", byType: Object.fromEntries(pairs) }),
      (e) => live && setState({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      live = false;
    };
  }, [model, key, field]);
  return state;
}

/** Records holding a value in the field, over all apps (0 when none or unknown). */
export const valuesHeld = (apps: readonly AppImpact[]) => apps.reduce((n, a) => n + (a.withValue ?? 0), 0);
