import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderPorts, type ProbeResult } from '../../src/cli/commands/ports-run.js';
import { Out } from '../../src/cli/io.js';
import { startPtyEmulator, type PtyEmulator } from '../../src/emulator/pty.js';
import { openPtyPair, type PtyPair } from '../../src/port/pty.js';
import { knownModule, type PortInfo } from '../../src/port/list.js';
import type { Lang } from '../../src/util/i18n.js';
import { cat1 } from '../helpers/cli.js';
import { hasSocat } from '../helpers/pty.js';

type PortLine = Record<string, unknown> & { path: string; at?: { status: string; baud?: number; reason?: string } };

function jsonLines(stdout: string): PortLine[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PortLine);
}

describe('cat1 ports', () => {
  it('lists the ports of this machine and exits 0, with or without udev', async () => {
    const r = await cat1(['ports']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PORT +BY-ID +VID:PID +MANUFACTURER \/ PRODUCT +SERIAL +IF +HELD BY\n|no serial ports found/);
  });

  it('lists an included path that does not exist, and says so in Chinese with --lang zh', async () => {
    const missing = join('/nonexistent', 'ttyV9');
    const r = await cat1(['ports', '--lang', 'zh', '--include', missing]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('端口');
    expect(r.stdout).toContain(`${missing}: ${missing} 不存在`);
    const j = await cat1(['ports', '--json', '--include', missing]);
    expect(jsonLines(j.stdout).at(-1)).toMatchObject({ path: missing, source: 'include', access: 'missing' });
  });

  it('shows real examples in --help', async () => {
    const r = await cat1(['ports', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cat1 ports --probe');
    expect(r.stdout).toContain('--include');
  });

  it.each([
    ['an unknown flag', ['--frobnicate'], /Unknown argument: frobnicate/],
    ['a bad baud rate', ['--probe', '--baud', 'fast'], /--baud must be a rate/],
    ['--force without --probe', ['--force'], /probe/],
  ])('exits 2 on %s, with a one-line error', async (_name, flags, re) => {
    const r = await cat1(['ports', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

const socat = hasSocat();
if (!socat) console.warn('[test/cli/ports.test.ts] skipping the pseudo-terminal listing and probes: socat is not installed (apt-get install socat)');

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.skipIf(!socat)('cat1 ports on a pseudo-terminal link the test makes with socat', () => {
  let pair: PtyPair;
  beforeAll(async () => {
    pair = await openPtyPair();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it('lists the included link with its /dev/pts target and says socat made it', async () => {
    const r = await cat1(['ports', '--include', pair.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PORT +BY-ID +VID:PID +MANUFACTURER \/ PRODUCT +SERIAL +IF +HELD BY\n/);
    // no USB facts for a pseudo-terminal: every column after the path is "-"
    expect(r.stdout).toMatch(new RegExp(`^${escapeRe(pair.path)} → /dev/pts/\\d+ +- +- +- +- +- +-$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^${escapeRe(pair.path)}: pseudo-terminal made by socat \\(pid \\d+\\)$`, 'm'));
  });

  it('--json prints one object per port with the documented fields, nothing else; the link is one of them', async () => {
    const r = await cat1(['ports', '--json', '--include', pair.path]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const mine = lines.filter((p) => p.path === pair.path);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual({
      type: 'port',
      path: pair.path,
      realPath: expect.stringMatching(/^\/dev\/pts\/\d+$/),
      byId: [],
      vid: null,
      pid: null,
      manufacturer: null,
      product: null,
      serialNumber: null,
      driver: null,
      interface: null,
      interfaceName: null,
      source: 'include',
      holders: [],
      suspects: [],
      ptyOwner: { pid: expect.any(Number), command: 'socat' },
      access: 'ok',
      module: null,
    });
    for (const p of lines) {
      expect(p).toMatchObject({ type: 'port', path: expect.any(String), realPath: expect.any(String), byId: expect.any(Array), holders: expect.any(Array), suspects: expect.any(Array) });
      expect(['serialport', 'sysfs', 'devscan', 'include']).toContain(p['source']);
      for (const k of ['vid', 'pid', 'manufacturer', 'product', 'serialNumber', 'driver', 'interface', 'access', 'module']) expect(p).toHaveProperty(k);
    }
  });
});

describe.skipIf(!socat)('cat1 ports --probe on the emulator behind a pseudo-terminal', () => {
  let pty: PtyEmulator;
  beforeEach(async () => {
    // one emulator per test: the pair may end when the host side closes
    pty = await startPtyEmulator({ profile: 'ec616s' });
  });
  afterEach(async () => {
    await pty.stop();
  });

  it('marks the pseudo-terminal as answering AT, and says who made it', async () => {
    const r = await cat1(['ports', '--include', pty.path, '--probe']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.startsWith(pty.path));
    expect(row).toMatch(/ → \/dev\/pts\/\d+ .* yes@115200$/);
    expect(r.stdout).toContain(`AT answers on: `);
    expect(r.stdout).toMatch(new RegExp(`AT answers on: .*${pty.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stdout).toContain(`${pty.path}: pseudo-terminal made by socat`);
    expect(r.stderr).toContain(`cat1: probing ${pty.path} at 115200 baud…`);
  });

  it('--json: every line parses and the pseudo-terminal answered', async () => {
    const r = await cat1(['ports', '--include', pty.path, '--probe', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = jsonLines(r.stdout);
    const mine = lines.find((p) => p.path === pty.path);
    expect(mine).toMatchObject({ source: 'include', realPath: expect.stringMatching(/^\/dev\/pts\/\d+$/), holders: [], access: 'ok', at: { status: 'answered', baud: 115200 } });
    expect(mine?.['ptyOwner']).toMatchObject({ command: 'socat' });
    for (const p of lines) expect(p.at?.status).toMatch(/^(answered|silent|skipped|error)$/);
  });

  it('skips a port another process holds, names the holder, and probes it with --force', async () => {
    const fd = openSync(pty.path, 'r+');
    try {
      const held = await cat1(['ports', '--include', pty.path, '--probe', '--json']);
      expect(held.code).toBe(0);
      const mine = jsonLines(held.stdout).find((p) => p.path === pty.path);
      expect(mine?.['holders']).toEqual([expect.objectContaining({ pid: process.pid })]);
      expect(mine?.at).toMatchObject({ status: 'skipped', reason: expect.stringContaining('--force') });
      const human = await cat1(['ports', '--include', pty.path, '--probe']);
      expect(human.stdout).toMatch(new RegExp(`another program has it open: close [^ ]+ \\(pid ${process.pid}\\)`));

      const forced = await cat1(['ports', '--include', pty.path, '--probe', '--force', '--json']);
      expect(jsonLines(forced.stdout).find((p) => p.path === pty.path)?.at).toMatchObject({ status: 'answered' });
    } finally {
      closeSync(fd);
    }
  });
});

describe('cat1 ports output (rendered from a listing)', () => {
  const air = knownModule('19d1', '0001');
  const usb = (n: number, more: Partial<PortInfo> = {}): PortInfo => ({
    path: `/dev/ttyUSB${n}`,
    realPath: `/dev/ttyUSB${n}`,
    byId: [`/dev/serial/by-id/usb-AirM2M_Air780E_ABC123-if0${n + 2}-port0`],
    vid: '19d1',
    pid: '0001',
    manufacturer: 'AirM2M',
    product: 'Air780E',
    serialNumber: 'ABC123',
    driver: 'option',
    interface: n + 2,
    source: 'sysfs',
    holders: [],
    suspects: [],
    access: 'ok',
    ...(air ? { module: air } : {}),
    ...more,
  });
  const ports: PortInfo[] = [
    usb(0, { access: 'denied', group: 'dialout' }),
    usb(1, { suspects: [{ pid: 77, command: 'gpsd' }] }),
    usb(2, { holders: [{ pid: 812, command: 'ModemManager' }] }),
  ];
  const results = new Map<string, ProbeResult>([
    ['/dev/ttyUSB0', { status: 'skipped', reason: { en: 'not probed: permission denied', zh: '未探测：权限不足' } }],
    ['/dev/ttyUSB1', { status: 'answered', baud: 115200 }],
    ['/dev/ttyUSB2', { status: 'skipped', reason: { en: 'not probed while another program holds it (--force probes it anyway)', zh: '被其他程序占用，未探测（加 --force 仍然探测）' } }],
  ]);

  async function render(list: PortInfo[], res: Map<string, ProbeResult> | null, o: { json?: boolean; lang?: Lang } = {}): Promise<string> {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (b: Buffer) => chunks.push(b));
    const out = new Out({ json: o.json ?? false, lang: o.lang ?? 'en', color: false, stream });
    renderPorts(list, res, out, { baud: 115200 });
    await out.flush();
    return Buffer.concat(chunks).toString('utf8');
  }

  it('prints one aligned row per port with by-id name, VID:PID, manufacturer/product, serial, interface, holders and AT', async () => {
    const text = await render(ports, results);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^PORT +BY-ID +VID:PID +MANUFACTURER \/ PRODUCT +SERIAL +IF +HELD BY +AT$/);
    expect(lines[1]).toMatch(/^\/dev\/ttyUSB0 +usb-AirM2M_Air780E_ABC123-if02-port0 +19d1:0001 +AirM2M \/ Air780E +ABC123 +2 +- +skipped$/);
    expect(lines[2]).toMatch(/^\/dev\/ttyUSB1 .* 3 +- +yes@115200$/);
    expect(lines[3]).toMatch(/^\/dev\/ttyUSB2 .* 4 +ModemManager\(812\) +skipped$/);
    const col = (l: string | undefined): number => (l ?? '').indexOf('19d1:0001');
    expect(col(lines[1])).toBe(lines[0]?.indexOf('VID:PID'));
    expect(col(lines[3])).toBe(col(lines[1]));
  });

  it('says how to stop ModemManager, with the exact udev rule for the VID:PID', async () => {
    const text = await render(ports, results);
    expect(text).toContain('/dev/ttyUSB2: held by ModemManager (pid 812): stop it for now with "sudo systemctl stop ModemManager"');
    expect(text).toContain(`echo 'ATTRS{idVendor}=="19d1", ATTRS{idProduct}=="0001", ENV{ID_MM_DEVICE_IGNORE}="1"' | sudo tee /etc/udev/rules.d/99-cat1-mm-ignore.rules`);
    expect(text).toContain('sudo udevadm control --reload && sudo udevadm trigger');
  });

  it('names the module once for all its interfaces, the documented AT interface, permissions, suspects and the next step', async () => {
    const text = await render(ports, results);
    expect(text).toContain('/dev/ttyUSB0, /dev/ttyUSB1, /dev/ttyUSB2: AirM2M Air780E (Eigencomm EC618): Eigencomm-based?');
    expect(text).toContain('/dev/ttyUSB1: interface 3 is documented as an AT port of the AirM2M Air780E');
    expect(text).toContain('/dev/ttyUSB0: you may not open it: add yourself to the "dialout" group (sudo usermod -aG dialout $USER');
    expect(text).toContain('/dev/ttyUSB1: gpsd (pid 77) is running and may open this port');
    expect(text).toContain('AT answers on: /dev/ttyUSB1');
    expect(text).toContain('next: cat1 at -p /dev/ttyUSB1 AT+CGMI');
  });

  it('explains everything in Chinese with --lang zh', async () => {
    const text = await render(ports, results, { lang: 'zh' });
    expect(text).toContain('端口');
    expect(text).toContain('被 ModemManager（pid 812）占用：临时停止用 "sudo systemctl stop ModemManager"');
    expect(text).toContain('当前用户无权打开');
    expect(text).toContain('响应 AT 的端口：/dev/ttyUSB1');
    expect(text).not.toMatch(/documented|you may not|is running|held by|answers on/);
  });

  it('says "no serial ports found" with what to check', async () => {
    const text = await render([], null);
    expect(text).toMatch(/^no serial ports found\n.*dmesg \| tail/);
  });

  it('--json: one object per port, with the AT result and the hints', async () => {
    const lines = jsonLines(await render(ports, results, { json: true }));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({ path: '/dev/ttyUSB1', vid: '19d1', pid: '0001', interface: 3, at: { status: 'answered', baud: 115200 }, module: { name: 'AirM2M Air780E', eigencomm: true } });
    expect(lines[2]?.['holders']).toEqual([{ pid: 812, command: 'ModemManager' }]);
    expect(String(lines[2]?.['hints'])).toContain('ENV{ID_MM_DEVICE_IGNORE}="1"');
    expect(lines[0]).toMatchObject({ access: 'denied', group: 'dialout', at: { status: 'skipped', reason: 'not probed: permission denied' } });
  });
});
