/**
 * Run `fn` over `items` with at most `concurrency` at once, each independent: one that
 * rejects does not stop the others (its rejection is returned in its slot). Order of results
 * is the order of the items.
 */
export async function runPool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<Array<{ ok: true; value: R } | { ok: false; error: unknown }>> {
  const n = Math.max(1, Math.min(items.length, Number.isFinite(concurrency) && concurrency > 0 ? Math.floor(concurrency) : items.length));
  const out: Array<{ ok: true; value: R } | { ok: false; error: unknown }> = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { ok: true, value: await fn(items[i]!, i) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}
