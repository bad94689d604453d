import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanFiles } from '../../src/report/scan.js';
import { makeBundle } from '../../src/report/bundle.js';
import { gunzipSync } from 'node:zlib';

const file = (name: string, text: string) => ({ name, data: Buffer.from(text, 'utf8') });

describe('the bundle scan', () => {
  const secret = 'Hunter2-canary';

  it('finds a known secret in plain, hex (either case) and base64 forms, and names file and form but not the value', () => {
    const f = scanFiles(
      [
        file('a.txt', `x ${secret} y`),
        file('b.txt', `payload 0x${Buffer.from(secret).toString('hex').toUpperCase()}`),
        file('c.json', `{"p":"${Buffer.from(`{"pw":"${secret}"}`).toString('base64')}"}`),
        file('d.txt', 'nothing here'),
      ],
      { secrets: [secret] },
    );
    expect(f.map((x) => [x.file, x.form])).toEqual(expect.arrayContaining([['a.txt', 'plain'], ['b.txt', 'hex'], ['c.json', 'base64']]));
    expect(f.some((x) => x.file === 'd.txt')).toBe(false);
    expect(JSON.stringify(f)).not.toContain(secret);
  });

  it('finds a secret base64-encoded at any offset inside a longer payload (property, 300 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (before, after) => {
        const blob = Buffer.concat([Buffer.from(before), Buffer.from(secret), Buffer.from(after)]).toString('base64');
        return scanFiles([file('t.jsonl', `{"b64":"${blob}"}`)], { secrets: [secret] }).length > 0;
      }),
      { numRuns: 300 },
    );
  });

  it('finds IMSI and ICCID shapes in plain, inside hex and inside base64; an IMEI the run saw is allowed', () => {
    const imsi = '460001234567890';
    const iccid = '89860012345678901234';
    const imei = '352099001761481';
    expect(scanFiles([file('a', `+CIMI: ${imsi}`)], { secrets: [] }).map((x) => x.what)).toEqual(['IMSI-shaped number']);
    expect(scanFiles([file('a', `ICCID ${iccid}`)], { secrets: [] }).map((x) => x.what)).toEqual(['ICCID-shaped number']);
    expect(scanFiles([file('a', Buffer.from(`\r\n${imsi}\r\n`).toString('hex'))], { secrets: [] }).map((x) => x.form)).toContain('inside hex');
    expect(scanFiles([file('a', `{"b64":"${Buffer.from(`\r\n+ICCID: ${iccid}\r\n`).toString('base64')}"}`)], { secrets: [] }).map((x) => x.form)).toContain('inside base64');
    expect(scanFiles([file('a', `+CGSN: ${imei}`)], { secrets: [], allow: [imei] })).toEqual([]);
    // masked values and ordinary numbers are not flagged
    expect(scanFiles([file('a', '+CIMI: ***************  t=1733570000.123 port 39863')], { secrets: [] })).toEqual([]);
  });

  it('makeBundle refuses when the scan finds something, and otherwise holds the five files', () => {
    const parts = { transcript: '{"cat1":"transcript"}\n', report: { type: 'compare-report' }, html: '<!DOCTYPE html>', environment: { cat1: '0.1.0' }, masked: ['x'], verb: 'compare' };
    const bad = makeBundle({ ...parts, html: `<p>${secret}</p>` }, { secrets: [secret] });
    expect(bad.ok).toBe(false);
    const good = makeBundle(parts, { secrets: [secret] });
    expect(good.ok).toBe(true);
    if (!good.ok) return;
    expect(good.files).toEqual(['README.txt', 'transcript.jsonl', 'report.json', 'report.html', 'environment.json']);
    // the tar headers name the files in order (ustar: name at offset 0 of each 512-byte header)
    const tar = gunzipSync(good.data);
    expect(tar.subarray(257, 262).toString('latin1')).toBe('ustar');
    expect(tar.subarray(0, 10).toString('latin1')).toBe('README.txt');
  });
});
