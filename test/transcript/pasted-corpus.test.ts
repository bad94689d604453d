import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSessionInput } from '../../src/transcript/input.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { SummaryBuilder, type SessionSummary } from '../../src/dialects/ecmt/summary.js';
import { checkPastedCommand } from '../../src/dialects/ecmt/paste-lint.js';
import type { TimelineItem } from '../../src/at/types.js';
import { itemToJson } from '../../src/at/json.js';

/**
 * The pasted-log corpus (test/transcript/pasted/, see make-corpus.py there): each variant is a
 * log as a person pastes it, each twin the same log clean. The expected values are in the side
 * files, written by hand: items by role/type, the first failure, the notes kept, the garbage.
 */

const DIR = join(import.meta.dirname, 'pasted');

interface TwinSide {
  what: string;
  items: Record<string, number>;
  firstFailure: string | null;
  connectRetried?: boolean;
  paste?: Array<{ codes: string[]; corrected: string }>;
}

interface VariantSide {
  what: string;
  twin: string;
  encoding: 'utf8' | 'gbk';
  eol: 'lf' | 'crlf' | 'cr' | 'mixed';
  firstFailure: string | null;
  notes: string[];
  noteItems: string[];
  garbage: Array<{ bytes: number; diagnosis: string }>;
  extraItems: Record<string, number>;
}

async function decodeFile(path: string): Promise<{ items: TimelineItem[]; summary: SessionSummary }> {
  const input = await openSessionInput(path);
  const items: TimelineItem[] = [];
  const summary = new SummaryBuilder();
  const decoder = new SessionDecoder(
    (item) => {
      items.push(item);
      summary.add(item);
    },
    { grammar: defaultGrammar(), checkCommand: checkPastedCommand },
  );
  for await (const e of input.entries) decoder.push(e);
  decoder.end();
  return { items, summary: summary.summary };
}

function counts(items: TimelineItem[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const it of items) {
    const k = `${it.role}/${it.event.type}`;
    c[k] = (c[k] ?? 0) + 1;
  }
  return c;
}

/** The typed items, notes and garbage aside: what a clean twin and its variant must share. */
function typed(items: TimelineItem[]): string[] {
  return items.filter((i) => i.role !== 'note' && i.role !== 'garbage').map((i) => `${i.role}/${i.event.type}/${i.event.raw.trim()}`);
}

function add(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

const twins = new Map<string, TwinSide>();
for (const f of readdirSync(join(DIR, 'twins')).filter((x) => x.endsWith('.json'))) {
  twins.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, 'twins', f), 'utf8')) as TwinSide);
}
const variants = readdirSync(join(DIR, 'variants'))
  .filter((x) => x.endsWith('.json'))
  .sort()
  .map((f) => ({ name: f.replace(/\.json$/, ''), side: JSON.parse(readFileSync(join(DIR, 'variants', f), 'utf8')) as VariantSide }));

describe('the pasted-log corpus', () => {
  it('holds at least 40 variants in UTF-8 and GBK with LF, CRLF and CR-only line ends', () => {
    expect(variants.length).toBeGreaterThanOrEqual(40);
    const enc = new Set(variants.map((v) => v.side.encoding));
    const eol = new Set(variants.map((v) => v.side.eol));
    expect([...enc].sort()).toEqual(['gbk', 'utf8']);
    for (const e of ['lf', 'crlf', 'cr']) expect(eol.has(e as VariantSide['eol'])).toBe(true);
    for (const v of variants) expect(twins.has(v.side.twin)).toBe(true);
  });

  describe.each([...twins.entries()])('twin %s', (name, side) => {
    it('decodes to the items, first failure and copy-paste findings written in its side file', async () => {
      const { items, summary } = await decodeFile(join(DIR, 'twins', `${name}.log`));
      expect(counts(items)).toEqual(side.items);
      expect(summary.firstFailure?.raw.trim() ?? null).toBe(side.firstFailure);
      if (side.connectRetried) expect(summary.connectRetried?.failed.raw.trim()).toBe('+ECMTCONN: 0,2,2');
      if (side.paste) {
        const found = items.filter((i) => i.role === 'command').map((i) => (i.paste ? { codes: i.paste.findings.map((f) => f.code), corrected: i.paste.corrected } : null));
        expect(found).toEqual(side.paste);
      }
    });
  });

  describe.each(variants)('$name', ({ name, side }) => {
    it(`${side.what}: items by type, first failure, notes, garbage as written; the same typed items as its twin`, async () => {
      const twinSide = twins.get(side.twin)!;
      const { items, summary } = await decodeFile(join(DIR, 'variants', `${name}.log`));
      // no exit 2: something decoded
      expect(items.length).toBeGreaterThan(0);
      expect(counts(items)).toEqual(add(twinSide.items, side.extraItems));
      expect(summary.firstFailure?.raw.trim() ?? null).toBe(side.firstFailure);
      expect(items.filter((i) => i.note !== undefined).map((i) => i.note)).toEqual(side.notes);
      expect(items.filter((i) => i.role === 'note').map((i) => i.event.raw)).toEqual(side.noteItems);
      expect(items.filter((i) => i.event.type === 'garbage').map((i) => (i.event.type === 'garbage' ? { bytes: i.event.length, diagnosis: i.event.diagnosis } : null))).toEqual(side.garbage);
      if (twinSide.connectRetried) expect(summary.connectRetried).not.toBeNull();
      if (twinSide.paste) {
        const found = items.filter((i) => i.role === 'command').map((i) => (i.paste ? { codes: i.paste.findings.map((f) => f.code), corrected: i.paste.corrected } : null));
        expect(found).toEqual(twinSide.paste);
      }
      // secrets stay masked whatever was done to the log
      expect(JSON.stringify(items.map((i) => itemToJson(i)))).not.toMatch(/pw-\d{6}|"user1"/);
      // the differential check: the clean twin gives the same typed items, notes aside
      const twin = await decodeFile(join(DIR, 'twins', `${side.twin}.log`));
      expect(typed(items)).toEqual(typed(twin.items));
    });
  });
});
