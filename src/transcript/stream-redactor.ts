/** Moved to the redaction layer (src/redact/stream-redactor.ts); kept for the files still importing it from here. */
export * from '../redact/stream-redactor.js';
