// `bulwark report`: the HTML report of results directories, written atomically to one self-contained file.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { buildReport } from './report/build.js';

export interface ReportFlags {
  out: string;
  seed?: number;
  title?: string;
  quiet?: boolean;
}

export async function cmdReport(inputs: string[], flags: ReportFlags): Promise<number> {
  const report = await buildReport(inputs, { ...(flags.seed !== undefined ? { seed: flags.seed } : {}), ...(flags.title ? { title: flags.title } : {}) });
  mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
  writeFileAtomic(flags.out, new TextEncoder().encode(report.html));
  if (!flags.quiet) process.stdout.write(`report: ${flags.out} (${report.charts.length} charts, ${(report.html.length / 1024).toFixed(0)} KiB)\n`);
  return 0;
}
