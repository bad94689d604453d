/**
 * A session decoded as `cat1 decode --json` writes its items (the paste check on, English), one
 * JSON line per item: what the redaction tests search for secrets.
 */
import { SessionDecoder } from '../../src/transcript/decode.js';
import { defaultGrammar } from '../../src/grammar.js';
import { checkPastedCommand } from '../../src/dialects/ecmt/paste-lint.js';
import { itemToJson } from '../../src/at/json.js';
import type { TranscriptEntry } from '../../src/recording/types.js';

export function decodeJsonLines(entries: readonly TranscriptEntry[]): string {
  const out: string[] = [];
  const d = new SessionDecoder((item) => out.push(JSON.stringify(itemToJson(item, 'en'))), { grammar: defaultGrammar(), checkCommand: checkPastedCommand });
  for (const e of entries) d.push(e);
  d.end();
  return out.join('\n');
}
