/** What marks a stored workflow DB file (storage-codec.ts writes it, storage-schema.ts checks it). */
export const STORAGE_FORMAT = "wfv-workflow-db";
export const STORAGE_VERSION = 1;
