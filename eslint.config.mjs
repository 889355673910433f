// Flat config. The one rule that matters most: the engine (src/core) stays free of the editor.
import tseslint from "typescript-eslint";

const outerLayers = ["vscode", "**/extension/**", "**/webview/**", "**/server/**", "**/cli/**"];

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", ".test-artifacts/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: outerLayers, message: "src/core is the pure engine: it may not import vscode or the outer layers." },
            { group: ["node:fs", "fs", "node:fs/*", "fs/*", "node:child_process", "child_process"], message: "src/core does no I/O of its own: take a reader or writer as a parameter." },
          ],
        },
      ],
    },
  },
  {
    // The panel UI is a browser bundle: it imports only webview/ itself, src/shared/ (the protocol) and npm packages.
    // The relative patterns assume its files sit directly in webview/ (no subfolders).
    files: ["webview/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["vscode", "../**", "!../src", "!../src/shared", "!../src/shared/**", "../src/shared/**/..", "../src/shared/**/../**"],
              message: "webview/ is the panel UI: it imports only from webview/ itself, src/shared/ and npm packages (never vscode, src/core, src/extension, src/server).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
