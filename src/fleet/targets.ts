import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CatError } from '../util/errors.js';

/**
 * Which ports a fleet run takes (`--ports LIST|GLOB|auto`) and the identity each module gets
 * from a template (`--client-id 'line1-{index}'`). Pure except for the directory reads of a
 * glob; `auto` is resolved by the caller (it needs the port lister).
 */

export type PortsSpec = { kind: 'list'; paths: string[] } | { kind: 'auto' };

const GLOB_CHARS = /[*?[]/;

/** Turn a glob's last path element into a RegExp (`*`, `?`, `[…]`). */
function globRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/** Expand one glob (wildcards in the last path element only, like /dev/ttyUSB* or /tmp/emu/*\/host is not supported). */
export function expandGlob(pattern: string): string[] {
  const dir = dirname(pattern);
  if (GLOB_CHARS.test(dir)) throw new CatError('ERR_INVALID_OPTION', `--ports ${pattern}: wildcards are taken in the last part of the path only (e.g. /dev/ttyUSB*)`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new CatError('ERR_INVALID_OPTION', `--ports ${pattern}: cannot read the directory ${dir} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const re = globRegExp(basename(pattern));
  return names
    .filter((n) => re.test(n))
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return !statSync(p).isDirectory();
      } catch {
        return true; // a dangling link is still a port to report
      }
    })
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Parse `--ports`: "auto", or a comma-separated list whose items may be globs. Duplicates (the
 * same path twice) are removed, keeping the first. Throws ERR_INVALID_OPTION for an empty list
 * or a glob that matches nothing.
 */
export function parsePorts(spec: string | undefined): PortsSpec {
  if (spec === undefined || spec.trim() === '') throw new CatError('ERR_INVALID_OPTION', '--ports is needed: a list (/dev/ttyUSB2,/dev/ttyUSB6), a glob (/dev/ttyUSB*) or "auto"');
  if (spec.trim() === 'auto') return { kind: 'auto' };
  const paths: string[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    if (item === 'auto') throw new CatError('ERR_INVALID_OPTION', '--ports auto cannot be mixed with paths');
    if (GLOB_CHARS.test(item)) {
      const found = expandGlob(item);
      if (found.length === 0) throw new CatError('ERR_INVALID_OPTION', `--ports ${item}: no device matches`);
      paths.push(...found);
    } else paths.push(item);
  }
  if (paths.length === 0) throw new CatError('ERR_INVALID_OPTION', '--ports names no port');
  const seen = new Set<string>();
  return { kind: 'list', paths: paths.filter((p) => (seen.has(resolve(p)) ? false : (seen.add(resolve(p)), true))) };
}

/** What a client-ID template can name. */
export interface TemplateFields {
  /** 1-based position of the module in the run */
  index: number;
  /** the port path (its basename is used) */
  port: string;
  /** the module's IMEI (AT+CGSN), when known */
  imei?: string;
  /** the USB serial number of the port's device, when known */
  serial?: string;
}

const FIELD = /\{([a-z]+)\}/g;
const KNOWN = new Set(['index', 'port', 'imei', 'serial']);

/** The fields a template uses; throws ERR_INVALID_OPTION for an unknown one. */
export function templateFields(template: string): Set<string> {
  const used = new Set<string>();
  for (const m of template.matchAll(FIELD)) {
    const f = m[1]!;
    if (!KNOWN.has(f)) throw new CatError('ERR_INVALID_OPTION', `--client-id ${template}: unknown field {${f}} (known: {index}, {port}, {imei}, {serial})`);
    used.add(f);
  }
  return used;
}

/** Expand a template for one module; null when a field it uses is not known for this module. */
export function expandTemplate(template: string, f: TemplateFields): { value: string } | { missing: string } {
  let missing: string | null = null;
  const value = template.replace(FIELD, (_m, name: string) => {
    switch (name) {
      case 'index':
        return String(f.index);
      case 'port':
        return basename(f.port);
      case 'imei':
        if (f.imei === undefined) missing ??= 'imei';
        return f.imei ?? '';
      case 'serial':
        if (f.serial === undefined) missing ??= 'serial';
        return f.serial ?? '';
      default:
        return `{${name}}`;
    }
  });
  return missing !== null ? { missing } : { value };
}

/**
 * Refuse a set of client IDs where two modules would share one (a broker keeps one session per
 * client ID: the second connection takes the first one's place). Names the clash and the ports.
 */
export function refuseDuplicateIds(template: string, ids: ReadonlyArray<{ port: string; clientId: string }>): void {
  const by = new Map<string, string[]>();
  for (const x of ids) by.set(x.clientId, [...(by.get(x.clientId) ?? []), x.port]);
  const clashes = [...by.entries()].filter(([, ports]) => ports.length > 1);
  if (clashes.length === 0) return;
  const [id, ports] = clashes[0]!;
  const hint = templateFields(template).size === 0 ? ' (use a field such as {index}, {port} or {imei})' : '';
  throw new CatError(
    'ERR_INVALID_OPTION',
    `--client-id ${template} gives ${ports.length} modules the same client ID "${id}" (${ports.join(', ')})${clashes.length > 1 ? ` and ${clashes.length - 1} more clash${clashes.length > 2 ? 'es' : ''}` : ''}: a broker keeps one session per client ID, so nothing was run${hint}`,
    { context: { clientId: id, ports } },
  );
}

/** A name safe as one MQTT topic level: no `/`, `+`, `#`, no leading `$`, not empty. */
export function topicLevel(s: string): string {
  const t = s.replace(/[/+#\u0000]/g, '_').replace(/^\$/, '_');
  return t === '' ? '_' : t;
}
