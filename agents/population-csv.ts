// Reads a trader population from a CSV file with the columns `collateral,leverage,side`, one row per account.
import { readFileSync } from 'node:fs';
import { InputError } from '../sim/errors.js';

export interface Population {
  collateral: Float64Array;
  leverage: Float64Array;
  side: Int8Array;
}

/** Parses and checks the file; every problem names the file, line and column. */
export function readPopulationCsv(file: string): Population {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ code: 'population.unreadable', file, message: `cannot read population file: ${(e as Error).message}` });
  }
  const lines = text.split(/\r?\n/);
  const header = lines[0].trim().split(',').map((s) => s.trim());
  const expected = ['collateral', 'leverage', 'side'];
  if (header.join(',') !== expected.join(',')) {
    throw new InputError({
      code: 'population.header',
      file,
      location: '1:1',
      message: `expected the header 'collateral,leverage,side', found '${lines[0].trim()}'`,
    });
  }
  let n = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i].trim() !== '') n++;
  const pop: Population = { collateral: new Float64Array(n), leverage: new Float64Array(n), side: new Int8Array(n) };
  let k = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const cells = line.split(',');
    const where = `${i + 1}:1`;
    if (cells.length !== 3) {
      throw new InputError({ code: 'population.row', file, location: where, message: `expected 3 values (collateral,leverage,side), found ${cells.length}` });
    }
    const c = Number(cells[0]);
    const l = Number(cells[1]);
    const s = Number(cells[2]);
    if (!(Number.isFinite(c) && c > 0)) throw new InputError({ code: 'population.value', file, location: where, path: 'collateral', message: `expected a positive number, found '${cells[0]}'` });
    if (!(Number.isFinite(l) && l > 0)) throw new InputError({ code: 'population.value', file, location: where, path: 'leverage', message: `expected a positive number, found '${cells[1]}'` });
    if (s !== 1 && s !== -1) throw new InputError({ code: 'population.value', file, location: where, path: 'side', message: `expected 1 (long) or -1 (short), found '${cells[2]}'` });
    pop.collateral[k] = c;
    pop.leverage[k] = l;
    pop.side[k] = s;
    k++;
  }
  return pop;
}
