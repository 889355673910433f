/**
 * Python-style argument binding for built-in filters, tests and methods: positional arguments, then
 * keywords, defaults, and the TypeErrors Python raises for bad calls.
 */
import { typeError } from "./errors";
import type { CallArgs } from "./objects";

export const required = Symbol("required");

export type ParamSpec = ReadonlyArray<readonly [name: string, defaultValue?: unknown]>;

/** Binds `call` to `params` (name → value); a default of `required` makes the parameter mandatory. */
export function bindArgs(functionName: string, call: CallArgs, params: ParamSpec, options: { varargs?: boolean } = {}): Record<string, unknown> & { varargs: unknown[] } {
  const bound: Record<string, unknown> = {};
  const positional = call.args;
  if (positional.length > params.length && !options.varargs) {
    throw typeError(`${functionName}() takes at most ${params.length} positional argument(s) (${positional.length} given)`);
  }
  params.forEach(([name], i) => {
    if (i < positional.length) bound[name] = positional[i];
  });
  for (const [key, value] of call.kwargs) {
    if (!params.some(([name]) => name === key)) throw typeError(`${functionName}() got an unexpected keyword argument '${key}'`);
    if (key in bound) throw typeError(`${functionName}() got multiple values for argument '${key}'`);
    bound[key] = value;
  }
  for (const param of params) {
    const [name] = param;
    if (name in bound) continue;
    if (param.length < 2 || param[1] === required) {
      throw typeError(`${functionName}() missing 1 required positional argument: '${name}'`);
    }
    bound[name] = param[1];
  }
  return Object.assign(bound, { varargs: positional.slice(params.length) });
}
