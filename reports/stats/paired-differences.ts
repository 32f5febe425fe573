// Paired differences a - b over the keys (e.g. seeds) both samples have, in the order of `a`'s keys.
export function pairedDifferences<K>(a: ReadonlyMap<K, number>, b: ReadonlyMap<K, number>): { keys: K[]; differences: number[] } {
  const keys: K[] = [];
  const differences: number[] = [];
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (vb === undefined) continue;
    keys.push(k);
    differences.push(va - vb);
  }
  return { keys, differences };
}
