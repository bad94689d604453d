import { CatError, oneLine } from '../util/errors.js';
import { cliLang } from './lang.js';

/**
 * Chinese of the library's common one-line errors, which carry no `zh` of their own (the library
 * messages name a file or device first, then what is wrong with it).
 */
const PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^(.*): no such file$/, (m) => `${m[1]}：文件不存在`],
  [/^(.*): is a directory, not a file$/, (m) => `${m[1]}：这是一个目录，不是文件`],
  [/^(.*): cannot read: (.*)$/, (m) => `${m[1]}：无法读取（${m[2]}）`],
  [/^(.*): empty, nothing to decode$/, (m) => `${m[1]}：文件是空的，没有可解码的内容`],
  [/^(.*): empty(?: file)?, not a transcript$/, (m) => `${m[1]}：文件是空的，不是记录文件`],
  [/^(.*): this does not look like an AT log or a cat1 transcript .*$/, (m) => `${m[1]}：看起来既不是 AT 日志也不是 cat1 记录文件（前几行里没有 AT 命令、最终结果或 URC）`],
  [/^(.*) went away: (.*)$/, (m) => `${m[1]} 已消失：${m[2]}`],
  [/^(.*) is closed$/, (m) => `${m[1]} 已关闭`],
  [/^socat is needed to create a pseudo-terminal .*$/, () => '创建伪终端需要 socat（apt-get install socat）'],
  [/^--broker must look like mqtt:\/\/host:1883 or mqtts:\/\/host:8883 \(got "(.*)"\)$/, (m) => `--broker 的格式应为 mqtt://主机:1883 或 mqtts://主机:8883（给的是 "${m[1]}"）`],
  [/^--broker: unsupported scheme "(.*)" .*$/, (m) => `--broker：不支持 "${m[1]}" 协议（请用 mqtt:// 或 mqtts://）`],
  [/^--broker has no host \(got "(.*)"\)$/, (m) => `--broker 中没有主机名（给的是 "${m[1]}"）`],
  [/^--broker must not hold credentials: .*$/, () => '--broker 中不能带凭据：请用 --username 和 --password-file（或 CAT1_PASSWORD）'],
];

/** An error as one line in the CLI's language: its own Chinese, a known pattern, else English. */
export function errorLine(err: unknown): string {
  const en = oneLine(err);
  if (cliLang() !== 'zh') return en;
  if (err instanceof CatError && err.zh) return oneLine(new Error(err.zh));
  for (const [re, f] of PATTERNS) {
    const m = re.exec(en);
    if (m) return f(m);
  }
  return en;
}
