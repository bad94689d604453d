import type { TimelineItem } from './types.js';
import type { ModemEvent } from '../urc/types.js';
import { explain } from '../urc/codes.js';
import { isUtf8 } from '../util/utf8.js';
import { tr, type Lang } from '../util/i18n.js';
import { garbageMeaning } from './meaning.js';
import { itemToJson } from './json.js';

/**
 * `JSON.stringify(itemToJson(item, lang))`, byte for byte, without building the intermediate
 * object: the line is written straight from the item, in itemToJson's key order. The decode of
 * a large log writes one of these per item, so the dynamic object (a dictionary-mode object per
 * item, its keys added one by one) and its generic serialisation are most of the JSON cost.
 *
 * Strings are escaped by the engine's own JSON.stringify (one call per string); a command's text
 * (shared by its echo, answer and final items) is escaped once and reused while it repeats.
 *
 * Exactness rests on one rule: when an event's keys could make itemToJson overwrite a key (an
 * event field named like a key itemToJson adds itself — `seq`, `t`, `note`, `explain`… — or a
 * `<k>Length`/`<k>Base64` beside a field `<k>`), the item goes through itemToJson itself. The
 * differential property test (test/at/json-line.property.test.ts) holds this to JSON.stringify.
 */

const NOT_EVENTS = new Set(['command', 'data', 'prompt', 'echo', 'overlong', 'note', 'garbage']);
/** keys itemToJson writes itself: an event field of that name would overwrite them in place */
const RESERVED = new Set(['seq', 't', 'dir', 'role', 'type', 'raw', 'command', 'note', 'paste', 'explain']);

/** How an event shape is written: its field keys (type and raw left out), each as `"key":`. */
interface Plan {
  keys: readonly string[];
  /** `"key":`, `"keyLength":`, `"keyBase64":` for each key */
  head: readonly string[];
  lengthHead: readonly string[];
  base64Head: readonly string[];
  /** the event has a `command` field (written where item.command goes when the item has one) */
  hasCommand: boolean;
  /** false: this shape can overwrite keys; write it through itemToJson */
  fast: boolean;
}

/** the item's own fields have the types TimelineItem gives them (anything else: itemToJson) */
function plainHeader(item: TimelineItem): boolean {
  return (
    typeof item.seq === 'number' &&
    (item.t === null || typeof item.t === 'number') &&
    (item.dir === null || typeof item.dir === 'string') &&
    typeof item.role === 'string' &&
    typeof item.event.type === 'string'
  );
}

/** keys an object lists before all others (array indices), or that set no own key (`__proto__`) */
function oddKey(k: string): boolean {
  return k === '__proto__' || /^(?:0|[1-9]\d*)$/.test(k);
}

function planOf(all: readonly string[]): Plan {
  const keys = all.filter((k) => k !== 'type' && k !== 'raw');
  const set = new Set(all);
  let fast = true;
  let hasCommand = false;
  for (const k of keys) {
    if (k === 'command') hasCommand = true;
    else if (RESERVED.has(k) || oddKey(k)) fast = false;
    if (set.has(`${k}Length`) || set.has(`${k}Base64`) || RESERVED.has(`${k}Length`) || RESERVED.has(`${k}Base64`)) fast = false;
  }
  return {
    keys,
    head: keys.map((k) => `,${JSON.stringify(k)}:`),
    lengthHead: keys.map((k) => `,${JSON.stringify(`${k}Length`)}:`),
    base64Head: keys.map((k) => `,${JSON.stringify(`${k}Base64`)}:`),
    hasCommand,
    fast,
  };
}

/** One plan per event type, re-made when an event of that type comes with other keys. */
const plans = new Map<string, { all: string[]; plan: Plan }>();

function planFor(type: string, all: string[]): Plan {
  const hit = plans.get(type);
  if (hit !== undefined && sameKeys(hit.all, all)) return hit.plan;
  const plan = planOf(all);
  plans.set(type, { all, plan });
  return plan;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Small fixed vocabularies (types, roles, directions): escaped once. */
const names = new Map<string, string>();
function name(s: string): string {
  let j = names.get(s);
  if (j === undefined) {
    j = JSON.stringify(s);
    if (names.size < 1024) names.set(s, j);
  }
  return j;
}

/** JSON of a field value, or undefined when JSON.stringify leaves the key out. */
function value(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      return v === null ? 'null' : (JSON.stringify(v) as string | undefined);
  }
}

/**
 * The JSON Lines writer of a decode: one line per item. Holds the last command's escaped text
 * (the echo, the answer lines and the final result of a command all carry it).
 */
export class ItemJsonWriter {
  readonly lang: Lang;
  #lastCommand: string | null = null;
  #lastCommandJson = '';

  constructor(lang: Lang = 'en') {
    this.lang = lang;
  }

  #command(s: string): string {
    if (s !== this.#lastCommand) {
      this.#lastCommand = s;
      this.#lastCommandJson = JSON.stringify(s);
    }
    return this.#lastCommandJson;
  }

  /** `JSON.stringify(itemToJson(item, lang))` of this writer's language. */
  line(item: TimelineItem): string {
    const ev = item.event;
    const plan = planFor(ev.type, Object.keys(ev));
    const rec = ev as unknown as Record<string, unknown>;
    if (!plan.fast || !plainHeader(item) || (plan.hasCommand && item.command !== undefined && typeof rec['command'] !== 'string')) return JSON.stringify(itemToJson(item, this.lang));
    let s = `{"seq":${value(item.seq)!},"t":${item.t === null ? 'null' : value(item.t)!},"dir":${item.dir === null ? 'null' : name(item.dir)},"role":${name(item.role)},"type":${name(ev.type)}`;
    const raw = value(ev.raw);
    if (raw !== undefined) s += `,"raw":${raw}`;
    // item.command takes its place after raw; an event's own command field overwrites its value there
    let commandDone = false;
    if (item.command !== undefined) {
      const c = plan.hasCommand ? rec['command'] : item.command;
      if (typeof c === 'string') s += `,"command":${this.#command(c)}`;
      else {
        const j = value(c);
        if (j !== undefined) s += `,"command":${j}`;
      }
      commandDone = true;
    }
    const keys = plan.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (commandDone && k === 'command') continue;
      const v = rec[k];
      if (Buffer.isBuffer(v)) {
        s += `${plan.lengthHead[i]!}${v.length}`;
        if (isUtf8(v)) s += `${plan.head[i]!}${JSON.stringify(v.toString('utf8'))}`;
        else s += `${plan.base64Head[i]!}"${v.toString('base64')}"`;
        continue;
      }
      const j = k === 'command' && typeof v === 'string' ? this.#command(v) : value(v);
      if (j !== undefined) s += `${plan.head[i]!}${j}`;
    }
    const lang = this.lang;
    // itemToJson's order: a garbage run's explain, the note, the paste mistakes, an event's explain
    if (ev.type === 'garbage') s += `,"explain":${JSON.stringify(tr(garbageMeaning(ev.length, ev.diagnosis), lang))}`;
    if (item.note !== undefined) {
      const j = value(item.note);
      if (j !== undefined) s += `,"note":${j}`;
    }
    if (item.paste) {
      const paste = {
        findings: item.paste.findings.map((f) => ({ code: f.code, message: tr(f.message, lang) })),
        answer: tr(item.paste.answer, lang),
        corrected: item.paste.corrected,
      };
      s += `,"paste":${JSON.stringify(paste)}`;
    }
    if (!NOT_EVENTS.has(ev.type)) {
      const x = explain(ev as ModemEvent);
      if (x) {
        const j = value(tr(x, lang));
        if (j !== undefined) s += `,"explain":${j}`;
      }
    }
    return `${s}}`;
  }
}
