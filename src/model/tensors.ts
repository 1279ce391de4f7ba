// Dimension key: H = hiddenSize, V = vocabSize.
import { PARAM_NAMES, type Params } from './params.js';

/** One named tensor of a model, with its gradient: views into the flat buffers, not copies. */
export interface TensorView {
  readonly name: string;
  readonly param: Float64Array;
  readonly grad: Float64Array;
}

/**
 * The model's tensors by name, each with its gradient, in buffer order: the one place that knows which
 * tensors a model has, for code that reports on them one by one (diagnostics).
 */
export function tensorViews(params: Params, grads: Params): TensorView[] {
  return PARAM_NAMES.map((name) => ({ name, param: params[name], grad: grads[name] }));
}
