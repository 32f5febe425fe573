// Named random streams: each component draws from its own alea stream derived from (run seed, component name).
import seedrandom from 'seedrandom';

/**
 * A deterministic stream. Two streams with different names never share draws, so adding an agent or changing a
 * defense policy leaves every other component's draws (and the market path) unchanged: common random numbers.
 */
export class Stream {
  readonly name: string;
  private readonly prng: seedrandom.PRNG;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number | string, name: string) {
    this.name = name;
    // alea: fast, 53-bit doubles, and its output is fixed by the seed string alone (no global state).
    this.prng = seedrandom.alea(`bulwark:${seed}:${name}`);
  }

  /** Uniform double in [0, 1) with 53 bits of randomness. */
  uniform(): number {
    return this.prng.double();
  }

  /** Uniform double in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.prng.double();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng.double() * n);
  }

  /** Standard normal draw (Marsaglia polar method, pairs cached). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.prng.double() - 1;
      v = 2 * this.prng.double() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Poisson draw (Knuth for small means, normal approximation above 50). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.prng.double();
    while (p > limit) {
      k++;
      p *= this.prng.double();
    }
    return k;
  }

  /** Fisher-Yates shuffle of the first `n` entries, in place. */
  shuffle(a: Int32Array, n: number = a.length): void {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

/** Hands out one stream per component name for a run seed; asking twice for a name is a bug (shared draws). */
export class Streams {
  private readonly taken = new Map<string, Stream>();
  constructor(readonly seed: number) {}

  get(name: string): Stream {
    if (this.taken.has(name)) throw new Error(`random stream '${name}' requested twice; component names must be unique`);
    const s = new Stream(this.seed, name);
    this.taken.set(name, s);
    return s;
  }
}
