// How many records each app of the model holds of some entity types (GraphQL dataImpact),
// for the confirmations that say what a removal or rename leaves hidden.
import { useEffect, useState } from "react";
import { errorMessage, gql } from "../lib/graphql";

export interface AppRecords {
  slug: string;
  records: number;
}

export type DataImpact =
  | { status: "loading" }
  | { status: "error"; message: string }
  /** Per entity type, the apps running the model and their record counts. */
  | { status: "ready"; byType: Record<string, AppRecords[]> };

const QUERY = "query ($model: ID!, $entity: String!) { dataImpact(model: $model, entity: $entity) { slug records } }";

/** Asked anew whenever the types change (each opening of a dialog); `null` asks nothing. */
export function useDataImpact(model: string, types: readonly string[] | null): DataImpact {
  const [state, setState] = useState<DataImpact>({ status: "loading" });
  const key = types ? types.join(",") : null;
  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    setState({ status: "loading" });
    const names = key ? key.split(",") : [];
    Promise.all(names.map((entity) => gql<{ dataImpact: AppRecords[] }>(QUERY, { model, entity }).then((d) => [entity, d.dataImpact] as const))).then(
      (pairs) => !cancelled && setState({ status: "ready", byType: Object.fromEntries(pairs) }),
      (e) => !cancelled && setState({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [model, key]);
  return state;
}
