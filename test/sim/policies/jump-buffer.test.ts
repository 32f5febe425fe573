// jump-buffer: return statistics and the two buffer rules by hand, the margin series, and the effect when turbulence precedes a crash.
import { describe, it, expect } from 'vitest';
import { jumpBuffer, returnStats } from '../../../sim/policies/jump-buffer.js';
import { book, run, turbulenceThenCrash } from './setup.js';

describe('jump-buffer', () => {
  it('statistics and buffers by hand', () => {
    // nine flat steps and one +10% jump: mean 1%, deviations -1% (x9) and +9%
    // m2 = (9 * 1e-4 + 81e-4) / 10 = 9e-4 (sd 3%), m4 = (9 * 1e-8 + 6561e-8) / 10 = 657e-8, K = 657/81 - 3 = 5.1111
    const st = returnStats([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1]);
    expect(st.sd).toBeCloseTo(0.03, 15);
    expect(st.excessKurtosis).toBeCloseTo(657 / 81 - 3, 12);
    expect(st.maxAbs).toBe(0.1);
    // max-return: k * 10%
    expect(jumpBuffer({ measure: 'max-return', k: 1, z: 2.326, maxBuffer: 0.2 }, st)).toBe(0.1);
    expect(jumpBuffer({ measure: 'max-return', k: 0.5, z: 2.326, maxBuffer: 0.2 }, st)).toBe(0.05);
    // kurtosis: sd * K * (z^3 - 3z) / 24 = 0.03 * 5.1111 * (12.5843 - 6.978) / 24 = 0.035818
    expect(jumpBuffer({ measure: 'kurtosis', k: 1, z: 2.326, maxBuffer: 0.2 }, st)).toBeCloseTo(0.035818, 5);
    // thin tails (K < 0) add nothing; the cap holds
    const flat = returnStats([0.01, -0.01, 0.01, -0.01]);
    expect(flat.excessKurtosis).toBeCloseTo(-2, 12);
    expect(jumpBuffer({ measure: 'kurtosis', k: 1, z: 2.326, maxBuffer: 0.2 }, flat)).toBe(0);
    expect(jumpBuffer({ measure: 'max-return', k: 5, z: 2.326, maxBuffer: 0.2 }, st)).toBe(0.2);
  });

  it('adds the largest recent |return| to maintenance for the window; the crash then makes far less bad debt', () => {
    const s = book({
      shocks: turbulenceThenCrash(),
      defenses: [
        { kind: 'jump-buffer', name: 'jump' },
        { kind: 'jump-buffer', name: 'kurt', measure: 'kurtosis' },
      ],
    });
    const none = run(s, 'none');
    const jb = run(s, 'jump');
    // step 100: the first swing, |0.98 - 1| = 2% -> maintenance 3% + 2% (the largest |return| of steps 41..100)
    expect(jb.series.maintenanceMargin[99]).toBe(0.03);
    expect(jb.series.maintenanceMargin[100]).toBeCloseTo(0.05, 12);
    // the swings up are |1/0.98 - 1| = 2.04%: the buffer from step 101 on
    expect(jb.series.maintenanceMargin[101]).toBeCloseTo(0.03 + (1 / 0.98 - 1), 12);
    // the crash steps 150..159 (0.8^(1/10) - 1 = -2.21%) raise it again; the window of step 219 (returns of steps
    // 160..219) no longer holds them
    expect(jb.series.maintenanceMargin[150]).toBeCloseTo(0.03 + (1 - Math.pow(0.8, 0.1)), 12);
    expect(jb.series.maintenanceMargin[218]).toBeCloseTo(0.03 + (1 - Math.pow(0.8, 0.1)), 12);
    expect(jb.series.maintenanceMargin[219]).toBe(0.03);
    expect(jb.interventions.map((x) => `${x.action}@${x.step}`)).toEqual(['raise-margin@100', 'restore-margin@219']);
    expect(jb.interventions[0].value).toBeCloseTo(0.05, 12);
    expect(jb.interventions[0].threshold).toBe(0.03);
    // the effect
    expect(none.summary.bad_debt).toBeGreaterThan(500_000);
    expect(jb.summary.bad_debt).toBeLessThan(0.3 * none.summary.bad_debt);
    expect(jb.summary.uncovered_bad_debt).toBeLessThan(0.05 * none.summary.uncovered_bad_debt);
    // the kurtosis rule reacts to the first swing (one jump among flat returns: high excess kurtosis) and fades as
    // the swings become the body of the distribution
    const ku = run(s, 'kurt');
    expect(ku.interventions[0].action).toBe('raise-margin');
    expect(ku.interventions[0].step).toBe(100);
    expect(ku.series.maintenanceMargin[100]).toBeGreaterThan(0.05);
    expect(ku.summary.bad_debt).toBeLessThan(0.3 * none.summary.bad_debt);
  });
});
