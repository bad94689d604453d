import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Outside src/dialects/ no code names a dialect's commands or URCs, and no code switches over a
 * dialect's configuration types (design.md §1 "Dialects", issue 15): the core reads the
 * dialects' tables. Comments do not count (they may cite the protocol); string literals,
 * identifiers and template text do.
 *
 * The files that still do are listed below, each with where its knowledge goes. The test fails
 * when a file not listed starts naming them, and when a listed file no longer does (remove it
 * from the list: the list only shrinks).
 */

/** A dialect command or URC name (`ECMTOPEN`, `+QMTCONN`) or a dialect event type (`'ecmt-conn'`). */
const COMMAND = /(?:ECMT|QMT)(?:OPEN|CLOSE|CONN|CON|DISC|SUB|UNS|PUB|PUBEX|STAT|RECV|CFG|PING)\b|\b(?:ecmt|qmt)-(?:open|close|conn|disc|sub|uns|pub|stat|recv|cfg|test|open-state|conn-state)\b/;
/**
 * `case '<config type>':` — a switch over a dialect's configuration keys (the keys no MQTT option
 * shares a name with: a switch over the MQTT options of ConfigSpec.mqtt is what the core should do).
 */
const CFG_CASE = /case\s+['"](?:session|cloud|echomode|dataformat|recv\/mode|pdpcid|willex)['"]\s*:/;

const STILL_TO_MOVE: Readonly<Record<string, string>> = {
};

const SRC = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The file's text without comments (TypeScript's scanner: strings, template text, identifiers kept). */
function withoutComments(source: string): string {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source);
  const out: string[] = [];
  // open braces inside each template substitution `${…}` being read (a `}` at depth 0 resumes the template)
  const templates: number[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k === ts.SyntaxKind.SingleLineCommentTrivia || k === ts.SyntaxKind.MultiLineCommentTrivia) continue;
    if (k === ts.SyntaxKind.TemplateHead) templates.push(0);
    else if (k === ts.SyntaxKind.OpenBraceToken && templates.length > 0) templates[templates.length - 1]!++;
    else if (k === ts.SyntaxKind.CloseBraceToken && templates.length > 0) {
      if (templates[templates.length - 1] === 0) {
        if (scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateTail) templates.pop();
      } else templates[templates.length - 1]!--;
    }
    out.push(scanner.getTokenText());
  }
  return out.join(' ');
}

function offenders(): string[] {
  const out: string[] = [];
  for (const abs of files(SRC)) {
    const rel = relative(SRC, abs);
    if (rel.startsWith('dialects/')) continue;
    const code = withoutComments(readFileSync(abs, 'utf8'));
    if (COMMAND.test(code) || CFG_CASE.test(code)) out.push(rel);
  }
  return out.sort();
}

describe('outside src/dialects/, no code names a dialect (issue 15)', () => {
  it('reads code, not comments', () => {
    expect(COMMAND.test(withoutComments('// AT+ECMTOPEN\n/* +QMTRECV */ const a = 1;'))).toBe(false);
    expect(COMMAND.test(withoutComments("const a = 'AT+ECMTOPEN';"))).toBe(true);
    expect(COMMAND.test(withoutComments('const a = `x ${b} +QMTCONN`;'))).toBe(true);
    expect(CFG_CASE.test(withoutComments("switch (t) { case 'session': break; }"))).toBe(true);
    expect(COMMAND.test(withoutComments('const a = `x ${b} y`; // +ECMTCONN\nconst c = { d: 1 }; /* ECMTPUB */'))).toBe(false);
  });

  it('only the files still to move name a dialect\'s commands or switch over its config types', () => {
    const found = offenders();
    expect(found.filter((f) => !(f in STILL_TO_MOVE))).toEqual([]);
  });

  it('every listed file still does (remove it from the list once clean)', () => {
    const found = new Set(offenders());
    expect(Object.keys(STILL_TO_MOVE).filter((f) => !found.has(f))).toEqual([]);
  });
});
