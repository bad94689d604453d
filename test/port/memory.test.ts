import { describe, expect, it } from 'vitest';
import { createPortPair } from '../../src/port/memory.js';
import { settle } from '../helpers/dialogue.js';

describe('in-memory port pair', () => {
  it('delivers what one side writes to the other, in pieces when asked', async () => {
    const { host, module } = createPortPair({ chunk: 2 });
    const got: string[] = [];
    module.on('data', (b) => got.push(b.toString()));
    await host.write('AT\r\n');
    await settle();
    expect(got).toEqual(['AT', '\r\n']);
  });

  it('closes both ends, and a failure reaches the peer as the close reason', async () => {
    const { host, module } = createPortPair();
    const reasons: Array<string | undefined> = [];
    host.on('close', (e) => reasons.push(e?.message));
    module.on('close', (e) => reasons.push(e?.message));
    module.fail(new Error('unplugged'));
    await settle();
    expect(reasons).toEqual(['unplugged', 'unplugged']);
    expect(host.isOpen).toBe(false);
    await expect(host.write('AT\r')).rejects.toMatchObject({ code: 'ERR_PORT_CLOSED' });
  });

  it('rejects a nonsense chunk size', () => {
    expect(() => createPortPair({ chunk: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
