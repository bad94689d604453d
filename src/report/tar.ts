import { gzipSync } from 'node:zlib';

/** A gzip-compressed POSIX (ustar) archive of regular files, made in memory. */
export function tarGz(files: ReadonlyArray<{ name: string; data: Buffer; mtime?: Date }>): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    if (Buffer.byteLength(f.name) > 99) throw new Error(`tar: name too long: ${f.name}`);
    const h = Buffer.alloc(512);
    const put = (s: string, off: number, len: number): void => {
      h.write(s, off, len, 'utf8');
    };
    const oct = (n: number, len: number): string => `${n.toString(8).padStart(len - 1, '0')}\0`;
    put(f.name, 0, 100);
    put(oct(0o644, 8), 100, 8);
    put(oct(0, 8), 108, 8);
    put(oct(0, 8), 116, 8);
    put(oct(f.data.length, 12), 124, 12);
    put(oct(Math.floor((f.mtime ?? new Date()).getTime() / 1000), 12), 136, 12);
    h.fill(0x20, 148, 156); // checksum field counts as spaces
    put('0', 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    put('cat1', 265, 32);
    put('cat1', 297, 32);
    let sum = 0;
    for (const b of h) sum += b;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
