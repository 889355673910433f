/** The workflow definition: `$ref` resolution, the zod model and look-ups, the content hash. */
export * from "./json-path";
export * from "./ref-resolver";
export * from "./model";
export * from "./content-hash";
