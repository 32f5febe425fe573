// Reads a (timestamp, price) series from a CSV or Arrow IPC file; every bad row is named by file and line (or row).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { InputError } from '../errors.js';

export interface PriceRows {
  /** Seconds (Unix time for ISO timestamps), strictly increasing. */
  time: Float64Array;
  price: Float64Array;
}

export interface ColumnChoice {
  /** Time column; default `timestamp`, else `time` or `date`. */
  timeColumn?: string;
  /** Price column; default `price`, else `close`. */
  priceColumn?: string;
}

const TIME_NAMES = ['timestamp', 'time', 'date'];
const PRICE_NAMES = ['price', 'close'];

/** A timestamp in seconds: a number (seconds) or an ISO 8601 date-time; NaN when it is neither. */
export function parseTime(s: string): number {
  const t = s.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return NaN;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms / 1000 : NaN;
}

function pick(header: string[], wanted: string | undefined, defaults: string[], what: string, file: string): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  const names = wanted !== undefined ? [wanted.toLowerCase()] : defaults;
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return i;
  }
  const asked = wanted !== undefined ? `'${wanted}'` : defaults.map((d) => `'${d}'`).join(' or ');
  throw new InputError({
    code: 'replay.header',
    file,
    location: '1:1',
    message: `no ${what} column ${asked} in the header '${header.join(',')}'${wanted === undefined ? `; set '${what}Column'` : ''}`,
  });
}

function checkOrder(rows: PriceRows, k: number, file: string, where: string): void {
  if (k > 0 && !(rows.time[k] > rows.time[k - 1])) {
    throw new InputError({ code: 'replay.order', file, location: where, message: `timestamps must increase: ${rows.time[k]} s follows ${rows.time[k - 1]} s` });
  }
}

/** CSV with a header naming the columns, or without one (time in column 1, price in column 2). */
export function readPriceCsv(file: string, cols: ColumnChoice = {}): PriceRows {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ code: 'replay.unreadable', file, message: `cannot read price file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` });
  }
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first++;
  if (first === lines.length) throw new InputError({ code: 'replay.empty', file, message: 'the price file is empty' });
  const head = lines[first].split(',');
  const hasHeader = Number.isNaN(parseTime(head[0]));
  const ti = hasHeader ? pick(head, cols.timeColumn, TIME_NAMES, 'time', file) : 0;
  const pi = hasHeader ? pick(head, cols.priceColumn, PRICE_NAMES, 'price', file) : 1;
  const need = Math.max(ti, pi) + 1;
  const time: number[] = [];
  const price: number[] = [];
  for (let i = hasHeader ? first + 1 : first; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length < need) {
      throw new InputError({ code: 'replay.row', file, location: `${i + 1}:1`, message: `expected at least ${need} values, found ${cells.length}` });
    }
    const col = (j: number): number => {
      let c = 1;
      for (let k = 0; k < j; k++) c += cells[k].length + 1;
      return c;
    };
    const t = parseTime(cells[ti]);
    if (!Number.isFinite(t)) {
      throw new InputError({ code: 'replay.value', file, location: `${i + 1}:${col(ti)}`, message: `expected a timestamp (ISO 8601 or seconds), found '${cells[ti].trim()}'` });
    }
    const p = cells[pi].trim() === '' ? NaN : Number(cells[pi]);
    if (!(Number.isFinite(p) && p > 0)) {
      throw new InputError({ code: 'replay.value', file, location: `${i + 1}:${col(pi)}`, message: `expected a positive price, found '${cells[pi].trim()}'` });
    }
    time.push(t);
    price.push(p);
    const k = time.length - 1;
    if (k > 0 && !(t > time[k - 1])) {
      throw new InputError({ code: 'replay.order', file, location: `${i + 1}:${col(ti)}`, message: `timestamps must increase: '${cells[ti].trim()}' does not come after the previous row` });
    }
  }
  if (time.length === 0) throw new InputError({ code: 'replay.empty', file, message: 'the price file has no rows' });
  return { time: Float64Array.from(time), price: Float64Array.from(price) };
}

/** Arrow IPC (file or stream format) with a time column (timestamp, date, number of seconds or ISO text) and a price. */
export function readPriceArrow(file: string, cols: ColumnChoice = {}): PriceRows {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError({ code: 'replay.unreadable', file, message: `cannot read price file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` });
  }
  // loaded on demand: apache-arrow costs start-up time and only replays from Arrow files need it here
  const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
  let table: import('apache-arrow').Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (e) {
    throw new InputError({ code: 'replay.arrow', file, message: `not a readable Arrow IPC file: ${(e as Error).message}` });
  }
  const names = table.schema.fields.map((f) => f.name);
  const tc = table.getChildAt(pick(names, cols.timeColumn, TIME_NAMES, 'time', file))!;
  const pc = table.getChildAt(pick(names, cols.priceColumn, PRICE_NAMES, 'price', file))!;
  const inMs = arrow.DataType.isTimestamp(tc.type) || arrow.DataType.isDate(tc.type);
  const n = table.numRows;
  if (n === 0) throw new InputError({ code: 'replay.empty', file, message: 'the price file has no rows' });
  const rows: PriceRows = { time: new Float64Array(n), price: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const where = `row ${i + 1}`;
    const tv: unknown = tc.get(i);
    let t: number;
    if (tv instanceof Date) t = tv.getTime() / 1000;
    else if (typeof tv === 'number') t = inMs ? tv / 1000 : tv;
    else if (typeof tv === 'bigint') t = inMs ? Number(tv) / 1000 : Number(tv);
    else if (typeof tv === 'string') t = parseTime(tv);
    else t = NaN;
    if (!Number.isFinite(t)) throw new InputError({ code: 'replay.value', file, location: where, message: `expected a timestamp, found ${String(tv)}` });
    const pv: unknown = pc.get(i);
    const p = typeof pv === 'bigint' ? Number(pv) : typeof pv === 'number' ? pv : typeof pv === 'string' ? Number(pv) : NaN;
    if (!(Number.isFinite(p) && p > 0)) throw new InputError({ code: 'replay.value', file, location: where, message: `expected a positive price, found ${String(pv)}` });
    rows.time[i] = t;
    rows.price[i] = p;
    checkOrder(rows, i, file, where);
  }
  return rows;
}

/** Arrow IPC by extension (.arrow, .arrows, .feather, .ipc); otherwise CSV. */
export function readPriceFile(file: string, cols: ColumnChoice = {}): PriceRows {
  if (/\.(arrow|arrows|feather|ipc)$/i.test(file)) return readPriceArrow(file, cols);
  return readPriceCsv(file, cols);
}
