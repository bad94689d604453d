import type { DiagramEvent } from './model.js';

/** A run of repeated blocks: the first block stays visible, the repeats after it fold into one row. */
export interface Group {
  /** first hidden event */
  start: number;
  /** one past the last hidden event */
  end: number;
  /** length of the repeated block (events) */
  period: number;
  /** how many blocks are hidden */
  repeats: number;
  /** what repeats, for the row (the block's labels) */
  label: string;
}

/** The shape of an event without what changes from one repetition to the next (ids, payloads, times). */
function signature(e: DiagramEvent): string {
  return `${e.kind}|${e.from}|${e.to}|${e.error ? 1 : 0}|${e.label.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, '#')}`;
}

/**
 * Find runs of at least `minRepeats` consecutive repetitions of a block of 1..maxPeriod events
 * (a keep-alive poll, a publish loop) and fold all but the first block. Divergent events are
 * never folded.
 */
export function findGroups(events: readonly DiagramEvent[], o: { minRepeats?: number; maxPeriod?: number } = {}): Group[] {
  const minRepeats = o.minRepeats ?? 4;
  const maxPeriod = o.maxPeriod ?? 8;
  const sig = events.map(signature);
  const div = events.map((e) => e.divergence === true || e.kind === 'note');
  const groups: Group[] = [];
  let i = 0;
  const n = events.length;
  while (i < n) {
    let best: { p: number; r: number } | null = null;
    for (let p = 1; p <= maxPeriod && i + p * minRepeats <= n; p++) {
      let ok = true;
      for (let k = 0; k < p; k++) if (div[i + k]) ok = false;
      if (!ok) continue;
      let r = 1;
      for (;;) {
        const s = i + r * p;
        if (s + p > n) break;
        let same = true;
        for (let k = 0; k < p; k++) {
          if (sig[s + k] !== sig[i + k] || div[s + k]) {
            same = false;
            break;
          }
        }
        if (!same) break;
        r++;
      }
      if (r >= minRepeats && (!best || r * p > best.r * best.p)) best = { p, r };
    }
    if (best) {
      const label = events
        .slice(i, i + best.p)
        .filter((e) => e.kind !== 'mqtt' && e.kind !== 'tcp')
        .map((e) => e.label)
        .join(' · ');
      groups.push({ start: i + best.p, end: i + best.p * best.r, period: best.p, repeats: best.r - 1, label });
      i += best.p * best.r;
    } else i++;
  }
  return groups;
}
