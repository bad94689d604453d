/**
 * `--report-wait`: how long a run waits at its end for the report broker's acknowledgements.
 * The CLI checks it like every option (one line, exit 2), and the publisher's close() waits that
 * long by default — checked on an injected clock, not on the wall clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReportPublisher } from '../../src/report/publisher.js';
import { freePorts } from '../helpers/nats.js';
import { cat1 } from '../helpers/cli.js';

describe('--report-wait', () => {
  it.each([
    [['--report-to', 'mqtt://127.0.0.1:1', '--report-wait', '0'], /--report-wait must be a positive number of seconds/],
    [['--report-to', 'mqtt://127.0.0.1:1', '--report-wait', 'soon'], /--report-wait must be a positive number of seconds/],
    [['--report-wait', '5'], /--report-wait needs --report-to/],
  ])('diagnose %j: one line, exit 2', async (args, message) => {
    const r = await cat1(['diagnose', '-p', '/dev/null-no-such-port', '--broker', 'mqtt://127.0.0.1:1', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  describe('ReportPublisher closeWaitMs', () => {
    afterEach(() => void vi.useRealTimers());

    it('close() waits closeWaitMs for acknowledgements, then counts what is left as dropped', async () => {
      const dead = `mqtt://127.0.0.1:${(await freePorts(1))[0]!}`;
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const p = new ReportPublisher({ urls: [dead], station: 's9', closeWaitMs: 30_000, retryMs: 60_000, connectTimeoutMs: 60_000 });
      p.publish('m1', 'verdict', { outcome: 'pass' });
      let done = false;
      const closing = p.close().then((s) => {
        done = true;
        return s;
      });
      await vi.advanceTimersByTimeAsync(29_999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const s = await closing;
      expect(s).toMatchObject({ published: 1, acked: 0, dropped: 1 });
    });
  });
});
