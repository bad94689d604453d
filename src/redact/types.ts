/** A masked span: `len` bytes at byte offset `at` were replaced by '*' bytes. */
export interface Redaction {
  at: number;
  len: number;
  tag: string;
}

export type { SecretTag, RedactionTrigger } from '../dialects/redaction.js';
