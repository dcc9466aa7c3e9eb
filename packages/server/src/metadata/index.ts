/**
 * The metadata layer's public surface. The conformance suite (`./conformance.js`) is deliberately
 * not exported here: it imports vitest and belongs to tests only.
 */
export * from './types.js';
export { MemoryMetadataStore } from './memory-metadata-store.js';
export { FileMetadataStore } from './file-metadata-store.js';
export type { FileMetadataStoreOptions } from './file-metadata-store.js';
export { joinPath } from './path.js';
