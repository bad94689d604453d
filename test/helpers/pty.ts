import { spawnSync } from 'node:child_process';

/** Is socat installed (needed for the pseudo-terminal tests)? */
export function hasSocat(): boolean {
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}
