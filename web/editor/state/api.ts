// The two GraphQL operations the edit pipeline needs: read a version of the model, and
// save a batch of edits as the next version.
import type { ModelEdit } from "../../../src/model/edit";
import type { Model } from "../../../src/model/schema";
import { gql, type Issue } from "../lib/graphql";
import { openedModel } from "../lib/opening";

export interface ModelRef {
  id: string;
  version: number;
  doc: Model;
}

/** The saved model (or the version given); null when it does not exist. */
export async function getModelVersion(id: string, version?: number): Promise<ModelRef | null> {
  const d = await gql<{ model: { id: string; version: number; document: Model } | null }>(
    "query ($id: ID!, $v: Int) { model(id: $id, version: $v) { id version document } }",
    { id, v: version },
  );
  return d.model && { id: d.model.id, version: d.model.version, doc: d.model.document };
}

/** The newest version with the slugs of the apps running the model (one request: what the workspace opens with); null when it does not exist. */
export async function openModel(id: string): Promise<{ ref: ModelRef; apps: string[] } | null> {
  const m = await openedModel(id);
  return m && { ref: { id: m.id, version: m.version, doc: m.document }, apps: m.apps.map((a) => a.slug) };
}

/** Save edits on top of `expectedVersion`: the new version, or the problems that kept it from being saved. */
export async function editModel(id: string, edits: ModelEdit[], expectedVersion: number, note: string): Promise<ModelRef | { errors: Issue[] }> {
  const d = await gql<{ editModel: { model: { id: string; version: number; document: Model } | null; errors: Issue[] } }>(
    `mutation ($id: ID!, $edits: JSON!, $v: Int, $note: String) {
      editModel(model: $id, edits: $edits, expectedVersion: $v, note: $note) { model { id version document } errors { path field rule message } }
    }`,
    { id, edits, v: expectedVersion, note },
  );
  const m = d.editModel.model;
  return m ? { id: m.id, version: m.version, doc: m.document } : { errors: d.editModel.errors };
}
