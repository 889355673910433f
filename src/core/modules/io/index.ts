/** The `io.*` modules: files, templates, validation and the keyword store. */
import type { ModuleFactory } from "../types";
import { ClientWriteModule } from "./client-write";
import { LoadJsonModule } from "./load-json";
import { RenderTemplateModule } from "./render-template";
import { SaveJsonModule } from "./save-json";
import { ValidateModule } from "./validate";
import { WeightedKeywordsModule } from "./weighted-keywords";
import { WriteTextModule } from "./write-text";

export const IO_MODULES: readonly ModuleFactory[] = [
  () => new LoadJsonModule(),
  () => new SaveJsonModule(),
  () => new WriteTextModule(),
  () => new RenderTemplateModule(),
  () => new ValidateModule(),
  () => new WeightedKeywordsModule(),
  () => new ClientWriteModule(),
];
