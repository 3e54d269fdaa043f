// Compiles the app runtime's Solid JSX (web/app/**/*.tsx) with babel-preset-solid: Bun's
// own JSX transform targets React, while Solid compiles JSX into DOM templates and fine-
// grained updates. Used by `bun run build` (Bun.build plugins) and by the dev server and
// tests (bunfig.toml [serve.static] plugins). Scoped to web/app so that React files of the
// Model Editor keep Bun's transform.

import { transformAsync } from "@babel/core";
// @ts-expect-error: the presets ship no type declarations
import presetTs from "@babel/preset-typescript";
// @ts-expect-error: the presets ship no type declarations
import presetSolid from "babel-preset-solid";
import type { BunPlugin } from "bun";

const plugin: BunPlugin = {
  name: "torque-solid",
  setup(build) {
    // Source maps help in development; a minified production build leaves them out.
    const sourceMaps = (build.config as { minify?: unknown } | undefined)?.minify ? false : "inline";
    build.onLoad({ filter: /[\\/]web[\\/]app[\\/].*\.tsx$/ }, async (args) => {
      const source = await Bun.file(args.path).text();
      const out = await transformAsync(source, {
        filename: args.path,
        babelrc: false,
        configFile: false,
        sourceMaps,
        presets: [
          [presetSolid, { generate: "dom", hydratable: false }],
          [presetTs, { onlyRemoveTypeImports: true }],
        ],
      });
      if (!out?.code) throw new Error(`Solid compile produced nothing for ${args.path}`);
      return { contents: out.code, loader: "js" };
    });
  },
};

export default plugin;
