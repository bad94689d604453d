/**
 * Command and URC names as the help texts quote them, read from the dialects' tables (never
 * written out here): `ALL` joins every registered dialect's name (`+ECMTSTAT/+QMTSTAT`) for
 * texts that hold for every dialect; `DEF` is the default dialect's, for examples and for the
 * emulator's defaults. zh.ts builds its keys from the same values, so the two languages match.
 */
import { defaultDialect, dialects } from '../dialects/index.js';
import type { ConfigSpec, Dialect } from '../dialects/types.js';
import { commandLine, configLine, resultPrefix, urcPrefix } from '../dialects/words.js';

const each = (f: (d: Dialect) => string): string => [...new Set(dialects.map(f))].join('/');

/** The publish command that prompts with `> ` and takes Ctrl-Z (`AT+ECMTPUB` without its payload). */
function promptPublish(d: Dialect): string {
  const c = d.commands.find((x) => x.op === 'publish' && x.prompt === 'ctrl-z') ?? d.commands.find((x) => x.op === 'publish' && x.prompt !== 'none');
  return c ? `AT${c.name}` : commandLine(d, 'publish');
}

/** Every registered dialect's names, joined by `/`. */
export const ALL = {
  open: each((d) => commandLine(d, 'open')),
  connect: each((d) => commandLine(d, 'connect')),
  configCommand: each((d) => `AT${d.configCommand}`),
  promptPublish: each(promptPublish),
  message: each((d) => urcPrefix(d, 'message')),
  linkLost: each((d) => urcPrefix(d, 'link-lost')),
  discClose: each((d) => `${commandLine(d, 'disconnect')}/${commandLine(d, 'close')}`),
  cfg: (mqtt: ConfigSpec['mqtt']): string => each((d) => configLine(d, mqtt)),
};

const def = defaultDialect();

/** The default dialect's names (examples, the emulator's defaults). */
export const DEF = {
  open: commandLine(def, 'open'),
  openResult: resultPrefix(def, 'open'),
  subscribe: commandLine(def, 'subscribe'),
  subscribeResult: resultPrefix(def, 'subscribe'),
  publishResult: resultPrefix(def, 'publish'),
  message: urcPrefix(def, 'message'),
};
