// The TorqueApp runtime's first page: asks loadPage for the page, renders its DataGrids
// with loadEntityData over JSON-RPC, and reloads a grid when /ws reports a change. The
// full Solid runtime (forms, buttons, modals, virtual scrolling) replaces it.
const slug = location.pathname.split("/")[2] ?? "";
const pageName = new URLSearchParams(location.search).get("page") ?? undefined;
let nextId = 1;

async function rpc<T>(method: string, params: Record<string, unknown>): Promise<T> {
  const res = await fetch("/rpc", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

interface Column {
  field: string;
  label: string;
}
interface Component {
  id: string;
  type: string;
  props: Record<string, unknown>;
  columns?: Column[];
}

async function renderGrid(host: HTMLElement, c: Component) {
  const data = await rpc<{ data: { id: string; data: Record<string, unknown> }[]; columns: Column[] }>("loadEntityData", {
    app: slug,
    entity: c.props.entity,
    sort: c.props.sort,
    limit: 50,
    columns: c.props.columns,
  });
  const table = document.createElement("table");
  table.dataset.component = c.id;
  const head = table.createTHead().insertRow();
  for (const col of data.columns) head.append(Object.assign(document.createElement("th"), { textContent: col.label }));
  const body = table.createTBody();
  for (const row of data.data) {
    const tr = body.insertRow();
    for (const col of data.columns) tr.insertCell().textContent = row.data[col.field] === undefined ? "" : String(row.data[col.field]);
  }
  host.replaceChildren(Object.assign(document.createElement("h2"), { textContent: String(c.props.title ?? c.props.entity) }), table);
}

async function load() {
  const status = document.getElementById("status")!;
  try {
    const page = await rpc<{ page: { title: string; components: Component[] }; navigation: { label: string; page: string }[] }>("loadPage", {
      app: slug,
      ...(pageName && { page: pageName }),
    });
    document.title = `${page.page.title} · ${slug}`;
    document.getElementById("title")!.textContent = slug;
    document.getElementById("page-title")!.textContent = page.page.title;
    document
      .getElementById("nav")!
      .replaceChildren(...page.navigation.map((n) => Object.assign(document.createElement("a"), { href: `?page=${n.page}`, textContent: n.label })));
    const grids = document.getElementById("grids")!;
    const hosts = new Map<string, { el: HTMLElement; c: Component }>();
    for (const c of page.page.components.filter((x) => x.type === "DataGrid")) {
      const el = document.createElement("section");
      grids.append(el);
      hosts.set(String(c.props.entity), { el, c });
      await renderGrid(el, c);
    }
    status.textContent = "";
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    ws.onopen = () => ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "subscribe", params: { app: slug } }));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.method === "entityChanged") {
        const h = hosts.get(msg.params.entity);
        if (h) void renderGrid(h.el, h.c);
      } else if (msg.method === "modelChanged") location.reload();
    };
  } catch (e) {
    status.textContent = `Could not load the app: ${(e as Error).message}`;
  }
}

void load();

export {};
