// The LSTM layer, PyTorch's nn.LSTM. Dimension key: H = hiddenSize, G = 4 gate blocks in the order i, f, g, o.
//   i = σ(W_ii x + b_ii + W_hi h + b_hi)        σ(a) = 1 / (1 + e^−a)
//   f = σ(W_if x + b_if + W_hf h + b_hf)
//   g = tanh(W_ig x + b_ig + W_hg h + b_hg)
//   o = σ(W_io x + b_io + W_ho h + b_ho)
//   c' = f ⊙ c + i ⊙ g
//   h' = o ⊙ tanh(c')
// Backward, given dh' and dc' (from the next step):
//   dc = dc' + dh' ⊙ o ⊙ (1 − tanh²c');   do = dh' ⊙ tanh c'
//   di = dc ⊙ g;  df = dc ⊙ c;  dg = dc ⊙ i;  dc_prev = dc ⊙ f
//   da_i = di·i(1−i), da_f = df·f(1−f), da_g = dg·(1−g²), da_o = do·o(1−o), then the two affine maps.
import { tanh } from '../../math/elementary.js';
import { sigmoid } from '../../math/sigmoid.js';
import { hiddenAffine, hiddenAffineBackward, inputAffine, inputAffineBackward, type Cell, type ModelFamily } from '../cell.js';

function createLstmCell(H: number): Cell {
  const gi = new Float64Array(4 * H); // (4H) W_ih x + b_ih
  const gh = new Float64Array(4 * H); // (4H) W_hh h + b_hh
  const da = new Float64Array(4 * H); // (4H) dL/d(pre-activations)
  // cache (5H): i, f, g, o, tanh(c')
  return {
    forward(w, x, hp, cp, h, c, cache) {
      inputAffine(w, x, gi);
      hiddenAffine(w, hp, gh);
      for (let k = 0; k < H; k++) {
        const i = sigmoid(gi[k] + gh[k]);
        const f = sigmoid(gi[H + k] + gh[H + k]);
        const g = tanh(gi[2 * H + k] + gh[2 * H + k]);
        const o = sigmoid(gi[3 * H + k] + gh[3 * H + k]);
        const cNew = f * cp![k] + i * g;
        const tc = tanh(cNew);
        c![k] = cNew;
        h[k] = o * tc;
        cache[k] = i;
        cache[H + k] = f;
        cache[2 * H + k] = g;
        cache[3 * H + k] = o;
        cache[4 * H + k] = tc;
      }
    },
    backward(w, dw, x, hp, cp, _h, _c, cache, dh, dc, dhp, dx) {
      for (let k = 0; k < H; k++) {
        const i = cache[k];
        const f = cache[H + k];
        const g = cache[2 * H + k];
        const o = cache[3 * H + k];
        const tc = cache[4 * H + k];
        const dct = dc![k] + dh[k] * o * (1 - tc * tc);
        const dO = dh[k] * tc;
        da[k] = dct * g * i * (1 - i);
        da[H + k] = dct * cp![k] * f * (1 - f);
        da[2 * H + k] = dct * i * (1 - g * g);
        da[3 * H + k] = dO * o * (1 - o);
        dc![k] = dct * f; // dL/dc_{t−1}
      }
      inputAffineBackward(w, dw, x, da, dx);
      hiddenAffineBackward(w, dw, hp, da, dhp);
    },
  };
}

/** The LSTM as a stacked-network family. */
export const lstmFamily: ModelFamily = { type: 'lstm', gates: 4, carriesCell: true, cacheRows: 5, createCell: createLstmCell };
