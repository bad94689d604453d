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
 * - A `+QMTCFG:` query answer without its key (§1: "the BC660K AN prints values without the key
 *   (D). Accept both"): which key it answers is not in the line, so every quoted value in it is
 *   masked (`knownKeys`: the keys of §2.2 and the ASR/BC660K extras; a first value that is one of
 *   them is the keyed form).
 * - `AT+QICSGP=<cid>,<type>,"<apn>","<user>","<pass>",<auth>` (§4): the APN user name and password.
 *   Its query answer `+QICSGP: <type>,"<apn>","<user>","<pass>",<auth>` is not in qmt.md: assumed
 *   (I) to carry the same values without the cid, as the set form's order suggests; user and
 *   password masked there too (masking errs on the side of hiding).
 */
import type { RedactionTrigger } from '../redaction.js';

export const QMT_REDACTION: readonly RedactionTrigger[] = [
  { name: 'mqtt-conn-credentials', keywords: ['+QMTCONN'], after: 'set', params: { 2: 'username', 3: 'password' } },
  {
    name: 'cfg-secrets +QMTCFG',
    keywords: ['+QMTCFG'],
    after: 'set-or-answer',
    configKeys: ['aliauth', 'hwauth', 'onenet', 'ctwing'],
    knownKeys: ['version', 'pdpcid', 'ssl', 'keepalive', 'session', 'timeout', 'will', 'recv/mode', 'aliauth', 'willex', 'send/mode', 'onenet', 'hwauth', 'hwprodid', 'qmtping', 'dataformat', 'view/mode', 'ctwing', 'edit/timeout', 'wakeup/topic', 'showrecvlen', 'echo_mode'],
  },
  { name: 'apn-credentials +QICSGP', keywords: ['+QICSGP'], after: 'set', params: { 3: 'username', 4: 'password' } },
  { name: 'apn-credentials +QICSGP answer', keywords: ['+QICSGP'], after: 'answer', params: { 2: 'username', 3: 'password' } },
];
