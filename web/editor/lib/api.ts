// The operations the editor runs, with the shapes it reads back. Model documents are
// passed as variables (the server's token limit counts inline literals).
import { gql, type Issue } from "./graphql";

export interface AppSummary {
  slug: string;
  records: number;
}

/** The parts of a model document (docs/model-format.md) the editor reads. */
export interface ModelDocument {
  entities?: {
    name: string;
    label?: string;
    display?: string;
    fields?: { name: string; type: string; required?: boolean; unique?: boolean; entity?: string }[];
  }[];
  relationships?: { name: string; from: string; to: string; kind: "1:1" | "1:n" | "n:m"; inverse?: string }[];
  /** Editor state kept with the model: the ERD's node positions by entity type. */
  ui?: { erd?: { positions?: Record<string, { x: number; y: number }> } };
}

export interface ModelSummary {
  id: string;
  name: string;
  version: number;
  entityTypes: string[];
  apps: AppSummary[];
  document: ModelDocument;
}

export interface Template {
  name: string;
  description: string;
  document: Record<string, unknown>;
}

export interface ReportItem {
  path: string;
  severity: "dropped" | "changed" | "warning";
  message: string;
}

export interface ImportResult {
  model: { id: string; name: string } | null;
  app: { slug: string; records: number } | null;
  format: "canonical" | "legacy" | null;
  loaded: Record<string, number> | null;
  report: ReportItem[] | null;
  errors: Issue[];
}

/** A model refused by the server: its issues, joined for one message. */
export class ModelRejected extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "));
    this.name = "ModelRejected";
  }
}

interface ModelJson {
  id: string;
  name: string;
  version: number;
  document: ModelDocument;
  apps: AppSummary[];
}

const MODEL_FIELDS = "id name version document apps { slug records }";
const summary = (m: ModelJson): ModelSummary => ({
  id: m.id,
  name: m.name,
  version: m.version,
  entityTypes: (m.document.entities ?? []).map((e) => e.name),
  apps: m.apps,
  document: m.document,
});

export async function listModels(): Promise<ModelSummary[]> {
  const d = await gql<{ models: ModelJson[] }>(`query { models { ${MODEL_FIELDS} } }`);
  return d.models.map(summary);
}

export async function getModel(id: string): Promise<ModelSummary | null> {
  const d = await gql<{ model: ModelJson | null }>(`query ($id: ID!) { model(id: $id) { ${MODEL_FIELDS} } }`, { id });
  return d.model && summary(d.model);
}

export async function listTemplates(): Promise<Template[]> {
  return (await gql<{ templates: Template[] }>("query { templates { name description document } }")).templates;
}

export async function createModel(name: string, document?: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const d = await gql<{ createModel: { model: { id: string; name: string } | null; errors: Issue[] } }>(
    "mutation ($name: String!, $document: JSON) { createModel(name: $name, document: $document) { model { id name } errors { path field rule message } } }",
    { name, document },
  );
  if (!d.createModel.model) throw new ModelRejected(d.createModel.errors);
  return d.createModel.model;
}

export async function importModel(document: unknown, opts: { name?: string; createApp: boolean; slug?: string }): Promise<ImportResult> {
  const d = await gql<{ importModel: ImportResult }>(
    `mutation ($document: JSON!, $name: String, $createApp: Boolean, $slug: String) {
      importModel(document: $document, name: $name, createApp: $createApp, slug: $slug) {
        model { id name } app { slug records } format loaded report errors { path field rule message }
      }
    }`,
    { document, name: opts.name, createApp: opts.createApp, slug: opts.slug },
  );
  if (!d.importModel.model) throw new ModelRejected(d.importModel.errors);
  return d.importModel;
}

export async function exportModel(id: string): Promise<unknown> {
  return (await gql<{ exportModel: unknown }>("mutation ($id: ID!) { exportModel(id: $id) }", { id })).exportModel;
}

export async function createApp(model: string, slug?: string): Promise<AppSummary> {
  return (
    await gql<{ createApp: AppSummary }>("mutation ($model: ID!, $slug: String) { createApp(model: $model, slug: $slug) { slug records } }", { model, slug })
  ).createApp;
}

/** Generated records for every entity type of an app: how many per type were added. */
export async function seedApp(slug: string, count: number): Promise<Record<string, number>> {
  return (await gql<{ seedApp: Record<string, number> }>("mutation ($slug: String!, $count: Int) { seedApp(slug: $slug, count: $count) }", { slug, count }))
    .seedApp;
}

export async function deleteModel(id: string): Promise<void> {
  await gql("mutation ($id: ID!) { deleteModel(id: $id, withApps: true) }", { id });
}
