import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lensTitle, planLenses } from "../../src/extension/lens-model";
import { outline } from "../../src/extension/outline";

const step = outline('{"step_id":"s","modules":[{"module_id":"a","name":"one"},{"module_id":"b","name":"two"}]}');
const runs = { "s/one": { status: "completed" as const, fingerprint: "f1", at: "" } };

describe("lens model", () => {
  it("run + up-to lenses per module, a status lens where a run is recorded", () => {
    const plans = planLenses(step, { trusted: true, runs });
    assert.deepEqual(plans.map((p) => `${p.kind}:${p.anchor?.moduleName}`), ["run:one", "upTo:one", "status:one", "run:two", "upTo:two"]);
    assert.match(lensTitle(plans[0], runs, () => undefined), /Run module virtually$/);
    assert.match(lensTitle(plans[1], runs, () => undefined), /Run up to here$/);
    assert.match(lensTitle(plans[2], runs, () => "f1"), /completed$/);
    assert.match(lensTitle(plans[2], runs, () => "f2"), /completed · stale$/);
  });

  it("untrusted: one lens per module saying why, no run lenses", () => {
    const plans = planLenses(step, { trusted: false, runs });
    assert.deepEqual(plans.map((p) => p.kind), ["blocked", "blocked"]);
    assert.match(lensTitle(plans[0], runs, () => undefined), /not trusted/);
  });

  it("JSON errors, workflow errors and orphan step files get one message and no run lens", () => {
    const broken = outline('{"step_id":"s","modules":[{"module_id":"a",}]}');
    assert.deepEqual(planLenses(broken, { trusted: true, runs: {} }).map((p) => p.kind), ["problem"]);
    const invalid = planLenses(step, { trusted: true, runs: {}, workflowProblem: "$.steps[0]: bad" });
    assert.deepEqual(invalid.map((p) => p.kind), ["problem"]);
    assert.match(invalid[0].message ?? "", /Not runnable: \$\.steps\[0\]: bad/);
    assert.deepEqual(planLenses(step, { trusted: true, runs: {}, orphan: true }).map((p) => p.kind), ["orphan"]);
  });
});
