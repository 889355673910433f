// Bundles every entry point with esbuild. Type checking is separate (`npm run typecheck`).
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: "warning",
  // nunjucks lazily requires chokidar for file watching, which we never use.
  external: ["chokidar", "fsevents"],
  // jsonc-parser's default entry is a UMD build that esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ["module", "main"],
};

await esbuild.build({
  ...common,
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist",
  banner: { js: "#!/usr/bin/env node" },
});
