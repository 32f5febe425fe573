// Historical replay: resampling to the step (last price at or before each step's end), rescaling, files and errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromArrays, tableToIPC, vectorFromArray, TimestampMillisecond, Float64, Table } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { Replay, ReplaySchema } from '../../../sim/processes/replay.js';
import { parseTime, readPriceFile } from '../../../sim/processes/replay-file.js';
import { repoRoot, errorOf } from '../helpers.js';
import { env } from './env.js';

const fixtures = path.join(repoRoot, 'test/fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bulwark-replay-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


function replay(cfg: Record<string, unknown>, steps: number, initialPrice = 100, dir = fixtures): Replay {
  return new Replay(ReplaySchema.parse({ kind: 'replay', ...cfg }), { ...env(60, steps), baseDir: dir, initialPrice });
}

describe('replay', () => {
  it('resamples the fixture: each step takes the last price at or before its end', () => {
    // rows at 00:00 100, 00:01 101, 00:02:30 99, 00:05 105; step t ends at 00:(t+1):00
    const r = replay({ file: 'replay-prices.csv', rescale: false }, 5);
    expect(r.filePrice0).toBe(100);
    expect([...r.levels]).toEqual([101, 101, 99, 99, 105]);
    let p = 100;
    const seen: number[] = [];
    for (let t = 0; t < 5; t++) {
      const q = r.next(p, 0, t);
      expect(r.factor).toBe(q / p);
      seen.push(q);
      p = q;
    }
    expect(seen).toEqual([101, 101, 99, 99, 105]);
  });

  it('rescales to the asset initial price by default, and honours start and two-minute steps', () => {
    const r = replay({ file: 'replay-prices.csv' }, 5, 2000);
    expect([...r.levels]).toEqual([2020, 2020, 1980, 1980, 2100]);
    const late = new Replay(ReplaySchema.parse({ kind: 'replay', file: 'replay-prices.csv', start: '2024-01-01T00:01:00Z', rescale: false }), { ...env(120, 2), baseDir: fixtures, initialPrice: 101 });
    expect(late.filePrice0).toBe(101);
    expect([...late.levels]).toEqual([99, 105]);
  });

  it('a run longer than the file is an error naming the file, unless hold keeps the last price', () => {
    const d = errorOf(() => replay({ file: 'replay-prices.csv' }, 6));
    expect(d.code).toBe('replay.coverage');
    expect(d.file).toBe(path.join(fixtures, 'replay-prices.csv'));
    expect(d.message).toContain('covers 5 steps');
    expect(d.message).toContain('hold: true');
    const held = replay({ file: 'replay-prices.csv', rescale: false, hold: true }, 8);
    expect([...held.levels]).toEqual([101, 101, 99, 99, 105, 105, 105, 105]);
  });

  it('a bad row is named by file, line and column', () => {
    const d = errorOf(() => replay({ file: 'replay-bad-price.csv' }, 2));
    expect(d.code).toBe('replay.value');
    expect(d.file).toBe(path.join(fixtures, 'replay-bad-price.csv'));
    expect(d.location).toBe('4:28');
    expect(d.message).toBe("expected a positive price, found '-3'");
    const f = path.join(tmp, 'bad-time.csv');
    writeFileSync(f, 'timestamp,price\n2024-01-01T00:00:00Z,1\nyesterday,2\n');
    expect(errorOf(() => readPriceFile(f)).location).toBe('3:1');
    const g = path.join(tmp, 'order.csv');
    writeFileSync(g, 'time,price\n10,1\n10,2\n');
    const o = errorOf(() => readPriceFile(g));
    expect(o.code).toBe('replay.order');
    expect(o.location).toBe('3:1');
    const h = path.join(tmp, 'cols.csv');
    writeFileSync(h, 'when,value\n10,1\n');
    expect(errorOf(() => readPriceFile(h)).message).toContain("no time column 'timestamp' or 'time' or 'date'");
    expect(errorOf(() => readPriceFile(path.join(tmp, 'missing.csv'))).code).toBe('replay.unreadable');
  });

  it('reads the close column of candle files, files without a header, and a start before the data is an error', () => {
    const rows = readPriceFile(path.join(fixtures, 'replay-bad-price.csv').replace('bad-price', 'prices'));
    expect([...rows.price]).toEqual([100, 101, 99, 105]);
    const f = path.join(tmp, 'noheader.csv');
    writeFileSync(f, '0,10\n60,11\n120,12\n');
    const r = readPriceFile(f);
    expect([...r.time]).toEqual([0, 60, 120]);
    expect(parseTime('2024-01-01T00:01:00Z') - parseTime('2024-01-01T00:00:00Z')).toBe(60);
    const d = errorOf(() => new Replay(ReplaySchema.parse({ kind: 'replay', file: f, start: -60 }), { ...env(60, 1), baseDir: tmp, initialPrice: 10 }));
    expect(d.code).toBe('replay.start');
  });

  it('reads Arrow IPC files with a timestamp column', () => {
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    const table = new Table({
      timestamp: vectorFromArray([t0, t0 + 60_000, t0 + 150_000, t0 + 300_000], new TimestampMillisecond()),
      price: vectorFromArray([100, 101, 99, 105], new Float64()),
    });
    const f = path.join(tmp, 'prices.arrow');
    writeFileSync(f, tableToIPC(table, 'file'));
    const r = replay({ file: f, rescale: false }, 5, 100, tmp);
    expect([...r.levels]).toEqual([101, 101, 99, 99, 105]);
    const g = path.join(tmp, 'seconds.arrow');
    writeFileSync(g, tableToIPC(tableFromArrays({ time: Float64Array.from([0, 60, 120]), close: Float64Array.from([1, 2, 0]) }), 'file'));
    const d = errorOf(() => readPriceFile(g));
    expect(d.location).toBe('row 3');
    expect(d.message).toContain('positive price');
  });
});
