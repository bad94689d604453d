import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cat1, ROOT } from '../helpers/cli.js';

/** Logs as people paste them (test/transcript/pasted/): the CLI reads them, exit 0, and names the first failure. */
const V = join(ROOT, 'test', 'transcript', 'pasted', 'variants');
const T = join(ROOT, 'test', 'transcript', 'pasted', 'twins');
const tmp = mkdtempSync(join(tmpdir(), 'cat1-pasted-'));

describe('cat1 decode on pasted logs', () => {
  const cases: Array<[string, string]> = [
    ['v02-conn-refused.log', 'first failure: +ECMTCONN: 0,0,5'], // GBK, CRLF, notes
    ['v03-conn-refused.log', 'first failure: +ECMTCONN: 0,0,5'], // line numbers, CR only
    ['v06-conn-refused.log', 'first failure: +ECMTCONN: 0,0,5'], // a 2 KB burst of junk
    ['v10-tls-retry.log', 'first failure: +ECMTCONN: 0,2,2'], // GBK, CR only
    ['v26-module-only.log', 'first failure: +ECMTCONN: 0,0,4'], // the module's side only
    ['v33-single-urc.log', 'first failure: +ECMTDISC: 0,0'], // a BOM and one line
    ['v35-single-command.log', 'no failure seen'], // a BOM and one command
    ['v41-pasted-commands.log', 'first failure: ERROR'], // cat1's own output read back
  ];
  it.each(cases)('%s: exit 0 and the summary says "%s"', async (file, line) => {
    const r = await cat1(['decode', join(V, file)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(line);
  });

  it('explains the EC626 retry pattern and names both URCs', async () => {
    const r = await cat1(['decode', join(V, 'v12-tls-retry.log')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/first failure at 0\.500s: \+ECMTCONN: 0,2,2 — .*two URCs/);
    expect(r.stdout).toMatch(/then at 0\.600s: \+ECMTCONN: 0,0,0/);
  });

  it('--json: notes kept as "note", garbage items with bytes and diagnosis, secrets masked', async () => {
    const r = await cat1(['decode', '--json', join(V, 'v01-conn-refused.log')]);
    expect(r.code).toBe(0);
    const objs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.filter((o) => o['note'] !== undefined).map((o) => [o['raw'], o['note']])).toEqual([
      ['OK', '← 成功'],
      ['OK', '// ok'],
      ['+ECMTOPEN: 0,0', '(链路建立)'],
      ['OK', '<-- ok'],
      ['+ECMTCONN: 0,0,5', '← 认证失败'],
      ['+ECMTSTAT: 0,1', '# 掉线了'],
    ]);
    expect(r.stdout).not.toContain('pw-123456');
    expect(r.stdout).not.toContain('user1');
    const g = await cat1(['decode', '--json', join(V, 'v05-conn-refused.log')]);
    const garbage = g.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => o['type'] === 'garbage');
    expect(garbage.map((o) => [o['role'], o['length'], o['diagnosis']])).toEqual([['garbage', 8, 'power-up']]);
    expect(String(garbage[0]?.['explain'])).toMatch(/power-up/);
  });

  it('masks a password in a pasted command whose mistakes hide it from the rules (full-width commas, near-miss name)', async () => {
    const log = join(tmp, 'fw.log');
    writeFileSync(log, ['AT+ECMTCONN=0，"dev"，"someuser"，"Sup3rSecret"   // connect', 'ERROR  ← 为什么', 'AT+ECMTCON=0,"dev","someuser","Sup3rSecret"', 'ERROR'].join('\n'));
    for (const args of [['decode', log], ['decode', '--json', log]]) {
      const r = await cat1(args);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('Sup3rSecret');
      expect(r.stdout).not.toContain('someuser');
      // the corrected command is shown, masked too
      expect(r.stdout).toMatch(/corrected"?: ?"?AT\+ECMTCONN=0,\\?"dev\\?",\\?"\*{8}\\?",\\?"\*{11}/);
    }
  });

  it('refuses as binary only a file with no AT-shaped line at all', async () => {
    const junk = join(tmp, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) & 0xff)));
    const r = await cat1(['decode', junk]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/binary data.*no line of it reads as an AT command/);
  });

  it('replay --verify reads a CR-only, line-numbered log as its clean twin', async () => {
    const a = await cat1(['replay', '--verify', join(T, 'conn-refused.log')]);
    const b = await cat1(['replay', '--verify', join(V, 'v03-conn-refused.log')]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stdout).toContain('3 of 3 commands replayed');
  });
});

describe('cat1 at: the copy-paste lint before sending', () => {
  it('warns with what the module will answer and the corrected command, masked, before it opens the port', async () => {
    const r = await cat1(['at', '--port', join(tmp, 'no-such-port'), 'AT+ECMTCON=0,“id”,"someuser","Sup3rSecret"']);
    expect(r.stderr).toContain('did you mean AT+ECMTCONN?');
    expect(r.stderr).toMatch(/typographic quote/);
    expect(r.stderr).toMatch(/the module answers ERROR.*corrected: AT\+ECMTCONN=0,"id","\*{8}","\*{11}"/);
    expect(r.stderr).not.toContain('Sup3rSecret');
    expect(r.stderr.indexOf('corrected')).toBeLessThan(r.stderr.indexOf('cannot open'));
  });
});
