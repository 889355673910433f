import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lensTitle, planLenses } from "../../src/extension/lens-model";
import { outline } from "../../src/extension/outline";

const step = outline('{"step_id":"s","modules":[{"module_id":"a","name":"one"},{"module_id":"b","name":"two"}]}');

describe("the Debug up to here lens", () => {
  it("follows Run up to here on every module when the editor can debug", () => {
    const plans = planLenses(step, { trusted: true, runs: {}, debug: true });
    assert.deepEqual(plans.map((p) => `${p.kind}:${p.anchor?.moduleName}`), ["run:one", "upTo:one", "debug:one", "run:two", "upTo:two", "debug:two"]);
    assert.match(lensTitle(plans[2], {}, () => undefined), /Debug up to here$/);
  });

  it("is not offered in Restricted Mode", () => {
    assert.deepEqual(planLenses(step, { trusted: false, runs: {}, debug: true }).map((p) => p.kind), ["blocked", "blocked"]);
  });
});
