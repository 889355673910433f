/**
 * The repository calls behind the modules' `context.db` facade (src/core/modules/module-db.ts), wired
 * here, where the engine builds the module context (context.ts): repositories know nothing of modules.
 */
import type { Document } from "../db/types";
import type { ModuleDbRepositoryCalls } from "../modules/module-db";
import type { ContentRepository } from "../repositories/content";
import type { FileRepository } from "../repositories/files";
import type { TokenRepository } from "../repositories/tokens";

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
