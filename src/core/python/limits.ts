/**
 * The limits of limits/index.ts as Python exceptions of the value model, for everything a template
 * can build: a size over a limit is a `MemoryError` whose message names the limit (what Python
 * raises, late and often with no message, when it runs out), checked before the value is built.
 *
 * One render also has a budget ({@link RenderBudget}): its steps, and the characters and items all
 * its sized values add up to. Rendering is synchronous, so the interpreter makes its budget the
 * active one for the duration of a render ({@link withBudget}) and the checks here charge it.
 */
import { limitMessage, LIMITS, isHostSizeError, isStackOverflow, type LimitName } from "../limits";
import { PyError, type PyErrorKind } from "./errors";

export function limitError(kind: PyErrorKind, limit: LimitName, message: string): PyError {
  const error = new PyError(kind, message);
  error.limit = limit;
  return error;
}

export class RenderBudget {
  steps = 0;
  allocated = 0;

  /** One statement, loop iteration or macro call. */
  step(): void {
    if (++this.steps > LIMITS.MAX_TEMPLATE_STEPS.value) {
      throw limitError("runtime", "MAX_TEMPLATE_STEPS", limitMessage("MAX_TEMPLATE_STEPS", "this render", this.steps));
    }
  }

  charge(units: number): void {
    this.allocated += units;
    if (this.allocated > LIMITS.MAX_TEMPLATE_ALLOCATION.value) {
      throw limitError("memory", "MAX_TEMPLATE_ALLOCATION", limitMessage("MAX_TEMPLATE_ALLOCATION", "what this render builds", this.allocated));
    }
  }
}

let active: RenderBudget | undefined;

/** Runs `body` with `budget` as the active one (an enclosing render's budget is restored after). */
export function withBudget<T>(budget: RenderBudget, body: () => T): T {
  const previous = active;
  active = budget;
  try {
    return body();
  } finally {
    active = previous;
  }
}

/** A sequence of `count` items is about to be built (`what` says which, for the message). */
export function checkItems(count: number, what: string): void {
  if (count > LIMITS.MAX_SEQUENCE_ITEMS.value) {
    throw limitError("memory", "MAX_SEQUENCE_ITEMS", limitMessage("MAX_SEQUENCE_ITEMS", what, count));
  }
  active?.charge(count);
}

/** A string of `length` UTF-16 units is about to be built. */
export function checkChars(length: number, what: string): void {
  if (length > LIMITS.MAX_STRING_LENGTH.value) {
    throw limitError("memory", "MAX_STRING_LENGTH", limitMessage("MAX_STRING_LENGTH", what, length));
  }
  active?.charge(length);
}

/** `parts.join(separator)`, checked against MAX_STRING_LENGTH before it is built. */
export function checkedJoin(parts: readonly string[], separator: string, what = "the joined string"): string {
  let total = parts.length > 1 ? separator.length * (parts.length - 1) : 0;
  for (const part of parts) total += part.length;
  checkChars(total, what);
  return parts.join(separator);
}

/** Charges text a render writes out (no single-value check: the output's parts were checked as built). */
export function chargeOutput(length: number): void {
  active?.charge(length);
}

/** An integer of about `bits` bits is about to be computed. */
export function checkIntBits(bits: number, what: string): void {
  if (bits > LIMITS.MAX_INT_BITS.value) throw limitError("memory", "MAX_INT_BITS", limitMessage("MAX_INT_BITS", what, bits));
}

/**
 * A host failure as the Python exception a template reports: a stack overflow is Python's
 * RecursionError text (`maximum recursion depth exceeded`), V8 refusing a size a MemoryError; both
 * say so. Anything else is returned unchanged.
 */
export function fromHostError(error: unknown): unknown {
  if (isStackOverflow(error)) {
    return limitError("runtime", "HOST_STACK", `maximum recursion depth exceeded: ${limitMessage("HOST_STACK", "the template or its data")}`);
  }
  if (isHostSizeError(error)) {
    return limitError("memory", "MAX_STRING_LENGTH", `a value is larger than the host can hold (${error.message}); wfv's limits are ${LIMITS.MAX_STRING_LENGTH.value.toLocaleString("en-US")} characters (MAX_STRING_LENGTH) and ${LIMITS.MAX_SEQUENCE_ITEMS.value.toLocaleString("en-US")} items (MAX_SEQUENCE_ITEMS)`);
  }
  return error;
}
