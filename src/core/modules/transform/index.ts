/** The `transform.*` modules: pure data shaping. */
import type { ModuleFactory } from "../types";
import { ExtractModule } from "./extract";
import { QueryModule } from "./query";

export const TRANSFORM_MODULES: readonly ModuleFactory[] = [() => new ExtractModule(), () => new QueryModule()];
