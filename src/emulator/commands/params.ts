import { splitArgs, type AtCommand, type Param } from '../../at/command-line.js';

/**
 * What the AT decoder checks before a handler runs: the parameter syntax, at most `max`
 * parameters, and the first `mandatory` ones present. Null means plain `ERROR`.
 */
export function decode(command: AtCommand, mandatory: number, max: number, rawIndex = -1): Param[] | null {
  const ps = splitArgs(command.args, rawIndex);
  if (ps === null || ps.length > max) return null;
  for (let i = 0; i < mandatory; i++) {
    const p = ps[i];
    if (p === undefined || p.empty) return null;
  }
  return ps;
}
