/**
 * `user.text_input` (modules.md §2.1): asks for one line of text. A `validation_pattern` is checked on
 * the server with Python's `re.match` (a prefix match); a failure comes back as `retry_requested`,
 * which the engine turns into a retry of the module's configured retry target.
 */
import { getInputValue, ModuleExecutionError, newInteractionId } from "../base";
import { isPlainObject, isTruthy, pythonTypeName } from "../../python/builtins";
import { checkTextAnswer, DEFAULT_VALIDATION_ERROR, type TextValidation } from "../../interaction/text-validation";
import {
  makeInteractionRequest,
  type InteractionRequest,
  type InteractionResponse,
  type InteractiveModule,
  type ModuleContext,
  type ModuleInputDecl,
  type ModuleOutputDecl,
  type SelectOption,
} from "../types";

interface ValidationResult {
  valid: boolean;
  error: string;
  invalidSegments: string[];
}

export class TextInputModule implements InteractiveModule {
  readonly kind = "interactive";
  readonly moduleId = "user.text_input";

  readonly inputs: readonly ModuleInputDecl[] = [
    { name: "prompt", type: "string", required: true, description: "Prompt text to display to user" },
    { name: "default", type: "string", required: false, default: "", description: "Default value if user presses Enter" },
    { name: "allow_empty", type: "boolean", required: false, default: false, description: "Whether to allow empty input" },
    { name: "retry_trigger_keyword", type: "string", required: false, default: null, description: "Declared by the original, never used" },
    { name: "retry_options", type: "object", required: false, default: {}, description: "{option_id: {description, ...}} shown as extra options" },
    { name: "validation_pattern", type: "string", required: false, default: null, description: "Regex (Python syntax, prefix match) each segment must match" },
    { name: "validation_separator", type: "string", required: false, default: null, description: "Separator that splits the answer into segments" },
    { name: "validation_separator_is_regex", type: "boolean", required: false, default: false, description: "Whether validation_separator is a regex" },
    { name: "validation_error", type: "string", required: false, default: DEFAULT_VALIDATION_ERROR, description: "Message when validation fails" },
    { name: "require_at_least_one_match", type: "boolean", required: false, default: true, description: "Require at least one valid segment" },
  ];

  readonly outputs: readonly ModuleOutputDecl[] = [
    { name: "value", type: "string", description: "User's input text" },
    { name: "jump_back_requested", type: "boolean", description: "Whether jump back was requested" },
    { name: "jump_back_target", type: "string", description: "Target for jump back" },
  ];

  private input(inputs: Record<string, unknown>, name: string): unknown {
    return getInputValue(this, inputs, name);
  }

  async getInteractionRequest(inputs: Record<string, unknown>, context: ModuleContext): Promise<InteractionRequest> {
    const retryOptions = this.input(inputs, "retry_options");
    const extraOptions: SelectOption[] = [];
    if (isTruthy(retryOptions) && isPlainObject(retryOptions)) {
      for (const [id, entry] of Object.entries(retryOptions)) {
        if (!isPlainObject(entry)) throw new TypeError(`'${pythonTypeName(entry)}' object has no attribute 'get'`);
        // `entry.get('description', id)`: a present description wins even when it is empty.
        const label = Object.prototype.hasOwnProperty.call(entry, "description") ? entry.description : id;
        extraOptions.push({ id, label: label as string, description: "", metadata: entry });
      }
    }

    const requestContext: Record<string, unknown> = { module_id: this.moduleId };
    const pattern = this.input(inputs, "validation_pattern");
    if (isTruthy(pattern)) {
      requestContext.validation = this.validation(inputs);
    }

    const defaultValue = this.input(inputs, "default");
    return makeInteractionRequest({
      interaction_id: newInteractionId("text_input", context),
      interaction_type: "text_input",
      title: inputs.prompt as string,
      default_value: (isTruthy(defaultValue) ? defaultValue : "") as string,
      allow_empty: this.input(inputs, "allow_empty") as boolean,
      multiline: false,
      extra_options: extraOptions,
      context: requestContext,
    });
  }

  async executeWithResponse(
    inputs: Record<string, unknown>,
    context: ModuleContext,
    response: InteractionResponse,
  ): Promise<Record<string, unknown>> {
    if (isTruthy(response.cancelled)) throw new ModuleExecutionError(this.moduleId, "User cancelled input");

    if (isTruthy(response.jump_back_requested)) {
      return { value: "", jump_back_requested: true, jump_back_target: response.jump_back_target };
    }

    let value: unknown = isTruthy(response.value) ? response.value : "";
    const defaultValue = this.input(inputs, "default");
    if (!isTruthy(value) && isTruthy(defaultValue)) value = defaultValue;

    if (isTruthy(this.input(inputs, "validation_pattern")) && isTruthy(value)) {
      const result = this.validate(String(value), inputs);
      if (!result.valid) {
        let feedback = result.error;
        if (result.invalidSegments.length > 0) feedback += ` Invalid: ${result.invalidSegments.join(", ")}`;
        context.logger.warning(`Validation failed: ${feedback}`);
        return { value, retry_requested: true, retry_feedback: feedback, jump_back_requested: false, jump_back_target: "" };
      }
    }

    return { value, retry_requested: false, retry_feedback: "", jump_back_requested: false, jump_back_target: "" };
  }

  /** The check the panel runs too (core/interaction/text-validation), on this module's inputs. */
  private validate(answer: string, inputs: Record<string, unknown>): ValidationResult {
    const { valid, invalidSegments } = checkTextAnswer(answer, this.validation(inputs));
    // The module's own validation_error, as given (the shared check falls back on non-strings).
    return valid ? { valid, error: "", invalidSegments } : { valid, error: this.input(inputs, "validation_error") as string, invalidSegments };
  }

  private validation(inputs: Record<string, unknown>): TextValidation {
    return {
      pattern: this.input(inputs, "validation_pattern"),
      separator: this.input(inputs, "validation_separator"),
      separator_is_regex: this.input(inputs, "validation_separator_is_regex"),
      error: this.input(inputs, "validation_error"),
      require_at_least_one_match: this.input(inputs, "require_at_least_one_match"),
    };
  }
}

