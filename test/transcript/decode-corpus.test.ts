/**
 * The decode corpus: `cat1 decode` of every fixture, pasted log and benchmark sample, in human
 * and JSON form, English and Chinese, must give byte for byte the output of the decoder before
 * the rewrite of issue 14 (stored under decode-corpus/expected/ by test/tools/gen-decode-corpus.mjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the test tools, without types
import { corpusCases, CORPUS, runCase } from '../tools/gen-decode-corpus.mjs';

interface Case {
  name: string;
  file: string;
  args: string[];
}
interface Expected {
  args: string[];
  code: number;
  stderr: string;
}

const index = JSON.parse(readFileSync(join(CORPUS as string, 'index.json'), 'utf8')) as { cases: Record<string, Expected> };
const cases = (corpusCases as () => Case[])();
const run = runCase as (c: Case) => Promise<{ stdout: Buffer; stderr: string; code: number | null }>;

/** The first line where two outputs differ, for a readable failure. */
function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n  expected ${JSON.stringify(x[i])}\n  got      ${JSON.stringify(y[i])}`;
  }
  return 'same lines';
}

describe('decode corpus (output byte-identical to the pre-rewrite decoder)', () => {
  it('covers every case the generator lists, and nothing else', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(index.cases).sort());
    expect(cases.length).toBeGreaterThan(100);
  });

  // files of a verb: one test per input file, its variants run one after the other
  const byFile = new Map<string, Case[]>();
  for (const c of cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  describe.concurrent.each([...byFile.entries()])('%s', (_file, list) => {
    it('decodes to the stored output in every form', { timeout: 120_000 }, async () => {
      for (const c of list) {
        const want = index.cases[c.name]!;
        expect(c.args).toEqual(want.args);
        const got = await run(c);
        const expected = readFileSync(join(CORPUS as string, 'expected', c.name));
        if (!got.stdout.equals(expected)) expect.fail(`${c.name}: stdout differs at ${firstDiff(expected.toString('utf8'), got.stdout.toString('utf8'))}`);
        expect({ name: c.name, code: got.code, stderr: got.stderr }).toEqual({ name: c.name, code: want.code, stderr: want.stderr });
      }
    });
  });
});
