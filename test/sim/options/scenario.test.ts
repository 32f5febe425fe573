// scenarios/options-vol-shock.yaml: it validates, runs from the CLI, and its policies change the outcome (numbers).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../../sim/scenario.js';
import { InputError } from '../../../sim/errors.js';
import { repoRoot } from '../helpers.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-options-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** |a - b| <= 1e-9 * |b|: the run is deterministic, so its figures are pinned (to well under a cent). */
function pinned(a: number, b: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
}

describe('scenarios/options-vol-shock.yaml', () => {
  const out = path.join(tmp, 'ovs');
  const r = bulwark('run', 'scenarios/options-vol-shock.yaml', '--out', out, '--json');
  const runs = r.code === 0 ? (JSON.parse(r.stdout).runs as Record<string, any>[]) : [];
  const by = Object.fromEntries(runs.map((x) => [x.policy, x]));

  it('validates and runs its compare list from the CLI, writing the three Arrow files', () => {
    expect(bulwark('validate', 'scenarios/options-vol-shock.yaml').code).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(runs.map((x) => x.policy)).toEqual(['none', 'greeks-limits', 'greeks-hedge', 'writer-delta-hedge', 'greeks-limits+writer-delta-hedge']);
    expect(readdirSync(out).sort()).toEqual(['events.arrow', 'runs.arrow', 'steps.arrow']);
  });

  it('without limits, the gap leaves bad debt the options fund cannot cover', () => {
    const none = by.none;
    expect(none.options_liquidations).toBe(232);
    pinned(none.options_bad_debt, 103998.47734756555);
    pinned(none.options_uncovered_bad_debt, 49900.89427823563);
    expect(none.options_insurance_fund_final).toBeLessThan(50000);
    expect(none.options_reductions).toBe(0);
  });

  it('Greeks limits cut bad debt by four fifths and leave none uncovered, with fewer liquidations', () => {
    const g = by['greeks-limits'];
    expect(g.options_liquidations).toBe(172);
    expect(g.options_reductions).toBe(1015);
    pinned(g.options_bad_debt, 21165.99000988538);
    expect(g.options_uncovered_bad_debt).toBe(0);
    pinned(g.options_insurance_fund_final, 32776.11414751431);
    expect(g.options_bad_debt).toBeLessThan(0.25 * by.none.options_bad_debt);
    expect(g.interventions).toBe(1015);
  });

  it('a delta-only bound answered with hedges helps less: gamma is what the gap punishes', () => {
    const h = by['greeks-hedge'];
    expect(h.options_forced_hedges).toBe(3010);
    expect(h.options_reductions).toBe(0);
    pinned(h.options_bad_debt, 72814.9819834028);
    pinned(h.options_uncovered_bad_debt, 20689.15987718268);
    expect(h.options_bad_debt).toBeLessThan(by.none.options_bad_debt);
    expect(h.options_bad_debt).toBeGreaterThan(by['greeks-limits'].options_bad_debt);
  });

  it("the protocol's hedge of the writers' delta does not change the venue; its P&L is reported", () => {
    const d = by['writer-delta-hedge'];
    for (const k of ['options_bad_debt', 'options_uncovered_bad_debt', 'options_liquidations', 'options_peak_writer_delta']) expect(d[k], k).toBe(by.none[k]);
    pinned(d.options_hedge_pnl, -5757.6633651966695);
    const both = by['greeks-limits+writer-delta-hedge'];
    expect(both.options_bad_debt).toBe(by['greeks-limits'].options_bad_debt);
    pinned(both.options_hedge_pnl, -151291.05665009888);
    // the peak Greeks of the writers are reported for every run
    pinned(by.none.options_peak_writer_delta, 736523.3176848403);
    pinned(by.none.options_peak_writer_gamma, 110755.53637130557);
  });

  it('prints the options table in the terminal', () => {
    const t = bulwark('run', 'scenarios/options-vol-shock.yaml', '--out', path.join(tmp, 'table'), '--policy', 'none', '--policy', 'greeks-limits');
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain('options venue');
    expect(t.stdout).toMatch(/^none\s+103,998\.48\s+49,900\.89\s+232\s/m);
    expect(t.stdout).toMatch(/^greeks-limits\s+21,165\.99\s+0\.00\s+172\s+1,015\s/m);
    expect(t.stdout).toMatch(/option-reduce/);
  }, 60_000);
});

describe('options scenario checks', () => {
  const base = { name: 't', steps: 100, agents: [{ kind: 'leveraged-traders', count: 1 }] };

  function problem(input: Record<string, unknown>): string {
    try {
      parseScenario(input);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      const d = (e as InputError).data;
      return [d.message, ...(d.details ?? []).map((x) => `${x.path}: ${x.message}`)].join('\n');
    }
    throw new Error('expected an InputError');
  }

  it('option agents need an options section; the series they name must exist', () => {
    expect(problem({ ...base, agents: [{ kind: 'option-writers' }] })).toMatch(/add an 'options:' section/);
    const options = { series: [{ type: 'call', moneyness: 1.1, expiry: 50 }] };
    expect(problem({ ...base, options, agents: [{ kind: 'vol-whale', series: ['nope'] }] })).toMatch(/no option series named 'nope'; expected one of: call-2200-50/);
    expect(() => parseScenario({ ...base, options, agents: [{ kind: 'vol-whale', series: ['call-2200-50'] }] })).not.toThrow();
  });

  it('a series gives exactly one of strike and moneyness; names are unique; unknown keys are named', () => {
    expect(problem({ ...base, options: { series: [{ type: 'put', expiry: 5 }] } })).toMatch(/exactly one of 'strike' and 'moneyness'/);
    expect(problem({ ...base, options: { series: [{ type: 'put', strike: 1, moneyness: 1, expiry: 5 }] } })).toMatch(/exactly one/);
    expect(problem({ ...base, options: { series: [{ type: 'put', strike: 1800, expiry: 5 }, { type: 'put', moneyness: 0.9, expiry: 5 }] } })).toMatch(/duplicate series name 'put-1800-5'/);
    expect(problem({ ...base, options: { series: [{ type: 'put', strike: 1800, expiry: 5 }], margn: 'standard' } })).toMatch(/'margn' \(did you mean 'margin'\?\)/);
    expect(problem({ ...base, options: { series: [{ type: 'put', strike: 1800, expiry: 5 }], portfolio: { buckets: 8 } } })).toMatch(/odd number of buckets/);
  });
});
