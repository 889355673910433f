import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { getModule, ModuleExecutionError, validateInputs, type ExecutableModule } from "../../src/core/modules";
import { buildFetchUrl } from "../../src/core/modules/api/fetch";
import { closedPort, startLoopback, type Loopback } from "../providers/loopback";
import { createTestContext } from "./helpers";

function fetchModule(): ExecutableModule {
  return getModule("api.fetch") as ExecutableModule;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected the call to fail");
}

describe("api.fetch (modules.md 2.7)", () => {
  test("declares url as its only required input", () => {
    assert.deepEqual(validateInputs(fetchModule(), {}), { ok: false, inputName: "url", message: "Required input 'url' missing" });
    assert.deepEqual(validateInputs(fetchModule(), { url: "x" }), { ok: true });
  });

  test("mock mode: {mock, message} with status 200, the same every time, no request", async () => {
    const server = await startLoopback(() => ({ json: {} }));
    try {
      const { context, db } = createTestContext({ mockMode: true });
      const out = await fetchModule().execute({ url: `${server.url}/x` }, context);
      assert.equal(out.status_code, 200);
      assert.equal(out.success, true);
      const response = out.response as { mock: boolean; message: string };
      assert.equal(response.mock, true);
      assert.match(response.message, /^[A-Z][a-z ]+[.?]$/);
      assert.deepEqual(await fetchModule().execute({ url: "http://unused" }, createTestContext().context), out);
      assert.equal(server.requests.length, 0);
      assert.deepEqual(db.collectionNames(), []);
    } finally {
      await server.close();
    }
  });

  test("urljoin of base_url and a relative url; absolute urls ignore the base", () => {
    assert.equal(buildFetchUrl("/models", "https://h/api"), "https://h/api/models");
    assert.equal(buildFetchUrl("models", "https://h/api/"), "https://h/api/models");
    assert.equal(buildFetchUrl("https://other/x", "https://h/api"), "https://other/x");
    assert.equal(buildFetchUrl("/x", null), "/x");
  });

  describe("real mode against a loopback server", () => {
    let server: Loopback;
    before(async () => {
      server = await startLoopback((request) => {
        if (request.path.startsWith("/json")) return { json: { data: { items: [{ id: "a" }, { id: "b" }] }, echo: request.json } };
        if (request.path.startsWith("/text")) return { text: "plain words" };
        if (request.path.startsWith("/err-json")) return { status: 422, json: { error: "bad things" } };
        if (request.path.startsWith("/err-text")) return { status: 500, text: "x".repeat(300) };
        if (request.path.startsWith("/err-list")) return { status: 400, json: [1, 2] };
        if (request.path.startsWith("/hang")) return { hang: true };
        return { status: 404, json: { error: "no route" } };
      });
    });
    after(() => server.close());

    const real = () => createTestContext({ mockMode: false }).context;

    test("GET with query params: JSON response, status, success", async () => {
      const out = await fetchModule().execute({ url: "/json", base_url: server.url, params: { q: "cats", n: 2, flag: true } }, real());
      assert.deepEqual(out, { response: { data: { items: [{ id: "a" }, { id: "b" }] }, echo: null }, status_code: 200, success: true });
      const request = server.requests.at(-1)!;
      assert.equal(request.method, "GET");
      assert.equal(request.path, "/json?q=cats&n=2&flag=True");
      assert.equal(request.headers["content-type"], undefined);
    });

    test("a truthy body is sent as JSON with Content-Type; the method is upper-cased", async () => {
      await fetchModule().execute({ url: `${server.url}/json`, method: "post", body: { a: 1 }, headers: { "X-Token": "t" } }, real());
      const request = server.requests.at(-1)!;
      assert.equal(request.method, "POST");
      assert.deepEqual(request.json, { a: 1 });
      assert.equal(request.headers["content-type"], "application/json");
      assert.equal(request.headers["x-token"], "t");
      // An empty body is not sent at all.
      await fetchModule().execute({ url: `${server.url}/json`, method: "POST", body: {} }, real());
      assert.equal(server.requests.at(-1)!.text, "");
    });

    test("a non-JSON body becomes {text}", async () => {
      const out = await fetchModule().execute({ url: `${server.url}/text` }, real());
      assert.deepEqual(out.response, { text: "plain words" });
    });

    test("extract_path walks objects and list indices", async () => {
      const out = await fetchModule().execute({ url: `${server.url}/json`, extract_path: "data.items.1.id" }, real());
      assert.equal(out.response, "b");
    });

    test("extract_path errors: missing key, index out of range, not a container", async () => {
      const missing = await failure(fetchModule().execute({ url: `${server.url}/json`, extract_path: "data.nope" }, real()));
      assert.ok(missing instanceof ModuleExecutionError);
      assert.equal(missing.message, "Module 'api.fetch' failed: Path 'data.nope' not found in response. Available keys at 'nope': ['items']");
      const range = await failure(fetchModule().execute({ url: `${server.url}/json`, extract_path: "data.items.5" }, real()));
      assert.equal((range as ModuleExecutionError).reason, "Index 5 out of range in path 'data.items.5'. Array length: 2");
      const scalar = await failure(fetchModule().execute({ url: `${server.url}/json`, extract_path: "data.items.0.id.x" }, real()));
      assert.equal((scalar as ModuleExecutionError).reason, "Cannot extract 'x' from path 'data.items.0.id.x'. Value is not a dict or list.");
      const word = await failure(fetchModule().execute({ url: `${server.url}/json`, extract_path: "data.items.first" }, real()));
      assert.equal((word as ModuleExecutionError).reason, "Cannot extract 'first' from path 'data.items.first'. Value is not a dict or list.");
    });

    test("non-2xx with error_on_failure: the body's error, else the first 200 characters", async () => {
      const json = await failure(fetchModule().execute({ url: `${server.url}/err-json` }, real()));
      assert.equal((json as ModuleExecutionError).reason, "API request failed (422): bad things");
      const text = await failure(fetchModule().execute({ url: `${server.url}/err-text` }, real()));
      assert.equal((text as ModuleExecutionError).reason, `API request failed (500): ${"x".repeat(200)}`);
      const list = await failure(fetchModule().execute({ url: `${server.url}/err-list` }, real()));
      assert.equal(list.message, "'list' object has no attribute 'get'");
    });

    test("non-2xx without error_on_failure is returned, not extracted", async () => {
      const out = await fetchModule().execute({ url: `${server.url}/err-json`, error_on_failure: false, extract_path: "error.x" }, real());
      assert.deepEqual(out, { response: { error: "bad things" }, status_code: 422, success: false });
    });

    test("timeout and connection failures", async () => {
      const timeout = await failure(fetchModule().execute({ url: `${server.url}/hang`, timeout: 0.2 }, real()));
      assert.equal((timeout as ModuleExecutionError).reason, `Request timed out after 0.2s: ${server.url}/hang`);
      const closed = await closedPort();
      const refused = await failure(fetchModule().execute({ url: `${closed}/x` }, real()));
      assert.match((refused as ModuleExecutionError).reason, new RegExp(`^Connection failed: ${closed}/x - .*ECONNREFUSED`));
    });
  });
});
