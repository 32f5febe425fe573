// Tracks the venue accounts an agent owns: new accounts are found incrementally (ids only grow), closed ones dropped.
import type { RunView } from '../sim/types.js';

/**
 * An agent learns the id of an account it opened from the account table at its next turn: the venue allocates ids
 * in order and never reuses them, so scanning the ids created since the last look costs O(new accounts).
 */
export class OwnedAccounts {
  /** Open accounts owned, in id order. */
  ids: number[] = [];
  private seen = 0;

  constructor(private readonly owner: number) {}

  /** Picks up accounts created since the last call; `found` is called for each new one. Drops closed ones. */
  update(view: RunView, found?: (id: number) => void): void {
    const a = view.accounts;
    for (let i = this.seen; i < a.count; i++) {
      if (a.owner[i] === this.owner && a.open[i] === 1) {
        this.ids.push(i);
        found?.(i);
      }
    }
    this.seen = a.count;
    let k = 0;
    for (const i of this.ids) if (a.open[i] === 1) this.ids[k++] = i;
    this.ids.length = k;
  }
}
