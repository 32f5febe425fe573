// Reorder buffer: items arrive in any order, leave in index order (the results file is written in run-index order).

export class ReorderBuffer<T> {
  private readonly waiting = new Map<number, T>();
  /** Index of the next item to release. */
  next: number;

  constructor(
    start: number,
    private readonly release: (item: T, index: number) => void,
  ) {
    this.next = start;
  }

  /** Adds item `index`; releases it, and every item after it already waiting, once the items before it are out. */
  add(index: number, item: T): void {
    if (index < this.next || this.waiting.has(index)) throw new Error(`reorder buffer: item ${index} arrived twice`);
    this.waiting.set(index, item);
    for (;;) {
      const it = this.waiting.get(this.next);
      if (it === undefined) break;
      this.waiting.delete(this.next);
      this.release(it, this.next);
      this.next++;
    }
  }

  /** Items held back, waiting for an earlier one. */
  get size(): number {
    return this.waiting.size;
  }
}
