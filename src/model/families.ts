// The registry of model families, and what follows from a spec alone: the parameter table (names,
// shapes, layout), the parameter count, the state size, the initialisation.
// Dimension key: H = hiddenSize, V = vocabSize, L = layers, G = gates, I_0 = V, I_k = H.
import seedrandom from 'seedrandom';
import { ConfigError } from '../errors.js';
import type { ModelFamily } from './cell.js';
import { gruFamily } from './gru/cell.js';
import { lstmFamily } from './lstm/cell.js';
import { initParams, paramsView, type Params } from './rnn/classic/params.js';
import { rnnFamily } from './rnn/cell.js';
import { isClassicSpec, resolveModelSpec, type ModelSpec, type ModelType, type ResolvedModelSpec } from './spec.js';
import { layoutTensors, tensorSize, type ModelParams, type TensorShape } from './tensors.js';

const FAMILIES: Readonly<Record<ModelType, ModelFamily>> = { rnn: rnnFamily, lstm: lstmFamily, gru: gruFamily };

/** The family of `type` (a ConfigError for an unknown one). */
export function familyOf(type: string): ModelFamily {
  const f = (FAMILIES as Readonly<Record<string, ModelFamily>>)[type];
  if (!f) throw new ConfigError('model.type', type, `one of ${Object.keys(FAMILIES).join(', ')}`);
  return f;
}

/**
 * The parameter table of a model: the classic five (`Wxh` (H, V), `Whh` (H, H), `Why` (V, H), `bh` (H),
 * `by` (V)) for the one-layer RNN; otherwise PyTorch's state-dict names and order, for k = 0..L−1
 * `rnn.weight_ih_l{k}` (G·H, I_k), `rnn.weight_hh_l{k}` (G·H, H), `rnn.bias_ih_l{k}` (G·H),
 * `rnn.bias_hh_l{k}` (G·H), then `fc.weight` (V, H), `fc.bias` (V).
 */
export function paramTable(spec: ModelSpec, vocabSize: number): TensorShape[] {
  const s = resolveModelSpec(spec);
  const H = s.hiddenSize;
  const V = vocabSize;
  if (isClassicSpec(s)) return [
    { name: 'Wxh', shape: [H, V] },
    { name: 'Whh', shape: [H, H] },
    { name: 'Why', shape: [V, H] },
    { name: 'bh', shape: [H] },
    { name: 'by', shape: [V] },
  ];
  return torchTable(s, V);
}

/** PyTorch's names and shapes for `spec` (the classic RNN included: it then has `rnn.bias_hh_l0`). */
export function torchTable(spec: ModelSpec, vocabSize: number): TensorShape[] {
  const s = resolveModelSpec(spec);
  const H = s.hiddenSize;
  const GH = familyOf(s.type).gates * H;
  const shapes: TensorShape[] = [];
  for (let k = 0; k < s.layers; k++) {
    const I = k === 0 ? vocabSize : H;
    shapes.push(
      { name: `rnn.weight_ih_l${k}`, shape: [GH, I] },
      { name: `rnn.weight_hh_l${k}`, shape: [GH, H] },
      { name: `rnn.bias_ih_l${k}`, shape: [GH] },
      { name: `rnn.bias_hh_l${k}`, shape: [GH] },
    );
  }
  shapes.push({ name: 'fc.weight', shape: [vocabSize, H] }, { name: 'fc.bias', shape: [vocabSize] });
  return shapes;
}

/** Number of scalars in all of a model's tensors. */
export function modelParameterCount(spec: ModelSpec, vocabSize: number): number {
  return paramTable(spec, vocabSize).reduce((n, t) => n + tensorSize(t.shape), 0);
}

/** S, the state numbers a stream carries: H per layer, twice that for the LSTM (h and c). */
export function stateSize(spec: ModelSpec): number {
  const s = resolveModelSpec(spec);
  return s.layers * s.hiddenSize * (familyOf(s.type).carriesCell ? 2 : 1);
}

/**
 * The parameters of `spec` laid over `data` (zeros when omitted). The classic RNN gives {@link Params}
 * (with its five named views); every model gives the name table.
 */
export function modelParams(spec: ModelSpec, vocabSize: number, data?: Float64Array): ModelParams {
  const s = resolveModelSpec(spec);
  if (isClassicSpec(s)) {
    const p = paramsView(s.hiddenSize, vocabSize, data);
    return s.dropout === 0 ? p : { ...p, spec: s };
  }
  const { data: buf, tensors } = layoutTensors(paramTable(s, vocabSize), data);
  return { spec: s, hiddenSize: s.hiddenSize, vocabSize, data: buf, tensors };
}

/**
 * Fresh weights for `spec` from `seedrandom(seed)`. The classic RNN keeps the classic initialisation
 * ({@link initParams}); every other model takes PyTorch's default, uniform(−1/√H, 1/√H) for every
 * weight and bias of the recurrent layers and of the output layer, drawn in buffer order.
 *
 * ```ts
 * import { initModel } from 'min-char-rnn';
 * const p = initModel({ type: 'lstm', hiddenSize: 8, layers: 2 }, 5, 1);
 * console.log(p.tensors.map((t) => `${t.name} ${t.shape.join('x')}`).join(', '));
 * // rnn.weight_ih_l0 32x5, rnn.weight_hh_l0 32x8, rnn.bias_ih_l0 32, rnn.bias_hh_l0 32, rnn.weight_ih_l1 32x8, ...
 * ```
 */
export function initModel(spec: ModelSpec, vocabSize: number, seed: string | number): ModelParams {
  const s = resolveModelSpec(spec);
  if (isClassicSpec(s)) {
    const p: Params = initParams(s.hiddenSize, vocabSize, seed);
    return s.dropout === 0 ? p : { ...p, spec: s };
  }
  const p = modelParams(s, vocabSize);
  const uniform = seedrandom(String(seed));
  const k = 1 / Math.sqrt(s.hiddenSize);
  for (let i = 0; i < p.data.length; i++) p.data[i] = (2 * uniform() - 1) * k;
  return p;
}

/** True when `p` has exactly the tensors `spec` and `vocabSize` call for, names and shapes. */
export function matchesTable(p: ModelParams, spec: ModelSpec, vocabSize: number): boolean {
  const want = paramTable(spec, vocabSize);
  return (
    p.tensors.length === want.length &&
    want.every((t, i) => p.tensors[i]!.name === t.name && p.tensors[i]!.shape.join() === t.shape.join())
  );
}
