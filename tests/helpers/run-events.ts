// A client of the workflow run events (GraphQL xflowRunEvents over server-sent events), as
// the editor's run view is: collects the events and errors it is sent, waits for one, and
// closes. Shared by the run API's tests; events are loose JSON, checked field by field.

/** Subscribe to a flow's run events on the server at `url`; `settle` ms are given for the subscription to be in place. */
export async function watchRuns(url: string, app: string, xflow: string, settle = 100) {
  const ctrl = new AbortController();
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query: "subscription($a: String!, $x: String!) { xflowRunEvents(app: $a, xflow: $x) }", variables: { a: app, x: xflow } }),
    signal: ctrl.signal,
  });
  const reader = res.body!.getReader();
  const events: any[] = [];
  const errors: { message: string }[] = [];
  let buffer = "";
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let cut: number;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const chunk = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = chunk
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trim())
            .join("");
          if (!data) continue;
          const msg = JSON.parse(data);
          if (msg.errors) errors.push(...msg.errors);
          if (msg.data?.xflowRunEvents) events.push(msg.data.xflowRunEvents);
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
    }
  })();
  await Bun.sleep(settle);
  return {
    events,
    errors,
    get ended() {
      return ended;
    },
    /** The first event `match` accepts, once it came (or undefined after `ms`, or at the first error). */
    async until(match: (e: any) => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!events.some(match) && !errors.length && Date.now() < deadline) await Bun.sleep(10);
      return events.find(match);
    },
    close() {
      ctrl.abort();
      return pump;
    },
  };
}
