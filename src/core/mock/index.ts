/** Deterministic mock data: schema-shaped values (ruling 14) and lorem text for mock-mode modules. */
export { DEFAULT_MOCK_SEED, generateMockFromSchema, generateMocksFromSchema } from "./schema-mock";
export { generateLoremText, loremSentence, loremWords } from "./lorem";
export { seededRandom, type RandomSource } from "./random";
