/**
 * Where option values come from, now layered by yargs (.env('CAT1'), .config()): flags over
 * CAT1_* variables over the --config file over the documented defaults; the values of variables
 * read as typed (CAT1_JSON=1 is true, a bad number names the variable); a CAT1_* variable that is
 * no option (CAT1_PASSWORD, CAT1_DEBUG…) is not an "unknown argument"; a password never comes from
 * a flag or a config file. `cat1 ports` shows the effect of --json without any device.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'cat1-layering-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cfg = (name: string, o: object): string => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(o));
  return f;
};
/** ports --json prints JSON Lines (or nothing when no port is there); the table starts with its heading. */
const isJson = (stdout: string): boolean => stdout === '' || stdout.trim().split('\n').every((l) => l.startsWith('{'));
const isTable = (stdout: string): boolean => /^PORT +BY-ID|no serial ports found/.test(stdout);

describe('option layering: flags > CAT1_* > --config > defaults', () => {
  it('the config file sets a value, a variable overrides it, a flag overrides both', async () => {
    const on = cfg('json-on.json', { json: true });
    const fromConfig = await cat1(['ports', '--config', on]);
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(isJson(fromConfig.stdout)).toBe(true);
    const envOver = await cat1(['ports', '--config', on], { env: { CAT1_JSON: 'false' } });
    expect(isTable(envOver.stdout), envOver.stdout).toBe(true);
    const flagOver = await cat1(['ports', '--config', on, '--no-json'], { env: { CAT1_JSON: 'true' } });
    expect(isTable(flagOver.stdout), flagOver.stdout).toBe(true);
    const byDefault = await cat1(['ports']);
    expect(isTable(byDefault.stdout), byDefault.stdout).toBe(true);
  });

  it('CAT1_CONFIG names the config file; CAT1_JSON=1 reads as true', async () => {
    const viaEnv = await cat1(['ports'], { env: { CAT1_CONFIG: cfg('json-on-2.json', { json: true }) } });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(isJson(viaEnv.stdout)).toBe(true);
    const one = await cat1(['ports'], { env: { CAT1_JSON: '1' } });
    expect(isJson(one.stdout)).toBe(true);
  });

  it('a variable that is no option of the verb (CAT1_PASSWORD, CAT1_REPORT_PASSWORD, CAT1_DEBUG) is not an unknown argument', async () => {
    const r = await cat1(['ports'], { env: { CAT1_PASSWORD: 'S3cret-pw', CAT1_REPORT_PASSWORD: 'x', CAT1_DEBUG: '' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('S3cret-pw');
  });

  it('a bad value in a variable: one line naming the variable, exit 2', async () => {
    const r = await cat1(['at', '--port', '/nonexistent/tty', 'AT'], { env: { CAT1_TIMEOUT: 'abc' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('cat1: environment variable CAT1_TIMEOUT must be a number');
  });

  it('a password never comes from a flag or a config file', async () => {
    const flag = await cat1(['ports', '--password', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/passwords are not taken from the command line/);
    const file = await cat1(['ports', '--config', cfg('pw.json', { password: 'x' })]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/"password" is not read from a config file; use "password-file" or the CAT1_PASSWORD variable/);
    expect(file.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown flag with a dash is named once, not with its camelCase twin', async () => {
    const r = await cat1(['ports', '--frob-nicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cat1: Unknown argument: frob-nicate$/m);
  });
});
