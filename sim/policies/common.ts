// Shared pieces of the built-in policies: a halt timer with its log entries, a margin-level log, a rolling window.
import { z } from 'zod';
import type { Gate, PolicyEnv } from '../types.js';

/** `new-risk` blocks opening or increasing positions; `all` also stops closes and liquidations (a full halt). */
export const HaltMode = z.enum(['new-risk', 'all']);
export type HaltMode = z.infer<typeof HaltMode>;

/**
 * A halt of `haltSteps` steps, started by `trigger` and extended by re-triggering (the vol-breaker's semantics). Logs
 * `halt-new-risk` / `halt-all` when a halt starts and `resume` on the first step that is not halted again; a trigger on
 * the step right after a halt continues it (one entry per uninterrupted halt, however it was extended).
 */
export class HaltTimer {
  private until = -1; // last step (inclusive) of the current halt
  private from = -1;
  private open = false; // a halt was logged whose resume is not logged yet

  constructor(
    private readonly env: PolicyEnv,
    private readonly mode: HaltMode,
    private readonly haltSteps: number,
  ) {}

  /** Starts (or extends) a halt at step t; `reason`, `value` and `threshold` go to the log when a halt starts. */
  trigger(t: number, reason: string, value: number, threshold: number): void {
    if (!this.open) {
      this.from = t;
      this.open = true;
      this.env.log(this.mode === 'all' ? 'halt-all' : 'halt-new-risk', reason, value, threshold);
    }
    const end = t + this.haltSteps - 1;
    if (end > this.until) this.until = end;
  }

  /** Whether step t is halted. */
  active(t: number): boolean {
    return t <= this.until;
  }

  /** Applies the halt to this step's gate (call once per step, from the gate hook, after any trigger of the step). */
  apply(t: number, gate: Gate): void {
    if (t <= this.until) {
      if (this.mode === 'all') gate.haltAll();
      else gate.haltNewRisk();
      return;
    }
    if (this.open) {
      this.open = false;
      const n = this.until - this.from + 1;
      this.env.log('resume', `trading resumes: halted steps ${this.from}..${this.until} (${n} steps${n > this.haltSteps ? ', extended while the trigger persisted' : ''})`, n, this.haltSteps);
    }
  }
}

/**
 * Logs the level a dynamic-margin policy applies, without flooding the log: an entry each time the level has moved
 * by at least `step` times the base since the last entry (the first one when it is `step` above the base), and one
 * when it is back at the base. The exact level of every step is in the per-step series (`maintenance_margin`).
 * Actions `raise-<what>`, `lower-<what>`, `restore-<what>`; value and threshold are the numbers that set the level
 * (by default the new level and the base).
 */
export class LevelLog {
  private logged: number;

  constructor(
    private readonly env: PolicyEnv,
    private readonly what: string,
    private readonly base: number,
    private readonly step = 0.25,
  ) {
    this.logged = base;
  }

  update(level: number, reason: () => string, value = level, threshold = this.base): void {
    const last = this.logged;
    if (level === last) return;
    if (level <= this.base) {
      if (last > this.base) {
        this.env.log(`restore-${this.what}`, reason(), value, threshold);
        this.logged = this.base;
      }
      return;
    }
    if (Math.abs(level - last) >= this.step * this.base) {
      this.env.log(`${level > last ? 'raise' : 'lower'}-${this.what}`, reason(), value, threshold);
      this.logged = level;
    }
  }
}

/** Fixed-size window of the last `size` values with their running sum (for TWAPs and rolling statistics). */
export class Window {
  private readonly buf: Float64Array;
  private n = 0;
  private head = 0; // index of the next write
  private sum = 0;

  constructor(readonly size: number) {
    this.buf = new Float64Array(size);
  }

  push(x: number): void {
    if (this.n === this.size) this.sum -= this.buf[this.head];
    else this.n++;
    this.buf[this.head] = x;
    this.sum += x;
    this.head = (this.head + 1) % this.size;
    // re-sum now and then so rounding in the running sum cannot drift
    if (this.head === 0) {
      let s = 0;
      for (let k = 0; k < this.n; k++) s += this.buf[k];
      this.sum = s;
    }
  }

  get count(): number {
    return this.n;
  }

  /** Mean of the values held (NaN when empty). */
  mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  /** k-th oldest value held (0 = oldest). */
  at(k: number): number {
    return this.buf[(this.head - this.n + k + this.size) % this.size];
  }
}

/** Number formatting for log reasons. */
export const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;
export const num = (x: number): string => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(4));
