import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering of design.md §1, checked on every import in src/ (read with TypeScript's own
 * pre-processor: static imports, `export … from`, type-only imports and `import()` alike).
 *
 * Layers, lowest first; a file may import its own layer or a lower one, never a higher one or
 * a sibling of the same rank:
 *   util → dialect data (redaction triggers) → redact → framing → urc → recording → port → at →
 *   dialects → ecmt, transcript(decode), grammar.ts → emulator (with the dialects' emulator
 *   plug-ins), mirror → diagnose, fleet → report → cli (and the entry points index/parsers/testing).
 * `recording/` is the recording format (types, format, reader, writer), which port/ decorators and
 * every writer use; `transcript/` decodes (the decoder, the import of pasted text logs), on the AT
 * tracker and the dialects' URC tables. Redaction is its own low layer (`redact/`, design.md §1
 * "Redaction is a low layer").
 */
const RANK: Record<string, number> = {
  util: 0,
  'dialect-data': 0.25,
  redact: 0.5,
  framing: 1,
  urc: 1.5,
  recording: 2,
  port: 3,
  at: 4,
  dialects: 4.5,
  ecmt: 5,
  transcript: 5,
  grammar: 5.5,
  emulator: 6,
  mirror: 6,
  diagnose: 7,
  fleet: 7,
  report: 8,
  cli: 9,
  entry: 9,
};

/**
 * dialects/ files that are data only (the redaction triggers the low redaction layer reads, design.md
 * §1 "Redaction is a low layer"; a dialect's event types, `events.ts`, which urc/types.ts joins into
 * ModemEvent with a type-only import); the rest of dialects/ (descriptions, parsers, builders, lint,
 * emulator behaviour) sits on at/.
 */
const DIALECT_DATA = /^dialects\/(?:[^/]+\/)?(?:redaction|events)\.ts$/;
/** A dialect's emulator behaviour (dialects/<name>/emulator*.ts): a plug-in of the emulator, on its layer. */
const DIALECT_EMULATOR = /^dialects\/[^/]+\/emulator[^/]*\.ts$/;


/**
 * Known violations, each with the issue that removes it. The test fails when one is no longer
 * there, so the list only shrinks.
 */
const ALLOWED_UPWARD: ReadonlyArray<{ from: string; to: string; why: string }> = [
];

/** Folder edges left out of the cycle check (folder level: transcript/ counts as one folder there). */
const ALLOWED_CYCLE_EDGES: ReadonlyArray<{ from: string; to: string; why: string }> = [
];

const SRC = new URL('../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function layerOf(rel: string): string {
  if (!rel.includes('/')) return rel === 'grammar.ts' ? 'grammar' : 'entry';
  const top = rel.split('/')[0]!;
  if (top === 'dialects') return DIALECT_DATA.test(rel) ? 'dialect-data' : DIALECT_EMULATOR.test(rel) ? 'emulator' : 'dialects';
  return top;
}

/**
 * A folder, or a file at the top of src/ (grammar.ts, the entry points) on its own. A dialect's
 * data files and emulator plug-in count with the layer they serve (dialect-data, emulator).
 */
function folderOf(rel: string): string {
  if (rel.startsWith('dialects/') && (DIALECT_DATA.test(rel) || DIALECT_EMULATOR.test(rel))) return layerOf(rel);
  return rel.includes('/') ? rel.split('/')[0]! : rel;
}

interface Edge {
  from: string;
  to: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const abs of files(SRC)) {
    const from = relative(SRC, abs);
    const info = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    for (const imp of info.importedFiles) {
      if (!imp.fileName.startsWith('.')) continue; // packages and node: builtins
      const to = relative(SRC, normalize(join(dirname(abs), imp.fileName))).replace(/\.js$/, '.ts');
      out.push({ from, to });
    }
  }
  return out;
}

const ALL = edges();

function allowed(list: ReadonlyArray<{ from: string; to: string }>, e: Edge): boolean {
  return list.some((a) => a.from === e.from && (a.to === e.to || (a.to.endsWith('/*') && e.to.startsWith(a.to.slice(0, -1)))));
}

function folderCycles(skip: ReadonlyArray<{ from: string; to: string }>, all: readonly Edge[] = ALL): string[] {
  const graph = new Map<string, Set<string>>();
  for (const e of all) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b || allowed(skip, e)) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (n: string, path: string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'open') {
      cycles.push([...path.slice(path.indexOf(n)), n].join(' → '));
      return;
    }
    state.set(n, 'open');
    for (const m of graph.get(n) ?? []) visit(m, [...path, n]);
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) visit(n, []);
  return cycles;
}

describe('layers (design.md §1)', () => {
  it('reads the imports of every source file', () => {
    expect(files(SRC).length).toBeGreaterThan(100);
    // a known downward import is seen, type-only imports included: the engine writes to a ModemPort
    expect(ALL).toContainEqual({ from: 'at/engine.ts', to: 'port/types.ts' });
  });

  it('every folder of src/ has a layer', () => {
    const layers = new Set(files(SRC).map((f) => layerOf(relative(SRC, f))));
    for (const l of layers) expect(Object.keys(RANK), `src/${l}/ has no place in RANK`).toContain(l);
  });

  it('the library never imports from cli/', () => {
    const bad = ALL.filter((e) => folderOf(e.from) !== 'cli' && folderOf(e.to) === 'cli');
    expect(bad).toEqual([]);
  });

  it('imports go only downward (or within a layer), apart from the listed debts', () => {
    const bad = ALL.filter((e) => {
      const a = layerOf(e.from);
      const b = layerOf(e.to);
      if (a === b) return false;
      return RANK[b]! >= RANK[a]! && !allowed(ALLOWED_UPWARD, e);
    }).map((e) => `${e.from} (${layerOf(e.from)}) → ${e.to} (${layerOf(e.to)})`);
    expect(bad).toEqual([]);
  });

  it('no cycle between folders, apart from the listed edges', () => {
    expect(folderCycles(ALLOWED_CYCLE_EDGES)).toEqual([]);
    // the check finds a cycle: the real imports plus one made-up upward import (port → at)
    const found = folderCycles([], [...ALL, { from: 'port/serial.ts', to: 'at/engine.ts' }]).map((c) => c.split(' → '));
    expect(found.some((c) => c.includes('at') && c.includes('port')), JSON.stringify(found)).toBe(true);
  });

  it('every allowlisted debt is still there (remove it from the list once fixed)', () => {
    for (const a of [...ALLOWED_UPWARD, ...ALLOWED_CYCLE_EDGES]) {
      expect(
        ALL.some((e) => allowed([a], e)),
        `${a.from} → ${a.to} is gone: delete it from the allowlist (${a.why})`,
      ).toBe(true);
    }
  });
});
