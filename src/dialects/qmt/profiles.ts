/**
 * Per-model limits and defaults of the QMT dialect (../shared/protocol/qmt.md §2.1, §2.2, §5).
 *
 * A limit is a `Limit` with the source of the number; `null` means "not published in any source
 * reached" (np): the lint then invents no limit. Ranges are inclusive.
 */
import { CatError } from '../../util/errors.js';

export interface Limit {
  min: number;
  max: number;
  /** the default, when published */
  def?: number;
  /** source tag and confidence from the reference, e.g. "D [AN-BG95]" */
  source: string;
}

export interface LengthLimit {
  /** longest value in bytes */
  max: number;
  source: string;
}

/** How a payload can be published on this model (§2.3). */
export type PublishForm =
  /** `AT+QMTPUB=…,"<topic>"` → `> ` → bytes → Ctrl-Z */
  | 'pub-prompt'
  /** `AT+QMTPUB=…,"<topic>",<len>` → `> ` → exactly <len> bytes */
  | 'pub-length'
  /** `AT+QMTPUBEX=…,"<topic>",<len>` → `> ` → <len> bytes → `+QMTPUBEX:` (ASR Cat-1) */
  | 'pubex-length'
  /** `AT+QMTPUBEX=…,"<topic>","<msg>"` inline → `+QMTPUB:` (BGx) */
  | 'pubex-inline';

export type QmtModelName = 'BG96' | 'BG95' | 'BG770A' | 'EC600S' | 'EC800M' | 'EC800N' | 'EG800K' | 'EC200U' | 'EG915U' | 'BC660K';

/** Chip family, from Quectel naming (I, §2.1 note). */
export type QmtFamily = 'bgx' | 'asr-cat1' | 'unisoc-cat1' | 'nb-iot';

export interface QmtProfile {
  name: QmtModelName;
  family: QmtFamily;
  /** how sure the profile is about this model: EC800N is grouped with the ASR parts by naming only (I) */
  basis: string;
  clientIdx: Limit | null;
  host: LengthLimit | null;
  clientId: LengthLimit | null;
  username: LengthLimit | null;
  password: LengthLimit | null;
  topic: LengthLimit | null;
  willTopic: LengthLimit | null;
  willMessage: LengthLimit | null;
  /** longest payload of a prompt-mode publish */
  publishPayload: Limit | null;
  /** longest message of the inline `AT+QMTPUBEX` (BGx) */
  inlinePayload: LengthLimit | null;
  receivePayload: LengthLimit | null;
  keepalive: Limit | null;
  pdpcid: Limit | null;
  pktTimeout: Limit | null;
  retry: Limit | null;
  /** publish forms, preferred first; [] = none confirmed */
  publishForms: readonly PublishForm[];
  /** the URC the inline/length `AT+QMTPUBEX` is answered with on this model, null when QMTPUBEX is not known there */
  pubexUrc: 'QMTPUB' | 'QMTPUBEX' | null;
  /** QMTCFG keys the sources show on this model, beyond the common ones */
  extraCfgKeys: readonly string[];
  /** `+QMTSTAT` codes the model may print beyond 1–7 */
  extraStat: readonly number[];
  /** quirks with their evidence */
  quirks: readonly string[];
}

const IDX_6: Limit = { min: 0, max: 5, source: 'O [WIZ][LABW][EC600S]; Q [UFP]' };
const PKT_BG: Limit = { min: 1, max: 60, def: 5, source: 'D [AN-BG95]; D via [WIZ] for BG96' };
const RETRY_BG: Limit = { min: 0, max: 10, def: 3, source: 'D [AN-BG95]' };
const KEEPALIVE_BG95: Limit = { min: 0, max: 3600, def: 120, source: 'D [AN-BG95]' };
const COMMON_KEYS = ['version', 'pdpcid', 'ssl', 'keepalive', 'session', 'timeout', 'will', 'recv/mode', 'aliauth'] as const;
const ASR_KEYS = ['willex', 'send/mode', 'onenet', 'hwauth', 'hwprodid', 'qmtping', 'dataformat', 'view/mode', 'ctwing', 'edit/timeout'];

const np = null;

/**
 * Every limit as "not published": a profile spreads this first and states the limits its sources
 * give after it, so an unknown limit is stated once, never invented.
 */
const NOT_PUBLISHED: Pick<QmtProfile, 'host' | 'clientId' | 'username' | 'password' | 'topic' | 'willTopic' | 'willMessage' | 'publishPayload' | 'inlinePayload' | 'receivePayload' | 'keepalive' | 'pdpcid' | 'pktTimeout' | 'retry'> = {
  host: np,
  clientId: np,
  username: np,
  password: np,
  topic: np,
  willTopic: np,
  willMessage: np,
  publishPayload: np,
  inlinePayload: np,
  receivePayload: np,
  keepalive: np,
  pdpcid: np,
  pktTimeout: np,
  retry: np,
};

function asr(name: QmtModelName, basis: string, extra: Partial<QmtProfile> = {}): QmtProfile {
  return {
    name,
    family: 'asr-cat1',
    basis,
    clientIdx: IDX_6,
    ...NOT_PUBLISHED,
    host: { max: 100, source: 'C [C-DTU] (Chinese LTE AN comment)' },
    keepalive: { min: 0, max: 3600, source: 'O [EC600S]' },
    pdpcid: { min: 1, max: 15, def: 1, source: 'O [EC600S]; D [NUMODEM] (EG800K)' },
    publishForms: ['pubex-length', 'pub-prompt'],
    pubexUrc: 'QMTPUBEX',
    extraCfgKeys: ASR_KEYS,
    extraStat: [8],
    quirks: [
      'AT+QMTPUBEX is the length form: `> `, exactly <length> bytes, then +QMTPUBEX: (D [NUMODEM]; O [EC800M][EC600S])',
      '+QMTPING URC exists, meaning not published (C [SM-EC200][EG800AK])',
      '+QMTSTAT 8: the client closed the connection (C [EC200U-H][EC20X][EG800AK])',
      'URC port may default to USB: on UART every +QMT URC is silent until AT+QURCCFG="urcport","uart1" (O [NUMODEM], EG800K)',
    ],
    ...extra,
  };
}

export const QMT_PROFILES: Readonly<Record<QmtModelName, QmtProfile>> = {
  BG96: {
    name: 'BG96',
    family: 'bgx',
    basis: 'O [WIZ] (BG96 log, test forms); C [LOOUQ]',
    clientIdx: { min: 0, max: 5, source: 'O [WIZ]' },
    ...NOT_PUBLISHED,
    publishPayload: { min: 1, max: 1548, source: 'O [WIZ] test form (1-1548)' },
    inlinePayload: { max: 560, source: 'C [LOOUQ]' },
    receivePayload: { max: 1548, source: 'C [LOOUQ]' },
    pktTimeout: PKT_BG,
    retry: RETRY_BG,
    publishForms: ['pub-length', 'pub-prompt', 'pubex-inline'],
    pubexUrc: 'QMTPUB',
    extraCfgKeys: [],
    extraStat: [],
    quirks: [
      'AT+QMTPUBEX is the inline form with a quoted message, answered by +QMTPUB: (C [LOOUQ]; O [BG95LOG] on BG95)',
      'AT+QMTOPEN? answered in the WIZnet example (O [WIZ]), never on the UART per LooUQ (C): firmware-dependent',
      'default MQTT version not published; drivers set 4 explicitly (C)',
    ],
  },
  BG95: {
    name: 'BG95',
    family: 'bgx',
    basis: 'D [AN-BG95] (BG95&BG77&BG600L MQTT AN V1.1); O [BG95LOG]',
    clientIdx: { min: 0, max: 5, source: 'D [AN-BG95]' },
    ...NOT_PUBLISHED,
    host: { max: 100, source: 'D [AN-BG95]' },
    willTopic: { max: 255, source: 'D [AN-BG95]' },
    willMessage: { max: 255, source: 'D [AN-BG95]' },
    publishPayload: { min: 1, max: 4096, source: 'D [AN-BG95]' },
    inlinePayload: { max: 560, source: 'C [LOOUQ] (BGx)' },
    receivePayload: { max: 1548, source: 'C [LOOUQ]' },
    keepalive: KEEPALIVE_BG95,
    pdpcid: { min: 1, max: 16, def: 1, source: 'D [AN-BG95]' },
    pktTimeout: PKT_BG,
    retry: RETRY_BG,
    publishForms: ['pub-length', 'pub-prompt', 'pubex-inline'],
    pubexUrc: 'QMTPUB',
    extraCfgKeys: [],
    extraStat: [],
    quirks: [
      'inline AT+QMTPUBEX answered by +QMTPUB: (not +QMTPUBEX:) on BG95-M3 BG95M3LAR02A03 (O [BG95LOG])',
      'recv/mode buffer slots 0–4 (D [AN-BG95] digest)',
      'QuecPython firmware images answer ERROR to every QMT command (C digest quoting Quectel forum)',
      'AT+QIACT=1 can answer ERROR before registration completes (O [BG95LOG])',
    ],
  },
  BG770A: {
    name: 'BG770A',
    family: 'bgx',
    basis: 'O/C [LABW] (BG770AGLAAR01A05 captures and model)',
    clientIdx: { min: 0, max: 5, source: 'O [LABW]' },
    ...NOT_PUBLISHED,
    publishPayload: { min: 1, max: 4096, source: 'O [LABW] test form (1-4096)' },
    pdpcid: { min: 1, max: 5, source: 'C [LABW]' },
    pktTimeout: { min: 1, max: 60, source: 'C [LABW]' },
    retry: { min: 0, max: 10, source: 'C [LABW]' },
    publishForms: ['pub-length', 'pub-prompt'],
    pubexUrc: null,
    extraCfgKeys: [],
    extraStat: [],
    quirks: [
      'QMT test forms end with a single CRLF before OK (O [LABW])',
      'no active PDP context: +QMTOPEN: <idx>,3 (C [LABW])',
      'a command in the wrong client state is refused with ERROR in the model built from captures (C [LABW])',
      'port range printed as (0-65535) (O [LABW])',
    ],
  },
  EC600S: asr('EC600S', 'O [EC600S] (log incl. AT+QMTCFG=?)', {
    willMessage: { max: 256, source: 'O [EC600S] ("willex" length 0–256)' },
    pktTimeout: { min: 1, max: 1200, source: 'O [EC600S] test form' },
    retry: { min: 1, max: 10, source: 'O [EC600S] test form' },
  }),
  EC800M: asr('EC800M', 'O [EC800M] (EC800MCNGAR06A05M08 log)'),
  EC800N: asr('EC800N', 'I: no EC800N MQTT AN reached; grouped with EC600S/EC800M/EG800K by naming only'),
  EG800K: asr('EG800K', 'D [NUMODEM] (EG800K MQTT AN v1.6 audit); C [EG800AK]', {
    quirks: [
      'AT+QMTPUBEX is the length form (D [NUMODEM]); text in the last parameter → ERROR',
      'factory URC port is USB: on UART every +QMT URC is silent until AT+QURCCFG="urcport","uart1" (O [NUMODEM])',
      '+QMTSTAT: 0,1 right after +QMTOPEN: 0,0 on EG800KLALCR07A02M04_01.001.01.001, then QMTCONN → ERROR (C [EG800AK])',
      'edit/timeout 1–120 in the EG800K AN (D [NUMODEM]); "wakeup/topic" key (D)',
    ],
    extraCfgKeys: [...ASR_KEYS, 'wakeup/topic'],
  }),
  EC200U: {
    name: 'EC200U',
    family: 'unisoc-cat1',
    basis: 'C [EC200U-H] (driver header); MQTT AN body not reached',
    clientIdx: { min: 0, max: 5, source: 'C [EC200U-H]' },
    ...NOT_PUBLISHED,
    // AT+QMTPUB with the prompt is the form every QMT AN documents; nothing EC200U-specific was reached (I)
    publishForms: ['pub-prompt', 'pub-length'],
    pubexUrc: null,
    extraCfgKeys: [],
    extraStat: [8],
    quirks: [
      '+QMTSTAT 8, AT+QMTCONN? states 1–4, +QMTPING (C [EC200U-H][SM-EC200])',
      'one driver claims some firmware puts the +QMTRECV payload on the next line after <len> (C [C-PUMP], unconfirmed)',
    ],
  },
  EG915U: {
    name: 'EG915U',
    family: 'unisoc-cat1',
    basis: 'I: grouped with EC200U (Unisoc Cat-1) by naming; no EG915U MQTT source reached',
    clientIdx: { min: 0, max: 5, source: 'C [EC200U-H] (by family, I)' },
    ...NOT_PUBLISHED,
    publishForms: ['pub-prompt', 'pub-length'],
    pubexUrc: null,
    extraCfgKeys: [],
    extraStat: [8],
    quirks: ['+QMTSTAT 8, AT+QMTCONN? states 1–4, +QMTPING (C, by family)'],
  },
  BC660K: {
    name: 'BC660K',
    family: 'nb-iot',
    basis: 'D [AN-BC660K] (BC660K-GL&BC950K-GL MQTT AN V1.2)',
    clientIdx: { min: 0, max: 4, source: 'D [AN-BC660K]' },
    ...NOT_PUBLISHED,
    clientId: { max: 128, source: 'D [AN-BC660K]' },
    username: { max: 256, source: 'D [AN-BC660K]' },
    password: { max: 256, source: 'D [AN-BC660K]' },
    topic: { max: 256, source: 'D [AN-BC660K]' },
    publishPayload: { min: 0, max: 1460, source: 'D [AN-BC660K] (text; 730 in hex mode)' },
    pktTimeout: { min: 1, max: 60, def: 30, source: 'D [AN-BC660K]' },
    retry: { min: 0, max: 10, def: 0, source: 'D [AN-BC660K]' },
    publishForms: ['pub-length', 'pub-prompt'],
    pubexUrc: null,
    extraCfgKeys: ['showrecvlen', 'echo_mode', 'dataformat'],
    extraStat: [],
    quirks: [
      'clients 0–4, timeout defaults 30/0, "version" example uses 1 for 3.1.1 (D [AN-BC660K])',
      'bytes beyond 1460 are dropped; data mode left after 60 s idle (D)',
      'MQTT CME codes 8503–8600 (D)',
    ],
  },
};

export const QMT_MODEL_NAMES = Object.keys(QMT_PROFILES) as QmtModelName[];

/** The common QMTCFG keys every QMT model documents (§2.2). */
export const QMT_COMMON_CFG_KEYS: readonly string[] = COMMON_KEYS;

/** A model name (case-insensitive; "BG95-M3", "EC800N-CN" and the like match their base) → its profile. */
export function qmtProfile(model: string): QmtProfile {
  const m = qmtModelOf(model);
  if (!m) throw new CatError('ERR_INVALID_OPTION', `unknown QMT model "${model}" (known: ${QMT_MODEL_NAMES.join(', ')})`, { context: { option: 'model' } });
  return QMT_PROFILES[m];
}

/** The profile name a module model string belongs to, or null. BG77/BG600L share the BG95 AN (§5). */
export function qmtModelOf(model: string): QmtModelName | null {
  const u = model.toUpperCase().replace(/\s+/g, '');
  if (/^BG(77|600L)/.test(u)) return 'BG95';
  for (const n of QMT_MODEL_NAMES) if (u.startsWith(n)) return n;
  if (u.startsWith('BC950K')) return 'BC660K';
  return null;
}
