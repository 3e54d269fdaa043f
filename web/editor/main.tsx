// The Model Editor's first page: the models of this server, read through GraphQL, with
// links to run each app. The full editor (ERD, page designer, flow editor) replaces it.
interface ModelRow {
  id: string;
  name: string;
  version: number;
  document: { entities: { name: string }[] };
  apps: { slug: string }[];
}

async function load(): Promise<void> {
  const status = document.getElementById("status")!;
  try {
    const res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: "{ models { id name version document apps { slug } } }" }),
    });
    const body = (await res.json()) as { data?: { models: ModelRow[] }; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0]!.message);
    const models = body.data!.models;
    const tbody = document.querySelector("#models tbody")!;
    for (const m of models) {
      const tr = document.createElement("tr");
      const cell = (text: string) => Object.assign(document.createElement("td"), { textContent: text });
      tr.append(cell(m.name), cell(String(m.version)), cell(m.document.entities.map((e) => e.name).join(", ")));
      const apps = document.createElement("td");
      for (const a of m.apps) apps.append(Object.assign(document.createElement("a"), { href: `/app/${a.slug}/`, textContent: a.slug }), " ");
      tr.append(apps);
      tbody.append(tr);
    }
    document.getElementById("models")!.hidden = false;
    status.textContent = models.length ? `${models.length} model(s)` : "No models yet: import one with `torque model import FILE`.";
  } catch (e) {
    status.textContent = `Could not load models: ${(e as Error).message}`;
  }
}

void load();

export {};
