import type { Redactor } from '../redact/redact.js';
import type { TimelineEvent, TimelineItem } from './types.js';

/**
 * A copy of a timeline item with secrets masked in its raw text, its command and its
 * text fields (for display: monitor, term, at). The redactor should see the items in order
 * (it remembers the last command, to mask the IMSI answer of AT+CIMI).
 */
export function maskItem(item: TimelineItem, r: Redactor): TimelineItem {
  const dir = item.dir === 'tx' ? 'tx' : 'rx';
  const m = (s: string, d: 'tx' | 'rx' = dir): string => {
    const b = Buffer.from(s, 'utf8');
    const out = r.line(b, d);
    return out.data === b ? s : out.data.toString('utf8');
  };
  const ev = item.event;
  let changed = false;
  const copy: Record<string, unknown> = { ...ev };
  const raw = m(ev.raw);
  if (raw !== ev.raw) {
    copy['raw'] = raw;
    changed = true;
  }
  if (ev.type === 'command') {
    const c = m(ev.command, 'tx');
    if (c !== ev.command) {
      copy['command'] = c;
      changed = true;
    }
  }
  // the rules match whole lines: masking raw is what counts; drop the parsed copies of values
  // (an information line's text, a dialect's configuration answer's values)
  if (raw !== ev.raw) {
    if (ev.type === 'info') copy['text'] = m(ev.text);
    else if ('values' in ev && Array.isArray(ev.values)) copy['values'] = ev.values.map(() => '****');
  }
  let command = item.command;
  if (command !== undefined) {
    const c = m(command, 'tx');
    if (c !== command) {
      command = c;
      changed = true;
    }
  }
  if (!changed) return item;
  const out: TimelineItem = { ...item, event: copy as TimelineEvent };
  if (command !== undefined) out.command = command;
  return out;
}
