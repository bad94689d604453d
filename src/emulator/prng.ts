/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on
 * every platform, so a fault scenario replays byte for byte. Not for cryptography.
 */
export type Random = () => number;

/** mulberry32: 32-bit state, period 2^32, uniform in [0, 1). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a name: gives each consumer its own stream, so adding one fault never shifts another. */
function fnv1a(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** An independent stream for one purpose ('garble', 'chunk', 'ping'…) derived from the seed. */
export function stream(seed: number, purpose: string): Random {
  return mulberry32((seed ^ fnv1a(purpose)) >>> 0);
}

/** An integer in [min, max] (both included). */
export function intBetween(rnd: Random, min: number, max: number): number {
  return min + Math.floor(rnd() * (max - min + 1));
}
