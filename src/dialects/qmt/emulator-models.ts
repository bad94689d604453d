import { QMT_PROFILES, type QmtModelName, type QmtProfile } from './profiles.js';

/**
 * The models the QMT emulator plays and the numbers it acts on, derived from the dialect's model
 * profiles (./profiles.ts, sourced from ../shared/protocol/qmt.md §2.1 and §5). Where a profile
 * says "not published" the emulator still needs a number: it then takes the widest value any
 * Quectel source shows (marked I), so it never refuses what a real module might accept — the lint,
 * not the emulator, is where unknown limits stay unknown.
 */

export const QMT_MODELS = ['EC800N', 'EC200U', 'EG915U', 'BG96'] as const;
export type QmtModel = (typeof QMT_MODELS)[number] & QmtModelName;

export interface EmulatedModel {
  model: QmtModel;
  profile: QmtProfile;
  /** client indexes 0..clients-1 (six on these four models) */
  clients: number;
  /** host name length refused above this (profile, else I: 255) */
  hostMax: number;
  /** prompt/length publish payload (profile; np → I: 4096 as BG95/BG770A) */
  pubMin: number;
  pubMax: number;
  /** AT+QMTPUBEX: 'length' (ASR: `> ` + <len> bytes, `+QMTPUBEX:`), 'inline' (BGx: quoted message, `+QMTPUB:`), null: not known on the model → ERROR (I) */
  pubex: 'length' | 'inline' | null;
  /** BGx inline QMTPUBEX message limit (C [LOOUQ]) */
  pubexInlineMax: number;
  /** pkt_timeout range max: profile (BG 60), np → I: 1200 (EC600S prints 1-1200) */
  pktTimeoutMax: number;
  retryMax: number;
  keepaliveMax: number;
  /** pdpcid range max: profile (ASR 15), np → I: 16 */
  pdpcidMax: number;
}

/** Case-insensitive model lookup among the emulated models; null for another. */
export function qmtModel(name: string): QmtModel | null {
  const up = name.trim().toUpperCase();
  return (QMT_MODELS as readonly string[]).includes(up) ? (up as QmtModel) : null;
}

export function emulatedModel(model: QmtModel): EmulatedModel {
  const p = QMT_PROFILES[model];
  return {
    model,
    profile: p,
    clients: p.clientIdx ? p.clientIdx.max + 1 : 6,
    hostMax: p.host?.max ?? 255,
    pubMin: p.publishPayload?.min ?? 1,
    pubMax: p.publishPayload?.max ?? 4096,
    pubex: p.pubexUrc === 'QMTPUBEX' ? 'length' : p.pubexUrc === 'QMTPUB' ? 'inline' : null,
    pubexInlineMax: p.inlinePayload?.max ?? 560,
    pktTimeoutMax: p.pktTimeout?.max ?? 1200,
    retryMax: p.retry?.max ?? 10,
    keepaliveMax: p.keepalive?.max ?? 3600,
    pdpcidMax: p.pdpcid?.max ?? 16,
  };
}

/** The identity a QMT emulator answers by default: Quectel, the model, a revision that says it is emulated. */
export function qmtIdentity(model: QmtModel): { manufacturer: string; model: string; revision: string } {
  return { manufacturer: 'Quectel', model, revision: `EMU_${model}_V0.1 (emulated firmware)` };
}
