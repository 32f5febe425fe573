// Correlation matrices: Cholesky factor L (C = L L^T) to correlate independent normal draws, with a clear check.

/**
 * Lower-triangular Cholesky factor of a symmetric matrix, row-major n x n. Returns the index of the first failing
 * pivot (the matrix is not positive definite) as `failedAt`, or -1.
 */
export function cholesky(c: readonly (readonly number[])[]): { L: Float64Array; failedAt: number } {
  const n = c.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = c[i][j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 1e-12)) return { L, failedAt: i };
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j];
    }
  }
  return { L, failedAt: -1 };
}

/** z = L e for a row-major lower-triangular L (z and e of length n). z_0 = L_00 e_0 = e_0 for a correlation matrix. */
export function correlate(L: Float64Array, n: number, e: Float64Array, z: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j <= i; j++) s += L[row + j] * e[j];
    z[i] = s;
  }
}

/** Problems of a correlation matrix as [path, message] pairs (empty when it is a valid one). */
export function correlationProblems(c: readonly (readonly number[])[], names: readonly string[]): [(string | number)[], string][] {
  const n = names.length;
  const out: [(string | number)[], string][] = [];
  if (c.length !== n) return [[[], `expected a ${n}x${n} matrix (one row per asset: ${names.join(', ')}), found ${c.length} rows`]];
  c.forEach((row, i) => {
    if (row.length !== n) out.push([[i], `expected ${n} entries in row ${i} (${names[i]}), found ${row.length}`]);
  });
  if (out.length > 0) return out;
  for (let i = 0; i < n; i++) {
    if (c[i][i] !== 1) out.push([[i, i], `the diagonal must be 1 (${names[i]} with itself), found ${c[i][i]}`]);
    for (let j = 0; j < i; j++) {
      if (c[i][j] !== c[j][i]) out.push([[i, j], `the matrix must be symmetric: [${i}][${j}] = ${c[i][j]} but [${j}][${i}] = ${c[j][i]}`]);
    }
  }
  if (out.length > 0) return out;
  const { failedAt } = cholesky(c);
  if (failedAt >= 0) {
    out.push([[], `the correlation matrix is not positive definite (Cholesky fails at row ${failedAt}, ${names[failedAt]}): the correlations of ${names.slice(0, failedAt + 1).join(', ')} contradict each other`]);
  }
  return out;
}
