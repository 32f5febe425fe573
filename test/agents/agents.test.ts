// Agents: the population CSV reader, the leveraged-traders starting book and arrivals, the liquidator's uptime.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readPopulationCsv } from '../../agents/population-csv.js';
import { InputError } from '../../sim/errors.js';
import { runScenario, createWorld } from '../../sim/run.js';
import { parseScenario } from '../../sim/scenario.js';
import { errorOf } from '../sim/helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-agents-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function csv(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}


describe('population CSV', () => {
  it('reads rows in order, skipping blank lines, CRLF accepted', () => {
    const p = readPopulationCsv(csv('ok.csv', 'collateral,leverage,side\r\n1000.5,2,1\r\n\r\n2000,3.25,-1\r\n'));
    expect(Array.from(p.collateral)).toEqual([1000.5, 2000]);
    expect(Array.from(p.leverage)).toEqual([2, 3.25]);
    expect(Array.from(p.side)).toEqual([1, -1]);
  });

  it('wrong header at 1:1', () => {
    const d = errorOf(() => readPopulationCsv(csv('h.csv', 'collateral,lev,side\n1,2,1\n')));
    expect(d.code).toBe('population.header');
    expect(d.location).toBe('1:1');
  });

  it('bad rows name the line and the column', () => {
    const f = csv('bad.csv', 'collateral,leverage,side\n1000,2,1\n1000,2\n');
    const d = errorOf(() => readPopulationCsv(f));
    expect(d.code).toBe('population.row');
    expect(d.location).toBe('3:1');
    const side = errorOf(() => readPopulationCsv(csv('side.csv', 'collateral,leverage,side\n1000,2,1\n1000,2,0\n')));
    expect(side.path).toBe('side');
    expect(side.location).toBe('3:1');
    const neg = errorOf(() => readPopulationCsv(csv('neg.csv', 'collateral,leverage,side\n-5,2,1\n')));
    expect(neg.path).toBe('collateral');
    expect(neg.location).toBe('2:1');
    const lev = errorOf(() => readPopulationCsv(csv('lev.csv', 'collateral,leverage,side\n5,abc,1\n')));
    expect(lev.path).toBe('leverage');
  });

  it('a missing file is an InputError', () => {
    expect(errorOf(() => readPopulationCsv(path.join(dir, 'none.csv'))).code).toBe('population.unreadable');
  });
});

describe('leveraged-traders', () => {
  it('seeds the book from a CSV relative to the scenario directory: q = ((s*c)*L)/E at entry E', () => {
    csv('pop.csv', 'collateral,leverage,side\n1000,4,1\n3000,2.5,-1\n');
    const s = parseScenario({
      name: 't',
      steps: 1,
      market: { initialPrice: 1600, process: { kind: 'constant' } },
      agents: [{ kind: 'leveraged-traders', name: 'tr', population: 'pop.csv', count: 99 }],
    });
    const w = createWorld(s, { policy: 'none', seed: 1, baseDir: dir });
    const a = w.venue.accounts;
    expect(a.count).toBe(2); // count is ignored with a population
    expect(a.size[0]).toBe((1 * 1000 * 4) / 1600);
    expect(a.size[1]).toBe((-1 * 3000 * 2.5) / 1600);
    expect(a.entry[0]).toBe(1600);
    expect(a.collateral[1]).toBe(3000);
    expect(a.openedStep[0]).toBe(-1);
    expect(w.venue.ledger.deposits).toBe(4000 + w.venue.ledger.insuranceFund);
  });

  it('draws collateral and leverage within their ranges; alternate / long / short sides', () => {
    for (const side of ['alternate', 'long', 'short'] as const) {
      const s = parseScenario({
        name: 't',
        steps: 1,
        agents: [{ kind: 'leveraged-traders', count: 50, collateral: { uniform: [1000, 2000] }, leverage: { choice: [2, 5] }, side }],
      });
      const w = createWorld(s, { policy: 'none', seed: 3, baseDir: '.' });
      const a = w.venue.accounts;
      expect(a.count).toBe(50);
      for (let i = 0; i < 50; i++) {
        const c = a.collateral[i];
        expect(c >= 1000 && c < 2000).toBe(true);
        const L = (Math.abs(a.size[i]) * 2000) / c;
        expect(Math.min(Math.abs(L - 2), Math.abs(L - 5))).toBeLessThan(1e-9);
        const expectedSide = side === 'long' ? 1 : side === 'short' ? -1 : i % 2 === 0 ? 1 : -1;
        expect(Math.sign(a.size[i])).toBe(expectedSide);
      }
    }
  });

  it('arrivals: Poisson opens per step, around perStep on average', () => {
    const s = parseScenario({
      name: 't',
      steps: 400,
      market: { process: { kind: 'constant' } },
      venue: { funding: null },
      agents: [{ kind: 'leveraged-traders', count: 100, leverage: 2, arrivals: { perStep: 2, leverage: 2 } }],
    });
    const r = runScenario(s, { policy: 'none', seed: 2, baseDir: '.' });
    const attempts = r.summary.opens + r.summary.rejected_opens;
    expect(r.summary.rejected_opens).toBe(0); // 2x always passes the 5% initial margin here
    expect(attempts).toBeGreaterThan(2 * 400 * 0.85);
    expect(attempts).toBeLessThan(2 * 400 * 1.15);
  });
});

describe('liquidator', () => {
  function crash(uptime: number) {
    return parseScenario({
      name: 't',
      steps: 40,
      market: { process: { kind: 'constant' }, shocks: [{ kind: 'ramp', at: 5, steps: 1, factor: 0.8 }] },
      venue: { funding: null, liquidity: { depth: 1e9 } },
      agents: [
        { kind: 'leveraged-traders', count: 60, leverage: 10, side: 'long' },
        { kind: 'liquidator', name: 'bot', maxPerStep: 2, bounty: 0, uptime },
      ],
    });
  }

  it('uptime 1: exactly maxPerStep per step until done', () => {
    const r = runScenario(crash(1), { policy: 'none', seed: 1, baseDir: '.' });
    expect(r.summary.liquidations).toBe(60);
    for (let t = 5; t < 35; t++) expect(r.series.liquidations[t]).toBe(2);
  });

  it('uptime 0.5: offline on some steps (no liquidations then, all still pending)', () => {
    const r = runScenario(crash(0.5), { policy: 'none', seed: 1, baseDir: '.' });
    let idle = 0;
    let busy = 0;
    for (let t = 5; t < 40; t++) {
      if (r.series.liquidations[t] === 0 && r.series.pendingLiquidations[t] > 0) idle++;
      if (r.series.liquidations[t] === 2) busy++;
    }
    expect(idle).toBeGreaterThan(5);
    expect(busy).toBeGreaterThan(5);
    expect(r.summary.liquidations).toBeLessThan(60);
  });

  it('uptime 0: never liquidates', () => {
    const r = runScenario(crash(0), { policy: 'none', seed: 1, baseDir: '.' });
    expect(r.summary.liquidations).toBe(0);
    expect(r.series.pendingLiquidations[39]).toBe(60);
  });
});
