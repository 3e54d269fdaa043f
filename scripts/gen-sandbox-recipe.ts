// `bun scripts/gen-sandbox-recipe.ts`: run the sandbox's hardening search from scratch on
// the installed QuickJS and write what it finds to src/sandbox/recipe.ts.
import { searchRecipe } from "../src/sandbox/runner";

const recipe = await searchRecipe();
const file = new URL("../src/sandbox/recipe.ts", import.meta.url).pathname;
const text = await Bun.file(file).text();
const head = text.slice(0, text.indexOf("export const HARDEN_RECIPE"));
await Bun.write(file, `${head}export const HARDEN_RECIPE: string | undefined = ${JSON.stringify(recipe)};\n`);
console.log(`wrote ${file} (${recipe.length} characters)`);
