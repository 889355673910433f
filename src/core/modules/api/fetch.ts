/**
 * `api.fetch` (modules.md §2.7): one HTTP request from a workflow, its JSON (or `{text}`) response,
 * optionally narrowed by a dotted `extract_path`. Mock mode (the default in virtual runs) answers
 * `{mock: true, message}` without any request; the message is seeded, so a mock run repeats.
 */
import { DEFAULT_MOCK_SEED, loremSentence, seededRandom } from "../../mock";
import { HttpRequestError, httpRequest } from "../../providers/http";
import { pyStr } from "../../python/format";
import { getInputValue, ModuleExecutionError } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import type { ExecutableModule, ModuleContext, ModuleInputDecl, ModuleOutputDecl } from "../types";

type Json = Record<string, unknown>;

/** `urljoin(base.rstrip("/") + "/", url.lstrip("/"))` for a relative `url`. */
export function buildFetchUrl(url: string, baseUrl: unknown): string {
  if (!isTruthy(baseUrl) || url.startsWith("http://") || url.startsWith("https://")) return url;
  const base = `${String(baseUrl).replace(/\/+$/, "")}/`;
  return new URL(url.replace(/^\/+/, ""), base).toString();
}

/** Python's `str(seconds)` for the timeout message: an int stays an int, a float keeps its `.0`. */
function secondsText(timeout: unknown): string {
  return pyStr(timeout);
}

export class ApiFetchModule implements ExecutableModule {
  readonly kind = "executable";
  readonly moduleId = "api.fetch";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "url", type: "string", required: true, description: "URL or path to fetch (combined with base_url if relative)" },
    { name: "base_url", type: "string", required: false, default: null, description: "Base URL for the API" },
    { name: "method", type: "string", required: false, default: "GET", description: "HTTP method (GET, POST, PUT, DELETE)" },
    { name: "headers", type: "object", required: false, default: null, description: "Request headers" },
    { name: "body", type: "object", required: false, default: null, description: "Request body (for POST/PUT)" },
    { name: "params", type: "object", required: false, default: null, description: "Query parameters" },
    { name: "timeout", type: "number", required: false, default: 30, description: "Request timeout in seconds" },
    { name: "extract_path", type: "string", required: false, default: null, description: "Dotted path to extract from the response" },
    { name: "error_on_failure", type: "boolean", required: false, default: true, description: "Raise error on non-2xx status codes" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "response", type: "object", description: "Response data (full or extracted portion)" },
    { name: "status_code", type: "number", description: "HTTP status code" },
    { name: "success", type: "boolean", description: "True if request succeeded (2xx status)" },
  ];

  getMockOutput(): Json {
    return { response: { mock: true, message: loremSentence(seededRandom(DEFAULT_MOCK_SEED)) }, status_code: 200, success: true };
  }

  private fail(reason: string): never {
    throw new ModuleExecutionError(this.moduleId, reason);
  }

  async execute(inputs: Json, context: ModuleContext): Promise<Json> {
    if (context.mockMode) return this.getMockOutput();
    const value = (name: string) => getInputValue(this, inputs, name);

    const url = buildFetchUrl(String(value("url")), value("base_url"));
    const method = String(value("method")).toUpperCase();
    const given = value("headers");
    const headers: Record<string, string> = {};
    if (isPlainObject(given)) for (const [name, header] of Object.entries(given)) headers[name] = String(header);
    const body = value("body");
    const params = value("params");
    const timeout = value("timeout");
    const extractPath = value("extract_path");

    if (isTruthy(body) && !Object.prototype.hasOwnProperty.call(headers, "Content-Type")) headers["Content-Type"] = "application/json";
    context.logger.info(`[api.fetch] ${method} ${url}`);

    let status: number;
    let text: string;
    try {
      const response = await httpRequest({
        method,
        url,
        headers,
        json: isTruthy(body) ? body : undefined,
        params: isPlainObject(params) ? params : null,
        timeoutMs: typeof timeout === "number" ? timeout * 1000 : undefined,
        signal: context.signal,
      });
      status = response.status;
      text = response.text;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof HttpRequestError && error.kind === "timeout") this.fail(`Request timed out after ${secondsText(timeout)}s: ${url}`);
      if (error instanceof HttpRequestError && error.kind === "connection") this.fail(`Connection failed: ${url} - ${message}`);
      this.fail(`Request failed: ${url} - ${message}`);
    }

    const success = status >= 200 && status < 300;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = { text };
    }
    context.logger.info(`[api.fetch] Response: status=${status}, success=${success ? "True" : "False"}`);

    if (!success && isTruthy(value("error_on_failure"))) {
      // `response_data.get(...)`: a list or null body has no `.get` in Python.
      if (!isPlainObject(data)) throw new TypeError(`'${pythonTypeName(data)}' object has no attribute 'get'`);
      const message = Object.prototype.hasOwnProperty.call(data, "error") ? pyStr(data.error) : text.slice(0, 200);
      this.fail(`API request failed (${status}): ${message}`);
    }
    if (isTruthy(extractPath) && success) data = this.extractPath(data, String(extractPath));
    return { response: data, status_code: status, success };
  }

  private extractPath(data: unknown, path: string): unknown {
    let result = data;
    for (const part of path.split(".")) {
      if (isPlainObject(result)) {
        if (!Object.prototype.hasOwnProperty.call(result, part)) {
          this.fail(`Path '${path}' not found in response. Available keys at '${part}': ${pyStr(Object.keys(result))}`);
        }
        result = result[part];
      } else if (Array.isArray(result) && /^[0-9]+$/.test(part)) {
        const index = Number(part);
        if (index >= result.length) this.fail(`Index ${index} out of range in path '${path}'. Array length: ${result.length}`);
        result = result[index];
      } else {
        this.fail(`Cannot extract '${part}' from path '${path}'. Value is not a dict or list.`);
      }
    }
    return result;
  }
}
