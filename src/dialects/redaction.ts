/**
 * Every dialect's redaction triggers, for the redaction layer (src/redact/). Data only: this file
 * and the `redaction.ts` files it gathers import nothing at run time, so the low redaction layer
 * may read them without importing the dialects' code.
 *
 * Adding a dialect: add its `redaction.ts` here.
 */
import type { RedactionTrigger } from '../redact/types.js';
import { ECMT_REDACTION } from './ecmt/redaction.js';

/**
 * Quectel QMT secrets, kept here until src/dialects/qmt/redaction.ts replaces them (they were in
 * the redaction rules before dialects existed; dropping them would leak): `AT+QMTCONN=<idx>,
 * "<id>","<user>","<pass>"` and `AT+QMTCFG="aliauth"|"hwauth",…`.
 */
const QMT_INTERIM: readonly RedactionTrigger[] = [
  { name: 'mqtt-conn-credentials', keywords: ['+QMTCONN'], after: 'set', params: { 2: 'username', 3: 'password' } },
  { name: 'cfg-secrets +QMTCFG', keywords: ['+QMTCFG'], after: 'set-or-answer', configKeys: ['aliauth', 'hwauth'] },
];

/** The triggers of every dialect, in registry order. */
export const DIALECT_REDACTION: readonly RedactionTrigger[] = [...ECMT_REDACTION, ...QMT_INTERIM];
