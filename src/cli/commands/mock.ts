/**
 * `wfv mock`: the mock-data call of virtual-execution.md on the command line — `count` items valid
 * against a JSON schema, deterministic for a (schema, seed) (ruling 14). The same generator backs
 * mock-mode modules and `POST /workflow/virtual/mock-data`, and prints the same shape.
 */
import { WfvError } from "../../core/errors";
import { generateMocksFromSchema } from "../../core/mock";
import { EXIT_OK, UsageError, parseCommandArgs, printJson, readJsonArg, type CliCommand } from "../io";

const usage = `Usage: wfv mock --schema <json|@file> [--count N] [--seed S] [--context <json|@file>] [--pretty]

Prints {items, count, seed}: N mock values (default 1) generated from the JSON schema. The same
schema and seed always give the same items (default seed: the original's 42); every item is valid
against the schema, optional properties included, arrays of 2-3 items unless the schema says otherwise.
Item i is seeded S+i, the rule mock-mode modules follow: an LLM module's mock response (seed 42) is
item 0 of "wfv mock --schema <its output_schema> --seed 42", and "--seed S+i" alone gives item i.

Options:
  --schema <json|@file>   The JSON schema (inline, or @path to a file).
  --count N               How many items (1-1000).
  --seed S                A non-negative integer seed.
  --context <json|@file>  Accepted for parity with the mock-data call; not used by the generator.
  --pretty                Indent the output.`;

const MAX_COUNT = 1000;

function integerOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
  return parsed;
}

export const mockCommand: CliCommand = {
  summary: "Generate deterministic mock data from a JSON schema",
  usage,
  run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        schema: { type: "string" },
        count: { type: "string" },
        seed: { type: "string" },
        context: { type: "string" },
        pretty: { type: "boolean" },
      },
      false,
    );
    if (positionals.length > 0) throw new UsageError("mock takes no positional arguments");
    if (values.schema === undefined) throw new UsageError("--schema is required");
    const schema = readJsonArg(io, values.schema, "--schema");
    if (typeof schema !== "boolean" && (schema === null || typeof schema !== "object" || Array.isArray(schema))) {
      throw new WfvError("bad_request", "--schema must be a JSON schema object", { argument: "--schema" });
    }
    if (values.context !== undefined) readJsonArg(io, values.context, "--context");
    const count = integerOption(values.count, "count", 1, MAX_COUNT) ?? 1;
    const seed = integerOption(values.seed, "seed", 0, 0xffffffff);
    const items = seed === undefined ? generateMocksFromSchema(schema, count) : generateMocksFromSchema(schema, count, seed);
    printJson(io, { items, count: items.length, seed: seed ?? null }, values.pretty ?? false);
    return EXIT_OK;
  },
};
