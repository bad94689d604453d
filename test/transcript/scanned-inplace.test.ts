/**
 * A transcript entry read from its bytes (scanEntry) keeps the read's verdict (ASCII, valid UTF-8)
 * to hand the decoder its text. A caller that writes over `entry.data` in place before the decoder
 * reads it (masking a value of its own, say) must get what the bytes now say, as from a plain copy
 * of the entry: the verdict is checked again. Found by an adversarial review of issue 14's fast
 * paths (UTF-8 written over ASCII bytes came out as latin1 mojibake).
 */
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { openSessionInput } from '../../src/transcript/input.js';
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';

const header = JSON.stringify({ cat1: 'transcript', version: 1, kind: 'emulator', created: '2026-01-01T00:00:00.000Z', source: 'test', timing: 'synthetic', redacted: false });

async function raws(rx: string, write: Buffer, copy: boolean): Promise<string[]> {
  const file = [header, JSON.stringify({ t: 0, dir: 'tx', text: 'AT+CSQ\r' }), JSON.stringify({ t: 0.01, dir: 'rx', text: rx })].join('\n') + '\n';
  const input = await openSessionInput('-', Readable.from([Buffer.from(file)]));
  const out: string[] = [];
  const d = new SessionDecoder((i) => out.push(i.event.raw), { grammar: defaultGrammar() });
  await input.pump((e) => {
    if (e.dir === 'note') return d.push(e);
    const at = e.data.indexOf('xxx');
    if (at >= 0) write.copy(e.data, at);
    d.push(copy ? { t: e.t, dir: e.dir, data: e.data } : e);
  });
  d.end();
  return out;
}

describe('a scanned transcript entry edited in place', () => {
  it('UTF-8 over ASCII bytes: decoded as its bytes, like a plain copy', async () => {
    const got = await raws('\r\n+CSQ: xxx,99\r\n', Buffer.from('\u2022'), false);
    expect(got).toContain('+CSQ: \u2022,99');
    expect(got).toEqual(await raws('\r\n+CSQ: xxx,99\r\n', Buffer.from('\u2022'), true));
  });
  it('bytes no longer UTF-8 (over a non-ASCII entry): the byte path, like a plain copy', async () => {
    const rx = '\r\n+CSQ: xxx,99 阀\r\n';
    expect(await raws(rx, Buffer.from([0xff, 0xfe, 0x80]), false)).toEqual(await raws(rx, Buffer.from([0xff, 0xfe, 0x80]), true));
  });
});
