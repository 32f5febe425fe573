// Black-Scholes-Merton and Black-76 against published values, the normal CDF against arbitrary-precision values,
// Greeks against finite differences, put-call parity as a property.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { black76Greeks, black76Price, bsmGreeks, bsmPrice, erf, erfc, normCdf, normPdf } from '../../../sim/options/black-scholes.js';

describe('normal CDF', () => {
  // N(x) to 20 significant digits (mpmath 1.3, 40 digits of working precision: mpmath.ncdf)
  const REF: [number, number][] = [
    [-38, 2.8854283600687843084e-316],
    [-30, 4.9067139271481870595e-198],
    [-20, 2.7536241186062336951e-89],
    [-10, 7.619853024160526066e-24],
    [-8, 6.2209605742717841235e-16],
    [-5, 2.8665157187919391167e-7],
    [-3, 0.0013498980316300945267],
    [-1.5, 0.066807201268858066004],
    [-1, 0.15865525393145705141],
    [-0.6, 0.27425311775007358769],
    [-0.3, 0.38208857781104736693],
    [0, 0.5],
    [0.3, 0.61791142218895263307],
    [0.6, 0.72574688224992641231],
    [1, 0.84134474606854294859],
    [2, 0.9772498680518207928],
    [5, 0.99999971334842812081],
    [8, 0.9999999999999993779],
  ];

  it('is accurate to 1e-15 absolute everywhere and 1e-12 relative in the lower tail', () => {
    for (const [x, want] of REF) {
      const got = normCdf(x);
      expect(Math.abs(got - want), `N(${x})`).toBeLessThan(1e-15);
      if (x > -37) expect(Math.abs(got - want) / want, `N(${x}) relative`).toBeLessThan(1e-12);
    }
  });

  it('erf and erfc agree with each other, with symmetry, and with known values', () => {
    expect(erf(0)).toBe(0);
    expect(erfc(0)).toBe(1);
    expect(Math.abs(erf(1) - 0.8427007929497148693)).toBeLessThan(2.3e-16);
    expect(Math.abs(erfc(2) - 0.004677734981047265838) / 0.004677734981047265838).toBeLessThan(1e-14);
    expect(Math.abs(erfc(5) - 1.5374597944280348502e-12) / 1.5374597944280348502e-12).toBeLessThan(1e-14);
    for (const x of [0.1, 0.46875, 0.5, 1.7, 3.9, 4, 4.1, 6]) {
      expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(2e-16);
      expect(Math.abs(erfc(-x) - (2 - erfc(x)))).toBeLessThan(4e-16);
      expect(erf(-x)).toBe(-erf(x));
    }
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(Number.isNaN(erfc(NaN))).toBe(true);
  });

  it('is monotone and N(x) + N(-x) = 1', () => {
    let prev = 0;
    let worst = 0;
    let monotone = true;
    for (let x = -12; x <= 12; x += 0.01) {
      const n = normCdf(x);
      if (n < prev) monotone = false;
      prev = n;
      worst = Math.max(worst, Math.abs(n + normCdf(-x) - 1));
    }
    expect(monotone).toBe(true);
    expect(worst).toBeLessThan(3e-16);
    expect(normPdf(0)).toBeCloseTo(0.3989422804014327, 16);
  });
});

describe('Black-Scholes-Merton', () => {
  it("Hull's example S = K = 100, T = 1, r = 5%, sigma = 20%: published values to 1e-6", () => {
    const c = bsmGreeks(true, 100, 100, 1, 0.05, 0, 0.2);
    const p = bsmGreeks(false, 100, 100, 1, 0.05, 0, 0.2);
    expect(Math.abs(c.price - 10.450584)).toBeLessThan(1e-6);
    expect(Math.abs(p.price - 5.573526)).toBeLessThan(1e-6);
    expect(Math.abs(c.delta - 0.636831)).toBeLessThan(1e-6);
    expect(Math.abs(c.gamma - 0.018762)).toBeLessThan(1e-6);
    // vega, theta, rho from the formulas of mechanics.md 2.4 with d1 = 0.35, d2 = 0.15 computed by hand
    const d1 = 0.35;
    const d2 = 0.15;
    const n1 = Math.exp(-0.5 * d1 * d1) / Math.sqrt(2 * Math.PI);
    const disc = Math.exp(-0.05);
    expect(Math.abs(c.vega - 100 * n1)).toBeLessThan(1e-9);
    expect(Math.abs(c.vega - 37.524035)).toBeLessThan(1e-6);
    expect(Math.abs(c.theta - (-(100 * n1 * 0.2) / 2 - 0.05 * 100 * disc * normCdf(d2)))).toBeLessThan(1e-9);
    expect(Math.abs(c.theta - -6.414028)).toBeLessThan(1e-6);
    expect(Math.abs(p.theta - -1.65788)).toBeLessThan(1e-5);
    expect(Math.abs(c.rho - 100 * disc * normCdf(d2))).toBeLessThan(1e-9);
    expect(Math.abs(c.rho - 53.232482)).toBeLessThan(1e-6);
    expect(Math.abs(p.rho - -41.890461)).toBeLessThan(1e-6);
    expect(p.gamma).toBe(c.gamma);
    expect(p.vega).toBe(c.vega);
    expect(Math.abs(p.delta - (c.delta - 1))).toBeLessThan(1e-15);
  });

  it('mechanics.md 7.1 item 16 (Derive/Lyra): S = K = 100, T = 0.25, sigma = 80%, r = q = 0', () => {
    const c = bsmGreeks(true, 100, 100, 0.25, 0, 0, 0.8);
    const p = bsmGreeks(false, 100, 100, 0.25, 0, 0, 0.8);
    // published to 4-5 significant digits; here to half a unit of their last digit
    expect(Math.abs(c.price - 15.8519)).toBeLessThan(5e-5);
    expect(Math.abs(p.price - 15.8519)).toBeLessThan(5e-5);
    expect(Math.abs(c.price - p.price)).toBeLessThan(1e-12);
    expect(Math.abs(c.delta - 0.5793)).toBeLessThan(5e-5);
    expect(Math.abs(c.gamma - 0.00978)).toBeLessThan(5e-6);
    expect(Math.abs(c.vega - 19.55)).toBeLessThan(5e-3);
    expect(Math.abs(c.theta - -31.28)).toBeLessThan(5e-3);
    // and exactly: d1 = 0.2, d2 = -0.2, so C = 100 (2 N(0.2) - 1)
    expect(Math.abs(c.price - 100 * (2 * normCdf(0.2) - 1))).toBeLessThan(1e-12);
    expect(Math.abs(c.price - 15.851941887820608)).toBeLessThan(1e-9);
  });

  it('Greeks are the derivatives of the price (central differences), with and without a yield q', () => {
    for (const [call, S, K, T, r, q, s] of [
      [true, 100, 95, 0.5, 0.03, 0.01, 0.3],
      [false, 100, 110, 0.1, 0.05, 0.02, 0.6],
      [true, 2000, 2400, 7 / 365, 0, 0, 0.8],
      [false, 2000, 1600, 30 / 365, 0.04, 0, 1.2],
    ] as [boolean, number, number, number, number, number, number][]) {
      const g = bsmGreeks(call, S, K, T, r, q, s);
      const h = S * 1e-4;
      const f = (x: number) => bsmPrice(call, x, K, T, r, q, s);
      expect(g.price).toBe(f(S));
      expect(Math.abs(g.delta - (f(S + h) - f(S - h)) / (2 * h))).toBeLessThan(1e-7);
      expect(Math.abs(g.gamma - (f(S + h) - 2 * f(S) + f(S - h)) / (h * h)) / Math.max(g.gamma, 1e-12)).toBeLessThan(1e-4);
      const dv = 1e-5;
      expect(Math.abs(g.vega - (bsmPrice(call, S, K, T, r, q, s + dv) - bsmPrice(call, S, K, T, r, q, s - dv)) / (2 * dv)) / g.vega).toBeLessThan(1e-6);
      const dt = T * 1e-5;
      // theta is the change per year of calendar time: -dV/dT
      expect(Math.abs(g.theta + (bsmPrice(call, S, K, T + dt, r, q, s) - bsmPrice(call, S, K, T - dt, r, q, s)) / (2 * dt)) / Math.abs(g.theta)).toBeLessThan(1e-5);
      const dr = 1e-6;
      expect(Math.abs(g.rho - (bsmPrice(call, S, K, T, r + dr, q, s) - bsmPrice(call, S, K, T, r - dr, q, s)) / (2 * dr)) / Math.abs(g.rho)).toBeLessThan(1e-5);
    }
  });

  it('at expiry the intrinsic value; with zero volatility the discounted forward intrinsic value', () => {
    expect(bsmPrice(true, 110, 100, 0, 0.05, 0, 0.5)).toBe(10);
    expect(bsmPrice(false, 110, 100, 0, 0.05, 0, 0.5)).toBe(0);
    expect(bsmPrice(false, 90, 100, -1, 0.05, 0, 0.5)).toBe(10);
    const g = bsmGreeks(true, 110, 100, 0, 0, 0, 0.5);
    expect([g.price, g.delta, g.gamma, g.vega]).toEqual([10, 1, 0, 0]);
    expect(bsmPrice(true, 100, 100, 1, 0.05, 0, 0)).toBeCloseTo(100 - 100 * Math.exp(-0.05), 12);
    expect(bsmPrice(false, 100, 100, 1, 0.05, 0, 0)).toBe(0);
    const z = bsmGreeks(true, 100, 100, 1, 0.05, 0, 0);
    expect(z.delta).toBe(1);
    expect(z.gamma).toBe(0);
    // the zero-vol limit is continuous with tiny volatilities
    expect(Math.abs(bsmPrice(true, 100, 100, 1, 0.05, 0, 1e-9) - z.price)).toBeLessThan(1e-9);
  });

  it('property: put-call parity C - P = S e^{-qT} - K e^{-rT}', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: 1e-4, max: 5, noNaN: true }),
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        (S, moneyness, T, r, q, sigma) => {
          const K = S * moneyness;
          const c = bsmPrice(true, S, K, T, r, q, sigma);
          const p = bsmPrice(false, S, K, T, r, q, sigma);
          const parity = S * Math.exp(-q * T) - K * Math.exp(-r * T);
          expect(Math.abs(c - p - parity)).toBeLessThanOrEqual(1e-12 * Math.max(S, K));
          expect(c).toBeGreaterThanOrEqual(0);
          expect(p).toBeGreaterThanOrEqual(0);
          // deltas obey parity too: delta_C - delta_P = e^{-qT}
          const gc = bsmGreeks(true, S, K, T, r, q, sigma);
          const gp = bsmGreeks(false, S, K, T, r, q, sigma);
          expect(Math.abs(gc.delta - gp.delta - Math.exp(-q * T))).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('Black-76', () => {
  it('equals BSM with S = F and q = r; rho = -T * price; parity on the forward', () => {
    const F = 105;
    const g = black76Greeks(true, F, 100, 0.5, 0.04, 0.35);
    const b = bsmGreeks(true, F, 100, 0.5, 0.04, 0.04, 0.35);
    expect(g.price).toBe(b.price);
    expect(g.delta).toBe(b.delta);
    expect(g.gamma).toBe(b.gamma);
    expect(g.vega).toBe(b.vega);
    expect(g.rho).toBe(-0.5 * g.price);
    const c = black76Price(true, F, 100, 0.5, 0.04, 0.35);
    const p = black76Price(false, F, 100, 0.5, 0.04, 0.35);
    expect(Math.abs(c - p - Math.exp(-0.04 * 0.5) * (F - 100))).toBeLessThan(1e-12);
    // rho holds F fixed: the derivative of the price in r
    const dr = 1e-6;
    expect(Math.abs(g.rho - (black76Price(true, F, 100, 0.5, 0.04 + dr, 0.35) - black76Price(true, F, 100, 0.5, 0.04 - dr, 0.35)) / (2 * dr))).toBeLessThan(1e-6);
    // with r = 0 and F = S it is the BSM price of the item-16 vector
    expect(Math.abs(black76Price(true, 100, 100, 0.25, 0, 0.8) - 15.851941887820608)).toBeLessThan(1e-9);
    expect(black76Price(false, 90, 100, 0, 0.04, 0.35)).toBe(10);
  });
});
