// Paths into a scenario object (`venue.maintenanceMargin`, `defenses[0].sigmas`): parsing, reading and setting.

/** A parsed path: object keys (strings) and array indices (numbers). */
export type PathKey = string | number;

/** Why a path could not be parsed or set; the caller turns it into an InputError naming its own file. */
export class PathError extends Error {}

const SEGMENT = /^([A-Za-z_$][\w$-]*)((?:\[\d+\])*)$/;

/**
 * Parses `a.b[1].c` into `['a', 'b', 1, 'c']`. Keys are identifiers (letters, digits, `_`, `$`, `-`, not starting
 * with a digit); each may be followed by one or more `[index]`.
 */
export function parsePath(text: string): PathKey[] {
  if (text.trim() === '') throw new PathError('empty path');
  const out: PathKey[] = [];
  for (const part of text.split('.')) {
    const m = SEGMENT.exec(part);
    if (!m) throw new PathError(`'${text}' is not a path like venue.maintenanceMargin or defenses[0].sigmas (bad part '${part}')`);
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** `['a', 1, 'b']` -> `a[1].b` (the inverse of parsePath). */
export function pathText(p: readonly PathKey[]): string {
  let out = '';
  for (const k of p) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out;
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Sets `value` at path `p` inside `target` (mutated). Missing object keys along the way are created as `{}` (the
 * scenario schema fills in the rest with its defaults); an array index must exist. Throws PathError naming the
 * part of the path that does not fit.
 */
export function setPath(target: Record<string, unknown>, p: readonly PathKey[], value: unknown): void {
  if (p.length === 0) throw new PathError('empty path');
  let cur: any = target;
  for (let i = 0; i < p.length; i++) {
    const k = p[i];
    const here = pathText(p.slice(0, i)) || '(top level)';
    if (typeof k === 'number') {
      if (!Array.isArray(cur)) throw new PathError(`${here} is ${describe(cur)}, not a list, so it has no [${k}]`);
      if (k >= cur.length) throw new PathError(`${here} has ${cur.length} entr${cur.length === 1 ? 'y' : 'ies'}, so there is no [${k}]`);
    } else if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) {
      throw new PathError(`${here} is ${describe(cur)}, not an object, so it has no key '${k}'`);
    }
    if (i === p.length - 1) {
      cur[k] = value;
      return;
    }
    if (cur[k] === undefined && typeof k === 'string') cur[k] = typeof p[i + 1] === 'number' ? [] : {};
    cur = cur[k];
  }
}

/** The value at path `p`, or undefined. */
export function getPath(target: unknown, p: readonly PropertyKey[]): unknown {
  let cur: any = target;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[k];
  }
  return cur;
}

/** True when `prefix` is `p` or leads to it (`venue` is a prefix of `venue.maintenanceMargin`). */
export function isPrefix(prefix: readonly PropertyKey[], p: readonly PropertyKey[]): boolean {
  return prefix.length <= p.length && prefix.every((k, i) => k === p[i]);
}
