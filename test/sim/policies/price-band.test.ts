// price-band: the reference price rules, the trigger step from the band formula, halt and resume, and its effect on a V-shaped crash.
import { describe, it, expect } from 'vitest';
import { bandReference } from '../../../sim/policies/price-band.js';
import { actions, book, haltedSteps, range, run, sumOver } from './setup.js';

// -20% over 5 one-minute steps from step 150, then +20% over 15 steps (a wick that comes most of the way back)
const V = [
  { kind: 'ramp', at: 150, steps: 5, factor: 0.8 },
  { kind: 'ramp', at: 155, steps: 15, factor: 1.2 },
];

describe('price-band', () => {
  it('reference prices: window mean (LULD), window start (rolling window), previous close (prior settlement)', () => {
    const prices = [100, 102, 104, 106, 108, 110, 90, 95];
    const at = (s: number) => prices[s];
    // window-mean over the previous 5 steps, current step excluded
    expect(bandReference({ reference: 'window-mean', window: 5, sessionSteps: 1 }, 6, at)).toBeCloseTo((102 + 104 + 106 + 108 + 110) / 5, 12);
    // with fewer than `window` steps of history, the mean of what there is
    expect(bandReference({ reference: 'window-mean', window: 5, sessionSteps: 1 }, 2, at)).toBeCloseTo(101, 12);
    expect(bandReference({ reference: 'window-start', window: 5, sessionSteps: 1 }, 6, at)).toBe(102);
    // sessions of 4 steps: steps 4..7 compare with the close of session 0 (step 3); session 0 with step 0
    expect(bandReference({ reference: 'previous-close', window: 5, sessionSteps: 4 }, 6, at)).toBe(106);
    expect(bandReference({ reference: 'previous-close', window: 5, sessionSteps: 4 }, 3, at)).toBe(100);
    expect(bandReference({ reference: 'window-mean', window: 5, sessionSteps: 1 }, 0, at)).toBeNaN();
  });

  it('LULD band: the trigger step and move from the formula, a full halt while outside the band, and far less bad debt in a V-shaped crash', () => {
    const s = book({ shocks: V, defenses: [{ kind: 'price-band', name: 'luld', band: 0.05, reference: 'window-mean', window: 5, haltSteps: 15, mode: 'all' }] });
    const none = run(s, 'none');
    const band = run(s, 'luld');
    // step 150: 2000 * 0.8^(1/5) = 1912.69 vs the 5-step mean 2000: -4.37%, inside the band;
    // step 151: 1829.30 vs (4 * 2000 + 1912.69) / 5 = 1982.54: -7.73%, outside
    const f = Math.pow(0.8, 1 / 5);
    const p151 = 2000 * f * f;
    const ref151 = (4 * 2000 + 2000 * f) / 5;
    expect(Math.abs(2000 * f / 2000 - 1)).toBeLessThan(0.05);
    expect(band.series.oracle[151]).toBeCloseTo(p151, 9);
    // the steps outside the band, from the recorded oracle and the formula
    const o = band.series.oracle;
    const outside: number[] = [];
    for (let t = 1; t < o.length; t++) {
      const ref = bandReference({ reference: 'window-mean', window: 5, sessionSteps: 1440 }, t, (k) => o[k]);
      if (Math.abs(o[t] / ref - 1) > 0.05) outside.push(t);
    }
    expect(outside[0]).toBe(151);
    const last = outside[outside.length - 1];
    expect(outside).toEqual(range(151, last)); // one uninterrupted stretch
    // halted (all trading) from the first trigger to the last trigger + 15 - 1
    expect(haltedSteps(band)).toEqual(range(151, last + 14));
    for (const t of haltedSteps(band)) {
      expect(band.series.halted[t]).toBe(2);
      expect(band.series.liquidations[t]).toBe(0);
    }
    expect(actions(band)).toEqual(['halt-all@151', `resume@${last + 15}`]);
    const halt = band.interventions[0];
    expect(halt.policy).toBe('luld');
    expect(halt.value).toBeCloseTo(p151 / ref151 - 1, 12);
    expect(halt.value).toBeCloseTo(-0.0773355, 6);
    expect(halt.threshold).toBe(0.05);
    expect(band.interventions[1].value).toBe(last + 15 - 151);
    // the effect: the book is not liquidated into the bottom of the wick
    expect(none.summary.bad_debt).toBeGreaterThan(1_000_000);
    expect(band.summary.bad_debt).toBeLessThan(0.25 * none.summary.bad_debt);
    expect(band.summary.liquidations).toBeLessThan(0.85 * none.summary.liquidations);
    // the market path is the same under both
    expect(Array.from(band.series.spot)).toEqual(Array.from(none.series.spot));
    expect(sumOver(none.series.liquidations, 151, last + 14)).toBeGreaterThan(20);
  });

  it("mode 'new-risk' blocks arrivals only while halted and leaves liquidations running", () => {
    const s = book({ shocks: V, defenses: [{ kind: 'price-band', name: 'luld', haltSteps: 10 }] });
    const r = run(s, 'luld');
    const halted = haltedSteps(r);
    expect(halted[0]).toBe(151);
    let blockedInside = 0;
    for (const t of halted) {
      expect(r.series.halted[t]).toBe(1);
      blockedInside += r.series.blockedOpens[t];
    }
    expect(blockedInside).toBe(r.summary.blocked_opens);
    expect(blockedInside).toBeGreaterThan(0);
    expect(sumOver(r.series.liquidations, halted[0], halted[halted.length - 1])).toBeGreaterThan(0);
    expect(r.interventions.map((x) => x.action)).toEqual(['halt-new-risk', 'resume']);
  });

  it("a CME-style limit against the previous close halts for as long as the price stays beyond it", () => {
    // one session = the whole run: the reference is the price at step 0 (2000); limit 7%, re-checked every step
    const s = book({ shocks: V, defenses: [{ kind: 'price-band', name: 'limit', band: 0.07, reference: 'previous-close', haltSteps: 1, mode: 'all' }] });
    const r = run(s, 'limit');
    const o = r.series.oracle;
    const beyond: number[] = [];
    for (let t = 0; t < o.length; t++) if (Math.abs(o[t] / 2000 - 1) > 0.07) beyond.push(t);
    expect(haltedSteps(r)).toEqual(beyond);
    expect(beyond[0]).toBe(151); // 1829.30 is -8.5% from 2000; 1912.69 (-4.4%) is inside
    expect(actions(r)).toEqual(['halt-all@151', `resume@${beyond[beyond.length - 1] + 1}`]);
  });
});
