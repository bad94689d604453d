import type { TimelineItem } from './types.js';
import type { ModemEvent } from '../urc/types.js';
import { explain } from '../urc/codes.js';
import { isUtf8 } from '../util/utf8.js';
import { tr, type Lang } from '../util/i18n.js';
import { garbageMeaning } from './meaning.js';

const NOT_EVENTS = new Set(['command', 'data', 'prompt', 'echo', 'overlong', 'note', 'garbage']);

/**
 * One timeline item as a flat JSON object: `seq`, `t`, `dir`, `role`, `type`, `raw`, the
 * decoded fields named as in the protocol reference, and `explain` for coded results.
 * Byte fields: `payload` as text when it is valid UTF-8, else `payloadBase64`.
 */
export function itemToJson(item: TimelineItem, lang: Lang = 'en'): Record<string, unknown> {
  const ev = item.event;
  const o: Record<string, unknown> = { seq: item.seq, t: item.t, dir: item.dir, role: item.role, type: ev.type, raw: ev.raw };
  if (item.command !== undefined) o['command'] = item.command;
  const rec = ev as unknown as Record<string, unknown>;
  for (const k of Object.keys(ev)) {
    if (k === 'type' || k === 'raw') continue;
    const v = rec[k];
    if (Buffer.isBuffer(v)) {
      o[`${k}Length`] = v.length;
      if (isUtf8(v)) o[k] = v.toString('utf8');
      else o[`${k}Base64`] = v.toString('base64');
    } else o[k] = v;
  }
  if (ev.type === 'garbage') o['explain'] = tr(garbageMeaning(ev.length, ev.diagnosis), lang);
  if (item.note !== undefined) o['note'] = item.note;
  if (item.paste) {
    o['paste'] = {
      findings: item.paste.findings.map((f) => ({ code: f.code, message: tr(f.message, lang) })),
      answer: tr(item.paste.answer, lang),
      corrected: item.paste.corrected,
    };
  }
  if (!NOT_EVENTS.has(ev.type)) {
    const x = explain(ev as ModemEvent);
    if (x) o['explain'] = tr(x, lang);
  }
  return o;
}

/** JSON texts of a few short strings that recur on every line (roles) */
const QUOTED = new Map<string, string>();
function quoted(s: string): string {
  let q = QUOTED.get(s);
  if (q === undefined) {
    q = JSON.stringify(s);
    if (QUOTED.size < 64) QUOTED.set(s, q);
  }
  return q;
}

/**
 * Timeline items as JSON lines (without the line feed): `JSON.stringify(itemToJson(item, lang))`.
 * A command, its `OK` (half the items of a session) and `+ECMTPUB` are written from their fields, the
 * command's JSON text made once and reused (the command item names it twice, its answer and final
 * result once more); anything else, or any field not as expected, takes the general path. A
 * differential property test holds both to the same text.
 */
export class ItemJson {
  readonly #lang: Lang;
  #command = '';
  #commandJson = '""';

  constructor(lang: Lang = 'en') {
    this.#lang = lang;
  }

  line(item: TimelineItem): string {
    const type = item.event.type;
    if ((type === 'command' || type === 'ok' || type === 'ecmt-pub') && item.note === undefined && item.paste === undefined) {
      const fast = this.#fast(item);
      if (fast !== null) return fast;
    }
    return JSON.stringify(itemToJson(item, this.#lang));
  }

  #json(s: string): string {
    if (s !== this.#command) {
      this.#command = s;
      this.#commandJson = JSON.stringify(s);
    }
    return this.#commandJson;
  }

  #fast(item: TimelineItem): string | null {
    const ev = item.event;
    const { seq, t, dir, role } = item;
    if (typeof seq !== 'number' || !Number.isFinite(seq) || typeof role !== 'string' || typeof ev.raw !== 'string') return null;
    if (t !== null && (typeof t !== 'number' || !Number.isFinite(t))) return null;
    if (dir !== null && dir !== 'tx' && dir !== 'rx') return null;
    if (item.command !== undefined && typeof item.command !== 'string') return null;
    const keys = Object.keys(ev);
    // a finite number's JSON text is its String(); -0 is "0" in both
    const head = `{"seq":${seq},"t":${t === null ? 'null' : t},"dir":${dir === null ? 'null' : dir === 'tx' ? '"tx"' : '"rx"'},"role":${quoted(role)},"type":`;
    if (ev.type === 'command') {
      if (keys.length !== 3 || keys[0] !== 'type' || keys[1] !== 'raw' || keys[2] !== 'command' || typeof ev.command !== 'string') return null;
      // the event's own command is assigned after the item's: its value, at the item's place
      const raw = this.#json(ev.raw);
      return `${head}"command","raw":${raw},"command":${ev.command === ev.raw ? raw : JSON.stringify(ev.command)}}`;
    }
    if (ev.type === 'ecmt-pub') {
      // +ECMTPUB: <connectId>,<msgId>,<result>, the most frequent URC of a session
      if (keys.length !== 5 || keys[2] !== 'connectId' || keys[3] !== 'msgId' || keys[4] !== 'result' || keys[0] !== 'type' || keys[1] !== 'raw') return null;
      const { connectId, msgId, result } = ev;
      if (!Number.isFinite(connectId) || !Number.isFinite(msgId) || !Number.isFinite(result)) return null;
      const x = explain(ev);
      const tail = x ? `,"explain":${JSON.stringify(tr(x, this.#lang))}` : '';
      const command = item.command === undefined ? '' : `,"command":${this.#json(item.command)}`;
      return `${head}"ecmt-pub","raw":${JSON.stringify(ev.raw)}${command},"connectId":${connectId},"msgId":${msgId},"result":${result}${tail}}`;
    }
    if (keys.length !== 2 || keys[0] !== 'type' || keys[1] !== 'raw') return null;
    const x = explain(ev as ModemEvent);
    const command = item.command === undefined ? '' : `,"command":${this.#json(item.command)}`;
    const raw = ev.raw === 'OK' ? '"OK"' : JSON.stringify(ev.raw);
    return `${head}"ok","raw":${raw}${command}${x ? `,"explain":${JSON.stringify(tr(x, this.#lang))}` : ''}}`;
  }
}
