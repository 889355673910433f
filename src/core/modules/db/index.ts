/** The `db.*` modules: safe, config-driven queries against the (virtual) database. */
import type { ModuleFactory } from "../types";
import { DbQueryModule } from "./query";

export const DB_MODULES: readonly ModuleFactory[] = [() => new DbQueryModule()];
