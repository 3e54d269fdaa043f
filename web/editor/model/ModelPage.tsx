/** @jsxImportSource react */
// /editor/models/<id>[/<tab>[/<item>]]: the model's workspace (workspace/Workspace.tsx),
// keyed by id so opening another model starts a fresh session. The workspace (the edit
// pipeline, the model's edit operations, tabs) is its own chunk: Home does not load it.
import { Suspense } from "react";
import { lazyPart } from "../lib/i18n";
import { Loading } from "../shell/Loading";

const Workspace = lazyPart(() => import("../workspace/Workspace"));

export function ModelPage({ id, rest }: { id: string; rest: string[] }) {
  return (
    <Suspense fallback={<Loading />}>
      <Workspace key={id} id={id} rest={rest} />
    </Suspense>
  );
}
