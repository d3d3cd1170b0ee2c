/** Small helpers for `Map<K, T[]>` used by every operator index. */

/** Appends `item` to the list under `key`. */
export function multiAdd<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** Removes one occurrence of `item` under `key`; drops the key when its list empties. */
export function multiRemove<K, T>(map: Map<K, T[]>, key: K, item: T): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

/** Removes one occurrence of `item` from `list` (order is not preserved: O(1)). */
export function listRemove<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at < 0) return;
  list[at] = list[list.length - 1]!;
  list.pop();
}
