/**
 * `cat1 decode --dialect auto` of QMT logs through the built CLI (run `npm run build` first): the fixtures of
 * hardware-fixtures/quectel-*.jsonl and a log pasted from a terminal decode to typed, explained
 * QMT items. Oracles: the fixtures' own lines and ../shared/protocol/qmt.md §3 (the code meanings).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cat1, ROOT } from '../../helpers/cli.js';

const FX = (name: string) => join(ROOT, 'hardware-fixtures', name);

async function items(args: string[], input?: string): Promise<Array<Record<string, unknown>>> {
  const r = await cat1(['decode', '--dialect', 'auto', ...args, '--json'], input === undefined ? {} : { input });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('cat1 decode of QMT fixtures', () => {
  it('the BG95-M3 log: a payload with quotes and a line break, closing quote on the next line, kept exact', async () => {
    const all = await items([FX('quectel-bg95-inline-pubex.jsonl')]);
    const recv = all.filter((i) => i['type'] === 'qmt-recv');
    expect(recv.map((r) => r['payload'])).toEqual(['AT+QMTPUBEX=0,1,1,0,"main_topic","Temperature: 22stC"\r\n', 'Presure: 3.2Bar', 'Temperature: 23stC']);
    expect(recv[0]).toMatchObject({ topic: 'main_topic', msgId: 1, idx: 0, boundary: 'inferred', role: 'urc' });
    expect(recv[1]).toMatchObject({ boundary: 'certain' });
    // the inline AT+QMTPUBEX is answered by +QMTPUB: (qmt.md §2.3, O [BG95LOG])
    expect(all.filter((i) => i['type'] === 'qmt-pub').map((p) => [p['urc'], p['result']])).toEqual([
      ['QMTPUB', 0],
      ['QMTPUB', 0],
      ['QMTPUB', 0],
    ]);
    expect(all.find((i) => i['type'] === 'qiact')).toMatchObject({ cid: 1, state: 1, contextType: 1, addresses: ['198.51.100.7'] });
  });

  it('the human summary names the QMT link-loss URC and the host the log opened', async () => {
    // the fixture's own lines: AT+QMTOPEN=0,"broker.example.com",1883 and two +QMTSTAT: 0,4
    const r = await cat1(['decode', '--dialect', 'auto', '--no-color', FX('quectel-thingsboard-refused.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/open broker\.example\.com:1883 /);
    expect(r.stdout).toMatch(/2× \+QMTSTAT \(link lost\)/);
    expect(r.stdout).not.toMatch(/ECMT/);
    const zh = await cat1(['decode', '--dialect', 'qmt', '--lang', 'zh', '--no-color', FX('quectel-thingsboard-refused.jsonl')]);
    expect(zh.stdout).toMatch(/2× \+QMTSTAT （链路断开）/);
    const summary = (await items([FX('quectel-thingsboard-refused.jsonl')])).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', linkLostUrc: '+QMTSTAT', open: { host: 'broker.example.com', port: 1883 } });
  });

  it('the ThingsBoard refusals are explained: identifier rejected, not authorized, CONNACK timeout, no auto-reconnect', async () => {
    const all = await items([FX('quectel-thingsboard-refused.jsonl')]);
    const conn = all.filter((i) => i['type'] === 'qmt-conn');
    expect(conn.map((c) => c['retCode'])).toEqual([2, 5]);
    expect(String(conn[0]!['explain'])).toMatch(/identifier rejected/);
    expect(String(conn[1]!['explain'])).toMatch(/not authori[sz]ed/);
    const stat = all.filter((i) => i['type'] === 'qmt-stat');
    expect(stat.map((s) => s['errCode'])).toEqual([4, 4]);
    expect(String(stat[0]!['explain'])).toMatch(/CONNACK timed out.*host/);
  });

  it('the summary counts the refused connects and the link losses, the first failure named by its URC', async () => {
    const summary = (await items([FX('quectel-thingsboard-refused.jsonl')])).at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', connectCount: 2, connectFailed: 2, linkLost: 2 });
    expect(summary['firstFailure']).toMatchObject({ raw: '+QMTCONN: 0,0,2' });
    const bg95 = (await items([FX('quectel-bg95-inline-pubex.jsonl')])).at(-1)!;
    expect(bg95).toMatchObject({ publishes: { ok: 3, failed: 0 }, received: { messages: 3, inferred: 1 } });
  });

  it('the EC800M log: read form, test form and unquoted client ID, in Chinese too', async () => {
    const all = await items([FX('quectel-ec800m-aliyun.jsonl')]);
    expect(all.find((i) => i['type'] === 'qmt-open-state')).toMatchObject({ idx: 0, host: 'broker.example.com', port: 1883, role: 'answer' });
    expect(all.find((i) => i['type'] === 'qmt-test')).toMatchObject({ command: '+QMTPUBEX' });
    expect(all.find((i) => i['type'] === 'qmt-sub')).toMatchObject({ msgId: 1, result: 0, values: [1] });
    const zh = await items([FX('quectel-ec800m-aliyun.jsonl'), '--lang', 'zh']);
    expect(String(zh.find((i) => i['type'] === 'qmt-open')?.['explain'])).toMatch(/网络已打开/);
  });

  it('--dialect qmt decodes a QMT fixture the same as auto', async () => {
    const r = await cat1(['decode', '--dialect', 'qmt', '--json', FX('quectel-bg96-wiznet.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    const named = r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(named.filter((i) => i['type'] !== 'summary')).toEqual((await items([FX('quectel-bg96-wiznet.jsonl')])).filter((i) => i['type'] !== 'summary'));
  });

  it('the BG96 guide: a prompt-mode publish, a granted QoS 2 and a downlink', async () => {
    const all = await items([FX('quectel-bg96-wiznet.jsonl')]);
    expect(all.find((i) => i['type'] === 'qmt-recv')).toMatchObject({ topic: 'topic/openhouse-A', payload: 'Hello WIZnet', msgId: 0 });
    expect(String(all.find((i) => i['type'] === 'qmt-sub')?.['explain'])).toMatch(/granted QoS 2/);
  });
});

describe('cat1 decode of a QMT log pasted from a terminal', () => {
  // the WIZnet guide's log as printed in the guide (qmt.md [WIZ]); credentials replaced by canaries
  const LOG = [
    'AT+QMTOPEN=0,"broker.example.com",1883',
    'OK',
    '',
    '+QMTOPEN: 0,5',
    'AT+QMTOPEN=0,"broker.example.com",1883',
    'OK',
    '',
    '+QMTOPEN: 0,0',
    'AT+QMTCONN=0,"clientExample","canary-user-7","canary-pass-7"',
    'OK',
    '',
    '+QMTCONN: 0,0,0',
    'AT+QMTSUB=0,1,"topic/openhouse-A",2',
    'OK',
    '',
    '+QMTSUB: 0,1,0,2',
    '',
    '+QMTRECV: 0,0,"topic/openhouse-A","Hello WIZnet"',
    '',
  ].join('\r\n');

  it('gives typed, explained items and masks the credentials', async () => {
    const r = await cat1(['decode', '--dialect', 'auto', '-'], { input: LOG });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/canary-(user|pass)/);
    expect(r.stdout).toMatch(/\+QMTOPEN: 0,5\s+network connection error/);
    expect(r.stdout).toMatch(/\+QMTCONN: 0,0,0\s+connection accepted/);
    const all = await items(['-'], LOG);
    expect(all.filter((i) => i['type'] === 'qmt-open').map((o) => o['result'])).toEqual([5, 0]);
    expect(all.find((i) => i['type'] === 'qmt-recv')).toMatchObject({ payload: 'Hello WIZnet' });
  });
});
