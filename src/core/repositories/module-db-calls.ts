/** The repository calls behind the modules' `context.db` facade (src/core/modules/module-db.ts). */
import type { Document } from "../db/types";
import type { ModuleDbRepositoryCalls } from "../modules/module-db";
import type { ContentRepository } from "./content";
import type { FileRepository } from "./files";
import type { TokenRepository } from "./tokens";

export function moduleDbRepositoryCalls(repositories: {
  files: FileRepository;
  tokens: TokenRepository;
  content: ContentRepository;
}): ModuleDbRepositoryCalls {
  const { files, tokens, content } = repositories;
  return {
    storeWorkflowFile: (args) => files.storeWorkflowFile(args),
    getWorkflowFileByName: (args) =>
      files.getWorkflowFileByName(args.workflowRunId, args.filename, args) as unknown as Document | null,
    storeTokenUsage: (args) => tokens.storeUsage(args),
    getContentById: (id) => content.getContentById(id) as unknown as Document | null,
  };
}
