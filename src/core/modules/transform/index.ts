/** The `transform.*` modules: pure data shaping. */
import type { ModuleFactory } from "../types";
import { BuildDynamicSchemaModule } from "./build-dynamic-schema";
import { ConcatArraysModule } from "./concat-arrays";
import { ConditionalTextModule } from "./conditional-text";
import { EnrichModule } from "./enrich";
import { ExtractModule } from "./extract";
import { ParsePatternModule } from "./parse-pattern";
import { QueryModule } from "./query";
import { RenderTemplateArrayModule } from "./render-template-array";
import { ReshapeModule } from "./reshape";

export const TRANSFORM_MODULES: readonly ModuleFactory[] = [
  () => new ExtractModule(),
  () => new QueryModule(),
  () => new BuildDynamicSchemaModule(),
  () => new ConcatArraysModule(),
  () => new ConditionalTextModule(),
  () => new EnrichModule(),
  () => new RenderTemplateArrayModule(),
  () => new ReshapeModule(),
  () => new ParsePatternModule(),
];
