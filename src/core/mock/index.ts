/** Deterministic mock data: schema-shaped values (ruling 14) and lorem text for mock-mode modules. */
export { DEFAULT_MOCK_SEED, generateMockFromSchema, generateMocksFromSchema, mockItemSeed } from "./schema-mock";
export { generateLoremText, loremSentence, loremWords } from "./lorem";
export { seededRandom, type RandomSource } from "./random";
export { MOCK_MEDIA_DATA_URL, MOCK_PNG_DATA_URL } from "./media-placeholder";
export {
  defaultMockAnswer,
  defaultMockAnswerWithRule,
  mockGeneration,
  type DefaultAnswer,
  type DefaultAnswerOptions,
  type DefaultAnswerRequest,
  type DefaultAnswerRule,
} from "./default-answers";
