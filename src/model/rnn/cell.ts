// The vanilla RNN layer, PyTorch's nn.RNN(nonlinearity='tanh'). Dimension key: H = hiddenSize, G = 1.
//   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)
// The classic min-char-rnn layer is this with b_hh absent: Wxh = W_ih, Whh = W_hh, bh = b_ih.
import { tanh } from '../../math/elementary.js';
import { hiddenAffine, hiddenAffineBackward, inputAffine, inputAffineBackward, type Cell, type ModelFamily } from '../cell.js';

function createRnnCell(H: number): Cell {
  const gi = new Float64Array(H); // (H) W_ih x + b_ih
  const gh = new Float64Array(H); // (H) W_hh h + b_hh
  const da = new Float64Array(H); // (H) dL/d(pre-activation)
  return {
    forward(w, x, hp, _cp, h) {
      inputAffine(w, x, gi);
      hiddenAffine(w, hp, gh);
      for (let i = 0; i < H; i++) h[i] = tanh(gi[i] + gh[i]);
    },
    backward(w, dw, x, hp, _cp, h, _c, _cache, dh, _dc, dhp, dx) {
      for (let i = 0; i < H; i++) da[i] = (1 - h[i] * h[i]) * dh[i]; // back through tanh
      inputAffineBackward(w, dw, x, da, dx);
      hiddenAffineBackward(w, dw, hp, da, dhp);
    },
  };
}

/** The vanilla RNN as a stacked-network family. */
export const rnnFamily: ModelFamily = { type: 'rnn', gates: 1, carriesCell: false, cacheRows: 0, createCell: createRnnCell };
