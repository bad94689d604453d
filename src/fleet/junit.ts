/**
 * JUnit XML for CI systems and factory MES imports: one testsuite per fleet run, one testcase
 * per module and step (classname = the module, name = the step), failures with their message.
 */

export interface JunitCase {
  /** the module: its identity (IMEI when known) and port */
  module: string;
  step: string;
  status: 'pass' | 'warn' | 'fail' | 'skip' | 'error';
  /** seconds */
  time: number;
  message?: string;
  /** the evidence lines (what was seen) */
  detail?: string;
}

const esc = (s: string): string =>
  s
    // XML 1.0 has no place for most control characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function junitXml(suite: string, cases: readonly JunitCase[], timestamp: Date = new Date()): string {
  const failures = cases.filter((c) => c.status === 'fail').length;
  const errors = cases.filter((c) => c.status === 'error').length;
  const skipped = cases.filter((c) => c.status === 'skip').length;
  const total = cases.reduce((s, c) => s + c.time, 0);
  const L: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  L.push(`<testsuites name="${esc(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${total.toFixed(3)}">`);
  L.push(`  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${total.toFixed(3)}" timestamp="${timestamp.toISOString().replace(/\.\d+Z$/, '')}">`);
  for (const c of cases) {
    const head = `    <testcase classname="${esc(c.module)}" name="${esc(c.step)}" time="${c.time.toFixed(3)}"`;
    const body = c.detail ? esc(c.detail) : '';
    if (c.status === 'fail') L.push(`${head}>`, `      <failure message="${esc(c.message ?? 'failed')}">${body}</failure>`, '    </testcase>');
    else if (c.status === 'error') L.push(`${head}>`, `      <error message="${esc(c.message ?? 'error')}">${body}</error>`, '    </testcase>');
    else if (c.status === 'skip') L.push(`${head}>`, `      <skipped message="${esc(c.message ?? 'skipped')}"/>`, '    </testcase>');
    else if (c.status === 'warn' && c.message) L.push(`${head}>`, `      <system-out>${esc(`WARN: ${c.message}`)}</system-out>`, '    </testcase>');
    else L.push(`${head}/>`);
  }
  L.push('  </testsuite>', '</testsuites>', '');
  return L.join('\n');
}
