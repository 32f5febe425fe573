// Max segment tree over account index: finds the next account (in account order) whose trigger value exceeds a level.

/**
 * Leaves hold one value per account slot (-Infinity when the slot holds nothing to trigger). `firstAbove(lo, x)`
 * returns the smallest index >= lo whose value is > x in O(log n), and `max()` answers "is anyone above x" in O(1),
 * so a margin pass costs nothing when nobody is near liquidation, whatever the number of accounts.
 */
export class TriggerIndex {
  private size: number; // number of leaves, a power of two
  private tree: Float64Array; // 1-based heap layout: node k has children 2k, 2k+1; leaves at [size, 2*size)

  constructor(capacity: number) {
    this.size = TriggerIndex.leavesFor(capacity);
    this.tree = new Float64Array(2 * this.size).fill(-Infinity);
  }

  private static leavesFor(capacity: number): number {
    let n = 1;
    while (n < Math.max(1, capacity)) n *= 2;
    return n;
  }

  /** Number of slots the index can hold without growing. */
  get capacity(): number {
    return this.size;
  }

  /** Grows to hold at least `capacity` slots, keeping the values. */
  grow(capacity: number): void {
    if (capacity <= this.size) return;
    const old = this.tree;
    const oldSize = this.size;
    this.size = TriggerIndex.leavesFor(capacity);
    this.tree = new Float64Array(2 * this.size).fill(-Infinity);
    this.tree.set(old.subarray(oldSize, 2 * oldSize), this.size);
    this.rebuild();
  }

  /** Sets many leaves at once without maintaining the tree; call `rebuild()` afterwards. */
  setRaw(i: number, v: number): void {
    this.tree[this.size + i] = v;
  }

  /** Recomputes every inner node from the leaves: O(n). */
  rebuild(): void {
    const t = this.tree;
    for (let k = this.size - 1; k >= 1; k--) {
      const a = t[2 * k];
      const b = t[2 * k + 1];
      t[k] = a > b ? a : b;
    }
  }

  /** Sets slot i to v and repairs its ancestors: O(log n). */
  set(i: number, v: number): void {
    const t = this.tree;
    let k = this.size + i;
    t[k] = v;
    k >>= 1;
    while (k >= 1) {
      const a = t[2 * k];
      const b = t[2 * k + 1];
      const m = a > b ? a : b;
      if (t[k] === m) break;
      t[k] = m;
      k >>= 1;
    }
  }

  get(i: number): number {
    return this.tree[this.size + i];
  }

  /** Largest value held. */
  max(): number {
    return this.tree[1];
  }

  /** Smallest slot index >= lo whose value is > x, or -1. */
  firstAbove(lo: number, x: number): number {
    const t = this.tree;
    const n = this.size;
    if (lo >= n || !(t[1] > x)) return -1;
    let k = n + lo;
    // Climb until k is a node whose subtree lies at or right of lo and holds a value > x.
    while (!(t[k] > x)) {
      // move to the next subtree to the right: go up while k is a right child, then step to the right sibling
      while (k & 1) {
        k >>= 1;
        if (k === 0) return -1;
      }
      k++;
    }
    // Descend to the leftmost leaf > x.
    while (k < n) {
      k *= 2;
      if (!(t[k] > x)) k++;
    }
    return k - n;
  }
}
