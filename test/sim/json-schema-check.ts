// A tiny JSON Schema (draft-07) checker for the keywords bulwark's generated schemas use; returns the problems found.
type Schema = Record<string, any> | boolean;

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

const SUPPORTED = new Set([
  '$schema', '$comment', '$ref', 'title', 'description', 'default', 'examples', 'definitions', 'type', 'enum', 'const',
  'properties', 'required', 'additionalProperties', 'propertyNames', 'items', 'additionalItems', 'minItems', 'maxItems', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'anyOf', 'oneOf', 'allOf', 'format',
]);

/** Problems of `value` against `schema` (empty: valid). Throws on a keyword it does not know, so it never passes by ignoring one. */
export function checkJsonSchema(schema: Schema, value: unknown, root: Schema = schema, at = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: no value allowed`];
  for (const k of Object.keys(schema)) if (!SUPPORTED.has(k)) throw new Error(`json-schema-check: unsupported keyword '${k}' at ${at}`);
  if (schema.$ref) {
    const m = /^#\/definitions\/(.+)$/.exec(schema.$ref as string) ?? /^#$/.exec(schema.$ref as string);
    if (!m) throw new Error(`json-schema-check: unsupported $ref ${schema.$ref}`);
    const target = m[1] === undefined ? root : (root as Record<string, any>).definitions[m[1]];
    return checkJsonSchema(target, value, root, at);
  }
  const out: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t: string) => typeMatches(value, t))) return [`${at}: expected ${types.join(' or ')}, found ${typeOf(value)}`];
  if (schema.enum && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${at}: below minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${at}: above maximum ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) out.push(`${at}: not above ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) out.push(`${at}: not below ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${at}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern as string, 'u').test(value)) out.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${at}: more than ${schema.maxItems} items`);
    const tuple = Array.isArray(schema.items) ? (schema.items as Schema[]) : null;
    value.forEach((v, i) => {
      const s = tuple ? (i < tuple.length ? tuple[i] : schema.additionalItems) : schema.items;
      if (s !== undefined) out.push(...checkJsonSchema(s, v, root, `${at}[${i}]`));
    });
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) out.push(`${at}: missing required '${r}'`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) out.push(...checkJsonSchema(props[k], v, root, `${at}.${k}`));
      else if (schema.additionalProperties !== undefined) out.push(...checkJsonSchema(schema.additionalProperties, v, root, `${at}.${k}`).map((e) => (schema.additionalProperties === false ? `${at}: unknown key '${k}'` : e)));
      if (schema.propertyNames) out.push(...checkJsonSchema(schema.propertyNames, k, root, `${at}.${k} (key)`));
    }
  }
  if (schema.allOf) for (const s of schema.allOf) out.push(...checkJsonSchema(s, value, root, at));
  if (schema.anyOf && !schema.anyOf.some((s: Schema) => checkJsonSchema(s, value, root, at).length === 0)) out.push(`${at}: matches none of anyOf`);
  if (schema.oneOf) {
    const n = schema.oneOf.filter((s: Schema) => checkJsonSchema(s, value, root, at).length === 0).length;
    if (n !== 1) out.push(`${at}: matches ${n} of oneOf (expected exactly 1)`);
  }
  return out;
}
