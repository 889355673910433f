// Bundles every entry point with esbuild. Type checking is separate (`npm run typecheck`).
// Entries whose source does not exist yet are skipped, so the bundles grow with the project.
import { existsSync } from "node:fs";
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
// `--outdir <folder>`: the bundles somewhere else than dist/ (the bench measures a production build without touching dist/).
const outdirAt = process.argv.indexOf("--outdir");
const outdir = outdirAt > 0 ? process.argv[outdirAt + 1] : "dist";

const node = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: "warning",
  external: [],
  // jsonc-parser's default entry is a UMD build that esbuild cannot follow; its ESM build bundles cleanly.
  mainFields: ["module", "main"],
  // json-schema-faker's ESM entry pulls in a UMD vendor file that overwrites the bundle's
  // module.exports; its CommonJS build bundles cleanly.
  alias: { "json-schema-faker": "./node_modules/json-schema-faker/dist/main.cjs" },
};

const builds = [
  // The CLI: `wfv`.
  { ...node, entryPoints: { cli: "src/cli/main.ts" }, outdir: "dist", banner: { js: "#!/usr/bin/env node" } },
  // Its budgeted worker: `wfv run|render|resolve` run there under --max-memory-mb and --timeout (src/cli/isolated.ts).
  { ...node, entryPoints: { "cli-worker": "src/cli/isolated-entry.ts" }, outdir: "dist" },
  // wfv serve's pool workers (src/http/pool.ts): the HTTP API on a loopback port in a budgeted process.
  { ...node, entryPoints: { "serve-worker": "src/http/serve-worker.ts" }, outdir: "dist" },
  // The VS Code extension host side; `vscode` is provided by the host. The engine runs in a child
  // process (dist/engine-worker.js, started by src/extension/lazy-engine.ts on the first run) and the
  // language client is a bundle of its own (src/extension/lazy-language-client.ts, just after
  // activation), so activation loads little.
  { ...node, entryPoints: { extension: "src/extension/extension.ts" }, outdir: "dist", external: [...node.external, "vscode"] },
  // Workflow tests (replay, record, seeds): required on first use by src/extension/lazy-testing.ts.
  { ...node, entryPoints: { testing: "src/extension/testing-core.ts" }, outdir: "dist" },
  // The engine's worker, a child Node process (src/extension/worker-engine.ts starts it under the run budgets).
  { ...node, entryPoints: { "engine-worker": "src/extension/engine-worker.ts" }, outdir: "dist" },
  { ...node, entryPoints: { "language-client": "src/extension/language-client.ts" }, outdir: "dist", external: [...node.external, "vscode"] },
  // The language server (runs in its own Node process; never imports vscode).
  { ...node, entryPoints: { server: "src/server/server.ts" }, outdir: "dist" },
  // The webview panel UI: a browser bundle.
  {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: !production,
    sourcesContent: false,
    minify: production,
    logLevel: "warning",
    mainFields: ["browser", "module", "main"],
    entryPoints: { webview: "webview/main.ts" },
    outdir: "dist",
    loader: { ".css": "text" },
  },
  // The template preview and pipeline stages views (webview/preview.ts, src/extension/preview/): a small bundle of their own.
  {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: !production,
    sourcesContent: false,
    minify: production,
    logLevel: "warning",
    mainFields: ["browser", "module", "main"],
    entryPoints: { preview: "webview/preview.ts" },
    outdir: "dist",
  },
];

await Promise.all(
  builds
    .filter((options) => Object.values(options.entryPoints).every((entry) => existsSync(entry)))
    .map((options) => esbuild.build({ ...options, outdir })),
);
