/**
 * The HTTP API with real requests to a server started in-process on a loopback port: every route,
 * the error paths (400/404/405/413/415), CORS, the sub-action SSE stream, and the editor client's
 * start → respond loop with the DB blob travelling back and forth (engine.md §4.9).
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import type { RunningHttpApi } from "../../src/http/server";
import { loadCcWorkflow, miniWorkflow, SHAPE_STEP, TOPIC_STEP } from "../engine/fixtures";
import { parseSse, post, send, startTestServer, type HttpReply } from "./client";

const ALLOWED_ORIGIN = "http://localhost:5173";
const MAX_BODY_BYTES = 4 * 1024 * 1024;

let api: RunningHttpApi;
let base: string;

before(async () => {
  api = await startTestServer({ corsOrigins: [ALLOWED_ORIGIN], maxBodyBytes: MAX_BODY_BYTES });
  base = api.url;
});

after(async () => {
  await api.close();
});

/** The editor client's auto-select (engine.md §4.9): the first candidate of the first selectable level. */
function autoSelect(reply: HttpReply): Record<string, unknown> {
  const request = reply.json.interaction_request;
  assert.equal(request.interaction_type, "select_from_structured", `cannot auto-select ${request.interaction_type}`);
  return { selected_indices: [0], cancelled: false };
}

describe("GET /health", () => {
  test("answers the original's shape", async () => {
    const reply = await send(base, "/health");
    assert.equal(reply.status, 200);
    assert.equal(reply.json.status, "healthy");
    assert.equal(typeof reply.json.service, "string");
    assert.ok("auth_database" in reply.json);
  });
});

describe("POST /workflow/virtual/execute", () => {
  test("first call asks, the answer completes; a DB object travels with {$date} dates and comes back as one", async () => {
    const workflow = miniWorkflow();
    const first = await post(base, "/workflow/virtual/execute", { workflow, virtual_db: {}, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(first.status, 200);
    assert.equal(first.json.status, "awaiting_input");
    assert.equal(first.json.interaction_request.interaction_type, "text_input");
    const db = first.json.result.virtual_db;
    assert.equal(typeof db, "object", "an object in, an object out");
    assert.match(db.users[0].created_at.$date, /^\d{4}-\d\d-\d\dT/, "dates travel as extended JSON");
    assert.ok(db.events.every((event: { timestamp: unknown }) => typeof (event.timestamp as { $date?: unknown }).$date === "string"));

    const answer = await post(base, "/workflow/virtual/execute", {
      workflow,
      virtual_db: db,
      target_step_id: TOPIC_STEP,
      target_module_name: "ask_topic",
      response: { value: "otters" },
    });
    assert.equal(answer.json.status, "completed", answer.json.error);
    assert.equal(answer.json.workflow_run_id, first.json.workflow_run_id);
    assert.equal(answer.json.result.module_outputs.value, "otters");
    assert.equal(answer.json.result.state.topic, "otters");
    assert.equal(answer.json.result.virtual_db.events.length, db.events.length + 2);
    assert.deepEqual(answer.json.result.virtual_db.users, db.users, "dates survive the round trip unchanged");
  });

  test("a DB object keeps user data that looks like a date wrapper: escaped on the wire, the same after a round trip", async () => {
    const workflow = miniWorkflow();
    const answer = await post(base, "/workflow/virtual/execute", {
      workflow,
      virtual_db: {},
      target_step_id: TOPIC_STEP,
      target_module_name: "ask_topic",
      response: { value: "otters", form_data: [{ $date: "" }, { $date: "2020-01-01T00:00:00Z" }] },
    });
    assert.equal(answer.json.status, "completed", answer.json.error);
    const responseEvent = (db: { events: Array<{ event_type: string; data: { response: { form_data: unknown } } }> }) =>
      db.events.find((event) => event.event_type === "interaction_response")!.data.response.form_data;
    const escaped = [{ $wfv_literal: { $date: "" } }, { $wfv_literal: { $date: "2020-01-01T00:00:00Z" } }];
    assert.deepEqual(responseEvent(answer.json.result.virtual_db), escaped);

    // Sent back as it came, the DB opens and the data is unchanged (not read as dates).
    const next = await post(base, "/workflow/virtual/execute", {
      workflow,
      virtual_db: answer.json.result.virtual_db,
      target_step_id: TOPIC_STEP,
      target_module_name: "generate_ideas",
    });
    assert.equal(next.json.status, "completed", next.json.error);
    assert.deepEqual(responseEvent(next.json.result.virtual_db), escaped);
  });

  test("no DB given: the blob comes back, and goes on in up_to mode", async () => {
    const workflow = miniWorkflow();
    const first = await post(base, "/workflow/virtual/execute", {
      workflow,
      target_step_id: SHAPE_STEP,
      target_module_name: "titles",
      mode: "up_to",
      default_answers: false,
    });
    assert.equal(first.json.status, "awaiting_input");
    assert.equal(first.json.progress.current_module, "ask_topic");
    assert.equal(typeof first.json.result.virtual_db, "string");
    const second = await post(base, "/workflow/virtual/execute", {
      workflow,
      virtual_db: first.json.result.virtual_db,
      target_step_id: SHAPE_STEP,
      target_module_name: "titles",
      mode: "up_to",
      default_answers: false,
      response: { value: "cats" },
    });
    assert.equal(second.json.status, "completed", second.json.error);
    assert.ok(Array.isArray(second.json.result.module_outputs.result));
  });

  test("request fields of the core pass through: default answers take a headless up_to run to the target", async () => {
    const workflow = miniWorkflow();
    const reply = await post(base, "/workflow/virtual/execute", {
      workflow,
      target_step_id: SHAPE_STEP,
      target_module_name: "titles",
      mode: "up_to",
      default_answers: true,
    });
    assert.equal(reply.json.status, "completed", reply.json.error);
    assert.equal(typeof reply.json.result.state.topic, "string", "ask_topic answered with its mock default");
  });

  test("engine failures are HTTP 200 with status error, a structured error_type and the DB exactly as given", async () => {
    const workflow = miniWorkflow();
    const first = await post(base, "/workflow/virtual/execute", { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    const blob: string = first.json.result.virtual_db;

    const missingStep = await post(base, "/workflow/virtual/execute", { workflow, virtual_db: blob, target_step_id: "nope", target_module_name: "ask_topic" });
    assert.equal(missingStep.status, 200);
    assert.equal(missingStep.json.status, "error");
    assert.equal(missingStep.json.result.error_type, "step_not_found");
    assert.deepEqual(missingStep.json.result.details.available_steps, [TOPIC_STEP, SHAPE_STEP]);
    assert.equal(missingStep.json.result.virtual_db, blob, "byte-identical blob");

    const invalid = await post(base, "/workflow/virtual/execute", { workflow: { steps: "none" }, virtual_db: blob, target_step_id: "a", target_module_name: "b" });
    assert.equal(invalid.status, 200);
    assert.equal(invalid.json.result.error_type, "workflow_invalid");

    const garbage = "H4sIAAAA" + blob.slice(20, 60);
    const unreadable = await post(base, "/workflow/virtual/execute", { workflow, virtual_db: garbage, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(unreadable.status, 200);
    assert.equal(unreadable.json.result.error_type, "db_invalid");
    assert.equal(unreadable.json.result.virtual_db, garbage);

    const objectDb = { users: [{ _id: "u", created_at: { $date: "2025-01-01T00:00:00.000Z" } }], events: "not a list" };
    const wrongShape = await post(base, "/workflow/virtual/execute", { workflow, virtual_db: objectDb, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    assert.equal(wrongShape.json.result.error_type, "db_invalid");
    assert.deepEqual(wrongShape.json.result.virtual_db, objectDb, "the object comes back as sent, $date wrappers included");
  });

  test("a body of the wrong shape is 400 bad_request with the issues and their paths", async () => {
    const reply = await post(base, "/workflow/virtual/execute", { workflow: miniWorkflow(), target_step_id: 7, mode: "all" });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error_type, "bad_request");
    assert.match(reply.json.error, /Invalid request body/);
    const paths = reply.json.details.issues.map((issue: { path: string }) => issue.path).sort();
    assert.deepEqual(paths, ["mode", "target_module_name", "target_step_id"]);

    const noWorkflow = await post(base, "/workflow/virtual/execute", { target_step_id: "a", target_module_name: "b" });
    assert.equal(noWorkflow.status, 400);
    assert.deepEqual(noWorkflow.json.details.issues.map((issue: { path: string }) => issue.path), ["workflow"]);

    const notAnObject = await post(base, "/workflow/virtual/execute", [1, 2]);
    assert.equal(notAnObject.status, 400);
    assert.equal(notAnObject.json.error_type, "bad_request");
  });

  test("a body that is not JSON is 400; one that is not declared JSON is 415", async () => {
    const broken = await send(base, "/workflow/virtual/execute", { raw: '{"workflow": ', headers: { "Content-Type": "application/json" } });
    assert.equal(broken.status, 400);
    assert.equal(broken.json.error_type, "bad_request");
    assert.equal(broken.json.details.reason, "bad_json");

    const plain = await send(base, "/workflow/virtual/execute", { raw: "{}", headers: { "Content-Type": "text/plain" } });
    assert.equal(plain.status, 415);
    assert.equal(plain.json.error_type, "bad_request");
  });
});

describe("HTTP errors", () => {
  test("unknown routes are 404", async () => {
    const reply = await post(base, "/workflow/nothing", {});
    assert.equal(reply.status, 404);
    assert.equal(reply.json.error_type, "not_found");
    assert.equal((await send(base, "/")).status, 404);
  });

  test("a wrong method is 405 with Allow", async () => {
    const get = await send(base, "/workflow/virtual/execute");
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, "POST, OPTIONS");
    assert.equal(get.json.error_type, "method_not_allowed");
    const postHealth = await post(base, "/health", {});
    assert.equal(postHealth.status, 405);
    assert.equal(postHealth.headers.allow, "GET, OPTIONS");
    const del = await send(base, "/workflow/start", { method: "DELETE" });
    assert.equal(del.status, 405);
  });

  test("a body over the limit is 413, declared or streamed", async () => {
    const big = JSON.stringify({ workflow: {}, virtual_db: "A".repeat(MAX_BODY_BYTES), target_step_id: "a", target_module_name: "b" });
    const declared = await send(base, "/workflow/virtual/execute", { raw: big, headers: { "Content-Type": "application/json" } });
    assert.equal(declared.status, 413);
    assert.equal(declared.json.error_type, "payload_too_large");
    assert.equal(declared.json.details.max_body_bytes, MAX_BODY_BYTES);

    // Chunked: no Content-Length, so the server counts bytes as they arrive.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(new URL("/workflow/virtual/execute", base), { method: "POST", headers: { "Content-Type": "application/json" } }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", reject);
      const chunk = "A".repeat(256 * 1024);
      request.write('{"virtual_db":"');
      for (let sent = 0; sent <= MAX_BODY_BYTES; sent += chunk.length) request.write(chunk);
      request.end('"}');
    });
    assert.equal(streamed.status, 413);
    assert.equal(JSON.parse(streamed.body).error_type, "payload_too_large");

    // The server still answers afterwards.
    assert.equal((await send(base, "/health")).status, 200);
  });
});

describe("CORS", () => {
  test("preflight from the configured origin gets the CORS headers; another origin gets none", async () => {
    const preflight = await send(base, "/workflow/start", {
      method: "OPTIONS",
      headers: { Origin: ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert.equal(preflight.headers["access-control-allow-credentials"], "true");
    assert.match(String(preflight.headers["access-control-allow-methods"]), /POST/);
    assert.match(String(preflight.headers["access-control-allow-headers"]), /Content-Type/i);
    assert.match(String(preflight.headers.vary), /Origin/);

    const stranger = await send(base, "/workflow/start", {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(stranger.status, 204);
    assert.equal(stranger.headers["access-control-allow-origin"], undefined);
    assert.equal(stranger.headers["access-control-allow-methods"], undefined);
  });

  test("responses carry the headers for the configured origin only, errors included", async () => {
    const allowed = await send(base, "/health", { headers: { Origin: ALLOWED_ORIGIN } });
    assert.equal(allowed.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert.equal(allowed.headers["access-control-allow-credentials"], "true");
    const other = await send(base, "/health", { headers: { Origin: "http://localhost:9999" } });
    assert.equal(other.headers["access-control-allow-origin"], undefined);
    const none = await send(base, "/health");
    assert.equal(none.headers["access-control-allow-origin"], undefined);
    const badBody = await post(base, "/workflow/start", { nothing: true }, { Origin: ALLOWED_ORIGIN });
    assert.equal(badBody.status, 400);
    assert.equal(badBody.headers["access-control-allow-origin"], ALLOWED_ORIGIN, "a browser can read the error");
  });
});

describe("the original virtual server's routes", () => {
  test("the editor client's loop: /start, then /respond with auto-selections, the blob going back and forth, up to the target", async () => {
    const workflow = loadCcWorkflow();
    const target = { target_step_id: "scene_generation", target_module_name: "select_scene" };
    let reply = await post(base, "/workflow/start", { workflow, virtual_db: null, ...target, mock: true });
    assert.equal(reply.status, 200);
    assert.equal(reply.json.status, "awaiting_input", reply.json.error);
    assert.deepEqual(
      { step: reply.json.progress.current_step, module: reply.json.progress.current_module },
      { step: "user_input", module: "select_pet_type" },
    );
    const runId: string = reply.json.virtual_run_id;
    assert.match(runId, /^virtual_/);
    const answered: string[] = [];
    // Bounded: cc has two interactions before the target.
    for (let turn = 0; turn < 5 && reply.json.progress.current_module !== target.target_module_name; turn++) {
      assert.equal(typeof reply.json.virtual_db, "string", "the DB travels as the opaque blob");
      answered.push(reply.json.progress.current_module);
      reply = await post(base, "/workflow/respond", {
        workflow,
        virtual_db: reply.json.virtual_db,
        virtual_run_id: runId,
        interaction_id: reply.json.interaction_request.interaction_id,
        response: autoSelect(reply),
        ...target,
        mock: true,
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.status, "awaiting_input", reply.json.error);
      assert.equal(reply.json.virtual_run_id, runId);
    }
    assert.deepEqual(answered, ["select_pet_type", "select_aesthetic"]);
    assert.equal(reply.json.progress.current_step, "scene_generation");
    assert.equal(reply.json.progress.current_module, "select_scene");
    assert.ok(Array.isArray(reply.json.state.scene_concepts) || typeof reply.json.state.scene_concepts === "object");

    // fetchStateAndHistory(): /state and /interaction-history in parallel.
    const [state, history] = await Promise.all([
      post(base, "/workflow/state", { virtual_db: reply.json.virtual_db, virtual_run_id: runId }),
      post(base, "/workflow/interaction-history", { virtual_db: reply.json.virtual_db, virtual_run_id: runId }),
    ]);
    assert.equal(state.status, 200);
    assert.ok(state.json.steps.user_input.select_pet_type, "hierarchical state by step and module");
    assert.ok("pet_type_selection" in state.json.state_mapped);
    assert.ok(Array.isArray(state.json.files));
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.json.interactions.map((item: { module_name: string }) => item.module_name),
      ["select_pet_type", "select_aesthetic"],
    );
    assert.equal(history.json.pending_interaction.interaction_id, reply.json.interaction_request.interaction_id);
  });

  test("/resume/confirm goes on from the run's position with the definition given", async () => {
    const workflow = loadCcWorkflow();
    const first = await post(base, "/workflow/start", { workflow, target_step_id: "user_input", target_module_name: "select_pet_type" });
    const answered = await post(base, "/workflow/respond", {
      workflow,
      virtual_db: first.json.virtual_db,
      virtual_run_id: first.json.virtual_run_id,
      interaction_id: first.json.interaction_request.interaction_id,
      response: { selected_indices: [0] },
      target_step_id: "user_input",
      target_module_name: "select_pet_type",
    });
    assert.notEqual(answered.json.status, "error", answered.json.error);
    const resumed = await post(base, "/workflow/resume/confirm", {
      workflow,
      virtual_db: answered.json.virtual_db,
      target_step_id: "user_input",
      target_module_name: "select_aesthetic",
    });
    assert.equal(resumed.status, 200);
    assert.equal(resumed.json.status, "awaiting_input", resumed.json.error);
    assert.equal(resumed.json.progress.current_module, "select_aesthetic");
    assert.equal(resumed.json.virtual_run_id, first.json.virtual_run_id);
  });

  test("/state answers empty values for an unreadable DB; /interaction-history says db_invalid (400)", async () => {
    const state = await post(base, "/workflow/state", { virtual_db: "not base64 !!", virtual_run_id: "virtual_x" });
    assert.equal(state.status, 200);
    assert.deepEqual(state.json, { steps: {}, state_mapped: {}, files: [] });
    const history = await post(base, "/workflow/interaction-history", { virtual_db: "not base64 !!" });
    assert.equal(history.status, 400);
    assert.equal(history.json.error_type, "db_invalid");
    const fresh = await post(base, "/workflow/interaction-history", { virtual_db: null });
    assert.deepEqual(fresh.json, { interactions: [], pending_interaction: null });
  });

  test("/sub-action streams server-sent events, parsed event by event, ending with complete and the new DB", async () => {
    const workflow = miniWorkflow();
    const target = { target_step_id: TOPIC_STEP, target_module_name: "pick_idea" };
    const started = await post(base, "/workflow/start", { workflow, ...target });
    const atPick = await post(base, "/workflow/respond", {
      workflow,
      virtual_db: started.json.virtual_db,
      virtual_run_id: started.json.virtual_run_id,
      interaction_id: started.json.interaction_request.interaction_id,
      response: { value: "otters" },
      ...target,
    });
    assert.equal(atPick.json.status, "awaiting_input", atPick.json.error);
    assert.equal(atPick.json.progress.current_module, "pick_idea");
    const ideasBefore = (atPick.json.state.ideas.ideas as unknown[]).length;

    const stream = await post(
      base,
      "/workflow/sub-action",
      {
        workflow,
        virtual_db: atPick.json.virtual_db,
        virtual_run_id: atPick.json.virtual_run_id,
        interaction_id: atPick.json.interaction_request.interaction_id,
        sub_action_id: "more_ideas",
        params: { feedback: "funnier" },
      },
      { Origin: ALLOWED_ORIGIN },
    );
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers["content-type"]), /^text\/event-stream/);
    assert.equal(stream.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert.match(stream.text, /^event: \w+\ndata: /, "event: <type>\\ndata: <json>\\n\\n");
    const events = parseSse(stream.text);
    const types = events.map((event) => event.event);
    assert.equal(types.at(-1), "complete", JSON.stringify(events.at(-1)?.data));
    assert.ok(types.includes("progress"));
    assert.ok(types.slice(0, -1).every((type) => type === "started" || type === "progress"));
    const progress = events.find((event) => event.event === "progress")!;
    assert.equal(progress.data.message, "Generating more ideas...");
    const complete = events.at(-1)!.data;
    assert.equal(typeof complete.virtual_db, "string");
    assert.notEqual(complete.virtual_db, atPick.json.virtual_db);
    assert.ok((complete.updated_state.ideas.ideas as unknown[]).length > ideasBefore, "merge mode appends the new ideas");

    // The client replaces only its DB; the next read sees the sub-action's result.
    const state = await post(base, "/workflow/state", { virtual_db: complete.virtual_db });
    assert.equal(state.status, 200);
    assert.ok((state.json.state_mapped.ideas.ideas as unknown[]).length > ideasBefore);

    // Display-data refresh (ruling 9) against the new state, without answering.
    const refreshed = await post(base, "/workflow/virtual/interaction-data", {
      workflow,
      virtual_db: complete.virtual_db,
      interaction_id: atPick.json.interaction_request.interaction_id,
    });
    assert.equal(refreshed.json.status, "awaiting_input", refreshed.json.error);
    assert.equal(refreshed.json.virtual_db, complete.virtual_db, "read-only: the DB is unchanged");
  });

  test("/sub-action failures end the stream with an error event carrying the DB as given", async () => {
    const workflow = miniWorkflow();
    const started = await post(base, "/workflow/start", { workflow, target_step_id: TOPIC_STEP, target_module_name: "ask_topic" });
    const blob: string = started.json.virtual_db;
    const stream = await post(base, "/workflow/sub-action", {
      workflow,
      virtual_db: blob,
      interaction_id: started.json.interaction_request.interaction_id,
      sub_action_id: "no_such_action",
    });
    assert.equal(stream.status, 200);
    const events = parseSse(stream.text);
    const last = events.at(-1)!;
    assert.equal(last.event, "error");
    assert.equal(typeof last.data.message, "string");
    assert.equal(last.data.virtual_db, blob);

    const badBody = await post(base, "/workflow/sub-action", { workflow, virtual_db: blob });
    assert.equal(badBody.status, 400, "a bad body is refused before any stream starts");
    assert.deepEqual(badBody.json.details.issues.map((issue: { path: string }) => issue.path).sort(), ["interaction_id", "sub_action_id"]);
  });
});

describe("POST /workflow/virtual/mock-data", () => {
  const schema = {
    type: "object",
    properties: { title: { type: "string" }, score: { type: "integer", minimum: 1, maximum: 5 }, tags: { type: "array", items: { type: "string" } } },
    required: ["title"],
  };

  test("count items valid against the schema, the same for the same seed", async () => {
    const first = await post(base, "/workflow/virtual/mock-data", { schema, count: 3, seed: 7, context: { step_id: "x" } });
    assert.equal(first.status, 200);
    assert.equal(first.json.items.length, 3);
    for (const item of first.json.items) {
      assert.equal(typeof item.title, "string");
      assert.ok(Number.isInteger(item.score) && item.score >= 1 && item.score <= 5);
      assert.ok(item.tags.length >= 2 && item.tags.length <= 3);
    }
    const again = await post(base, "/workflow/virtual/mock-data", { schema, count: 3, seed: 7 });
    assert.deepEqual(again.json.items, first.json.items);
    const noSeed = await post(base, "/workflow/virtual/mock-data", { schema, count: 1 });
    assert.equal(noSeed.json.items.length, 1);
  });

  test("a bad count or schema is 400", async () => {
    for (const body of [{ schema, count: -1 }, { schema, count: 1.5 }, { schema, count: 100_000 }, { schema: "x", count: 1 }, { count: 1 }]) {
      const reply = await post(base, "/workflow/virtual/mock-data", body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.json.error_type, "bad_request");
    }
  });

  test("a schema over the mock limits (minItems: 1000000, count: 1000) is 400 naming the limit, at once", async () => {
    const reply = await post(base, "/workflow/virtual/mock-data", { schema: { type: "array", minItems: 1_000_000, items: { type: "string" } }, count: 1000 });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error_type, "bad_request");
    assert.match(reply.json.error, /MAX_MOCK_ITEMS/);
    assert.equal(reply.json.details.limit, "MAX_MOCK_ITEMS");
  });
});
