import { openSessionInput } from '../../transcript/input.js';
import { SessionDecoder } from '../../transcript/decode.js';
import { dialectChoice, grammarFor } from '../dialect.js';
import { itemToJson } from '../../at/json.js';
import { SummaryBuilder } from '../../dialects/ecmt/summary.js';
import { checkPastedCommand } from '../../dialects/ecmt/paste-lint.js';
import { Progress } from '../progress.js';
import { langFromEnv } from '../../util/i18n.js';
import { CatError } from '../../util/errors.js';
import type { TimelineItem } from '../../at/types.js';
import { Out, note, wantColor } from '../io.js';
import { formatItem, formatSummary } from '../timeline.js';
import { EXIT } from '../exit.js';
import { fileArg } from '../stdin.js';
import type { DecodeArgs } from './decode.js';
import { ReportOutputs } from '../report-out.js';

export async function runDecode(args: DecodeArgs): Promise<number> {
  const quietMs = args['quiet-ms'] ?? 100;
  if (!Number.isFinite(quietMs) || quietMs <= 0) throw new CatError('ERR_INVALID_OPTION', `--quiet-ms must be a positive number of milliseconds (got ${String(args['quiet-ms'])})`, { zh: `--quiet-ms 必须是正的毫秒数（给的是 ${String(args['quiet-ms'])}）` });
  const out = new Out({ json: args.json === true, lang: langFromEnv(process.env, args.lang), color: wantColor(args.color) });
  const outs = ReportOutputs.fromArgs({ html: args.html }, { verb: 'decode', lang: out.lang, logSecrets: args['log-secrets'] === true, secrets: [] });
  const kept: TimelineItem[] = [];
  const input = await openSessionInput(fileArg(args.file));
  const summary = new SummaryBuilder();
  const items: TimelineItem[] = [];
  const decoder = new SessionDecoder((item) => items.push(item), {
    grammar: grammarFor(dialectChoice(args.dialect)),
    quietMs,
    redact: args['log-secrets'] !== true,
    checkCommand: checkPastedCommand,
  });
  // a one-line bar on stderr for big files, only on a terminal and never with --json
  const progress = Progress.forInput(input.size, { json: out.json, stream: process.stderr });
  if (!out.json && input.header) {
    const h = input.header;
    out.line(out.p.dim(`# ${h.kind}${h.source ? ` — ${h.source}` : ''}${h.module?.model ? ` — ${h.module.model}` : ''}`));
  }
  const flush = (): void => {
    for (const item of items) {
      summary.add(item);
      if (outs.wanted) kept.push(item);
      if (out.json) out.line(JSON.stringify(itemToJson(item, out.lang)));
      else for (const l of formatItem(item, out)) out.line(l);
    }
    items.length = 0;
  };
  // the synchronous core: entries are decoded and printed as each chunk of the input is read;
  // one await per chunk lets a slow reader of stdout catch up (memory stays bounded)
  await input.pump(
    (entry) => {
      decoder.push(entry);
      flush();
    },
    async () => {
      await out.drain();
      progress?.update(input.bytesRead());
    },
    // the decoder reads an imported entry's text: its bytes are made only if something asks
    { lazyData: true },
  );
  progress?.done();
  decoder.end();
  flush();
  const s = summary.summary;
  if (s.items === 0) {
    // nothing half: no empty timeline and summary before the error
    for (const w of input.warnings) note(`cat1: warning: line ${w.line}: ${w.message}`);
    note('cat1: nothing to decode (no AT traffic found)');
    return EXIT.USAGE;
  }
  if (out.json) {
    out.obj({
      type: 'summary',
      format: input.format,
      ...s,
      firstFailure: s.firstFailure ? { ...s.firstFailure, why: out.t(s.firstFailure.why) } : null,
      lastFailure: s.lastFailure ? { ...s.lastFailure, why: out.t(s.lastFailure.why) } : null,
    });
  }
  else for (const l of formatSummary(s, out)) out.line(l);
  await out.flush();
  for (const w of input.warnings) note(`cat1: warning: line ${w.line}: ${w.message}`);
  return outs.write({ items: kept, header: input.header });
}
