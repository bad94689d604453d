/** Moved to the redaction layer (src/redact/redact.ts); kept for the files still importing it from here. */
export * from '../redact/redact.js';
