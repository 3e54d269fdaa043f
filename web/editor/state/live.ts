// New versions saved elsewhere, as they happen: the GraphQL modelChanged subscription over
// server-sent events (EventSource reconnects by itself). After a reconnect the newest
// version is asked for once, since an event may have been missed while away.
export function watchModel(id: string, onVersion: (version: number | null) => void): () => void {
  const query = `subscription ($id: ID!) { modelChanged(modelId: $id) { version } }`;
  const url = `/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id }))}`;
  const source = new EventSource(url);
  let opened = false;
  source.addEventListener("next", (e) => {
    try {
      const v = JSON.parse((e as MessageEvent<string>).data)?.data?.modelChanged?.version;
      if (typeof v === "number") onVersion(v);
    } catch {
      // not an event of ours
    }
  });
  source.addEventListener("open", () => {
    if (opened) onVersion(null);
    opened = true;
  });
  return () => source.close();
}
