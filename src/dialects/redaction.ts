/**
 * Every dialect's redaction triggers, for the redaction layer (src/redact/). Data only: this file
 * and the `redaction.ts` files it gathers import nothing at run time, so the low redaction layer
 * may read them without importing the dialects' code.
 *
 * Adding a dialect: add its `redaction.ts` here.
 */
import type { RedactionTrigger } from '../redact/types.js';
import { ECMT_REDACTION } from './ecmt/redaction.js';
import { QMT_REDACTION } from './qmt/redaction.js';

/** The triggers of every dialect, in registry order. */
export const DIALECT_REDACTION: readonly RedactionTrigger[] = [...ECMT_REDACTION, ...QMT_REDACTION];
