/**
 * `--lang zh` covers the CLI's own words too: every verb's --help (yargs' describe strings, its
 * headings, the examples and epilogues), usage errors and the one-line errors. A leftover English
 * sentence is three English words in a row once option names, quoted values and example commands
 * are set aside (those stay as typed).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cat1 } from '../helpers/cli.js';

const HAN = /[\u4e00-\u9fff]/;

/** English sentences left in a Chinese text: runs of three or more English words. */
function englishLeft(out: string): string[] {
  const found: string[] = [];
  for (const line of out.split('\n')) {
    let l = line;
    // an example line: the command (kept as typed), two spaces or more, its description
    if (/^ {2}(cat1|printf|for|CAT1_)/.test(l)) l = l.trim().split(/\s{2,}/).slice(1).join(' ');
    l = l.replace(/"[^"]*"|'[^']*'/g, '').replace(/--?[a-zA-Z][\w-]*/g, '');
    for (const m of l.matchAll(/\b[a-zA-Z]{2,}(?: [a-zA-Z]{2,}){2,}\b/g)) found.push(`${m[0]}  ⟵ ${line.trim()}`);
  }
  return found;
}

const VERBS = ['demo', 'ports', 'at', 'term', 'monitor', 'diagnose', 'compare', 'mirror', 'decode', 'replay', 'emulate', 'fleet', 'watch', 'report'];

describe('--lang zh: help texts', () => {
  it.each([[''], ...VERBS.map((v) => [v])])('cat1 %s --help: Chinese, no English sentence left', async (verb) => {
    const r = await cat1([...(verb ? [verb] : []), '--help', '--lang', 'zh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(HAN);
    expect(r.stdout).toMatch(/^选项：$/m);
    expect(englishLeft(r.stdout)).toEqual([]);
  });

  it('LANG=zh_CN.UTF-8 picks Chinese help without --lang; --lang en wins over it', async () => {
    const zh = await cat1(['at', '--help'], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(zh.stdout).toContain('发送一条或多条 AT 命令');
    const en = await cat1(['at', '--help', '--lang=en'], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(en.stdout).toContain('send one or more AT commands');
    expect(en.stdout).not.toMatch(HAN);
  });

  it('the English help is unchanged by the translation (spot checks)', async () => {
    const r = await cat1(['at', '--help']);
    expect(r.stdout).toMatch(/^Options:$/m);
    expect(r.stdout).toContain('seconds to wait for each command\'s answer [default: 5]');
    expect(r.stdout).toContain('[string]');
    expect(r.stdout).not.toMatch(HAN);
  });
});

describe('--lang zh: usage errors and one-line errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cat1-zh-'));
  const cfg = join(dir, 'bad.json');
  writeFileSync(cfg, '{"port": "/dev/ttyUSB2", "bogus": 1}');
  const cases: Array<[string, string[], number, RegExp]> = [
    ['an unknown flag', ['at', 'AT', '--bogus-flag'], 2, /无法识别的选项：bogus-flag/],
    ['a flag without its value', ['at', 'AT', '--port'], 2, /--port 后面缺少值/],
    ['a value not among the choices', ['demo', '--profile', 'xx'], 2, /--profile 的值 "xx" 无效/],
    ['an unknown command', ['frobnicate'], 2, /没有 "frobnicate" 这个命令/],
    ['no command', [], 2, /请给出一个命令/],
    ['a verb without its argument', ['decode'], 2, /cat1 decode 需要一个文件/],
    ['a password on the command line', ['at', 'AT', '--password', 'x'], 2, /密码不从命令行读取/],
    ['--port missing', ['at', 'AT'], 2, /需要 --port/],
    ['--timeout not a number', ['at', 'AT', '-p', '/dev/null', '--timeout', '0'], 2, /--timeout 必须是 0 到 3600 之间的秒数/],
    ['not a serial device', ['at', 'AT', '-p', '/dev/null'], 3, /无法打开 \/dev\/null：这不是串口设备/],
    ['no such device', ['at', 'AT', '-p', '/dev/ttyNOPE9'], 3, /无法打开 \/dev\/ttyNOPE9：设备不存在/],
    ['a file that does not exist', ['decode', '/nonexistent/x.log'], 2, /\/nonexistent\/x\.log：文件不存在/],
    ['an unknown option in a config file', ['at', 'AT', '--config', cfg], 2, /配置文件 .*没有 "bogus" 这个选项/],
    ['compare without --broker', ['compare', '-p', '/dev/null'], 2, /需要 --broker/],
    ['--mqtt-version neither 3.1.1 nor 3.1', ['compare', '-p', '/dev/null', '--broker', 'mqtt://127.0.0.1:1883', '--client-id', 'dev', '--mqtt-version', '5'], 2, /--mqtt-version 必须是 3\.1\.1（级别 4）或 3\.1（级别 3）（给的是 5）/],
  ];
  it.each(cases)('%s: one Chinese line, no English sentence, the documented exit code', async (_name, args, code, re) => {
    const r = await cat1([...args, '--lang', 'zh']);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(re);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toMatch(/^cat1: /);
    expect(first).toMatch(HAN);
    expect(englishLeft(r.stderr)).toEqual([]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cat1 demo names the broker it runs on', () => {
  it('the wrong-password step and the header name the embedded aedes broker; no text says it was mosquitto', async () => {
    const r = await cat1(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cat1 demo: the embedded MQTT broker \(aedes\) on mqtt:\/\//m);
    expect(r.stdout).toMatch(/^━━ 3\/4 a wrong password, refused by the embedded aedes broker ━━$/m);
    expect(r.stdout).not.toMatch(/Mosquitto answers/i);
    const zh = await cat1(['demo', '--lang', 'zh']);
    expect(zh.stdout).toMatch(/━━ 3\/4 密码错误，被内置的 aedes 服务器拒绝 ━━/);
  });
});
