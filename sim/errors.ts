// Errors as plain data (code, message, path, step) so they survive a worker boundary and print without a stack.

/** Exit code for bad input (scenario files, flags, CSV populations). */
export const EXIT_INPUT = 2;
/** Exit code for internal faults. */
export const EXIT_INTERNAL = 1;

export interface ErrorData {
  /** Stable machine-readable code, e.g. `scenario.invalid`, `cli.bad-flag`, `internal`. */
  code: string;
  message: string;
  /** File the problem is in, when there is one. */
  file?: string;
  /** Dotted/indexed path inside the file, e.g. `defenses[1].window`. */
  path?: string;
  /** `line:column` in the file when known. */
  location?: string;
  /** Simulation step at which a run failed. */
  step?: number;
  /** Further problems of the same input (zod reports all of them). */
  details?: ErrorData[];
}

/** An error caused by the user's input: exits with code 2. */
export class InputError extends Error {
  readonly data: ErrorData;
  constructor(data: ErrorData) {
    super(data.message);
    this.name = 'InputError';
    this.data = data;
  }
}

/** Turns anything thrown into plain error data. */
export function toErrorData(err: unknown, step?: number): ErrorData {
  if (err instanceof InputError) return step === undefined ? err.data : { ...err.data, step };
  const message = err instanceof Error ? err.message : String(err);
  return step === undefined ? { code: 'internal', message } : { code: 'internal', message, step };
}

/** One human-readable block for an error and its details. */
export function formatError(data: ErrorData): string {
  const lines: string[] = [];
  const head = (d: ErrorData): string => {
    const where = [d.file && (d.location ? `${d.file}:${d.location}` : d.file), d.path].filter(Boolean).join(' ');
    const at = d.step !== undefined ? ` (step ${d.step})` : '';
    return where ? `${where}: ${d.message}${at}` : `${d.message}${at}`;
  };
  if (data.details && data.details.length > 0) {
    lines.push(`error: ${data.message}`);
    for (const d of data.details) lines.push(`  ${head(d)}`);
  } else {
    lines.push(`error: ${head(data)}`);
  }
  return lines.join('\n');
}
