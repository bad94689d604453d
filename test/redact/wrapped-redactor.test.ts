/**
 * A library user's redactor that wraps the default one (`{ ...createRedactor(), line() { … } }`,
 * its own masks added in line()) copies the default's text verdicts (linesUnchanged,
 * asciiUnchanged). Those answer for the default line() only: the stream redactor must ask the
 * wrapper's line() for every line, on the byte path (a transcript) and on the text path (a text
 * log), ASCII or not. Found by an adversarial review of issue 14's fast paths: the byte path, and
 * a non-ASCII text line, showed the wrapper's secret; an ASCII text line already did before.
 */
import { describe, expect, it } from 'vitest';
import { createRedactor, textVerdicts, type Redactor } from '../../src/redact/redact.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import type { TranscriptEntry } from '../../src/recording/types.js';
import { openSessionInput } from '../../src/transcript/input.js';
import { Readable } from 'node:stream';

function wrapping(inner: Redactor): Redactor {
  return {
    ...inner,
    line(bytes, dir) {
      const r = inner.line(bytes, dir);
      const text = r.data.toString('latin1');
      const m = /token=([^\s\r\n]+)/.exec(text);
      if (!m) return r;
      const at = m.index + 6;
      const len = m[1]!.length;
      return { data: Buffer.from(r.data).fill(0x2a, at, at + len), redact: [...r.redact, { at, len, tag: 'token' }] };
    },
  };
}

function decodeEntries(entries: TranscriptEntry[], redactor: Redactor): string {
  const raws: string[] = [];
  const d = new SessionDecoder((i) => raws.push(i.event.raw), { grammar: defaultGrammar(), redactor });
  for (const e of entries) d.push(e);
  d.end();
  return raws.join('\n');
}

async function decodeLog(log: string, redactor: Redactor): Promise<string> {
  const input = await openSessionInput('-', Readable.from([Buffer.from(log, 'utf8')]));
  const entries: TranscriptEntry[] = [];
  await input.pump((e) => void entries.push(e), undefined, { lazyData: true });
  return decodeEntries(entries, redactor);
}

describe('a redactor that wraps the default one', () => {
  it('its own line() masks a module line on the byte path (a transcript)', () => {
    const out = decodeEntries(
      [
        { t: 0, dir: 'tx', data: Buffer.from('AT+CSQ\r') },
        { t: 0.01, dir: 'rx', data: Buffer.from('\r\ntoken=s3cretTok\r\nOK\r\n') },
      ],
      wrapping(createRedactor()),
    );
    expect(out).toContain('token=*********');
    expect(out).not.toContain('s3cretTok');
  });

  it('its own line() masks lines of a text log, ASCII or not', async () => {
    const out = await decodeLog('AT+CSQ\r\n\r\ntoken=s3cretTok\r\ntoken=s3cretTök\r\nOK\r\n', wrapping(createRedactor()));
    expect(out).not.toContain('s3cretTok');
    expect(out).not.toContain('s3cretTök');
  });

  it('the default rules still hold inside the wrapper', () => {
    const out = decodeEntries([{ t: 0, dir: 'tx', data: Buffer.from('AT+ECMTCONN=0,"dev","someuser","hunter2pw"\r') }], wrapping(createRedactor()));
    expect(out).not.toContain('hunter2pw');
    expect(out).not.toContain('someuser');
  });

  it('a copy that keeps the default line() keeps its verdicts; one that replaces it has none', () => {
    const inner = createRedactor();
    expect(textVerdicts({ ...inner }).linesUnchanged).toBe(inner.linesUnchanged);
    expect(textVerdicts(wrapping(inner))).toEqual({});
  });
});
