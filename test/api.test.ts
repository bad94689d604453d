import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { exports: Record<string, string | { types: string; import: string }> };

/**
 * The main entry's runtime exports, as decided (issue 15: a curated API instead of ~155 exports).
 * Adding a name here is a decision about the public API: put parsers, builders and parts of the
 * comparison on their subpath instead.
 */
const MAIN = [
  'AtEngine',
  'CatError',
  'EcmtEmulator',
  'EcmtSession',
  'RecordingPort',
  'ReplayPort',
  'SerialModemPort',
  'SessionDecoder',
  'TranscriptReader',
  'TranscriptWriter',
  'TypedEmitter',
  'compare',
  'createPortPair',
  'createRedactor',
  'defaultGrammar',
  'diagnosisToJson',
  'emulatorTranscriptHeader',
  'importTextLog',
  'isCatError',
  'listPorts',
  'makeHeader',
  'openPtyPair',
  'openSessionInput',
  'parseTranscript',
  'redactText',
  'renderReport',
  'reportToJson',
  'runDiagnosis',
  'socatAvailable',
  'startPtyEmulator',
  'systemClock',
  'tr',
];

describe('public API', () => {
  it('the main entry exports exactly the curated list', async () => {
    const main = await import('../src/index.js');
    expect(Object.keys(main).sort()).toEqual([...MAIN].sort());
  });

  it('README\'s Library examples import only names the main entry exports', async () => {
    const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
    const names = [...readme.matchAll(/import \{([^}]+)\} from 'cat1-bridge'/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
    expect(names.length).toBeGreaterThan(0);
    const main = await import('../src/index.js');
    for (const n of names) expect(Object.keys(main), n).toContain(n);
  });

  it('every subpath in package.json points at a module built from src/, and each one loads', async () => {
    for (const [path, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue; // ./package.json
      const src = target.import.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(new URL(src, ROOT)), `${path} → ${src}`).toBe(true);
      expect(target.types, path).toBe(target.import.replace(/\.js$/, '.d.ts'));
      const mod = (await import(new URL(src.replace(/\.ts$/, '.js'), ROOT).href)) as Record<string, unknown>;
      expect(Object.keys(mod).length, path).toBeGreaterThan(0);
    }
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './diagnose', './emulator', './mirror', './package.json', './parsers', './report', './testing']);
  });

  it('the parsers subpath carries the URC parsers and the ECMT builders the main entry no longer has', async () => {
    const parsers = (await import('../src/parsers.js')) as Record<string, unknown>;
    const main = (await import('../src/index.js')) as Record<string, unknown>;
    for (const n of ['parseLine', 'Framer', 'ecmtCmd', 'lintConnect', 'parseFinal']) {
      expect(parsers[n], n).toBeDefined();
      expect(main[n], n).toBeUndefined();
    }
  });
});
