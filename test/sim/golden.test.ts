// cascade-golden: the engine reproduces the reference workload's published output bit for bit.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario, type RunResult } from '../../sim/run.js';
import { cascade, goldenDir, closeRel } from './helpers.js';

interface Row {
  step: number;
  price: number;
  liquidations: number;
  fund: number;
  uncovered: number;
}

function readRecords(): Row[] {
  const text = readFileSync(path.join(goldenDir, 'records_N1000_T10000_s1_sigma0.csv'), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  expect(lines[0].trim()).toBe('step,price,liquidations,insurance_fund,uncovered_bad_debt');
  return lines.slice(1).map((l) => {
    const c = l.split(',').map(Number);
    return { step: c[0], price: c[1], liquidations: c[2], fund: c[3], uncovered: c[4] };
  });
}

describe('cascade-golden (N=1000, T=10000, seed 1, sigma 0)', () => {
  let r: RunResult;
  let rows: Row[];
  let totals: Record<string, number>;

  beforeAll(() => {
    if (!existsSync(goldenDir)) {
      throw new Error(`the reference output ${goldenDir} is missing: run the tests with the shared reference beside the checkout (../shared, as CI does) or set BULWARK_SHARED to its directory`);
    }
    const { scenario, baseDir } = cascade();
    const s = scenario as any;
    s.agents[0].population = path.join(goldenDir, 'population_N1000_s1.csv');
    expect(s.market.process.kind).toBe('gbm');
    s.market.process.sigma = 0;
    r = runScenario(scenario, { policy: 'none', seed: 1, baseDir });
    rows = readRecords();
    totals = JSON.parse(readFileSync(path.join(goldenDir, 'totals_N1000_T10000_s1_sigma0.json'), 'utf8'));
  });

  it('runs without error over 10,000 steps', () => {
    expect(r.error).toBeUndefined();
    expect(r.summary.error).toBeNull();
    expect(r.summary.steps).toBe(10000);
    expect(r.series.length).toBe(10000);
    expect(rows.length).toBe(10000);
    expect(r.summary.initial_accounts).toBe(1000);
  });

  it('starting book: open interest, fund at the reference values', () => {
    expect(r.summary.insurance_fund_initial).toBe(totals.fund0);
    // deposits = sum of collateral + the fund's seed
    const pop = readFileSync(path.join(goldenDir, 'population_N1000_s1.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
    let c = 0;
    for (const l of pop) c += Number(l.split(',')[0]);
    expect(closeRel(r.summary.deposits, c + totals.fund0, 1e-12)).toBe(true);
  });

  it('every step matches the records: liquidations exactly, price / fund / uncovered exactly (and to 1e-9)', () => {
    const s = r.series;
    const mismatches: string[] = [];
    let exactMismatches = 0;
    for (let t = 0; t < rows.length; t++) {
      const g = rows[t];
      expect(g.step).toBe(t);
      if (s.liquidations[t] !== g.liquidations) mismatches.push(`step ${t}: liquidations ${s.liquidations[t]} != ${g.liquidations}`);
      if (!closeRel(s.mark[t], g.price, 1e-9)) mismatches.push(`step ${t}: price ${s.mark[t]} != ${g.price}`);
      if (!closeRel(s.insuranceFund[t], g.fund, 1e-9)) mismatches.push(`step ${t}: fund ${s.insuranceFund[t]} != ${g.fund}`);
      if (!closeRel(s.uncoveredBadDebt[t], g.uncovered, 1e-9)) mismatches.push(`step ${t}: uncovered ${s.uncoveredBadDebt[t]} != ${g.uncovered}`);
      if (s.mark[t] !== g.price || s.insuranceFund[t] !== g.fund || s.uncoveredBadDebt[t] !== g.uncovered) exactMismatches++;
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(exactMismatches).toBe(0);
  });

  it('the cascade happens where the reference says: steps 5000-5009, fund exhausted in step 5001', () => {
    const s = r.series;
    let total = 0;
    let first = -1;
    let last = -1;
    for (let t = 0; t < s.length; t++) {
      if (s.liquidations[t] > 0) {
        if (first < 0) first = t;
        last = t;
      }
      total += s.liquidations[t];
    }
    expect(total).toBe(482);
    expect(first).toBe(5000);
    expect(last).toBe(5009);
    expect(s.insuranceFund[5000]).toBeGreaterThan(0);
    expect(s.uncoveredBadDebt[5000]).toBe(0);
    expect(s.uncoveredBadDebt[5001]).toBeGreaterThan(0);
    // the fund is exhausted during step 5001 (the first uncovered debt); fees later in the pass refill it a little
    let firstUncovered = -1;
    for (let k = 0; k < r.events.liqCount; k++) {
      if (r.events.uncovered[k] > 0) {
        firstUncovered = r.events.step[k];
        break;
      }
    }
    expect(firstUncovered).toBe(5001);
    expect(r.summary.insurance_fund_min).toBe(0);
    expect(s.mark[4999]).toBe(2000);
    // only longs are liquidated
    for (let k = 0; k < r.events.liqCount; k++) expect(r.events.size[k]).toBeGreaterThan(0);
  });

  it('totals match exactly', () => {
    const m = r.summary;
    const pairs: [string, number, number][] = [
      ['final_price', m.final_price, totals.final_price],
      ['total_liquidations', m.liquidations, totals.total_liquidations],
      ['uncovered_bad_debt', m.uncovered_bad_debt, totals.uncovered_bad_debt],
      ['bad_debt_total', m.bad_debt, totals.bad_debt_total],
      ['slippage', m.liquidation_slippage, totals.slippage],
      ['fees', m.liquidation_fees, totals.fees],
      ['returned_to_traders', m.returned_to_traders, totals.returned_to_traders],
      ['insurance_fund', m.insurance_fund_final, totals.insurance_fund],
    ];
    for (const [name, got, want] of pairs) {
      expect(closeRel(got, want, 1e-9), `${name}: ${got} vs ${want}`).toBe(true);
      expect(got, name).toBe(want);
    }
    expect(m.final_price).toBe(r.series.mark[9999]);
    expect(m.liquidator_income).toBe(0);
    expect(m.socialized_loss).toBe(0);
    expect(m.opens).toBe(0);
  });
});
