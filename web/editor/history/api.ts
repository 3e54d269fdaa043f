// The history's GraphQL: the versions of a model, newest first, and a rollback (an old
// version's content saved as the newest). Documents of versions come from state/api.
import type { Model } from "../../../src/model/schema";
import { gql, type Issue } from "../lib/graphql";
import { getModelVersion } from "../state/api";

export interface VersionInfo {
  version: number;
  createdAt: string;
  actor: string;
  note: string | null;
}

export async function listVersions(id: string): Promise<VersionInfo[]> {
  const d = await gql<{ modelVersions: VersionInfo[] }>("query ($id: ID!) { modelVersions(id: $id) { version createdAt actor note } }", { id });
  return d.modelVersions;
}

/** Save version `version`'s content as the newest version: the new version's number, or the problems that kept it from being saved. */
export async function rollbackModel(id: string, version: number): Promise<{ version: number } | { errors: Issue[] }> {
  const d = await gql<{ rollbackModel: { model: { version: number } | null; errors: Issue[] } }>(
    "mutation ($id: ID!, $v: Int!) { rollbackModel(id: $id, version: $v) { model { version } errors { path rule message } } }",
    { id, v: version },
  );
  return d.rollbackModel.model ? { version: d.rollbackModel.model.version } : { errors: d.rollbackModel.errors };
}

// A version never changes once saved, so its document is fetched once per page load. A few
// are kept (comparing walks back and forth between neighbours); the oldest asked for goes first.
const KEEP = 12;
const documents = new Map<string, Promise<Model>>();

export function versionDocument(id: string, version: number): Promise<Model> {
  const key = `${id}@${version}`;
  let p = documents.get(key);
  if (p) {
    documents.delete(key);
    documents.set(key, p);
    return p;
  }
  p = getModelVersion(id, version).then((r) => {
    if (!r) throw new Error(`version ${version} was not found`);
    return r.doc;
  });
  // A failed fetch is not kept: the next try asks again.
  p.catch(() => documents.delete(key));
  documents.set(key, p);
  while (documents.size > KEEP) documents.delete(documents.keys().next().value!);
  return p;
}
