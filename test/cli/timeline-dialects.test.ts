/**
 * The timeline reads failures and multi-line messages from the dialects' tables, not from ECMT's
 * event names (issue 15): a QMT result that reports a failure is painted as one, like its ECMT
 * twin, and a QMT message whose payload runs over several lines prints one line per payload line,
 * which `decode` reads back to the same payload.
 *
 * Oracles: which results are failures comes from the protocol references (ecmt.md / qmt.md:
 * CONNACK 5 = not authorized, `+QMTSTAT`/`+ECMTSTAT` = link lost); the payloads are written in
 * the logs below by hand.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cat1-timeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RED = '\x1b[31m';
const DIM = '\x1b[2m';
const ESC = /\x1b\[[0-9;]*m/g;

function file(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\r\n') + '\r\n');
  return p;
}

/** The painted explanation after a URC's line: the SGR code it starts with. */
function meaningColour(out: string, urc: string): string | null {
  const line = out.split('\n').find((l) => l.replace(ESC, '').includes(urc));
  if (!line) return null;
  const at = line.indexOf(urc);
  const m = /\x1b\[(31|2)m/.exec(line.slice(at + urc.length));
  return m ? `\x1b[${m[1]}m` : null;
}

const colour = { env: { FORCE_COLOR: '1' } };

describe('timeline: failures by the dialects\' result tables', () => {
  it.each([
    ['qmt', ['AT+QMTCONN=0,"dev"', 'OK', '', '+QMTCONN: 0,0,5', '', '+QMTSTAT: 0,1', 'AT+QMTCONN=0,"dev"', 'OK', '', '+QMTCONN: 0,0,0'], '+QMTCONN: 0,0,5', '+QMTSTAT: 0,1', '+QMTCONN: 0,0,0'],
    ['ecmt', ['AT+ECMTCONN=0,"dev"', 'OK', '', '+ECMTCONN: 0,0,5', '', '+ECMTSTAT: 0,1', 'AT+ECMTCONN=0,"dev"', 'OK', '', '+ECMTCONN: 0,0,0'], '+ECMTCONN: 0,0,5', '+ECMTSTAT: 0,1', '+ECMTCONN: 0,0,0'],
  ])('%s: a refused CONNACK and a link loss read as failures, an accepted one does not', async (dialect, lines, refused, lost, accepted) => {
    const r = await cat1(['decode', '--dialect', dialect, file(`${dialect}-conn.log`, lines)], colour);
    expect(r.code).toBe(0);
    expect(meaningColour(r.stdout, refused)).toBe(RED);
    expect(meaningColour(r.stdout, lost)).toBe(RED);
    expect(meaningColour(r.stdout, accepted)).toBe(DIM);
  });
});

describe('timeline: a multi-line QMT message', () => {
  // a quoted payload over three lines (no length field), then a length-framed one over two
  const log = file('qmt-recv.log', ['AT+QMTSUB=0,1,"a/b",1', 'OK', '', '+QMTSUB: 0,1,0,1', '', '+QMTRECV: 0,1,"a/b","{', '  "x": 1', '}"', '', '+QMTRECV: 0,2,"a/b",5,"he', 'l"']);

  it('prints each payload line on a continuation line of its own', async () => {
    const r = await cat1(['decode', '--dialect', 'qmt', log]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.includes('+QMTRECV: 0,1,"a/b","{'));
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toMatch(/^ +│ {3}"x": 1$/);
    expect(lines[at + 2]).toMatch(/^ +│ \}"$/);
    const second = lines.findIndex((l) => l.includes('+QMTRECV: 0,2,"a/b",5,"he'));
    expect(lines[second + 1]).toMatch(/^ +│ l"$/);
  });

  it('reads its own output back to the same payloads', async () => {
    const first = await cat1(['decode', '--dialect', 'qmt', log]);
    const again = file('qmt-recv.out', first.stdout.split('\n'));
    const r = await cat1(['decode', '--json', '--dialect', 'qmt', again]);
    expect(r.code).toBe(0);
    const payloads = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; payload?: string })
      .filter((o) => o.type === 'qmt-recv')
      .map((o) => o.payload);
    expect(payloads).toEqual(['{\r\n  "x": 1\r\n}', 'he\r\nl']);
  });
});
