/**
 * What differs between the emulated Quectel models (../shared/protocol/qmt.md §2.1, §5). Every
 * value carries the reference's confidence: where the reference says "not published" (np) the
 * emulator still needs a number to act on; those are marked (I) and chosen generously so that
 * the emulator never refuses what a real module might accept.
 */

export const QMT_MODELS = ['EC800N', 'EC200U', 'EG915U', 'BG96'] as const;
export type QmtModel = (typeof QMT_MODELS)[number];

export interface QmtProfile {
  model: QmtModel;
  /** chipset family by Quectel naming (I): ASR Cat-1, Unisoc Cat-1, or the BGx LPWA line */
  family: 'asr' | 'unisoc' | 'bgx';
  /** client indexes 0..clients-1: 6 on every model here (O [WIZ][LABW][EC600S]; C for EC200U) */
  clients: number;
  /** host name length: ≤100 (C for ASR; D for BG95); np elsewhere (I: 100 for all) */
  hostMax: number;
  /** publish payload: BG96 1–1548 (O); np for the Cat-1 parts (I: 4096 as BG95/BG770A) */
  pubMax: number;
  /** AT+QMTPUBEX: 'length' = `…,"topic",<len>` then `> ` and `+QMTPUBEX:` (ASR D/O; Unisoc I); 'inline' = BGx `…,"topic","msg"` answered `+QMTPUB:` (O/C) */
  pubex: 'length' | 'inline';
  /** BGx inline QMTPUBEX message limit (C [LOOUQ]) */
  pubexInlineMax: number;
  /** pkt_timeout range: 1–60 (D BG9x); EC600S prints (1-1200) (O), used for the ASR family */
  pktTimeoutMax: number;
  /** pdpcid range: 1–15 ASR (O/D); 1–16 BG95 (D); np elsewhere (I: 1–16) */
  pdpcidMax: number;
  /** the AT+QMTPUB test form's length range */
  pubTest: string;
}

export const QMT_PROFILES: Readonly<Record<QmtModel, QmtProfile>> = {
  EC800N: { model: 'EC800N', family: 'asr', clients: 6, hostMax: 100, pubMax: 4096, pubex: 'length', pubexInlineMax: 0, pktTimeoutMax: 1200, pdpcidMax: 15, pubTest: '(1-4096)' },
  EC200U: { model: 'EC200U', family: 'unisoc', clients: 6, hostMax: 100, pubMax: 4096, pubex: 'length', pubexInlineMax: 0, pktTimeoutMax: 60, pdpcidMax: 16, pubTest: '(1-4096)' },
  EG915U: { model: 'EG915U', family: 'unisoc', clients: 6, hostMax: 100, pubMax: 4096, pubex: 'length', pubexInlineMax: 0, pktTimeoutMax: 60, pdpcidMax: 16, pubTest: '(1-4096)' },
  BG96: { model: 'BG96', family: 'bgx', clients: 6, hostMax: 100, pubMax: 1548, pubex: 'inline', pubexInlineMax: 560, pktTimeoutMax: 60, pdpcidMax: 16, pubTest: '(1-1548)' },
};

/** Case-insensitive model lookup; null for an unknown model. */
export function qmtModel(name: string): QmtModel | null {
  const up = name.trim().toUpperCase();
  return (QMT_MODELS as readonly string[]).includes(up) ? (up as QmtModel) : null;
}

/** The identity a QMT emulator answers by default: Quectel, the model, a revision that says it is emulated. */
export function qmtIdentity(model: QmtModel): { manufacturer: string; model: string; revision: string } {
  return { manufacturer: 'Quectel', model, revision: `EMU_${model}_V0.1 (emulated firmware)` };
}
