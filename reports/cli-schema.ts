// `bulwark schema`: the JSON Schema of an input file kind, to stdout or a file.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { jsonSchemaText, schemaKind } from '../sim/json-schema.js';
import { writeFileAtomic } from './atomic.js';

export function cmdSchema(kind: string, flags: { out?: string }): number {
  const text = jsonSchemaText(schemaKind(kind));
  if (flags.out) {
    mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
    writeFileAtomic(flags.out, text);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
