/**
 * Jinja's Environment: every built-in filter and test, by name, in one object. Filters and tests that
 * name others (`map('upper')`, `select('odd')`, `x is filter`) receive it as their last argument, as
 * Jinja's `@pass_environment` filters do, so neither table needs the other.
 */
import type { Environment } from "./filters/common";
import { jsonFilters } from "./filters/json";
import { numberFilters } from "./filters/numbers";
import { sequenceFilters } from "./filters/sequences";
import { stringFilters } from "./filters/strings";
import { urlizeFilters } from "./filters/urlize";
import { wordwrapFilters } from "./filters/wordwrap";
import { tests } from "./tests";

export type { Environment, FilterFn, TestFn } from "./filters/common";

export const environment: Environment = {
  filters: {
    ...stringFilters,
    ...numberFilters,
    ...sequenceFilters,
    ...jsonFilters,
    ...wordwrapFilters,
    ...urlizeFilters,
  },
  tests,
};
