/**
 * Named errors. Every failure the library reports carries a message that names the operation, the
 * argument and the value received, so the CLI can print it as one line.
 */

/** A configuration value is out of range or of the wrong kind. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${option} must be ${expected}, got ${describe(value)}`);
  }
}

/** The corpus cannot be trained on (empty, too short, or characters outside a fixed vocabulary). */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

/** A checkpoint could not be read or does not fit the corpus or configuration. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/**
 * Writing an output failed after the inputs were accepted (a full disk, an I/O error): the run did its
 * work but could not keep it. The CLI exits with 1 for these, as for any failure that is not the input's.
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/** Training produced a loss that is NaN or infinite; the iteration says where it happened. */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
  constructor(
    readonly iteration: number,
    readonly loss: number,
    detail?: string,
  ) {
    super(`loss is ${loss} at iteration ${iteration} (training diverged${detail ? `; ${detail}` : ''}; try a smaller learning rate)`);
  }
}

/** Short, printable description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}

/** Checks that `value` is an integer ≥ `min`; throws a ConfigError naming `option` otherwise. */
export function requireInteger(option: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(option, value, min === 1 ? 'a positive integer' : `an integer ≥ ${min}`);
  }
  return value;
}

/** Checks that `value` is a finite number > 0; throws a ConfigError naming `option` otherwise. */
export function requirePositive(option: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(option, value, 'a positive number');
  }
  return value;
}
