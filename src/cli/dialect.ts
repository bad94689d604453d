import { CatError } from '../util/errors.js';
import { createGrammar, defaultGrammar } from '../grammar.js';
import type { LineGrammar } from '../at/types.js';
import { dialectChoices, getDialect, isDialectName } from '../dialects/index.js';
import type { DialectChoice } from '../dialects/types.js';
import type { OptionSpec } from './options.js';

/**
 * `--dialect ecmt|qmt|auto` (the registered dialects and auto) on every verb that talks to a
 * module or reads a log. `auto` (the default) reads the module's identity (ATI/AT+CGMI) on a live
 * port, or the commands and URCs of a log, and falls back to the first registered dialect.
 */
export const DIALECT_OPTION: OptionSpec = {
  name: 'dialect',
  type: 'string',
  describe: `MQTT AT dialect of the module (${dialectChoices().join(', ')}): auto reads the module's identity or the log`,
  zh: `模组的 MQTT AT 指令集（${dialectChoices().join('、')}）：auto 根据模组身份或日志判断`,
  default: 'auto',
  choices: dialectChoices(),
};

/** The --dialect value, checked (a usage error, exit 2, for an unknown name). Default auto. */
export function dialectChoice(v: unknown): DialectChoice {
  const s = v === undefined || v === null || v === '' ? 'auto' : String(v).toLowerCase();
  if (s === 'auto' || isDialectName(s)) return s;
  throw new CatError('ERR_INVALID_OPTION', `--dialect must be one of ${dialectChoices().join(', ')} (got "${String(v)}")`, { zh: `--dialect 必须是 ${dialectChoices().join('、')} 之一（给的是 "${String(v)}"）` });
}

/** The grammar for a --dialect choice: every registered dialect for auto, that one dialect otherwise. */
export function grammarFor(choice: DialectChoice): LineGrammar {
  return choice === 'auto' ? defaultGrammar() : createGrammar([getDialect(choice)]);
}
