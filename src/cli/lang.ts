import type { Lang } from '../util/i18n.js';
import { ZH_HELP } from './zh.js';

/**
 * The language of the CLI's own texts (help, usage errors, one-line errors), chosen once per run
 * from --lang or LANG before the parser is built, so that `--help` is written in it too.
 */
let current: Lang = 'en';

export function setCliLang(lang: Lang): void {
  current = lang;
}

export function cliLang(): Lang {
  return current;
}

/** A help text in the CLI's language: its Chinese from the table in zh.ts, else as written. */
export function h(en: string): string {
  return current === 'zh' ? (ZH_HELP[en] ?? en) : en;
}

/** A text with its two languages written at the call site (texts with values in them). */
export function t2(en: string, zh: string): string {
  return current === 'zh' ? zh : en;
}

/** --lang as typed (`--lang zh`, `--lang=zh`), read before the parser runs; undefined when absent. */
export function langFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--lang') found = argv[i + 1];
    else if (a.startsWith('--lang=')) found = a.slice('--lang='.length);
  }
  return found;
}
