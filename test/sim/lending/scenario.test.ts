// scenarios/lending-crash.yaml from the command line: it validates, runs, writes the lending columns, and its
// policies change the outcome (numbers from seed 7; see the scenario file and docs/lending.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Table } from 'apache-arrow';
import { parse } from 'yaml';
import { loadResults } from '../../../reports/load.js';
import { repoRoot } from '../helpers.js';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-lending-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** |a / b - 1| <= rel */
const near = (a: number, b: number, rel = 1e-6): boolean => Math.abs(a / b - 1) <= rel;

interface Sums {
  n: number;
  size: number;
  notional: number;
  fee: number;
  bounty: number;
  slippage: number;
  badDebt: number;
}

/** Sums of the events table's rows by policy and action (lending rows only), checking their order on the way. */
function lendingEvents(t: Table): Map<string, Sums> {
  const out = new Map<string, Sums>();
  const get = (name: string) => t.getChild(name)!;
  const [policy, action, step, type] = [get('policy'), get('action'), get('step'), get('type')];
  const [size, notional, fee, bounty, slippage, bad] = ['size', 'notional', 'fee', 'bounty', 'slippage', 'bad_debt'].map((c) => get(c).toArray() as Float64Array);
  let last = -1;
  let lastPolicy = '';
  for (let i = 0; i < t.numRows; i++) {
    const p = policy.get(i) as string;
    if (p !== lastPolicy) last = -1;
    lastPolicy = p;
    expect(step.get(i)).toBeGreaterThanOrEqual(last); // step order within a run
    last = step.get(i);
    const a = action.get(i) as string;
    if (!a.startsWith('lending-') || type.get(i) !== 'liquidation') continue;
    const key = `${p} ${a}`;
    let x = out.get(key);
    if (x === undefined) out.set(key, (x = { n: 0, size: 0, notional: 0, fee: 0, bounty: 0, slippage: 0, badDebt: 0 }));
    x.n++;
    x.size += size[i];
    x.notional += notional[i];
    x.fee += fee[i];
    x.bounty += bounty[i];
    x.slippage += slippage[i];
    x.badDebt += bad[i];
  }
  return out;
}

describe('scenarios/lending-crash.yaml', () => {
  const out = path.join(tmp, 'crash');
  const r = bulwark('run', 'scenarios/lending-crash.yaml', '--out', out, '--json');
  const runs = r.code === 0 ? (JSON.parse(r.stdout).runs as Record<string, any>[]) : [];
  const by = Object.fromEntries(runs.map((x) => [x.policy, x]));

  it('validates and runs its four policies from the CLI', () => {
    expect(bulwark('validate', 'scenarios/lending-crash.yaml').code).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(runs.map((x) => x.policy)).toEqual(['none', 'sentinel', 'full-close', 'pause']);
  });

  it('none: the throttled bot leaves $2.34M of bad debt; its sales ($77.7M) push the spot 39% below the start', () => {
    const n = by.none;
    expect(near(n.lending_bad_debt, 2_343_325.27)).toBe(true);
    expect(n.lending_liquidations).toBe(3223);
    expect(near(n.lending_sold_notional, 77_701_033.23)).toBe(true);
    expect(near(n.lending_liquidator_pnl, 3_232_357.43)).toBe(true);
    expect(near(n.lending_protocol_fees, 386_556.08)).toBe(true);
    expect(n.lending_min_hf).toBeCloseTo(0.644, 3);
    expect(n.min_price).toBeLessThan(1230); // the crash alone ends at 1400 x the diffusion
    // bad debt is a deficit of the reserves (plus the interest they kept)
    expect(n.lending_reserves).toBeCloseTo(-n.lending_bad_debt + 0.1 * n.lending_interest, 2);
  });

  it('the policies change the outcome: the sentinel and a 100% close factor cut bad debt 12-13%; a trading pause raises it 40%', () => {
    const none = by.none.lending_bad_debt;
    expect(near(by.sentinel.lending_bad_debt, 2_059_011.60)).toBe(true);
    expect(near(by['full-close'].lending_bad_debt, 2_048_522.53)).toBe(true);
    expect(near(by.pause.lending_bad_debt, 3_282_721.93)).toBe(true);
    expect(by.sentinel.lending_bad_debt / none).toBeLessThan(0.9);
    expect(by['full-close'].lending_bad_debt / none).toBeLessThan(0.9);
    expect(by.pause.lending_bad_debt / none).toBeGreaterThan(1.35);
    // how: the sentinel blocks borrows and waits for HF < 0.95 (then 100% closes); full-close clears a position per
    // liquidation (fewer, bigger liquidations); the pause stops liquidations (less collateral sold, the spot falls
    // less) while positions sink further under water
    expect(by.sentinel.lending_blocked_borrows).toBeGreaterThan(0);
    expect(by.sentinel.interventions).toBe(2);
    expect(by['full-close'].lending_liquidations).toBeLessThan(0.7 * by.none.lending_liquidations);
    expect(by.pause.steps_halted).toBe(215);
    expect(by.pause.lending_sold_notional).toBeLessThan(0.7 * by.none.lending_sold_notional);
    expect(by.pause.min_price).toBeGreaterThan(by.none.min_price + 100);
  });

  it('writes the lending columns to runs and steps', () => {
    const res = loadResults(out);
    expect(res.runs.map((x: any) => x.lending_bad_debt)).toEqual(runs.map((x) => x.lending_bad_debt));
    const t = res.steps;
    expect(t.numRows).toBe(4 * 720);
    const col = (name: string) => Array.from(t.getChild(name)!.toArray() as Float64Array).slice(0, 720); // 'none' comes first
    expect(t.getChild('policy')!.get(719)).toBe('none');
    expect(col('lending_bad_debt')[719]).toBe(by.none.lending_bad_debt);
    expect(col('lending_utilization')[0]).toBeGreaterThan(0.5);
    expect(Math.min(...col('lending_min_hf'))).toBeCloseTo(by.none.lending_min_hf, 12);
    expect(Math.max(...col('lending_debt_below_1_05'))).toBeGreaterThan(0.8);
    expect(col('lending_hf_p1')[0]).toBeLessThan(col('lending_hf_p50')[0]);
  });

  it('writes one lending-liquidate row per liquidation: rows sum to lending_liquidations, _liquidated_debt, _bad_debt, _collateral_seized, _protocol_fees', () => {
    const res = loadResults(out);
    const sums = lendingEvents(res.events);
    expect([...sums.keys()]).toEqual(['none lending-liquidate', 'sentinel lending-liquidate', 'full-close lending-liquidate', 'pause lending-liquidate']);
    for (const run of res.runs as any[]) {
      const x = sums.get(`${run.policy} lending-liquidate`)!;
      expect(x.n).toBe(run.lending_liquidations);
      expect(near(x.notional, run.lending_liquidated_debt, 1e-12)).toBe(true);
      expect(near(x.badDebt, run.lending_bad_debt, 1e-12)).toBe(true);
      expect(near(x.size, run.lending_collateral_seized, 1e-12)).toBe(true);
      expect(near(x.fee, run.lending_protocol_fees, 1e-12)).toBe(true);
      expect(x.bounty).toBeGreaterThan(run.lending_liquidator_pnl); // the bonus, before slippage and the oracle gap
    }
    // the rows of one liquidation: the bot (agent 1) liquidates; bounty = (seized x oracle - fee) - debt repaid
    const e = res.events;
    let i = 0;
    while (e.getChild('action')!.get(i) !== 'lending-liquidate') i++;
    const v = (c: string) => e.getChild(c)!.get(i) as number;
    expect(e.getChild('source')!.get(i)).toBe('agent:1');
    expect(v('account')).toBeGreaterThanOrEqual(0);
    expect(v('bounty')).toBeCloseTo(v('size') * v('price') - v('fee') - v('notional'), 6);
    expect(v('uncovered_bad_debt')).toBeLessThanOrEqual(v('bad_debt'));
  });
});

describe('lending-crash in absorb mode (Compound v3)', () => {
  const file = path.join(tmp, 'absorb.json');
  const s = parse(readFileSync(path.join(repoRoot, 'scenarios/lending-crash.yaml'), 'utf8'));
  s.lending.mode = 'absorb';
  writeFileSync(file, JSON.stringify(s));
  const out = path.join(tmp, 'absorb');
  const r = bulwark('run', file, '--policy', 'none', '--out', out, '--json', '--quiet');

  it('one lending-absorb row per absorb (runs.lending_liquidations), one lending-buy-collateral row per purchase; the sums agree', () => {
    expect(r.code, r.stderr).toBe(0);
    const res = loadResults(out);
    const run = res.runs[0] as any;
    const sums = lendingEvents(res.events);
    expect([...sums.keys()]).toEqual(['none lending-absorb', 'none lending-buy-collateral']);
    const ab = sums.get('none lending-absorb')!;
    const buy = sums.get('none lending-buy-collateral')!;
    expect(ab.n).toBe(run.lending_liquidations);
    expect(ab.n).toBeGreaterThan(100);
    expect(near(ab.notional, run.lending_liquidated_debt, 1e-12)).toBe(true);
    expect(near(ab.badDebt, run.lending_bad_debt, 1e-12)).toBe(true);
    expect(near(ab.size, run.lending_collateral_seized, 1e-12)).toBe(true);
    expect(ab.fee + ab.bounty + ab.slippage).toBe(0);
    // purchases: the protocol sells at most what it absorbed; the buyers' bonus at the oracle net of their slippage
    // and the spot-oracle gap is their P&L
    expect(buy.n).toBeGreaterThan(0);
    expect(buy.size).toBeLessThanOrEqual(ab.size * (1 + 1e-12));
    expect(buy.fee + buy.badDebt).toBe(0);
    expect(buy.bounty).toBeGreaterThan(0);
    const e = res.events;
    for (let k = 0; k < e.numRows; k++) {
      const a = e.getChild('action')!.get(k);
      if (a === 'lending-absorb') expect(e.getChild('exec_price')!.get(k)).toBeCloseTo(0.95 * e.getChild('price')!.get(k), 9);
      if (a === 'lending-buy-collateral') expect(e.getChild('account')!.get(k)).toBe(-1);
    }
  });
});
