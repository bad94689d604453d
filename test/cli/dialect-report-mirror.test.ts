/**
 * `--dialect` on `cat1 report` and `cat1 mirror --transcript` (run `npm run build` first): the
 * choice decides how the session's bytes read. Oracle: the QMT fixture's own lines and
 * ../shared/protocol/qmt.md §3.1 (the quote rule); under `--dialect ecmt` the QMT payload rule is
 * not used.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cat1, ROOT } from '../helpers/cli.js';

const FX = join(ROOT, 'hardware-fixtures', 'quectel-thingsboard-refused.jsonl');
const BG95 = join(ROOT, 'hardware-fixtures', 'quectel-bg95-inline-pubex.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'cat1-dialect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cat1 report --dialect', () => {
  it('qmt and auto frame the QMT payload whose closing quote is on the next line; ecmt does not', async () => {
    // quectel-bg95-inline-pubex.jsonl: +QMTRECV: 0,1,"main_topic","AT+QMTPUBEX=…,"Temperature: 22stC"\r\n" (qmt.md §3.1, O [BG95LOG])
    const html = async (choice: string): Promise<string> => {
      const out = join(dir, `${choice}.html`);
      const r = await cat1(['report', BG95, '-o', out, '--dialect', choice]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    };
    const whole = 'Temperature: 22stC\\"⟨CR⟩⟨LF⟩\\"';
    const qmt = await html('qmt');
    expect(qmt).toContain(whole);
    expect(await html('auto')).toBe(qmt);
    expect(await html('ecmt')).not.toContain(whole);
  });

  it('an unknown dialect is a one-line usage error (exit 2)', async () => {
    const r = await cat1(['report', FX, '-o', join(dir, 'x.html'), '--dialect', 'simcom']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dialect/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cat1 mirror --transcript --dialect', () => {
  it('is an option of the verb, and an unknown dialect is a one-line usage error (exit 2)', async () => {
    const help = await cat1(['mirror', '--help']);
    expect(help.stdout).toMatch(/--dialect/);
    const r = await cat1(['mirror', '--transcript', FX, '--broker', 'mqtt://127.0.0.1:1', '--dialect', 'simcom']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dialect/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
