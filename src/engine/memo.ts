/**
 * Module-level memo tables. A report looks the same few instance types, units, figure lists and tag
 * values up for every resource of every stack; the pack lives for one preview. Results are
 * immutable and shared, so they are kept — in a table of bounded size, emptied when full, so a
 * pathological input (every resource with a new value) costs memory only up to the limit.
 *
 * No imports: the data layer uses it too.
 */

export class BoundedMemo<K, V> {
  private readonly table = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /**
   * The value kept for `key`, else `compute(key)`'s, kept (an `undefined` result too). Pass a
   * module-level `compute` on hot paths: nothing is allocated on a hit.
   */
  get(key: K, compute: (key: K) => V): V {
    const hit = this.table.get(key);
    if (hit !== undefined || this.table.has(key)) return hit as V;
    const value = compute(key);
    if (this.table.size >= this.limit) this.table.clear();
    this.table.set(key, value);
    return value;
  }
}

/** `map.get(key)`, else `create()` stored under `key` (nested per-stack / per-view caches). */
export function getOrCreate<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
