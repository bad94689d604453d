import type { CommandModule } from 'yargs';
import type { VerbContext } from '../app.js';
import { CatError } from '../../util/errors.js';

// placeholder: being written
export function portsCommand(ctx: VerbContext): CommandModule<object, Record<string, unknown>> {
  return {
    command: 'ports',
    describe: '(not ready yet)',
    builder: (y) => y,
    handler: () => {
      ctx.exit(2);
      throw new CatError('ERR_INPUT', 'cat1 ports is not ready yet');
    },
  };
}
