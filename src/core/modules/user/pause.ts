/**
 * `user.pause` (modules.md 2.4): a notice shown as a multiline `text_input` ("Preview"), optionally
 * with state values (JSON at indent 2, non-ASCII kept) and a Jinja2 test render, then the message.
 * Any answer but a cancel continues with `{confirmed: true}`.
 */
import { renderTemplate } from "../../template";
import { pyStr } from "../../python/format";
import { pythonJsonDumps } from "../../python/json-dumps";
import { errorText, getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import { pythonIterate, pythonLen } from "../../python/values";
import {
  makeInteractionRequest,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
} from "../types";

function valueText(value: unknown): string {
  if (Array.isArray(value) || isPlainObject(value)) {
    try {
      // json.dumps(value, indent=2, ensure_ascii=False); Python refuses a datetime, then str() it is.
      return pythonJsonDumps(value, { indent: 2, ensureAscii: false });
    } catch {
      return pyStr(value);
    }
  }
  return pyStr(value);
}

/** The first `count` characters (code points, as Python counts them). */
function head(text: string, count: number): string {
  return [...text].slice(0, count).join("");
}

export class PauseModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "user.pause";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "message", type: "string", required: false, default: "Press Enter to continue...", description: "Message to display to user" },
    { name: "show_state", type: "array", required: false, default: [], description: "List of state keys to display before pausing" },
    { name: "jinja2_test", type: "string", required: false, default: null, description: "Jinja2 template to render and display (sees 'state')" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [{ name: "confirmed", type: "boolean", description: "True when user confirms to continue" }];

  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    const message = getInputValue(this, inputs, "message");
    const showState = getInputValue(this, inputs, "show_state");
    const jinja2Test = inputs.jinja2_test ?? null;
    const parts: string[] = [];

    if (isTruthy(showState)) {
      parts.push("=== State Debug ===");
      for (const key of pythonIterate(showState)) {
        let text = valueText(context.state.get(key as string, "<not set>"));
        if (pythonLen(text) > 1000) text = `${head(text, 1000)}\n... (truncated)`;
        parts.push(`\n[${pyStr(key)}]:`);
        parts.push(text);
      }
      parts.push("\n===================\n");
    }

    if (isTruthy(jinja2Test)) {
      if (typeof jinja2Test !== "string") throw new TypeError(`'${pythonTypeName(jinja2Test)}' object is not subscriptable`);
      const template = jinja2Test;
      parts.push("=== Jinja2 Template Test ===");
      parts.push(`Template: ${head(template, 100)}${pythonLen(template) > 100 ? "..." : ""}`);
      parts.push("\nRendered output:");
      parts.push("-".repeat(40));
      try {
        // Plain Jinja2 (the default Undefined, not the resolver's silent one) with only `state`.
        parts.push(renderTemplate(template, { state: context.state.getAllState(), undefinedMode: "default" }));
      } catch (error) {
        parts.push(`ERROR: ${errorText(error)}`);
      }
      parts.push("-".repeat(40));
      parts.push("============================\n");
    }

    // `"\n".join(parts)` needs text.
    if (typeof message !== "string") throw new TypeError(`sequence item ${parts.length}: expected str instance, ${pythonTypeName(message)} found`);
    parts.push(message);
    return makeInteractionRequest({
      interaction_id: newInteractionId("pause", context),
      interaction_type: "text_input",
      title: "Preview",
      default_value: parts.join("\n"),
      allow_empty: true,
      multiline: true,
      context: { module_id: this.moduleId, pause: true },
    });
  }

  async executeWithResponse(
    _inputs: Record<string, unknown>,
    _context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>> {
    if (isTruthy(response.cancelled)) throw new ModuleExecutionError(this.moduleId, "User cancelled");
    return { confirmed: true };
  }
}
