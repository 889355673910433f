/**
 * wfv's resource limits, in one place (tracker issue 11, item 3). Workflows come from cloned
 * repositories, so a template, pipeline, schema or `$ref` may ask for far more than a host can give;
 * each limit below fails such a request fast, with a message that names the limit, before the run's
 * memory and time budgets (isolation) would have to stop it. Every value is far above what a real
 * workflow needs and far below what V8 holds (a string of at most 2^29 − 24 UTF-16 units, an array
 * of at most ~2^32 items, in a heap of a few GB).
 *
 * The layers enforce them with their own errors: templates a Python `MemoryError`/runtime error
 * (python/limits.ts), the DB's pipelines a `DbError` (db/limits.ts), mock generation and `$ref`
 * resolution a {@link LimitExceeded} turned into the boundary's error type.
 */

export interface LimitInfo {
  readonly value: number;
  /** What the value counts, for messages. */
  readonly unit: string;
  /** Why this value. */
  readonly why: string;
}

export const LIMITS = {
  MAX_SEQUENCE_ITEMS: {
    value: 1_000_000,
    unit: "items",
    why: "one list a template or pipeline builds (`*`, range, batch, slice, $range, $concatArrays): workflows hold hundreds; 1e6 small items are ~10 MB",
  },
  MAX_STRING_LENGTH: {
    value: 64 * 1024 * 1024,
    unit: "characters",
    why: "one string a template or pipeline builds (`*`, center, join, indent, replace, format widths, $concat): 128 MB in memory, 1/8 of V8's longest string, thousands of times a long prompt",
  },
  MAX_TEMPLATE_ALLOCATION: {
    value: 256 * 1024 * 1024,
    unit: "characters and items",
    why: "what one render builds in all (its output and every sized value above, added up): a few of the largest strings, so a loop cannot rebuild them without end",
  },
  MAX_TEMPLATE_STEPS: {
    value: 1_000_000,
    unit: "steps (statements, loop iterations and macro calls)",
    why: "one render: a 10,000-item loop with a 100-statement body; stops a macro that calls itself twice per level within seconds",
  },
  MAX_TEMPLATE_DEPTH: {
    value: 200,
    unit: "nested macro calls",
    why: "one render's nesting of macros, caller() and recursive loops (Jinja's own limit is Python's, ~1000 frames, a few per call)",
  },
  MAX_INT_BITS: {
    value: 1_000_000,
    unit: "bits",
    why: "one integer a template computes (Python ints are unbounded): ~300,000 decimal digits, 70 times what Python itself will print (4,300)",
  },
  MAX_MOCK_ITEMS: {
    value: 10_000,
    unit: "items",
    why: "one array of mock data (a schema's minItems): a mock is 2–3 items (ruling 14) unless the schema insists",
  },
  MAX_MOCK_STRING_LENGTH: {
    value: 1_000_000,
    unit: "characters",
    why: "one string of mock data (a schema's minLength)",
  },
  MAX_MOCK_OUTPUT: {
    value: 16 * 1024 * 1024,
    unit: "characters of JSON",
    why: "all the mock data of one call (every item of a count, estimated from the schema before generating): an LLM answer is kilobytes",
  },
  MAX_RESOLVED_WORKFLOW: {
    value: 64 * 1024 * 1024,
    unit: "characters of JSON",
    why: "one resolved workflow, `$ref`s expanded: the cc example is 0.1 MB; fan-out (a file that refs the next twice) doubles per level",
  },
  MAX_RESOLVED_REFS: {
    value: 10_000,
    unit: "replaced $refs",
    why: "one resolved workflow, a file referenced n times counting n times (the cc example has 35); each is a source entry the editor keeps",
  },
  MAX_REF_DEPTH: {
    value: 64,
    unit: "nested $refs",
    why: "one chain of `$ref`s (workflow → step → module → prompt is 4); a 5,000-file chain would overflow the stack",
  },
  MAX_JSON_DEPTH: {
    value: 256,
    unit: "levels of nesting",
    why: "a resolved workflow's objects and arrays: real workflows nest ~15 deep; JSON.stringify overflows V8's stack at a few thousand",
  },
  MAX_PIPELINE_DOCUMENTS: {
    value: 100_000,
    unit: "documents",
    why: "what one stage of a pipeline may emit ($unwind of $unwind, $densify): a virtual DB's collections hold thousands, and a document weighs ten list items or more",
  },
  LINEAR_REGEX: {
    value: 0,
    unit: "",
    why: "not a size: a pattern that repeats runs on a linear-time engine (limits/regex.ts), so one it cannot run (lookaround or backreferences with quantifiers) is refused",
  },
  HOST_STACK: {
    value: 0,
    unit: "",
    why: "not a wfv limit: V8's call stack; nesting that overflows it is reported where it happened instead of crashing the run",
  },
} as const satisfies Record<string, LimitInfo>;

export type LimitName = keyof typeof LIMITS;

export function limitValue(name: LimitName): number {
  return LIMITS[name].value;
}

function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : String(value);
}

/**
 * The one message shape: `<what> would be <requested> <unit>, over wfv's limit of <max> (<NAME>)`;
 * without `requested`, `<what> is over wfv's limit of <max> <unit> (<NAME>)`.
 */
export function limitMessage(name: LimitName, what: string, requested?: number): string {
  const { value, unit } = LIMITS[name];
  if (name === "HOST_STACK") return `${what} nests too deeply for the host's stack (HOST_STACK)`;
  if (name === "LINEAR_REGEX") return `${what}; wfv runs such patterns only without quantifiers (LINEAR_REGEX)`;
  if (requested === undefined) return `${what} is over wfv's limit of ${count(value)} ${unit} (${name})`;
  return `${what} would be ${count(requested)} ${unit}, over wfv's limit of ${count(value)} (${name})`;
}

/** The details a boundary error carries for a limit. */
export function limitDetails(name: LimitName, requested?: number): Record<string, unknown> {
  return { limit: name, limit_value: LIMITS[name].value, ...(requested === undefined ? {} : { requested }) };
}

/** A limit hit in a layer that has no error type of its own; boundaries turn it into theirs. */
export class LimitExceeded extends Error {
  readonly limit: LimitName;
  readonly requested: number | undefined;

  constructor(limit: LimitName, what: string, requested?: number) {
    super(limitMessage(limit, what, requested));
    this.name = "LimitExceeded";
    this.limit = limit;
    this.requested = requested;
  }

  get details(): Record<string, unknown> {
    return limitDetails(this.limit, this.requested);
  }
}

/** Throws {@link LimitExceeded} when `requested` is over the limit. */
export function checkLimit(name: LimitName, what: string, requested: number): void {
  if (requested > LIMITS[name].value) throw new LimitExceeded(name, what, requested);
}

/** V8's stack overflow, as opposed to its other RangeErrors (string/array/BigInt too large, invalid arguments). */
export function isStackOverflow(error: unknown): error is RangeError {
  return error instanceof RangeError && /call stack size/i.test(error.message);
}

/** V8's refusal to build a string, array or BigInt that large. */
export function isHostSizeError(error: unknown): error is RangeError {
  return error instanceof RangeError && /Invalid (string|array|typed array) length|BigInt (too big|size)|Array buffer allocation failed/i.test(error.message);
}
