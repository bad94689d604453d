/**
 * The sensitive lines the redaction properties run over: those of the fixtures (the spans they
 * mark as redacted, refilled with canary values of the same length) and the commands and answers
 * of the protocol reference that carry secrets (shared/protocol/ecmt.md, qmt.md §2.2; 3GPP 27.007
 * for PIN, ICCID, IMSI), each with its masked form written by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTranscript } from '../../src/recording/reader.js';
import { ROOT } from './cli.js';

export const CANARY = 'Kz7-Canary-q';

export interface Sensitive {
  dir: 'tx' | 'rx';
  line: string;
  /** the values that must never show */
  secrets: string[];
  /** the line as the redactor must show it (written by hand, or the fixture's own masked text) */
  masked: string;
  from: string;
}

/** The lines of the fixtures that carry redacted spans, the spans refilled with canary values of the same length (5+ bytes). */
export function fixtureLines(): Sensitive[] {
  const dir = join(ROOT, 'hardware-fixtures');
  const out: Sensitive[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    const t = parseTranscript(readFileSync(join(dir, f), 'utf8'), f);
    for (const e of t.entries) {
      if (e.dir === 'note' || !e.redact || e.redact.length === 0) continue;
      const masked = e.data.toString('latin1');
      let line = masked;
      const secrets: string[] = [];
      e.redact.forEach((s, k) => {
        const value = `${k}${CANARY}${CANARY}`.slice(0, Math.max(s.len, 5));
        secrets.push(value);
        line = line.slice(0, s.at) + value + line.slice(s.at + s.len);
      });
      // a refilled value longer than the span moves what follows: the masked form is the line's, span for span
      const expected = secrets.reduce((l, v) => l.replace(v, '*'.repeat(v.length)), line);
      out.push({ dir: e.dir, line, secrets, masked: expected, from: `${f} t=${e.t}` });
    }
  }
  return out;
}

/** Text as the redactor reads it: its UTF-8 bytes as latin1 (one character a byte). */
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const IMSI = '460018529637410';
const ICCID = '89860318752046193847';
const S15 = '*'.repeat(15);
const S20 = '*'.repeat(20);

/**
 * An IMSI or ICCID after a label without `+` (firmware prints, people's notes, Chinese labels),
 * vendors' ICCID answers (ZTE `+ZGETICCID`, Telit `#CCID`, Nordic `%XICCID`, Sequans `+SQNCCID`,
 * ASR `*MICCID`), a quoted bare IMSI, and the default PDP context's credentials
 * (`AT*MCGDEFCONT`, SIMCom SIM7020 AT manual form). Values of 3GPP TS 23.003 form, made up.
 */
export const LABELLED: Sensitive[] = [
  { dir: 'rx', line: `IMSI: ${IMSI}\r\n`, secrets: [IMSI], masked: `IMSI: ${S15}\r\n`, from: 'IMSI: label' },
  { dir: 'rx', line: `ICCID: ${ICCID}\r\n`, secrets: [ICCID], masked: `ICCID: ${S20}\r\n`, from: 'ICCID: label' },
  { dir: 'rx', line: `ICCID=${ICCID}\r\n`, secrets: [ICCID], masked: `ICCID=${S20}\r\n`, from: 'ICCID= label' },
  { dir: 'rx', line: `imsi ${IMSI}\r\n`, secrets: [IMSI], masked: `imsi ${S15}\r\n`, from: 'imsi label, a blank' },
  { dir: 'rx', line: `[SIM] SIM ICCID: ${ICCID}\r\n`, secrets: [ICCID], masked: `[SIM] SIM ICCID: ${S20}\r\n`, from: 'SIM ICCID: label' },
  { dir: 'rx', line: bytes(`卡号: ${ICCID}\r\n`), secrets: [ICCID], masked: bytes(`卡号: ${S20}\r\n`), from: 'Chinese label 卡号' },
  { dir: 'rx', line: bytes(`IMSI：${IMSI}\r\n`), secrets: [IMSI], masked: bytes(`IMSI：${S15}\r\n`), from: 'IMSI and a full-width colon' },
  { dir: 'tx', line: `ICCID=${ICCID}\r`, secrets: [ICCID], masked: `ICCID=${S20}\r`, from: 'a host line with a label' },
  { dir: 'rx', line: `+ZGETICCID: ${ICCID}\r\n`, secrets: [ICCID], masked: `+ZGETICCID: ${S20}\r\n`, from: 'ZTE +ZGETICCID' },
  { dir: 'rx', line: `#CCID: ${ICCID}\r\n`, secrets: [ICCID], masked: `#CCID: ${S20}\r\n`, from: 'Telit #CCID' },
  { dir: 'rx', line: `%XICCID: ${ICCID}\r\n`, secrets: [ICCID], masked: `%XICCID: ${S20}\r\n`, from: 'Nordic %XICCID' },
  { dir: 'rx', line: `+SQNCCID: "${ICCID}",""\r\n`, secrets: [ICCID], masked: `+SQNCCID: "${S20}",""\r\n`, from: 'Sequans +SQNCCID, quoted' },
  { dir: 'rx', line: `*MICCID: ${ICCID}\r\n`, secrets: [ICCID], masked: `*MICCID: ${S20}\r\n`, from: 'ASR *MICCID' },
  { dir: 'rx', line: `"${IMSI}"\r\n`, secrets: [IMSI], masked: `"${S15}"\r\n`, from: 'a quoted bare IMSI, the command unseen' },
  { dir: 'tx', line: `AT*MCGDEFCONT="IP","cmnet","u${CANARY}","${CANARY}"\r`, secrets: [`u${CANARY}`, CANARY], masked: `AT*MCGDEFCONT="IP","cmnet","${'*'.repeat(1 + CANARY.length)}","${'*'.repeat(CANARY.length)}"\r`, from: 'ASR/SIMCom default PDP context with credentials' },
  { dir: 'rx', line: `AT*MCGDEFCONT="IP","cmnet","u${CANARY}","${CANARY}"\r\r\n`, secrets: [`u${CANARY}`, CANARY], masked: `AT*MCGDEFCONT="IP","cmnet","${'*'.repeat(1 + CANARY.length)}","${'*'.repeat(CANARY.length)}"\r\r\n`, from: 'AT*MCGDEFCONT, the echo' },
];

const P = CANARY;
/** From the protocol reference (shared/protocol/ecmt.md §commands, qmt.md §2.2) and 3GPP 27.007 for PIN/ICCID/IMSI. */
export const REFERENCE: Sensitive[] = [
  { dir: 'tx', line: `AT+ECMTCONN=0,"dev1","user-${P}","${P}"\r`, secrets: [`user-${P}`, P], masked: `AT+ECMTCONN=0,"dev1","${'*'.repeat(5 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'ecmt connect' },
  { dir: 'rx', line: `AT+ECMTCONN=0,"dev1","user-${P}","${P}"\r\r\n`, secrets: [`user-${P}`, P], masked: `AT+ECMTCONN=0,"dev1","${'*'.repeat(5 + P.length)}","${'*'.repeat(P.length)}"\r\r\n`, from: 'ecmt connect, the echo' },
  { dir: 'tx', line: `at+ecmtconn = 0,"d","u${P}","${P}"\r`, secrets: [`u${P}`, P], masked: `at+ecmtconn = 0,"d","${'*'.repeat(1 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'lower case, spaces' },
  { dir: 'tx', line: `AT+CSQ;+ECMTCONN=0,"d","u${P}","${P}"\r`, secrets: [`u${P}`, P], masked: `AT+CSQ;+ECMTCONN=0,"d","${'*'.repeat(1 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'a chained command' },
  { dir: 'tx', line: `AT+ECMTCONN=0,"d","u${P}","${P}";+CSQ\r`, secrets: [`u${P}`, P], masked: `AT+ECMTCONN=0,"d","${'*'.repeat(1 + P.length)}","${'*'.repeat(P.length)}";+CSQ\r`, from: 'a chain after the connect' },
  { dir: 'tx', line: `AT+ECMTCFG="ssl","psk","${P}","ident-${P}"\r`, secrets: [P, `ident-${P}`], masked: `AT+ECMTCFG="ssl","psk","${'*'.repeat(P.length)}","${'*'.repeat(6 + P.length)}"\r`, from: 'ecmt tls psk' },
  { dir: 'tx', line: `AT+ECMTCFG="aliauth",0,"pk${P}","dn${P}","${P}"\r`, secrets: [`pk${P}`, `dn${P}`, P], masked: `AT+ECMTCFG="aliauth",0,"${'*'.repeat(2 + P.length)}","${'*'.repeat(2 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'ecmt aliauth' },
  { dir: 'rx', line: `+ECMTCFG: "aliauth",dn${P},${P},pk${P}\r\n`, secrets: [`dn${P}`, P, `pk${P}`], masked: `+ECMTCFG: "aliauth",${'*'.repeat(2 + P.length)},${'*'.repeat(P.length)},${'*'.repeat(2 + P.length)}\r\n`, from: 'ecmt aliauth query answer' },
  { dir: 'tx', line: `AT+QMTCONN=0,"dev1","u${P}","${P}"\r`, secrets: [`u${P}`, P], masked: `AT+QMTCONN=0,"dev1","${'*'.repeat(1 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'qmt connect' },
  { dir: 'tx', line: `AT+QMTCFG="aliauth",0,"pk${P}","dn${P}","${P}"\r`, secrets: [`pk${P}`, `dn${P}`, P], masked: `AT+QMTCFG="aliauth",0,"${'*'.repeat(2 + P.length)}","${'*'.repeat(2 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'qmt aliauth' },
  { dir: 'rx', line: `AT+QMTCONN=0,"dev1","u${P}","${P}"\r\r\n`, secrets: [`u${P}`, P], masked: `AT+QMTCONN=0,"dev1","${'*'.repeat(1 + P.length)}","${'*'.repeat(P.length)}"\r\r\n`, from: 'qmt connect, the echo (qmt.md §1: echo on by default)' },
  { dir: 'tx', line: `AT+QMTCONN=1,"dev1","",""\r`, secrets: [], masked: `AT+QMTCONN=1,"dev1","",""\r`, from: 'qmt connect, empty credentials (aliauth: qmt.md §2.2)' },
  { dir: 'rx', line: `+QMTCFG: "aliauth",0,"pk${P}","dn${P}","${P}"\r\n`, secrets: [`pk${P}`, `dn${P}`, P], masked: `+QMTCFG: "aliauth",0,"${'*'.repeat(2 + P.length)}","${'*'.repeat(2 + P.length)}","${'*'.repeat(P.length)}"\r\n`, from: 'qmt aliauth query answer' },
  { dir: 'tx', line: `AT+QMTCFG="ALIAUTH",2,"pk${P}","dn${P}","${P}"\r`, secrets: [`pk${P}`, `dn${P}`, P], masked: `AT+QMTCFG="ALIAUTH",2,"${'*'.repeat(2 + P.length)}","${'*'.repeat(2 + P.length)}","${'*'.repeat(P.length)}"\r`, from: 'qmt aliauth, upper-case key (qmt.md §2: keys case-insensitive)' },
  { dir: 'tx', line: `AT+QICSGP=1,1,"cmnet","u${P}","${P}",1\r`, secrets: [`u${P}`, P], masked: `AT+QICSGP=1,1,"cmnet","${'*'.repeat(1 + P.length)}","${'*'.repeat(P.length)}",1\r`, from: 'quectel APN credentials (qmt.md §4)' },
  { dir: 'tx', line: 'AT+CPIN="93184726"\r', secrets: ['93184726'], masked: 'AT+CPIN="********"\r', from: 'pin' },
  { dir: 'tx', line: 'AT+CPWD="SC","93184726","51826374"\r', secrets: ['93184726', '51826374'], masked: 'AT+CPWD="SC","********","********"\r', from: 'pin change' },
  { dir: 'rx', line: '+ICCID: 89860318752046193847\r\n', secrets: ['89860318752046193847'], masked: '+ICCID: ********************\r\n', from: 'iccid answer' },
  { dir: 'rx', line: '+ECICCID: 89860318752046193847\r\n', secrets: ['89860318752046193847'], masked: '+ECICCID: ********************\r\n', from: 'eigencomm iccid answer' },
  { dir: 'rx', line: '460018529637410\r\n', secrets: ['460018529637410'], masked: '***************\r\n', from: 'a bare IMSI, the command unseen' },
  { dir: 'rx', line: '8986031875204619384F\r\n', secrets: ['8986031875204619384F'], masked: '********************\r\n', from: 'a bare ICCID with its filler, the command unseen' },
  ...LABELLED,
];

export const ALL_SENSITIVE = [...fixtureLines(), ...REFERENCE];

