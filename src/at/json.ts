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
