// The GRU layer, PyTorch's nn.GRU. Dimension key: H = hiddenSize, G = 3 gate blocks in the order r, z, n.
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)        σ(a) = 1 / (1 + e^−a)
//   z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//   h' = (1 − z) ⊙ n + z ⊙ h
// Backward, given dh':
//   dn = dh' ⊙ (1 − z);  dz = dh' ⊙ (h − n);  dh_prev = dh' ⊙ z + W_hhᵀ dgh
//   da_n = dn (1 − n²);  dr = da_n ⊙ (W_hn h + b_hn);  da_r = dr r(1−r);  da_z = dz z(1−z)
//   input side  dgi = [da_r, da_z, da_n]       (into W_ih, b_ih, x)
//   hidden side dgh = [da_r, da_z, da_n ⊙ r]   (into W_hh, b_hh, h)
import { tanh } from '../../math/elementary.js';
import { sigmoid } from '../../math/sigmoid.js';
import { hiddenAffine, hiddenAffineBackward, inputAffine, inputAffineBackward, type Cell, type ModelFamily } from '../cell.js';

function createGruCell(H: number): Cell {
  const gi = new Float64Array(3 * H); // (3H) W_ih x + b_ih
  const gh = new Float64Array(3 * H); // (3H) W_hh h + b_hh
  const dgi = new Float64Array(3 * H); // (3H)
  const dgh = new Float64Array(3 * H); // (3H)
  // cache (4H): r, z, n, W_hn h + b_hn
  return {
    forward(w, x, hp, _cp, h, _c, cache) {
      inputAffine(w, x, gi);
      hiddenAffine(w, hp, gh);
      for (let k = 0; k < H; k++) {
        const r = sigmoid(gi[k] + gh[k]);
        const z = sigmoid(gi[H + k] + gh[H + k]);
        const hn = gh[2 * H + k];
        const n = tanh(gi[2 * H + k] + r * hn);
        h[k] = (1 - z) * n + z * hp[k];
        cache[k] = r;
        cache[H + k] = z;
        cache[2 * H + k] = n;
        cache[3 * H + k] = hn;
      }
    },
    backward(w, dw, x, hp, _cp, _h, _c, cache, dh, _dc, dhp, dx) {
      for (let k = 0; k < H; k++) {
        const r = cache[k];
        const z = cache[H + k];
        const n = cache[2 * H + k];
        const hn = cache[3 * H + k];
        const dn = dh[k] * (1 - z);
        const dz = dh[k] * (hp[k] - n);
        const dan = dn * (1 - n * n);
        const dar = dan * hn * r * (1 - r);
        const daz = dz * z * (1 - z);
        dgi[k] = dar;
        dgi[H + k] = daz;
        dgi[2 * H + k] = dan;
        dgh[k] = dar;
        dgh[H + k] = daz;
        dgh[2 * H + k] = dan * r;
      }
      inputAffineBackward(w, dw, x, dgi, dx);
      hiddenAffineBackward(w, dw, hp, dgh, dhp);
      for (let k = 0; k < H; k++) dhp[k] += dh[k] * cache[H + k]; // the z ⊙ h path
    },
  };
}

/** The GRU as a stacked-network family. */
export const gruFamily: ModelFamily = { type: 'gru', gates: 3, carriesCell: false, cacheRows: 4, createCell: createGruCell };
