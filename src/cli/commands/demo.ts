import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { h } from '../lang.js';

export function demoCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'demo',
    describe: h('the main job without hardware or any service: an embedded broker, the module emulator and four comparisons (healthy, the credential quirk, a wrong password, a wrong password on a Quectel QMT module)'),
    builder: (y) =>
      y
        .option('json', { type: 'boolean', describe: h('one JSON report per comparison (JSON Lines)') })
        .option('profile', { type: 'string', requiresArg: true, choices: ['ec616s', 'ec616-legacy', 'manual', 'ec626-tls'], describe: h('firmware profile of the emulated module [default: ec616s]') })
        .example('cat1 demo', h('see what cat1 compare tells you, with nothing wired'))
        .example('cat1 demo --lang zh', h('中文说明')),
    handler: async (args) => {
      const { runDemo } = await import('./demo-run.js');
      ctx.exit(await runDemo(args));
    },
  };
}
