// The executor layer: inline and pool backends give the same outcomes; failures come back as outcomes with plain
// error data (a throw, a time limit, a memory limit, a dead worker); the driver writes in run-index order.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InlineExecutor, PoolExecutor, type Executor } from '../../sim/executor.js';
import type { RunOutcome, RunTask } from '../../sim/run-task.js';
import { loadScenario } from '../../sim/scenario.js';
import { drive } from '../../sim/sweep-driver.js';
import { ReorderBuffer } from '../../sim/reorder.js';
import { repoRoot } from './helpers.js';

const ls = loadScenario(path.join(repoRoot, 'scenarios/flash-crash.yaml'));
const small = structuredClone(ls.scenario);
small.steps = 660;
(small.agents[0] as any).count = 100;

function task(i: number, over: Partial<RunTask> = {}): RunTask {
  return { runIndex: i, scenario: small, baseDir: ls.baseDir, policy: i % 2 === 0 ? 'none' : 'pause', seed: 100 + (i >> 1), collectSteps: false, timeoutMs: null, ...over };
}

const pools: Executor[] = [];
afterAll(async () => {
  for (const p of pools) await p.destroy();
});
function pool(opts: ConstructorParameters<typeof PoolExecutor>[0]): PoolExecutor {
  const p = new PoolExecutor(opts);
  pools.push(p);
  return p;
}

describe('backends', () => {
  it('inline and a pool of 2 workers give equal outcomes, steps included', async () => {
    const inline = new InlineExecutor();
    const p = pool({ workers: 2 });
    const tasks = Array.from({ length: 6 }, (_, i) => task(i, { collectSteps: i === 1 }));
    const a = await Promise.all(tasks.map((t) => inline.run(t)));
    const b = await Promise.all(tasks.map((t) => p.run(t)));
    expect(b).toEqual(a);
    expect(a[0].summary!.liquidations).toBeGreaterThan(0);
    expect(a[1].summary!.steps_halted).toBeGreaterThan(0);
    expect(a[1].steps!.mark).toBeInstanceOf(Float64Array);
    expect(a[1].steps!.mark.length).toBe(660);
    expect(a[1].steps!.halted.reduce((x, y) => x + (y > 0 ? 1 : 0), 0)).toBe(a[1].summary!.steps_halted);
    expect(a[0].steps).toBeNull();
  }, 30_000);

  it('a run that throws comes back as plain error data, not as a rejection or {}', async () => {
    for (const ex of [new InlineExecutor(), pool({ workers: 1 })]) {
      const o = await ex.run(task(0, { policy: 'nonesuch' }));
      expect(o.summary).toBeNull();
      expect(o.error).toMatchObject({ code: 'policy.unknown' });
      expect(o.error!.message).toContain("unknown policy 'nonesuch'");
      expect(JSON.parse(JSON.stringify(o.error))).toEqual(o.error); // plain data
    }
  }, 30_000);

  it('plug-in policy modules are loaded in each worker before its first run: the same outcomes as inline', async () => {
    const plug = loadScenario(path.join(repoRoot, 'test/fixtures/plugin-scenario.yaml'));
    const s = structuredClone(plug.scenario);
    s.steps = 150;
    const tasks = Array.from({ length: 4 }, (_, i) => task(i, { scenario: s, baseDir: plug.baseDir, policy: i % 2 === 0 ? 'none' : 'my-breaker' }));
    const p = pool({ workers: 2 });
    const b = await Promise.all(tasks.map((t) => p.run(t))); // the pool first: nothing loaded in this thread helps it
    const a = await Promise.all(tasks.map((t) => new InlineExecutor().run(t)));
    for (const o of b) expect(o.error, JSON.stringify(o.error)).toBeNull();
    expect(b).toEqual(a);
    expect(b[1].summary!.steps_halted).toBeGreaterThan(0); // the module's breaker acted
  }, 30_000);

  it('a plug-in module that cannot be loaded fails its runs with plain error data naming the module, not {}', async () => {
    const plug = loadScenario(path.join(repoRoot, 'test/fixtures/plugin-scenario.yaml'));
    const s = structuredClone(plug.scenario);
    s.defenses = [{ kind: 'module', path: './no-such-policy.js', params: {} }] as typeof s.defenses;
    const abs = path.join(plug.baseDir, 'no-such-policy.js');
    for (const ex of [new InlineExecutor(), pool({ workers: 1 }), pool({ workers: 1, timeoutMs: 10_000 })]) {
      const o = await ex.run(task(2, { scenario: s, baseDir: plug.baseDir, policy: 'no-such-policy' }));
      expect(o).toMatchObject({ runIndex: 2, summary: null, steps: null });
      expect(o.error).toEqual({ code: 'plugin.unreadable', path: 'defenses[0].path', message: `cannot load policy module './no-such-policy.js': no such file ${abs}` });
    }
  }, 30_000);

  it('the time limit stops a run between steps and keeps its summary so far', async () => {
    const long = structuredClone(small);
    long.steps = 200_000;
    for (const ex of [new InlineExecutor(), pool({ workers: 1, timeoutMs: 50 })]) {
      const o = await ex.run(task(0, { scenario: long, timeoutMs: 50 }));
      expect(o.error).toMatchObject({ code: 'run.timeout' });
      expect(o.error!.message).toBe('run exceeded the time limit of 0.05 s');
      expect(o.error!.step).toBeGreaterThanOrEqual(0); // 0 when the machine is so busy that the limit passes before the first step
      expect(o.summary!.error).toMatch(/^run exceeded the time limit of 0\.05 s \(step \d+\)$/);
    }
  }, 30_000);
});

describe('pool failures (a test worker that hangs, exhausts its heap or throws)', () => {
  const hang = path.join(repoRoot, 'test/fixtures/sweeps/hang-worker.mjs');

  it('a worker stuck inside a step is terminated at the limit plus grace; the pool goes on', async () => {
    const p = pool({ workers: 1, timeoutMs: 100, workerFile: hang });
    const t0 = performance.now();
    const o = await p.run(task(3, { policy: 'hang' }));
    expect(performance.now() - t0).toBeGreaterThan(1000); // grace: max(1 s, limit / 2)
    expect(o).toEqual({ runIndex: 3, summary: null, steps: null, error: { code: 'run.timeout', message: 'run exceeded the time limit of 0.1 s (its worker was stopped)' } });
    expect((await p.run(task(4))).error).toBeNull();
  }, 30_000);

  it('a run over the memory limit is recorded as failed; the pool goes on', async () => {
    const p = pool({ workers: 1, memoryMb: 32, workerFile: hang });
    const o = await p.run(task(5, { policy: 'oom' }));
    expect(o.summary).toBeNull();
    expect(o.error).toEqual({ code: 'run.memory', message: 'run exceeded the memory limit of 32 MB (its worker was stopped)' });
    expect((await p.run(task(6))).error).toBeNull();
  }, 30_000);

  it('a run waiting in a worker that is stopped or dies is run again, not blamed', async () => {
    const p = pool({ workers: 1, timeoutMs: 100, memoryMb: 32, workerFile: hang });
    // one worker takes two tasks at once: the second waits in it while the first hangs, then runs out of memory
    const [a, b] = await Promise.all([p.run(task(10, { policy: 'hang' })), p.run(task(11))]);
    expect(a.error?.code).toBe('run.timeout');
    expect(b).toEqual({ runIndex: 11, summary: null, error: null, steps: null });
    const [c, d] = await Promise.all([p.run(task(12, { policy: 'oom' })), p.run(task(13))]);
    expect(c.error?.code).toBe('run.memory');
    expect(d.error).toBeNull();
  }, 30_000);

  it('an exception escaping the worker becomes a run.crashed outcome', async () => {
    const p = pool({ workers: 1, workerFile: hang });
    const o = await p.run(task(7, { policy: 'throw' }));
    expect(o.error).toEqual({ code: 'run.crashed', message: 'the worker running it failed: worker blew up' });
  }, 30_000);

  it('destroy stops the workers; later runs are cancelled outcomes', async () => {
    const p = pool({ workers: 2, workerFile: hang });
    expect((await p.run(task(0))).error).toBeNull();
    await p.destroy();
    const o = await p.run(task(1));
    expect(o.error?.code).toBe('run.cancelled');
  }, 30_000);
});

/** An executor whose runs finish after a delay that depends on the run: completion order != submission order. */
class Shuffled implements Executor {
  readonly kind = 'inline' as const;
  readonly concurrency = 4;
  readonly capacity = 8;
  inFlight = 0;
  maxInFlight = 0;
  async run(t: RunTask): Promise<RunOutcome> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, (t.runIndex * 7) % 5));
    this.inFlight--;
    return { runIndex: t.runIndex, summary: null, error: t.runIndex % 10 === 3 ? { code: 'x', message: 'boom' } : null, steps: null };
  }
  async destroy() {}
}

describe('drive', () => {
  it('hands every outcome to the sink once, in run-index order, whatever the completion order', async () => {
    const ex = new Shuffled();
    const seen: number[] = [];
    const r = await drive({ executor: ex, start: 0, total: 200, task: (i) => task(i), sink: (o) => seen.push(o.runIndex), window: 16 });
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(r).toEqual({ interrupted: false, written: 200, failed: 20 });
    expect(ex.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('starts at `start` (a resumed sweep) and stops on abort with a contiguous prefix', async () => {
    const ex = new Shuffled();
    const seen: number[] = [];
    const ac = new AbortController();
    const r = await drive({
      executor: ex,
      start: 10,
      total: 1000,
      task: (i) => task(i),
      sink: (o) => {
        seen.push(o.runIndex);
        if (o.runIndex === 60) ac.abort();
      },
      signal: ac.signal,
    });
    expect(r.interrupted).toBe(true);
    expect(seen).toEqual(Array.from({ length: r.written - 10 }, (_, i) => 10 + i));
    expect(r.written).toBeGreaterThan(60);
    expect(r.written).toBeLessThan(1000);
  });

  it('a failing sink stops the drive with its error', async () => {
    const ex = new Shuffled();
    await expect(drive({ executor: ex, start: 0, total: 50, task: (i) => task(i), sink: (o) => { if (o.runIndex === 5) throw new Error('disk full'); } })).rejects.toThrow('disk full');
  });

  it('the reorder buffer releases in order and refuses duplicates', () => {
    const out: string[] = [];
    const b = new ReorderBuffer<string>(0, (s) => out.push(s));
    b.add(2, 'c');
    b.add(1, 'b');
    expect(out).toEqual([]);
    expect(b.size).toBe(2);
    b.add(0, 'a');
    expect(out).toEqual(['a', 'b', 'c']);
    expect(() => b.add(1, 'again')).toThrow(/twice/);
  });
});
