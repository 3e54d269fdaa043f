// The repository stands alone: a clone with nothing beside it must build, test and explain
// itself. So no file may reach outside the checkout (a sibling folder, an absolute path of
// the machine it was written on), and every relative link in the documentation must land
// on a file inside the repository.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const REPO = resolve(new URL("..", import.meta.url).pathname);
const SKIP = new Set(["node_modules", "dist", ".git", ".demo", "bench-data"]);
const TEXT = /\.(ts|tsx|js|json|md|graphql|sql|html|css|toml)$/;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (TEXT.test(name)) out.push(path);
  }
  return out;
}

const all = files(REPO);
const docs = all.filter((f) => f.endsWith(".md"));

// Built from parts so that this file does not match itself.
const outside = [["..", "shared", ""].join("/"), ["", "work", "shared"].join("/")];

describe("the repository stands alone", () => {
  test("no file refers to a folder outside the checkout", () => {
    const hits: string[] = [];
    for (const f of all) {
      const text = readFileSync(f, "utf8");
      for (const p of outside) if (text.includes(p)) hits.push(`${relative(REPO, f)}: ${p}`);
    }
    expect(hits).toEqual([]);
  });

  test("every relative link in the documentation resolves inside the repository", () => {
    expect(docs.length).toBeGreaterThan(0);
    const broken: string[] = [];
    for (const f of docs) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split("#")[0]!;
        if (!target || /^[a-z]+:/i.test(target)) continue; // an anchor, or http:, mailto:, …
        const path = resolve(dirname(f), decodeURI(target));
        const inside = !relative(REPO, path).startsWith("..");
        if (!inside || !existsSync(path)) broken.push(`${relative(REPO, f)} → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
