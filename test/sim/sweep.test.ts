// Sweep files: validation in the scenario error style, expansion into points, run coordinates and run seeds.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatError } from '../../sim/errors.js';
import { getPath, parsePath, PathError, pathText, setPath } from '../../sim/scenario-path.js';
import { loadSweep, runAt, runSeed, runSeeds } from '../../sim/sweep.js';
import { repoRoot, errorOf } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-sweep-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = path.join(repoRoot, 'scenarios/flash-crash.yaml');

function sweepFile(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text.replace('SCENARIO', path.relative(dir, scenario)));
  return f;
}


describe('scenario paths', () => {
  it('parse and print', () => {
    expect(parsePath('venue.maintenanceMargin')).toEqual(['venue', 'maintenanceMargin']);
    expect(parsePath('defenses[0].sigmas')).toEqual(['defenses', 0, 'sigmas']);
    expect(parsePath('agents[1].maxPerStep')).toEqual(['agents', 1, 'maxPerStep']);
    expect(pathText(['a', 2, 'b'])).toBe('a[2].b');
    expect(() => parsePath('venue..x')).toThrow(PathError);
    expect(() => parsePath('defenses[x]')).toThrow(/not a path/);
  });

  it('set values, creating missing objects but never list entries', () => {
    const o: Record<string, unknown> = { defenses: [{ kind: 'vol-breaker' }], venue: { fee: 1 } };
    setPath(o, ['venue', 'liquidity', 'impact'], 0.3);
    setPath(o, ['defenses', 0, 'sigmas'], 3);
    expect(getPath(o, ['venue', 'liquidity', 'impact'])).toBe(0.3);
    expect(o.defenses).toEqual([{ kind: 'vol-breaker', sigmas: 3 }]);
    expect(() => setPath(o, ['defenses', 4, 'sigmas'], 3)).toThrow('defenses has 1 entry, so there is no [4]');
    expect(() => setPath(o, ['venue', 'fee', 'x'], 3)).toThrow("venue.fee is 1, not an object, so it has no key 'x'");
  });
});

describe('run seeds and coordinates', () => {
  it('the seed of seed index i is the first 31 bits of sha256("bulwark/sweep-seed/v1:<sweep seed>:<i>")', () => {
    const want = createHash('sha256').update('bulwark/sweep-seed/v1:7:3').digest().readUInt32BE(0) & 0x7fffffff;
    expect(runSeed(7, 3)).toBe(want);
    expect(runSeeds(7, 5)).toEqual([0, 1, 2, 3, 4].map((i) => runSeed(7, i)));
    expect(new Set(runSeeds(1, 2000)).size).toBe(2000);
    expect(runSeeds(8, 5)).not.toEqual(runSeeds(7, 5));
  });

  it('runs go point, seed, policy (innermost); the seed depends on the seed index only', () => {
    const plan = { policies: ['none', 'pause'], seeds: runSeeds(1, 3) };
    const all = Array.from({ length: 2 * 3 * 2 }, (_, i) => runAt(plan, i));
    expect(all.slice(0, 3).map((c) => [c.pointIndex, c.seedIndex, c.policy])).toEqual([
      [0, 0, 'none'],
      [0, 0, 'pause'],
      [0, 1, 'none'],
    ]);
    expect(all[11]).toMatchObject({ pointIndex: 1, seedIndex: 2, policyIndex: 1, policy: 'pause' });
    for (const c of all) expect(c.seed).toBe(plan.seeds[c.seedIndex]);
    // every policy at every point sees the same seed for the same seed index: common random numbers
    const bySeedIndex = new Map<number, Set<number>>();
    for (const c of all) bySeedIndex.set(c.seedIndex, (bySeedIndex.get(c.seedIndex) ?? new Set()).add(c.seed));
    for (const s of bySeedIndex.values()) expect(s.size).toBe(1);
  });
});

describe('loadSweep', () => {
  it('expands a grid with an override; every point re-validated with its value', () => {
    const f = sweepFile(
      'grid.yaml',
      `name: g
scenario: SCENARIO
override:
  steps: 700
  agents[0].count: 50
policies: [none, vol-breaker]
seeds: 4
space:
  kind: grid
  parameters:
    venue.maintenanceMargin: [0.03, 0.04]
    defenses[0].sigmas: [3, 5]
`,
    );
    const plan = loadSweep(f);
    expect(plan.name).toBe('g');
    expect(plan.parameters).toEqual(['venue.maintenanceMargin', 'defenses[0].sigmas']);
    expect(plan.points.map((p) => p.values)).toEqual([
      [0.03, 3],
      [0.03, 5],
      [0.04, 3],
      [0.04, 5],
    ]);
    expect(plan.runs).toBe(4 * 4 * 2);
    expect(plan.base.steps).toBe(700);
    for (const p of plan.points) {
      expect(p.scenario.steps).toBe(700);
      expect((p.scenario.agents[0] as any).count).toBe(50);
      expect(p.scenario.venue.maintenanceMargin).toBe(p.values[0]);
      expect((p.scenario.defenses[0] as any).sigmas).toBe(p.values[1]);
      expect((p.scenario.defenses[1] as any).sigmas).toBe(4); // untouched
    }
    expect(plan.seeds).toEqual(runSeeds(1, 4));
    expect(loadSweep(f).hash).toBe(plan.hash);
  });

  it('the hash changes with anything that changes the runs', () => {
    const a = loadSweep(sweepFile('h1.yaml', 'scenario: SCENARIO\nseeds: 3\n'));
    const b = loadSweep(sweepFile('h2.yaml', 'scenario: SCENARIO\nseeds: 4\n'));
    const c = loadSweep(sweepFile('h3.yaml', 'scenario: SCENARIO\nseeds: 3\nseed: 2\n'));
    const d = loadSweep(sweepFile('h4.yaml', 'scenario: SCENARIO\nseeds: 3\noverride: { steps: 700 }\n'));
    expect(new Set([a.hash, b.hash, c.hash, d.hash]).size).toBe(4);
    expect(a.name).toBe('h1');
    expect(a.policies).toEqual(['none', 'vol-breaker', 'pause']); // the scenario's compare list
    expect(a.points).toHaveLength(1);
  });

  it('an invalid value names the sweep file, its line, the parameter, the point and the scenario path', () => {
    const f = sweepFile(
      'bad.yaml',
      `scenario: SCENARIO
seeds: 2
space:
  kind: grid
  parameters:
    venue.maintenanceMargin: [0.03, 0.07]
`,
    );
    const e = errorOf(() => loadSweep(f));
    expect(e.code).toBe('sweep.invalid');
    expect(e.message).toContain('point 1 of 2 (venue.maintenanceMargin = 0.07)');
    expect(e.details).toHaveLength(1);
    expect(e.details![0]).toMatchObject({ file: f, location: '6:30', path: "space.parameters['venue.maintenanceMargin']" });
    expect(e.details![0].message).toBe('scenario path venue.maintenanceMargin: maintenanceMargin must not exceed initialMargin, found 0.07');
    expect(formatError(e)).toContain(`${f}:6:30 space.parameters['venue.maintenanceMargin']: scenario path venue.maintenanceMargin:`);
  });

  it('an unknown scenario key gets a did-you-mean; a missing list entry says how many there are', () => {
    const f = sweepFile('typo.yaml', 'scenario: SCENARIO\nseeds: 2\nspace:\n  kind: grid\n  parameters:\n    venue.maintenanceMargn: [0.03]\n');
    const e = errorOf(() => loadSweep(f));
    expect(e.details![0].message).toContain("unknown key 'maintenanceMargn' (did you mean 'maintenanceMargin'?)");
    expect(e.details![0].path).toBe("space.parameters['venue.maintenanceMargn']");
    const g = sweepFile('index.yaml', 'scenario: SCENARIO\nseeds: 2\nspace:\n  kind: grid\n  parameters:\n    defenses[5].sigmas: [3]\n');
    const e2 = errorOf(() => loadSweep(g));
    expect(e2.message).toBe("parameter 'defenses[5].sigmas': cannot set scenario path defenses[5].sigmas: defenses has 2 entries, so there is no [5]");
    expect(e2.location).toBe('6:25');
  });

  it('schema problems of the sweep file itself: file, line:col, path, expectation, hint', () => {
    const f = sweepFile('schema.yaml', 'scenario: SCENARIO\nseedz: 2\nspace:\n  kind: grd\n  parameters: {}\n');
    const e = errorOf(() => loadSweep(f));
    expect(e.code).toBe('sweep.invalid');
    const text = formatError(e);
    expect(text).toMatch(/schema\.yaml:2:8 seedz: unknown key 'seedz' \(did you mean 'seeds'\?\)/);
    expect(text).toMatch(/space\.kind: unknown kind "grd"; expected one of: grid, random, latin-hypercube \(did you mean 'grid'\?\)/);
  });

  it('an unknown policy is named with its place in the sweep file; a missing scenario file is unreadable', () => {
    const f = sweepFile('pol.yaml', 'scenario: SCENARIO\nseeds: 2\npolicies: [none, nonesuch]\n');
    const e = errorOf(() => loadSweep(f));
    expect(e).toMatchObject({ code: 'sweep.invalid', path: 'policies[1]', location: '3:18' });
    expect(e.message).toContain("unknown policy 'nonesuch'");
    const g = sweepFile('missing.yaml', 'scenario: nope.yaml\nseeds: 2\n');
    expect(errorOf(() => loadSweep(g))).toMatchObject({ code: 'scenario.unreadable' });
  });
});
