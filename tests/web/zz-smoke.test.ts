import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestServer, type TestServer } from "/work/main/tests/helpers/server";
import { launchBrowser, openPage, shot, axeViolations } from "/work/main/tests/web/browser";
let s: TestServer; let b: any;
beforeAll(async () => { s = await startTestServer({ apps: ["todo"], server: { gallery: true } }); b = await launchBrowser(); });
afterAll(async () => { await b?.close(); await s?.close(); });
test("smoke", async () => {
  const p = await openPage(b);
  await p.page.goto(`${s.url}/app/todo/`);
  await p.page.waitForSelector("h1.page-title");
  console.log(await p.page.locator("h1").textContent(), p.errors);
  await shot(p.page, "smoke-todo");
  console.log(await axeViolations(p.page));
  await p.page.goto(`${s.url}/app/_gallery/`);
  await p.page.waitForSelector("h1");
  await shot(p.page, "smoke-gallery");
  console.log(p.errors);
});
