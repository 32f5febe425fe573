// Atomic file output: write to a temp file in the target's directory, fsync, then rename; a set of files all or none.
import { closeSync, copyFileSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

export interface FileEntry {
  path: string;
  bytes: Uint8Array | string;
}

let sequence = 0;

/** A fresh sibling name: `<file>.<pid>-<thread>-<n>.<tag>` (same directory, so the rename cannot cross devices). */
export function siblingName(file: string, tag: 'tmp' | 'bak'): string {
  return `${file}.${process.pid}-${threadId}-${sequence++}.${tag}`;
}

/** Writes the bytes to the (temp) file and flushes them to disk before returning. */
function writeDurable(file: string, bytes: Uint8Array | string): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  // 'w': a stale temp of a crashed process that had the same pid is ours to overwrite
  const fd = openSync(file, 'w');
  try {
    let off = 0;
    while (off < data.byteLength) off += writeSync(fd, data, off, data.byteLength - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // best effort: the original error matters more
  }
}

/** What is at a path now: nothing, a directory, or something a rename may replace (file, symlink, ...). */
function kindAt(file: string): 'none' | 'dir' | 'file' {
  try {
    return lstatSync(file).isDirectory() ? 'dir' : 'file';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw e;
  }
}

function isDirectoryError(file: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(`EISDIR: cannot replace a directory with a file: ${file}`);
  e.code = 'EISDIR';
  e.path = file;
  return e;
}

/** Writes one file atomically: readers see the old content or the new, never a partial file. */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  const tmp = siblingName(file, 'tmp');
  try {
    writeDurable(tmp, bytes);
    if (kindAt(file) === 'dir') throw isDirectoryError(file);
    renameSync(tmp, file);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
}

/**
 * Writes a set of files so that either all of them are replaced or none is. All temp files are written first; then
 * each existing target is hard-linked (or copied) to a backup and the temp renamed over it. If any step fails, the
 * targets already replaced are restored from their backups (or removed when they did not exist), every temp and
 * backup is deleted, and the error is rethrown. Not crash-proof across the rename phase, but no failure the process
 * survives leaves a mixed set behind.
 */
export function writeFilesAtomic(entries: readonly FileEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    const abs = path.resolve(e.path);
    if (seen.has(abs)) throw new Error(`writeFilesAtomic: ${e.path} appears twice`);
    seen.add(abs);
  }
  const temps: string[] = [];
  // per entry, once the rename phase reaches it: its backup (if the target existed) and whether the new file is in place
  const done: { target: string; backup: string | null; placed: boolean }[] = [];
  try {
    for (const e of entries) {
      const tmp = siblingName(e.path, 'tmp');
      temps.push(tmp);
      writeDurable(tmp, e.bytes);
    }
    // fail before touching anything when a target cannot be replaced by a file
    for (const e of entries) if (kindAt(e.path) === 'dir') throw isDirectoryError(e.path);
    entries.forEach((e, i) => {
      const state = { target: e.path, backup: null as string | null, placed: false };
      done.push(state);
      if (kindAt(e.path) === 'file') {
        const bak = siblingName(e.path, 'bak');
        try {
          linkSync(e.path, bak);
        } catch {
          copyFileSync(e.path, bak);
        }
        state.backup = bak;
      }
      renameSync(temps[i], e.path);
      state.placed = true;
    });
  } catch (err) {
    for (let i = done.length - 1; i >= 0; i--) {
      const s = done[i];
      try {
        if (s.backup !== null) renameSync(s.backup, s.target);
        else if (s.placed) rmSync(s.target, { force: true });
      } catch {
        // keep rolling back the others
      }
    }
    for (const s of done) if (s.backup !== null) removeQuietly(s.backup);
    for (const t of temps) removeQuietly(t);
    throw err;
  }
  for (const s of done) if (s.backup !== null) removeQuietly(s.backup);
}
