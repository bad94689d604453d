/**
 * ECMT secrets (data only: the redaction layer reads this file, so it imports nothing at run
 * time). `AT+ECMTCONN=0,"id","user","pass"`: user name and password, also in the module's echo
 * (and the field spelling `+ECMTCON`); `AT+ECMTCFG="ssl"|"aliauth",…` and their query answers:
 * every value but the setting name, the connect id and the ssl sub-type word.
 */
import type { RedactionTrigger } from '../redaction.js';

export const ECMT_REDACTION: readonly RedactionTrigger[] = [
  { name: 'mqtt-conn-credentials', keywords: ['+ECMTCONN', '+ECMTCON'], after: 'set', params: { 2: 'username', 3: 'password' } },
  { name: 'cfg-secrets +ECMTCFG', keywords: ['+ECMTCFG'], after: 'set-or-answer', configKeys: ['ssl', 'aliauth'], keepWords: { ssl: ['psk', 'ecc', 'ca'] } },
];
