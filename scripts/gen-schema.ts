// Writes the generated contracts in schema/ from the code (run: bun run gen:schema).
import { modelJsonSchema } from "../src/model/schema";

const path = new URL("../schema/model.schema.json", import.meta.url).pathname;
await Bun.write(path, JSON.stringify(modelJsonSchema(), null, 2) + "\n");
console.log(`wrote ${path}`);
