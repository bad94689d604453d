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

/** keys whose place in the object is fixed before the event's own fields (or added after them) */
const PLACED = new Set(['seq', 't', 'dir', 'role', 'type', 'raw', 'explain', 'note', 'paste']);

/**
 * Timeline items as JSON lines (without the line feed): `JSON.stringify(itemToJson(item, lang))`.
 * An item without note or paste finding whose event fields are all strings and finite numbers (a
 * command, its `OK`, most result URCs: the bulk of a session, whatever the dialect) is written from
 * its fields, the command's JSON text made once and reused (the command item names it twice, its
 * answer and final result once more); anything else (a payload's bytes, a nested value, a field
 * named like one of the item's) takes the general path. A differential property test holds both to
 * the same text.
 */
export class ItemJson {
  readonly #lang: Lang;
  #command = '';
  #commandJson = '""';

  constructor(lang: Lang = 'en') {
    this.#lang = lang;
  }

  line(item: TimelineItem): string {
    if (item.note === undefined && item.paste === undefined && item.event.type !== 'garbage') {
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
    if (typeof seq !== 'number' || !Number.isFinite(seq) || typeof role !== 'string' || typeof ev.raw !== 'string' || typeof ev.type !== 'string') return null;
    if (t !== null && (typeof t !== 'number' || !Number.isFinite(t))) return null;
    if (dir !== null && dir !== 'tx' && dir !== 'rx') return null;
    const hasCommand = item.command !== undefined;
    if (hasCommand && typeof item.command !== 'string') return null;
    // itemToJson's order: the item's fields, type, raw, the item's command, then the event's own
    // fields in their order (an event field named `command` takes the item's place when it has one)
    let command: unknown = item.command;
    let rest = '';
    const rec = ev as unknown as Record<string, unknown>;
    for (const k in rec) {
      if (!Object.prototype.hasOwnProperty.call(rec, k)) return null;
      if (k === 'type' || k === 'raw') continue;
      if (PLACED.has(k)) return null;
      const v = rec[k];
      if (k === 'command' && hasCommand) {
        command = v;
        continue;
      }
      if (typeof v === 'number') {
        // a finite number's JSON text is its String(); -0 is "0" in both
        if (!Number.isFinite(v)) return null;
        rest += `,${quoted(k)}:${v}`;
      } else if (typeof v === 'string') rest += `,${quoted(k)}:${k === 'command' ? this.#json(v) : JSON.stringify(v)}`;
      else return null;
    }
    if (hasCommand && typeof command !== 'string') return null;
    const raw = ev.raw === item.command || (ev.type === 'command' && ev.raw === command) ? this.#json(ev.raw) : ev.raw === 'OK' ? '"OK"' : JSON.stringify(ev.raw);
    let out = `{"seq":${seq},"t":${t === null ? 'null' : t},"dir":${dir === null ? 'null' : dir === 'tx' ? '"tx"' : '"rx"'},"role":${quoted(role)},"type":${quoted(ev.type)},"raw":${raw}`;
    if (hasCommand) out += `,"command":${this.#json(command as string)}`;
    out += rest;
    if (!NOT_EVENTS.has(ev.type)) {
      const x = explain(ev as ModemEvent);
      if (x) out += `,"explain":${JSON.stringify(tr(x, this.#lang))}`;
    }
    return `${out}}`;
  }
}
