/**
 * The decode summary reads right for each dialect: the words for a session the module ended by
 * itself name that dialect's URC, and a QMT log is summarised from its own commands and URCs.
 * Oracles: shared/protocol/ecmt.md (an unsolicited `+ECMTDISC: 0,0` after the module gives up
 * reconnecting ends the session) and the fixture hardware-fixtures/emulator-qmt-ec800n-session.jsonl,
 * counted by hand from its lines: six commands (AT+QMTCFG, AT+QMTOPEN, AT+QMTCONN, AT+QMTSUB on
 * "fixture/qmt", AT+QMTPUBEX, AT+QMTDISC), seven URCs (+QMTOPEN, +QMTCONN, +QMTSUB, +QMTRECV,
 * +QMTPUBEX, +QMTRECV, +QMTDISC), two messages of 55 and 17 bytes (their length fields), no failure.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cat1, ROOT } from '../helpers/cli.js';

const QMT_SESSION = join(ROOT, 'hardware-fixtures', 'emulator-qmt-ec800n-session.jsonl');

describe('decode summary per dialect', () => {
  it('an ECMT session that ended by itself: the summary names +ECMTDISC, in English and Chinese', async () => {
    const log = 'AT+ECMTOPEN=0,"b.example",1883\r\nOK\r\n+ECMTOPEN: 0,0\r\n+ECMTDISC: 0,0\r\n';
    const en = await cat1(['decode', '--dialect', 'auto', '--no-color', '-'], { input: log });
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toContain('1× session ended by itself (+ECMTDISC), no reconnect');
    const zh = await cat1(['decode', '--dialect', 'auto', '--lang', 'zh', '--no-color', '-'], { input: log });
    expect(zh.stdout).toContain('1× 会话自行结束（+ECMTDISC），不会重连');
  });

  it('a QMT session: the counts of its lines, the subscribed topic, no session-end words and no ECMT name', async () => {
    const j = await cat1(['decode', '--dialect', 'auto', '--json', QMT_SESSION]);
    expect(j.code, j.stderr).toBe(0);
    const summary = JSON.parse(j.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(summary).toMatchObject({
      type: 'summary',
      commands: 6,
      errors: 0,
      urcs: 7,
      connectCount: 1,
      connectFailed: 0,
      subscribes: { ok: 1, failed: 0, topics: ['fixture/qmt'] },
      publishes: { sent: 1, ok: 1, failed: 0 },
      received: { messages: 2, bytes: 55 + 17, topics: ['fixture/qmt'] },
      linkLost: 0,
      ended: 0,
      disconnected: true,
      failures: 0,
    });
    for (const lang of ['en', 'zh']) {
      const h = await cat1(['decode', '--dialect', 'auto', '--lang', lang, '--no-color', QMT_SESSION]);
      expect(h.code, h.stderr).toBe(0);
      expect(h.stdout).not.toMatch(/ECMT|session ended by itself|会话自行结束/);
    }
  });
});
