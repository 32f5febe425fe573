// Results as Parquet files (runs, steps, events), converted column by column from the Arrow tables bulwark writes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Type, type Table } from 'apache-arrow';
import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from 'hyparquet-writer';
import type { RunResult } from '../sim/run.js';
import { bulwarkVersion, eventsTable, runsTable, stepsTable, type ResultsMeta } from './arrow.js';
import { writeFilesAtomic } from './atomic.js';

/** File names of a results directory in Parquet. */
export const PARQUET_FILES = { runs: 'runs.parquet', steps: 'steps.parquet', events: 'events.parquet' } as const;

/** Rows per row group: fixed, so the same table always gives the same bytes. */
const ROW_GROUP = 262_144;

/**
 * One Parquet file (bytes) with the columns, types, nullability and `bulwark.*` metadata of an Arrow table:
 * Float64 -> DOUBLE, Int32 -> INT32, Int64 -> INT64, Uint8 -> INT32 (UINT_8), Utf8 and dictionary strings -> STRING
 * (UTF8 byte arrays, dictionary-encoded by the writer when that is smaller). Snappy compression.
 */
export function tableToParquet(table: Table): Uint8Array {
  const schema: SchemaElement[] = [{ name: 'root', num_children: table.schema.fields.length }];
  const columnData: ColumnSource[] = table.schema.fields.map((f) => {
    const col = table.getChild(f.name)!;
    const nullable = f.nullable;
    const values = (): unknown[] => Array.from({ length: table.numRows }, (_, i) => col.get(i) ?? null);
    const element = (type: 'DOUBLE' | 'INT32' | 'INT64' | 'BYTE_ARRAY', converted?: 'UINT_8' | 'UTF8'): void => {
      schema.push({ name: f.name, type, repetition_type: nullable ? 'OPTIONAL' : 'REQUIRED', ...(converted ? { converted_type: converted } : {}) });
    };
    switch (f.typeId) {
      case Type.Float:
        element('DOUBLE');
        return { name: f.name, nullable, data: nullable ? (values() as (number | null)[]) : (col.toArray() as Float64Array) };
      case Type.Int: {
        const t = f.type as { bitWidth: number; isSigned: boolean };
        if (t.bitWidth === 64) {
          element('INT64');
          return { name: f.name, nullable, data: nullable ? (values() as (bigint | null)[]) : (col.toArray() as BigInt64Array) };
        }
        if (t.bitWidth === 8 && !t.isSigned) {
          element('INT32', 'UINT_8');
          return { name: f.name, nullable, data: Int32Array.from(col.toArray() as Uint8Array) };
        }
        element('INT32');
        return { name: f.name, nullable, data: nullable ? (values() as (number | null)[]) : (col.toArray() as Int32Array) };
      }
      case Type.Utf8:
      case Type.Dictionary:
        element('BYTE_ARRAY', 'UTF8');
        return { name: f.name, nullable, data: values() as (string | null)[] };
      default:
        throw new Error(`no Parquet mapping for Arrow type ${String(f.type)} of column ${f.name}`);
    }
  });
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    rowGroupSize: ROW_GROUP,
    kvMetadata: [...table.schema.metadata].map(([key, value]) => ({ key, value })),
    createdBy: `bulwark version ${bulwarkVersion()}`,
  });
  return new Uint8Array(buffer);
}

/** Writes runs.parquet, steps.parquet and events.parquet into `dir` (created if needed), all three or none. */
export function writeResultsParquet(dir: string, results: readonly RunResult[], meta: ResultsMeta): { runs: string; steps: string; events: string } {
  const files = { runs: path.join(dir, PARQUET_FILES.runs), steps: path.join(dir, PARQUET_FILES.steps), events: path.join(dir, PARQUET_FILES.events) };
  const entries = [
    { path: files.runs, bytes: tableToParquet(runsTable(results, meta)) },
    { path: files.steps, bytes: tableToParquet(stepsTable(results, meta)) },
    { path: files.events, bytes: tableToParquet(eventsTable(results, meta)) },
  ];
  mkdirSync(dir, { recursive: true });
  writeFilesAtomic(entries);
  return files;
}
