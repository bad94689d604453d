/**
 * QMT code tables against ../shared/protocol/qmt.md §3 (the oracle: the reference's wording,
 * matched by its key words), each entry in English and Chinese with its source tag.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_RESULT, CONNACK, CONN_RESULT, CONN_STATE, DISC_RESULT, OPEN_RESULT, STAT_ERR, ackResult, explainQmt, grantedQosMeaning } from '../../../src/dialects/qmt/codes.js';
import { parseQmtLine } from '../../../src/dialects/qmt/urc.js';

function explainLine(line: string) {
  const ev = parseQmtLine(line);
  if (!ev) throw new Error(`does not parse: ${line}`);
  return explainQmt(ev);
}

const HAS_HAN = /[\u4e00-\u9fff]/;

describe('tables (§3)', () => {
  it.each([
    [-1, /open.*fail|fail.*open/i],
    [0, /opened/i],
    [1, /wrong parameter/i],
    [2, /identifier is occupied/i],
    [3, /PDP/],
    [4, /domain name/i],
    [5, /network connection error/i],
  ])('+QMTOPEN result %i', (code, words) => {
    const e = OPEN_RESULT.get(code);
    expect(e?.meaning.en).toMatch(words);
    expect(e?.meaning.zh).toMatch(HAS_HAN);
    expect(e?.source).toMatch(/\[AN-BG95\]/);
  });

  it('+QMTCLOSE / +QMTDISC 0 done, -1 failed', () => {
    for (const t of [CLOSE_RESULT, DISC_RESULT]) {
      expect(t.get(-1)?.meaning.en).toMatch(/fail/i);
      expect(t.get(0)?.meaning.en).not.toMatch(/fail/i);
    }
  });

  it.each([
    [0, /CONNACK received/],
    [1, /retransmi/i],
    [2, /failed to send/i],
  ])('+QMTCONN result %i', (code, words) => expect(CONN_RESULT.get(code)?.meaning.en).toMatch(words));

  it.each([
    [0, /accepted/i],
    [1, /protocol version/i],
    [2, /identifier rejected/i],
    [3, /server unavailable/i],
    [4, /user name or password/i],
    [5, /not authori[sz]ed/i],
  ])('CONNACK ret_code %i', (code, words) => expect(CONNACK.get(code)?.meaning.en).toMatch(words));

  it.each([
    [1, /peer closed or reset/i, /reopen/i],
    [2, /PINGREQ/, /PDP/],
    [3, /CONNECT timed out/i, /client ID/i],
    [4, /CONNACK timed out/i, /credentials/i],
    [5, /after our DISCONNECT/i, /normal/i],
    [6, /send failures/i, /congestion/i],
    [7, /not alive|unavailable/i, /reachab/i],
    [8, /client closed/i, /reconnect/i],
  ])('+QMTSTAT %i with what to check', (code, words, check) => {
    const e = STAT_ERR.get(code);
    expect(e?.meaning.en).toMatch(words);
    expect(e?.check?.en).toMatch(check);
    expect(e?.check?.zh).toMatch(HAS_HAN);
  });

  it('+QMTSTAT 8 is marked as a third-party source, 1–7 as the AN', () => {
    expect(STAT_ERR.get(8)?.source).toMatch(/^C /);
    for (let c = 1; c <= 7; c++) expect(STAT_ERR.get(c)?.source).toMatch(/^D /);
  });

  it.each([
    [1, /initializing/i],
    [2, /connecting/i],
    [3, /connected/i],
    [4, /disconnecting/i],
  ])('AT+QMTCONN? state %i', (state, words) => expect(CONN_STATE.get(state)?.meaning.en).toMatch(words));

  it('SUB/UNS/PUB results 0 acked, 1 retransmission, 2 failed; SUB values 0–2 granted, 128 refused', () => {
    for (const op of ['sub', 'uns', 'pub'] as const) {
      expect(ackResult(op, 1)?.meaning.en).toMatch(/retransmi/i);
      expect(ackResult(op, 2)?.meaning.en).toMatch(/failed to send/i);
      expect(ackResult(op, 3)).toBeNull();
    }
    expect(grantedQosMeaning(2)?.en).toMatch(/granted QoS 2/);
    expect(grantedQosMeaning(128)?.en).toMatch(/refused/);
    expect(grantedQosMeaning(3)).toBeNull();
  });
});

describe('explanations of reference lines', () => {
  it('+QMTOPEN: 0,-1 names the TLS and network checks', () => {
    const t = explainLine('+QMTOPEN: 0,-1');
    expect(t?.en).toMatch(/check:.*certificate/i);
    expect(t?.zh).toMatch(HAS_HAN);
  });

  it('+QMTCONN: 0,0,5 is a refused connect (result 0 is not success by itself)', () => {
    expect(explainLine('+QMTCONN: 0,0,5')?.en).toMatch(/refused: not authori[sz]ed/);
    expect(explainLine('+QMTCONN: 0,0,0')?.en).toMatch(/accepted/);
    expect(explainLine('+QMTCONN: 0,0')?.en).toMatch(/no ret_code/);
  });

  it('+QMTSUB with a 128 says a filter was refused', () => {
    expect(explainLine('+QMTSUB: 0,1,0,1,128')?.en).toMatch(/refused/);
    expect(explainLine('+QMTSUB: 0,1,0,2')?.en).toMatch(/granted QoS 2/);
  });

  it('+QMTSTAT says the client is closed and the host must reconnect', () => {
    expect(explainLine('+QMTSTAT: 0,2')?.en).toMatch(/PINGREQ.*host/);
  });

  it('an undocumented code is said to be undocumented, not guessed', () => {
    expect(explainLine('+QMTOPEN: 0,9')?.en).toMatch(/not documented/);
    expect(explainLine('+QMTSTAT: 0,42')?.en).toMatch(/not documented/);
  });
});
