// Account state as typed-array columns (struct of arrays), sized for 10^6 accounts; aggregates kept incrementally.

/**
 * One row per isolated-margin position. Columns map one to one onto Arrow columns. Only the venue writes them;
 * agents read them through the run view. A closed slot keeps its history (`open = 0`) and is never reused, so
 * account ids are stable for the events table.
 */
export class AccountTable {
  count = 0;
  capacity: number;
  /** Collateral in USD, net of settled funding and fees. */
  collateral: Float64Array;
  /** Signed size in units of the asset (+ long, - short). */
  size: Float64Array;
  /** Average entry price. */
  entry: Float64Array;
  /** Cumulative funding index (USD per unit) when funding was last settled into collateral. */
  fundingIndex: Float64Array;
  /** Cumulative socialized-loss index (USD per unit of |size|) when last settled. */
  lossIndex: Float64Array;
  /** 1 while the position is open. */
  open: Uint8Array;
  /** Index of the agent that owns the account. */
  owner: Int32Array;
  /** Step at which the position was opened (-1 = before the run started). */
  openedStep: Int32Array;
  /** First step of the current stretch in which the account was liquidatable but left pending (-1: none). */
  underwaterSince: Int32Array;
  /** Last step the account was seen liquidatable and left pending (-1: never). */
  pendingStep: Int32Array;
  /** Step of the account's last partial liquidation (-1: never). */
  partialStep: Int32Array;

  constructor(capacity: number) {
    this.capacity = Math.max(16, capacity);
    this.collateral = new Float64Array(this.capacity);
    this.size = new Float64Array(this.capacity);
    this.entry = new Float64Array(this.capacity);
    this.fundingIndex = new Float64Array(this.capacity);
    this.lossIndex = new Float64Array(this.capacity);
    this.open = new Uint8Array(this.capacity);
    this.owner = new Int32Array(this.capacity);
    this.openedStep = new Int32Array(this.capacity);
    this.underwaterSince = new Int32Array(this.capacity);
    this.pendingStep = new Int32Array(this.capacity);
    this.partialStep = new Int32Array(this.capacity);
  }

  /** Reserves a new slot and returns its id, doubling the columns when full (amortised, outside the hot loop). */
  allocate(): number {
    if (this.count === this.capacity) this.grow(this.capacity * 2);
    const i = this.count++;
    this.underwaterSince[i] = -1;
    this.pendingStep[i] = -1;
    this.partialStep[i] = -1;
    return i;
  }

  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.collateral = f64(this.collateral);
    this.size = f64(this.size);
    this.entry = f64(this.entry);
    this.fundingIndex = f64(this.fundingIndex);
    this.lossIndex = f64(this.lossIndex);
    const open = new Uint8Array(capacity);
    open.set(this.open);
    this.open = open;
    const owner = new Int32Array(capacity);
    owner.set(this.owner);
    this.owner = owner;
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.openedStep = i32(this.openedStep);
    this.underwaterSince = i32(this.underwaterSince);
    this.pendingStep = i32(this.pendingStep);
    this.partialStep = i32(this.partialStep);
    this.capacity = capacity;
  }
}

/**
 * Sums over open accounts, updated on every open, close and liquidation (never by scanning), from which open
 * interest, trader equity and the counterparty's mark-to-market follow in O(1).
 */
export class Aggregates {
  openCount = 0;
  /** sum |q| */
  absSize = 0;
  /** sum q */
  netSize = 0;
  /** sum q*entry */
  sizeEntry = 0;
  /** sum collateral */
  collateral = 0;
  /** sum q*fundingIndex_i */
  sizeFunding = 0;
  /** sum |q|*lossIndex_i */
  absSizeLoss = 0;

  add(c: number, q: number, e: number, f: number, g: number): void {
    const aq = Math.abs(q);
    this.openCount++;
    this.absSize += aq;
    this.netSize += q;
    this.sizeEntry += q * e;
    this.collateral += c;
    this.sizeFunding += q * f;
    this.absSizeLoss += aq * g;
  }

  remove(c: number, q: number, e: number, f: number, g: number): void {
    const aq = Math.abs(q);
    this.openCount--;
    this.absSize -= aq;
    this.netSize -= q;
    this.sizeEntry -= q * e;
    this.collateral -= c;
    this.sizeFunding -= q * f;
    this.absSizeLoss -= aq * g;
    if (this.openCount === 0) {
      // clear float residue so an empty book reads exactly zero
      this.absSize = this.netSize = this.sizeEntry = this.collateral = this.sizeFunding = this.absSizeLoss = 0;
    }
  }

  /** Open interest in USD at price p. */
  openInterest(p: number): number {
    return this.absSize * p;
  }

  /** Traders' unrealised P&L at price p, before funding and socialized losses. */
  unrealised(p: number): number {
    return p * this.netSize - this.sizeEntry;
  }

  /** Funding owed by traders (positive) at funding index F. */
  fundingOwed(F: number): number {
    return F * this.netSize - this.sizeFunding;
  }

  /** Socialized loss charged to open traders but not yet settled, at loss index G. */
  lossOwed(G: number): number {
    return G * this.absSize - this.absSizeLoss;
  }
}
