/**
 * Issue 11 item 4, against a real loopback server: only loopback `Host`s (plus allowedHosts) are
 * answered, and a body's `mock: false` is ignored unless the server allows real mode. The "internal
 * service" is another loopback server that records every request: api.fetch must never reach it from a
 * request the server should not honour.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { cliPath, repoRoot } from "../helpers/paths";
import { hostNameOf, isLoopbackHostName, type HttpApiOptions } from "../../src/http/server";
import { startLoopback, type Loopback } from "../providers/loopback";
import { send, startTestServer } from "./client";
import type { RunningHttpApi } from "../../src/http/server";

function fetchWorkflow(url: string) {
  return {
    workflow_id: "rebinding",
    name: "Rebinding",
    steps: [{ step_id: "s", name: "S", modules: [{ module_id: "api.fetch", name: "grab", inputs: { url }, outputs_to_state: { response: "grabbed" } }] }],
  };
}

describe("wfv serve against DNS rebinding", () => {
  let internal: Loopback;
  const servers: RunningHttpApi[] = [];
  const start = async (options: HttpApiOptions = {}) => {
    const api = await startTestServer(options);
    servers.push(api);
    return api;
  };
  before(async () => {
    internal = await startLoopback(() => ({ text: "INTERNAL-SECRET-TEXT" }));
  });
  after(async () => {
    await Promise.all(servers.map((api) => api.close()));
    await internal.close();
  });

  const execute = (base: string, host: string, mock: boolean | undefined, origin?: string) =>
    send(base, "/workflow/virtual/execute", {
      body: { workflow: fetchWorkflow(`${internal.url}/admin`), target_step_id: "s", target_module_name: "grab", ...(mock === undefined ? {} : { mock }) },
      headers: { Host: host, ...(origin ? { Origin: origin } : {}) },
    });

  test("Host: rebind.attacker.example with a matching Origin gets 403, and nothing is fetched", async () => {
    const api = await start({ corsOrigins: ["http://rebind.attacker.example"], allowRealMode: true });
    const before = internal.requests.length;
    const reply = await execute(api.url, "rebind.attacker.example", false, "http://rebind.attacker.example");
    assert.equal(reply.status, 403);
    assert.equal(reply.json.error_type, "forbidden_host");
    assert.equal(reply.text.includes("INTERNAL-SECRET-TEXT"), false);
    assert.equal(internal.requests.length, before, "the internal URL was not fetched");
    for (const host of ["rebind.attacker.example:9001", "127.0.0.1.nip.io", "localhost.attacker.example", "10.0.0.1"]) {
      assert.equal((await send(api.url, "/health", { headers: { Host: host } })).status, 403, host);
    }
    assert.equal((await send(api.url, "/health", { method: "OPTIONS", headers: { Host: "rebind.attacker.example", Origin: "http://rebind.attacker.example" } })).status, 403);
  });

  test("loopback names and addresses, with or without a port, are answered", async () => {
    const api = await start();
    const port = new URL(api.url).port;
    for (const host of ["localhost", `localhost:${port}`, "127.0.0.1", `127.0.0.1:${port}`, "[::1]", `[::1]:${port}`, "LOCALHOST", "app.localhost:1234", "127.1.2.3"]) {
      const reply = await send(api.url, "/health", { headers: { Host: host } });
      assert.equal(reply.status, 200, `${host}: ${reply.text}`);
    }
  });

  test("allowedHosts adds names (port ignored); others stay refused", async () => {
    const api = await start({ allowedHosts: ["wfv.internal", "10.0.0.5:9001"] });
    assert.equal((await send(api.url, "/health", { headers: { Host: "wfv.internal:8080" } })).status, 200);
    assert.equal((await send(api.url, "/health", { headers: { Host: "10.0.0.5" } })).status, 200);
    assert.equal((await send(api.url, "/health", { headers: { Host: "wfv.internal.attacker.example" } })).status, 403);
  });

  test("without allowRealMode, mock: false is ignored: the run is mocked and the internal URL is never fetched", async () => {
    const api = await start();
    const before = internal.requests.length;
    const reply = await execute(api.url, "127.0.0.1", false);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.status, "completed", reply.text);
    assert.equal(internal.requests.length, before, "no request reached the internal service");
    assert.equal(reply.text.includes("INTERNAL-SECRET-TEXT"), false);
    assert.equal(reply.json.result.module_outputs.response.mock, true, reply.text);
  });

  test("with allowRealMode, mock: false is honoured (from a loopback Host)", async () => {
    const api = await start({ allowRealMode: true });
    const before = internal.requests.length;
    const reply = await execute(api.url, "localhost", false);
    assert.equal(reply.json.status, "completed", reply.text);
    assert.equal(internal.requests.length, before + 1);
    assert.deepEqual(reply.json.result.module_outputs.response, { text: "INTERNAL-SECRET-TEXT" });
  });

  test("hostNameOf and isLoopbackHostName", () => {
    assert.equal(hostNameOf("LocalHost:80"), "localhost");
    assert.equal(hostNameOf("[::1]:9001"), "::1");
    assert.equal(hostNameOf("a b"), undefined);
    assert.equal(hostNameOf(undefined), undefined);
    assert.equal(isLoopbackHostName("127.0.0.1"), true);
    assert.equal(isLoopbackHostName("127.256.0.1"), false);
    assert.equal(isLoopbackHostName("::ffff:127.0.0.1"), true);
    assert.equal(isLoopbackHostName("localhost.attacker.example"), false);
  });

  test("wfv serve (the built CLI): --allow-host adds a name, a rebinding Host gets 403, mock: false is ignored without --allow-real", async () => {
    const child = spawn(process.execPath, [cliPath, "serve", "--port", "0", "--allow-host", "wfv.test"], { cwd: repoRoot });
    try {
      const [chunk] = (await once(child.stdout, "data")) as [Buffer];
      const { url } = JSON.parse(chunk.toString("utf8").split("\n")[0]) as { url: string };
      assert.equal((await send(url, "/health", { headers: { Host: "wfv.test:1" } })).status, 200);
      assert.equal((await send(url, "/health", { headers: { Host: "localhost" } })).status, 200);
      const before = internal.requests.length;
      assert.equal((await execute(url, "rebind.attacker.example", false, "http://rebind.attacker.example")).status, 403);
      const mocked = await execute(url, "127.0.0.1", false);
      assert.equal(mocked.json.status, "completed", mocked.text);
      assert.equal(internal.requests.length, before, "nothing reached the internal service");
      const help = await new Promise<string>((resolve) => {
        const helpChild = spawn(process.execPath, [cliPath, "serve", "--help"], { cwd: repoRoot });
        let text = "";
        helpChild.stdout.on("data", (data: Buffer) => (text += data.toString("utf8")));
        helpChild.on("close", () => resolve(text));
      });
      assert.match(help, /--allow-host H/);
      assert.match(help, /--allow-real/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
