/**
 * The workflow tests' code (dist/testing.js, built from ./testing-core.ts), required on first use
 * beside dist/extension.js: the Test Explorer lists tests without it, and activation never loads it.
 */
import type { TestingCore } from "./testing-api";

type TestingBundle = typeof import("./testing-core");

// A name esbuild cannot follow, so the testing code is not bundled into the extension.
const TESTING_BUNDLE = "./testing.js";

let loaded: TestingCore | undefined;

export function testingCore(): TestingCore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time load by design
  loaded ??= (require(TESTING_BUNDLE) as TestingBundle).createTestingCore();
  return loaded;
}
