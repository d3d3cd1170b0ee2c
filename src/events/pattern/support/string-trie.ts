/**
 * A UTF-16 code-unit trie that finds, in one pass over a value, every stored key that is a
 * prefix of it (or, built reversed, a suffix). This is what makes thousands of `prefix` and
 * `suffix` rules cost one walk of the value instead of one comparison per rule.
 */

interface TrieNode<T> {
  next: Map<number, TrieNode<T>> | undefined;
  items: T[] | undefined;
}

function node<T>(): TrieNode<T> {
  return { next: undefined, items: undefined };
}

/** Trie of keys, each key holding a list of items. */
export class StringTrie<T> {
  private readonly root: TrieNode<T> = node();
  private count = 0;

  /** @param reversed store and walk keys from their last code unit (suffix matching). */
  constructor(private readonly reversed: boolean) {}

  /** Number of stored (key, item) pairs. */
  get size(): number {
    return this.count;
  }

  add(key: string, item: T): void {
    let at = this.root;
    const n = key.length;
    for (let i = 0; i < n; i++) {
      const code = key.charCodeAt(this.reversed ? n - 1 - i : i);
      at.next ??= new Map();
      let child = at.next.get(code);
      if (!child) {
        child = node();
        at.next.set(code, child);
      }
      at = child;
    }
    if (at.items) at.items.push(item);
    else at.items = [item];
    this.count++;
  }

  remove(key: string, item: T): void {
    const path: TrieNode<T>[] = [this.root];
    const n = key.length;
    let at: TrieNode<T> | undefined = this.root;
    for (let i = 0; i < n && at; i++) {
      at = at.next?.get(key.charCodeAt(this.reversed ? n - 1 - i : i));
      if (at) path.push(at);
    }
    if (!at?.items) return;
    const idx = at.items.indexOf(item);
    if (idx < 0) return;
    at.items.splice(idx, 1);
    this.count--;
    if (at.items.length === 0) at.items = undefined;
    // Prune empty branches so removed rules leave no cost behind.
    for (let depth = path.length - 1; depth > 0; depth--) {
      const child = path[depth]!;
      if (child.items || (child.next && child.next.size > 0)) break;
      const i = depth - 1;
      path[depth - 1]!.next!.delete(key.charCodeAt(this.reversed ? n - 1 - i : i));
    }
  }

  /** Appends the items of every stored key that is a prefix (suffix if reversed) of `value`. */
  collect(value: string, out: T[]): void {
    let at: TrieNode<T> | undefined = this.root;
    const n = value.length;
    for (let i = 0; ; i++) {
      if (at.items) for (const item of at.items) out.push(item);
      if (i === n || !at.next) return;
      at = at.next.get(value.charCodeAt(this.reversed ? n - 1 - i : i));
      if (!at) return;
    }
  }
}
