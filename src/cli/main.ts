#!/usr/bin/env node
// The `cat1` executable. Kept tiny: `--version` answers without loading anything heavy.
import { readFileSync } from 'node:fs';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${version()}\n`);
} else {
  const { run } = await import('./app.js');
  process.exitCode = await run(argv, version());
}
