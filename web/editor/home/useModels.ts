// The model list of Home: loaded once, reloaded after every change made from here.
import { useCallback, useEffect, useState } from "react";
import { listModels, type ModelSummary } from "../lib/api";
import { errorMessage } from "../lib/graphql";

export type ModelsState = { status: "loading" } | { status: "error"; message: string } | { status: "ready"; models: ModelSummary[] };

export function useModels(): [ModelsState, () => Promise<void>] {
  const [state, setState] = useState<ModelsState>({ status: "loading" });
  const reload = useCallback(async () => {
    try {
      setState({ status: "ready", models: await listModels() });
    } catch (e) {
      setState({ status: "error", message: errorMessage(e) });
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return [state, reload];
}
