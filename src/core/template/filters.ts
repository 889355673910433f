/** The filter registry: every Jinja2 built-in filter, by name. */
import { pyStr } from "../python/format";
import { TemplateError } from "./template-error";
import { tests } from "./tests";
import type { CallArgs } from "../python/objects";
import type { FilterFn } from "./filters/common";
import { jsonFilters } from "./filters/json";
import { numberFilters } from "./filters/numbers";
import { connectRegistry, sequenceFilters } from "./filters/sequences";
import { stringFilters } from "./filters/strings";
import { urlizeFilters } from "./filters/urlize";
import { wordwrapFilters } from "./filters/wordwrap";

export type { FilterFn };

export const filters: Record<string, FilterFn> = {
  ...stringFilters,
  ...numberFilters,
  ...sequenceFilters,
  ...jsonFilters,
  ...wordwrapFilters,
  ...urlizeFilters,
};

connectRegistry(
  (name: unknown, value: unknown, call: CallArgs) => {
    const key = pyStr(name);
    if (!Object.hasOwn(tests, key)) throw new TemplateError("runtime", `No test named '${key}'.`);
    return tests[key](value, call);
  },
  (name: unknown, value: unknown, call: CallArgs) => {
    const key = pyStr(name);
    if (!Object.hasOwn(filters, key)) throw new TemplateError("runtime", `No filter named '${key}'.`);
    return filters[key](value, call);
  },
);
