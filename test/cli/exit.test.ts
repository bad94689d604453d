import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '../../src/cli/exit.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The codes listed in README's "Exit codes" table. */
function documentedCodes(): number[] {
  const section = README.split(/^## Exit codes$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
}

describe('exit codes', () => {
  it('every exit code the CLI returns (0, 1, 2, 3, 70 for an internal error and 130 for Ctrl-C) is in README\'s table, and no other', () => {
    expect(documentedCodes().sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    expect(documentedCodes()).toContain(70);
  });

  it('maps the library\'s error codes to the documented classes: unreachable device/broker 3, a found problem 1, bad input 2', () => {
    // design.md §5: 3 device or broker unreachable, 1 the check found a problem, 2 usage or input error
    expect(exitCodeFor('ERR_PORT_OPEN')).toBe(3);
    expect(exitCodeFor('ERR_BROKER')).toBe(3);
    expect(exitCodeFor('ERR_REPLAY_MISMATCH')).toBe(1);
    expect(exitCodeFor('ERR_MODULE_REBOOTED')).toBe(1);
    expect(exitCodeFor('ERR_INVALID_OPTION')).toBe(2);
    expect(exitCodeFor('ERR_TRANSCRIPT_FORMAT')).toBe(2);
  });
});
