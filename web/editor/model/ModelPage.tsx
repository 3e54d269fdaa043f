/** @jsxImportSource react */
// /editor/models/<id>[/<tab>[/<item>]]: the model's workspace (workspace/Workspace.tsx),
// keyed by id so opening another model starts a fresh session.
import Workspace from "../workspace/Workspace";

export function ModelPage({ id, rest }: { id: string; rest: string[] }) {
  return <Workspace key={id} id={id} rest={rest} />;
}
