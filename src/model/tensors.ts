// Named tensors over one flat buffer (the state-dict idea): every model's parameters, their gradients
// and an optimizer's slots are one Float64Array plus a table saying which stretch is which tensor.
// Element-wise work (clipping, updates) is one loop over `data`; checkpoints and safetensors walk the
// table. Row-major throughout.
import type { ResolvedModelSpec } from './spec.js';

/** A tensor's name and shape, rows first. */
export interface TensorShape {
  readonly name: string;
  readonly shape: readonly number[];
}

/** A tensor laid over the flat buffer: its name, shape, where it starts, and a view of its values. */
export interface ParamTensor extends TensorShape {
  /** Index of its first element in `data`. */
  readonly offset: number;
  /** `data.subarray(offset, offset + size)`. */
  readonly data: Float64Array;
}

/**
 * A model's parameters (or anything shaped like them: gradients, optimizer memory) as named row-major
 * views into one flat Float64Array, in the order of `tensors`.
 */
export interface ModelParams {
  /** The model these parameters belong to. */
  readonly spec: ResolvedModelSpec;
  /** H (same as `spec.hiddenSize`). */
  readonly hiddenSize: number;
  /** V, the vocabulary size. */
  readonly vocabSize: number;
  /** Every tensor back to back, in table order. */
  readonly data: Float64Array;
  /** The name table: tensors in buffer order. */
  readonly tensors: readonly ParamTensor[];
}

/** Number of elements of a tensor of `shape`. */
export function tensorSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Lays `shapes` back to back over `data` (zeros when omitted); throws a RangeError when `data` has the
 * wrong length.
 */
export function layoutTensors(
  shapes: readonly TensorShape[],
  data?: Float64Array,
): { readonly data: Float64Array; readonly tensors: readonly ParamTensor[] } {
  const size = shapes.reduce((n, t) => n + tensorSize(t.shape), 0);
  const buf = data ?? new Float64Array(size);
  if (buf.length !== size) throw new RangeError(`params buffer has ${buf.length} numbers, expected ${size}`);
  let offset = 0;
  const tensors = shapes.map(({ name, shape }): ParamTensor => {
    const n = tensorSize(shape);
    const t = { name, shape: [...shape], offset, data: buf.subarray(offset, offset + n) };
    offset += n;
    return t;
  });
  return { data: buf, tensors };
}

/** The view of tensor `name`; a RangeError naming it when the table has no such tensor. */
export function tensorOf(p: ModelParams, name: string): Float64Array {
  const t = p.tensors.find((x) => x.name === name);
  if (!t) throw new RangeError(`no tensor ${name} in ${p.tensors.map((x) => x.name).join(', ')}`);
  return t.data;
}

/** One named tensor of a model, with its gradient: views into the flat buffers, not copies. */
export interface TensorView {
  readonly name: string;
  readonly param: Float64Array;
  readonly grad: Float64Array;
}

/**
 * The model's tensors by name, each with its gradient, in buffer order (any family: from the name
 * table), for code that reports on them one by one (diagnostics).
 */
export function tensorViews(params: ModelParams, grads: ModelParams): TensorView[] {
  return params.tensors.map((t, i) => ({ name: t.name, param: t.data, grad: grads.tensors[i]!.data }));
}
