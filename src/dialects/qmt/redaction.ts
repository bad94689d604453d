/**
 * QMT secrets (data only: the redaction layer reads this file, so it imports nothing at run
 * time). From ../shared/protocol/qmt.md §2, §2.2, §4:
 *
 * - `AT+QMTCONN=<idx>,"<clientID>","<user>","<pass>"` (and the module's echo of it): user name
 *   and password. The client ID is NOT masked: it is no credential (MQTT sends it before any
 *   authentication and brokers log it), and the field failures of §7 need it in clear (two devices
 *   with the same client ID keep dropping each other; CONNACK 2 "identifier rejected").
 * - `AT+QMTCFG="aliauth",<idx>,"<pk>","<dn>","<ds>"` and its query answer: every value after the
 *   client idx (the device secret, and the product key / device name that identify the device on
 *   Aliyun). `"hwauth"`, `"onenet"` and `"ctwing"` (ASR Cat-1 extras, §2.2) have no published
 *   syntax; they configure cloud authentication, so their values are masked the same way — an
 *   assumption (I) that errs on the side of hiding.
 * - `AT+QMTCFG="ssl",<idx>,<enable>,<ctx>` carries no secret in QMT (the keys live in files named
 *   by `AT+QSSLCFG`): nothing to mask.
 * - `AT+QICSGP=<cid>,<type>,"<apn>","<user>","<pass>",<auth>` (§4): the APN user name and password.
 */
import type { RedactionTrigger } from '../redaction.js';

export const QMT_REDACTION: readonly RedactionTrigger[] = [
  { name: 'mqtt-conn-credentials', keywords: ['+QMTCONN'], after: 'set', params: { 2: 'username', 3: 'password' } },
  { name: 'cfg-secrets +QMTCFG', keywords: ['+QMTCFG'], after: 'set-or-answer', configKeys: ['aliauth', 'hwauth', 'onenet', 'ctwing'] },
  { name: 'apn-credentials +QICSGP', keywords: ['+QICSGP'], after: 'set', params: { 3: 'username', 4: 'password' } },
];
