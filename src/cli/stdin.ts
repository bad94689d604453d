/** What a lone "-" on the command line becomes (yargs would read it as a flag). */
export const STDIN_ARG = '\u0000stdin';

/** Map the stdin marker back to "-". */
export function fileArg(v: string): string {
  return v === STDIN_ARG ? '-' : v;
}
