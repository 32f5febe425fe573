// anchor-band: Compound's anchor bounds by hand, a bad reporter print outside them (guarded) and one inside them (the DAI lesson).
import { describe, it, expect } from 'vitest';
import { withinAnchor } from '../../../sim/policies/anchor-band.js';
import { actions, book, run } from './setup.js';

/**
 * The venue trades `main` (constant 2000); its oracle reports the spot of a second venue, `cex`, that prints
 * `factor` for five steps from step 100; an AMM pool of `main` provides the anchor TWAP (Compound's Uniswap anchor).
 */
function reporterPrint(factor: number, defenses: Record<string, unknown>[]) {
  return book({
    steps: 200,
    marginPrice: 'oracle',
    keeper: 50,
    market: {
      assets: [
        { name: 'main', initialPrice: 2000, process: { kind: 'constant' } },
        {
          name: 'cex',
          initialPrice: 2000,
          process: { kind: 'constant' },
          shocks: [
            { kind: 'ramp', at: 100, steps: 1, factor },
            { kind: 'ramp', at: 105, steps: 1, factor: 1 / factor },
          ],
        },
      ],
      venueAsset: 'main',
    },
    oracle: { kind: 'spot', asset: 'cex' },
    amm: { reserveBase: 10_000, fromPrice: true },
    defenses,
  });
}

describe('anchor-band', () => {
  it('Compound anchor bounds: 0.8 <= P / anchor <= 1.2', () => {
    expect(withinAnchor(1.2, 1, 0.2)).toBe(true);
    expect(withinAnchor(1.2001, 1, 0.2)).toBe(false);
    expect(withinAnchor(0.8, 1, 0.2)).toBe(true);
    expect(withinAnchor(0.7999, 1, 0.2)).toBe(false);
    // 26 Nov 2020: DAI printed $1.30 on Coinbase and Compound accepted it because the Uniswap anchor had moved up too
    // (mechanics.md 6): $1.30 passes against any anchor at or above 1.30 / 1.2 = $1.0833, not against the ~$1.03
    // quoted elsewhere
    expect(withinAnchor(1.3, 1.3 / 1.2, 0.2)).toBe(true);
    expect(withinAnchor(1.3, 1.08, 0.2)).toBe(false);
    expect(withinAnchor(1.3, 1.03, 0.2)).toBe(false);
  });

  it('guards a -30% reporter print: the last good price stays, no liquidations', () => {
    const s = reporterPrint(0.7, [
      { kind: 'anchor-band', name: 'compound' },
      { kind: 'anchor-band', name: 'to-anchor', fallback: 'anchor' },
    ]);
    const none = run(s, 'none');
    const c = run(s, 'compound');
    expect(none.series.oracle[100]).toBeCloseTo(1400, 9);
    expect(c.series.oracle[100]).toBe(2000);
    expect(actions(c)).toEqual(['reject-oracle@100', 'accept-oracle@105']);
    expect(c.interventions[0].value).toBeCloseTo(-0.3, 9); // P / anchor - 1 with the pool TWAP at 2000
    expect(c.interventions[0].threshold).toBe(0.2);
    expect(c.interventions[0].reason).toContain('pool TWAP');
    // without the anchor the print liquidates healthy longs (the mark never moved) and the impact of those sales
    // cascades into bad debt
    expect(none.summary.liquidations).toBeGreaterThan(150);
    expect(none.summary.bad_debt).toBeGreaterThan(100_000);
    expect(c.summary.liquidations).toBe(0);
    expect(c.summary.bad_debt).toBe(0);
    // fallback to the anchor: the pool TWAP is the index during the print
    const a = run(s, 'to-anchor');
    expect(a.series.oracle[100]).toBeCloseTo(2000, 6);
    expect(actions(a)).toEqual(['use-anchor@100', 'accept-oracle@105']);
    expect(a.summary.liquidations).toBe(0);
  });

  it('lets a -15% print through: inside the band the anchor does not help (the DAI lesson)', () => {
    const s = reporterPrint(0.85, [{ kind: 'anchor-band', name: 'compound' }]);
    const none = run(s, 'none');
    const c = run(s, 'compound');
    expect(c.interventions).toHaveLength(0);
    expect(c.summary.liquidations).toBe(none.summary.liquidations);
    expect(c.summary.liquidations).toBeGreaterThan(100);
  });

  it('without a pool, the anchor is the TWAP of the accepted prices', () => {
    const s = reporterPrint(0.7, [{ kind: 'anchor-band', name: 'compound' }]);
    delete (s as { amm?: unknown }).amm;
    const c = run(s, 'compound');
    expect(actions(c)).toEqual(['reject-oracle@100', 'accept-oracle@105']);
    expect(c.interventions[0].reason).toContain('TWAP of accepted prices');
    expect(c.summary.liquidations).toBe(0);
  });
});
