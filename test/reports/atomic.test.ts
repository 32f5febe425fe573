// Atomic writers: content lands whole, temp files never stay behind, and a failed set leaves the old set intact.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic, writeFilesAtomic } from '../../reports/atomic.js';

// renameSync is wrapped so that a test can make one rename fail (a fault no permission trick forces under root)
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, renameSync: vi.fn(actual.renameSync) };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bulwark-atomic-'));
  vi.mocked(fs.renameSync).mockClear();
});
afterEach(async () => {
  const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
  vi.mocked(fs.renameSync).mockImplementation(actual.renameSync);
  rmSync(dir, { recursive: true, force: true });
});

/** Names in the directory that are neither the expected outputs nor pre-existing: temp and backup files. */
function leftovers(d: string): string[] {
  return readdirSync(d).filter((f) => f.endsWith('.tmp') || f.endsWith('.bak'));
}

describe('writeFileAtomic', () => {
  it('writes new content and replaces old content, leaving no temp file', () => {
    const f = path.join(dir, 'a.bin');
    writeFileAtomic(f, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(f)]).toEqual([1, 2, 3]);
    writeFileAtomic(f, 'hello');
    expect(readFileSync(f, 'utf8')).toBe('hello');
    expect(readdirSync(dir)).toEqual(['a.bin']);
  });

  it('fails on a directory target without touching it and removes its temp file', () => {
    const target = path.join(dir, 'out.arrow');
    mkdirSync(target);
    writeFileSync(path.join(target, 'keep'), 'x');
    expect(() => writeFileAtomic(target, 'data')).toThrow(/EISDIR/);
    expect(readFileSync(path.join(target, 'keep'), 'utf8')).toBe('x');
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['out.arrow']);
  });

  it('removes the temp file when the rename itself fails', async () => {
    const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
    const f = path.join(dir, 'b.txt');
    writeFileSync(f, 'old');
    vi.mocked(fs.renameSync).mockImplementation(() => {
      throw Object.assign(new Error('EIO: forced rename failure'), { code: 'EIO' });
    });
    expect(() => writeFileAtomic(f, 'new')).toThrow(/forced rename failure/);
    vi.mocked(fs.renameSync).mockImplementation(actual.renameSync);
    expect(readFileSync(f, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['b.txt']);
  });

  it('fails cleanly when the directory does not exist', () => {
    expect(() => writeFileAtomic(path.join(dir, 'missing', 'c.txt'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeFilesAtomic', () => {
  const names = ['runs.arrow', 'steps.arrow', 'events.arrow'];
  const paths = () => names.map((n) => path.join(dir, n));

  it('writes every file of the set and nothing else', () => {
    writeFilesAtomic(paths().map((p, i) => ({ path: p, bytes: `new ${i}` })));
    expect(paths().map((p) => readFileSync(p, 'utf8'))).toEqual(['new 0', 'new 1', 'new 2']);
    expect(readdirSync(dir).sort()).toEqual([...names].sort());
  });

  it('replaces an existing set', () => {
    for (const [i, p] of paths().entries()) writeFileSync(p, `old ${i}`);
    writeFilesAtomic(paths().map((p, i) => ({ path: p, bytes: `new ${i}` })));
    expect(paths().map((p) => readFileSync(p, 'utf8'))).toEqual(['new 0', 'new 1', 'new 2']);
    expect(leftovers(dir)).toEqual([]);
  });

  it('writes no file of the set when one target is a directory', () => {
    const [runs, steps, events] = paths();
    writeFileSync(runs, 'old runs');
    mkdirSync(events);
    expect(() => writeFilesAtomic(paths().map((p) => ({ path: p, bytes: 'new' })))).toThrow(/EISDIR/);
    expect(readFileSync(runs, 'utf8')).toBe('old runs');
    expect(existsSync(steps)).toBe(false);
    expect(fs.statSync(events).isDirectory()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['events.arrow', 'runs.arrow']);
  });

  it('rolls back the files already renamed when a later rename fails', async () => {
    const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
    const [runs, steps, events] = paths();
    writeFileSync(runs, 'old runs');
    writeFileSync(events, 'old events');
    // steps.arrow did not exist: the first two renames succeed, the third (events) fails
    vi.mocked(fs.renameSync).mockImplementation((from, to) => {
      if (String(to) === events && String(from).endsWith('.tmp')) throw Object.assign(new Error('EIO: forced rename failure'), { code: 'EIO' });
      actual.renameSync(from, to);
    });
    expect(() => writeFilesAtomic(paths().map((p) => ({ path: p, bytes: 'new' })))).toThrow(/forced rename failure/);
    const renamedTo = vi.mocked(fs.renameSync).mock.calls.map((c) => path.basename(String(c[1])));
    expect(renamedTo.slice(0, 3)).toEqual(['runs.arrow', 'steps.arrow', 'events.arrow']); // the failure came after two replacements
    expect(readFileSync(runs, 'utf8')).toBe('old runs');
    expect(existsSync(steps)).toBe(false);
    expect(readFileSync(events, 'utf8')).toBe('old events');
    expect(readdirSync(dir).sort()).toEqual(['events.arrow', 'runs.arrow']);
  });

  it('removes the temps already written when writing a later temp fails', () => {
    const ok = path.join(dir, 'ok.arrow');
    const bad = path.join(dir, 'missing', 'bad.arrow');
    expect(() => writeFilesAtomic([{ path: ok, bytes: 'x' }, { path: bad, bytes: 'y' }])).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a path given twice', () => {
    const p = path.join(dir, 'x');
    expect(() => writeFilesAtomic([{ path: p, bytes: '1' }, { path: path.join(dir, '.', 'x'), bytes: '2' }])).toThrow(/twice/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
