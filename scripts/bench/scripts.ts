// The JavaScript a page has loaded, and its size gzipped: the editor's bundle figures.
import type { Page } from "playwright-core";

/** Every .js the page has fetched so far (its resource timing entries). */
export const scriptsOf = (p: Page) =>
  p.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((e) => new URL(e.name).pathname.endsWith(".js"))
      .map((e) => e.name),
  );

/** Bytes of the given scripts, each gzipped as the server could send it. */
export async function gzipOf(urls: string[]): Promise<number> {
  let n = 0;
  for (const u of urls) n += Bun.gzipSync(await (await fetch(u)).text()).length;
  return n;
}
