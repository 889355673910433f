/**
 * Generated media: one `content_generation_metadata` document per generation request and one
 * `generated_content` document per produced item (engine.md 2.2).
 */
import type { VirtualDb } from "../db/types";
import { newPrefixedId } from "./ids";
import {
  Collections,
  type GeneratedContentDocument,
  type GenerationMetadataDocument,
  type GenerationStatus,
} from "./types";

export interface StoreGenerationInput {
  workflowRunId: string;
  interactionId: string;
  provider: string;
  promptId: string;
  operation: string;
  requestParams: unknown;
  sourceData: unknown;
  responseData?: unknown;
  providerTaskId?: string | null;
}

export interface StoreContentInput {
  metadataId: string;
  workflowRunId: string;
  index: number;
  providerUrl: string | null;
  contentType: string;
  providerContentId?: string | null;
  extension?: string | null;
}

export interface StoreDownloadedContentInput extends StoreContentInput {
  /** Pre-made so the file name and the id agree. */
  contentId: string;
  extension: string;
  localPath: string;
  /** The provider's generation seed (-1 when it has none). */
  seed?: number | null;
}

export interface GenerationWithContent extends GenerationMetadataDocument {
  content_items: GeneratedContentDocument[];
}

export interface ContentRepository {
  /** Returns the new `cgm_…` id; the generation starts `pending`. */
  storeGeneration(input: StoreGenerationInput): string;
  /** `completed_at` is set on completed/failed; the optional fields only when given. */
  updateGenerationStatus(
    metadataId: string,
    status: GenerationStatus,
    update?: { responseData?: unknown; errorMessage?: string; providerTaskId?: string },
  ): void;
  /** Returns the new `gc_…` id. */
  storeContent(input: StoreContentInput): string;
  storeContentWithDownload(input: StoreDownloadedContentInput): void;
  getGeneration(metadataId: string): GenerationMetadataDocument | null;
  /**
   * The interaction's generations in creation order, each with its items in index order. With
   * `contentType`, only items of that type are attached (the later server filters by the type a step
   * asks for; inferred, the repository code for it is not in the snapshot).
   */
  getGenerationsForInteraction(interactionId: string, contentType?: string | null): GenerationWithContent[];
  getContentById(contentId: string): GeneratedContentDocument | null;
  updateContentLocalPath(contentId: string, localPath: string, extension?: string | null): void;
  deleteRunContent(workflowRunId: string): { metadata_deleted: number; content_deleted: number };
}

const NO_ID = { _id: 0 };

export function createContentRepository(db: VirtualDb): ContentRepository {
  const metadata = () => db.collection(Collections.contentGenerationMetadata);
  const content = () => db.collection(Collections.generatedContent);

  const itemsOf = (metadataId: string, contentType?: string | null) =>
    content().find(
      contentType
        ? { content_generation_metadata_id: metadataId, content_type: contentType }
        : { content_generation_metadata_id: metadataId },
      { projection: NO_ID, sort: { index: 1 } },
    ) as unknown as GeneratedContentDocument[];

  return {
    storeGeneration(input) {
      const metadataId = newPrefixedId(db, "cgm");
      const doc: GenerationMetadataDocument = {
        content_generation_metadata_id: metadataId,
        workflow_run_id: input.workflowRunId,
        interaction_id: input.interactionId,
        provider: input.provider,
        provider_task_id: input.providerTaskId ?? null,
        prompt_id: input.promptId,
        operation: input.operation,
        created_at: db.now(),
        completed_at: null,
        status: "pending",
        request_params: input.requestParams,
        source_data: input.sourceData,
        response_data: input.responseData ?? null,
        error_message: null,
      };
      metadata().insertOne(doc as unknown as Record<string, unknown>);
      return metadataId;
    },

    updateGenerationStatus(metadataId, status, update = {}) {
      const fields: Record<string, unknown> = { status };
      if (status === "completed" || status === "failed") fields.completed_at = db.now();
      if (update.responseData !== undefined && update.responseData !== null) fields.response_data = update.responseData;
      if (update.errorMessage !== undefined && update.errorMessage !== null) fields.error_message = update.errorMessage;
      if (update.providerTaskId !== undefined && update.providerTaskId !== null) {
        fields.provider_task_id = update.providerTaskId;
      }
      metadata().updateOne({ content_generation_metadata_id: metadataId }, { $set: fields });
    },

    storeContent(input) {
      const contentId = newPrefixedId(db, "gc");
      const doc: GeneratedContentDocument = {
        generated_content_id: contentId,
        workflow_run_id: input.workflowRunId,
        content_generation_metadata_id: input.metadataId,
        index: input.index,
        provider_content_id: input.providerContentId ?? null,
        content_type: input.contentType,
        provider_url: input.providerUrl,
        extension: input.extension ?? null,
        local_path: null,
        downloaded_at: null,
      };
      content().insertOne(doc as unknown as Record<string, unknown>);
      return contentId;
    },

    storeContentWithDownload(input) {
      const doc: GeneratedContentDocument = {
        generated_content_id: input.contentId,
        workflow_run_id: input.workflowRunId,
        content_generation_metadata_id: input.metadataId,
        index: input.index,
        provider_content_id: input.providerContentId ?? null,
        content_type: input.contentType,
        provider_url: input.providerUrl,
        extension: input.extension,
        local_path: input.localPath,
        downloaded_at: db.now(),
        seed: input.seed ?? null,
      };
      content().insertOne(doc as unknown as Record<string, unknown>);
    },

    getGeneration(metadataId) {
      return metadata().findOne({ content_generation_metadata_id: metadataId }, { projection: NO_ID }) as
        | GenerationMetadataDocument
        | null;
    },

    getGenerationsForInteraction(interactionId, contentType) {
      const generations = metadata().find(
        { interaction_id: interactionId },
        { projection: NO_ID, sort: [["created_at", 1], ["content_generation_metadata_id", 1]] },
      ) as unknown as GenerationMetadataDocument[];
      return generations.map((generation) => ({
        ...generation,
        content_items: itemsOf(generation.content_generation_metadata_id, contentType),
      }));
    },

    getContentById(contentId) {
      return content().findOne({ generated_content_id: contentId }, { projection: NO_ID }) as
        | GeneratedContentDocument
        | null;
    },

    updateContentLocalPath(contentId, localPath, extension) {
      const fields: Record<string, unknown> = { local_path: localPath, downloaded_at: db.now() };
      if (extension !== undefined && extension !== null) fields.extension = extension;
      content().updateOne({ generated_content_id: contentId }, { $set: fields });
    },

    deleteRunContent(workflowRunId) {
      return {
        metadata_deleted: metadata().deleteMany({ workflow_run_id: workflowRunId }).deletedCount,
        content_deleted: content().deleteMany({ workflow_run_id: workflowRunId }).deletedCount,
      };
    },
  };
}
