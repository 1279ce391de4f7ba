// JSON text for checkpoint fields whose numbers must read back bit for bit. `JSON.stringify` is almost
// right (its number form is the shortest that round-trips) but writes −0 as 0 and NaN as null; here −0
// keeps its sign and a non-finite number is refused with the path where it was found.
import { CheckpointError } from '../errors.js';

/** A value {@link jsonText} can write: plain JSON plus Float64Array (written as an array). */
export type JsonLike =
  | string
  | number
  | boolean
  | null
  | undefined
  | Float64Array
  | readonly JsonLike[]
  | { readonly [key: string]: JsonLike };

/** A double as JSON text that parses back to the identical double (−0 included). */
export function numberJson(name: string, x: number): string {
  if (!Number.isFinite(x)) throw new CheckpointError(`cannot save ${name}: it contains ${x}`);
  return Object.is(x, -0) ? '-0' : String(x);
}

/**
 * Writes `value` as JSON. Objects are spread over indented lines (keys in insertion order, `undefined`
 * members left out, as `JSON.stringify` does); arrays stay on one line so that long vectors do not
 * become one line per number. `name` is the path used in error messages.
 */
export function jsonText(value: JsonLike, name: string, indent = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return numberJson(name, value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Float64Array || Array.isArray(value)) return compactArray(value as ArrayLike<JsonLike>, name);
  const inner = `${indent}  `;
  const members = Object.entries(value as { readonly [key: string]: JsonLike })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${jsonText(v, `${name}.${k}`, inner)}`);
  return members.length === 0 ? '{}' : `{\n${members.join(',\n')}\n${indent}}`;
}

function compactArray(items: ArrayLike<JsonLike>, name: string): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) parts.push(compact(items[i], `${name}[${i}]`));
  return `[${parts.join(',')}]`;
}

function compact(value: JsonLike, name: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return numberJson(name, value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Float64Array || Array.isArray(value)) return compactArray(value as ArrayLike<JsonLike>, name);
  const members = Object.entries(value as { readonly [key: string]: JsonLike })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${compact(v, `${name}.${k}`)}`);
  return `{${members.join(',')}}`;
}
