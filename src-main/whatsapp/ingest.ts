/** Ingestion moved to ./ingest/ (split by responsibility); this path stays for importers on other branches. */
export * from './ingest/index.js';
