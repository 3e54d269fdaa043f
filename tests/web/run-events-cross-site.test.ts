// A page of another site, open in the user's browser, against the workflow run events
// (xflowRunEvents). refuseForeign (src/http/guard.ts) refuses a request whose Origin is
// not the server's own, but a GET made with fetch(…, { mode: "no-cors" }) carries no
// Origin, and `Accept` is a header such a request may set. Asked for as application/json,
// a subscription is answered 406 by graphql-yoga; its subscribe resolver used to take a
// watcher first, never let go (see tests/xflow/run-api-hostile.test.ts), so any page the
// user visited could take a flow's 100 watcher slots for good. The watcher is now taken
// only when the event stream is read.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server";
import { launchBrowser } from "./browser";

setDefaultTimeout(60_000);

let s: TestServer;
let evil: ReturnType<typeof Bun.serve>;
let browser: Browser;

const watcherCount = () => [...(s.services.xflows as unknown as { watchers: Map<string, Set<unknown>> }).watchers.values()].reduce((n, x) => n + x.size, 0);

beforeAll(async () => {
  s = await startTestServer({ apps: ["todo"] });
  const target = `${s.url}/graphql?query=${encodeURIComponent('subscription { xflowRunEvents(app: "todo", xflow: "stamp_done") }')}`;
  const page = `<!doctype html><title>a page of another site</title><script>
    window.done = Promise.all(Array.from({ length: 100 }, () =>
      fetch(${JSON.stringify(target)}, { mode: "no-cors", headers: { accept: "application/json" } }).then(() => "sent", (e) => String(e))));
  </script>`;
  evil = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(page, { headers: { "content-type": "text/html" } }) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  evil?.stop(true);
  await s?.close();
});

test("a page of another site cannot take the watcher slots of a flow", async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  // localhost: another origin than the server's 127.0.0.1 (and another port).
  await page.goto(`http://localhost:${evil.port}/`);
  const results = (await page.evaluate("window.done")) as string[];
  await ctx.close();
  await Bun.sleep(300);
  const left = watcherCount();
  console.log(`100 no-cors GETs from http://localhost:${evil.port}: ${results.filter((r) => r === "sent").length} sent; ${left} watchers left behind`);

  // The editor's own subscription to that flow is still taken.
  const res = await fetch(`${s.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ query: 'subscription { xflowRunEvents(app: "todo", xflow: "stamp_done") }' }),
  });
  const reader = res.body!.getReader();
  let text = "";
  const deadline = Date.now() + 1000;
  while (!text.includes("data:") && Date.now() < deadline) {
    const r = await Promise.race([reader.read(), Bun.sleep(200).then(() => null)]);
    if (r && !r.done) text += new TextDecoder().decode(r.value);
  }
  await reader.cancel();
  const refused = /already has 100 watchers/.test(text);
  // Now: { left: 100, editorRefused: true }.
  expect({ left, editorRefused: refused }).toEqual({ left: 0, editorRefused: false });
});
