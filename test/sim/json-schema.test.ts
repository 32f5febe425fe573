// JSON Schema for editors: the committed docs/*.schema.json equal freshly generated ones, every shipped scenario
// names its schema on its first line and validates against it (with a tiny independent checker), and so does zod.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchema, jsonSchemaText, SCHEMA_KINDS, type SchemaKind } from '../../sim/json-schema.js';
import { loadScenario } from '../../sim/scenario.js';
import { checkJsonSchema } from './json-schema-check.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Which schema a shipped file is checked against. */
function kindOf(input: unknown): SchemaKind {
  const o = input as Record<string, unknown>;
  if (typeof o?.scenario === 'string' && 'seeds' in o && 'sweep' in SCHEMA_KINDS) return 'sweep' as SchemaKind;
  return 'scenario';
}

const committed = (kind: SchemaKind) => JSON.parse(readFileSync(path.join(root, SCHEMA_KINDS[kind].file), 'utf8')) as Record<string, unknown>;
const scenarios = yamlFiles(path.join(root, 'scenarios'));

describe('JSON Schema', () => {
  for (const kind of Object.keys(SCHEMA_KINDS) as SchemaKind[]) {
    it(`committed ${SCHEMA_KINDS[kind].file} is the one the code generates`, () => {
      const file = path.join(root, SCHEMA_KINDS[kind].file);
      const fix = `stale: regenerate it with \`npm run build && node dist/cli.js schema ${kind} --out ${SCHEMA_KINDS[kind].file}\``;
      expect(readFileSync(file, 'utf8'), fix).toBe(jsonSchemaText(kind));
    });
  }

  it('finds the shipped scenarios', () => {
    expect(scenarios.map((f) => path.relative(root, f))).toContain(path.join('scenarios', 'flash-crash.yaml'));
  });

  for (const file of scenarios) {
    const rel = path.relative(root, file);
    it(`${rel} names its schema on line 1 and validates against it`, () => {
      const text = readFileSync(file, 'utf8');
      const input = parse(text) as unknown;
      const kind = kindOf(input);
      const schemaPath = path.relative(path.dirname(file), path.join(root, SCHEMA_KINDS[kind].file)).split(path.sep).join('/');
      expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${schemaPath}`);
      expect(checkJsonSchema(committed(kind), input)).toEqual([]);
      if (kind === 'scenario') expect(() => loadScenario(file)).not.toThrow();
    });
  }

  it('rejects what the validator rejects: unknown keys, wrong types, values out of range', () => {
    const schema = jsonSchema('scenario');
    const good = parse(readFileSync(path.join(root, 'scenarios', 'flash-crash.yaml'), 'utf8')) as Record<string, any>;
    expect(checkJsonSchema(schema, good)).toEqual([]);
    expect(checkJsonSchema(schema, { ...good, stepz: 3 }).join('\n')).toContain("unknown key 'stepz'");
    expect(checkJsonSchema(schema, { ...good, steps: 'many' }).join('\n')).toContain('$.steps: expected integer');
    expect(checkJsonSchema(schema, { ...good, venue: { ...good.venue, initialMargin: 2 } }).join('\n')).toContain('$.venue.initialMargin: above maximum 1');
    const { name: _, ...nameless } = good;
    expect(checkJsonSchema(schema, nameless).join('\n')).toContain("missing required 'name'");
  });

  it('bulwark schema prints it; an unknown kind is bad input (exit 2)', () => {
    const cli = path.join(root, 'dist', 'cli.js');
    const ok = spawnSync(process.execPath, [cli, 'schema'], { cwd: root, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(jsonSchema('scenario'));
    const bad = spawnSync(process.execPath, [cli, 'schema', 'scenaro'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown schema 'scenaro'; expected one of: scenario, sweep");
  });
});
