// A tiny LSTM and GRU worked by hand (H = 1, V = 2, one step): weights chosen so that every gate takes a
// round value, then the loss and a few gradients written out from the equations.
import { expect } from 'chai';
import { createStackNetwork, resolveModelSpec, tensorOf } from '../../src/index.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('hand-checked tiny gated cells', () => {
  it('LSTM: i = 1/2, f = 3/4, g = 1/2, o = 1/2 from c = 1 gives c\' = 1, h\' = tanh(1)/2', () => {
    const net = createStackNetwork(resolveModelSpec({ type: 'lstm', hiddenSize: 1 }), 2, 1, 1);
    const Wih = tensorOf(net.params, 'rnn.weight_ih_l0'); // (4, 2) rows i, f, g, o
    Wih.set([0, 9, Math.log(3), 9, Math.atanh(0.5), 9, 0, 9]); // column 0 is read; column 1 must not be
    tensorOf(net.params, 'rnn.weight_hh_l0').set([5, 5, 5, 5]); // h = 0: no effect
    tensorOf(net.params, 'fc.weight').set([1, -1]);
    net.hprev.set([0, 1]); // h = 0, c = 1
    const loss = net.lossFun(Int32Array.of(0), Int32Array.of(0));

    const h1 = Math.tanh(1) / 2;
    const p0 = sigmoid(2 * h1); // softmax of [h', −h']
    expect(net.h[0]).to.be.closeTo(h1, 1e-15);
    expect(net.h[1]).to.be.closeTo(1, 1e-15); // c' = 3/4 · 1 + 1/2 · 1/2
    expect(loss).to.be.closeTo(-Math.log(p0), 1e-15);

    const dh = 2 * (p0 - 1); // Wᵀ dy with dy = [p0 − 1, 1 − p0]
    const dc = dh * 0.5 * (1 - Math.tanh(1) ** 2); // through h' = o tanh(c')
    const dW = tensorOf(net.grads, 'rnn.weight_ih_l0');
    expect(dW[0]).to.be.closeTo(dc * 0.5 * 0.25, 1e-15); // i: dc · g · i(1 − i)
    expect(dW[2]).to.be.closeTo(dc * 1 * 0.1875, 1e-15); // f: dc · c · f(1 − f)
    expect(dW[4]).to.be.closeTo(dc * 0.5 * 0.75, 1e-15); // g: dc · i · (1 − g²)
    expect(dW[6]).to.be.closeTo(dh * Math.tanh(1) * 0.25, 1e-15); // o: dh · tanh(c') · o(1 − o)
    expect([dW[1], dW[3], dW[5], dW[7]]).to.deep.equal([0, 0, 0, 0]); // the column not read
    expect([...tensorOf(net.grads, 'rnn.weight_hh_l0')]).to.deep.equal([0, 0, 0, 0]); // h = 0
    expect(tensorOf(net.grads, 'fc.weight')[0]).to.be.closeTo((p0 - 1) * h1, 1e-15);
  });

  it('GRU: r = z = 1/2, W_hn h = 1 gives n = tanh(1/2), h\' = (n + h) / 2; b_hn\'s gradient is r times b_in\'s', () => {
    const net = createStackNetwork(resolveModelSpec({ type: 'gru', hiddenSize: 1 }), 2, 1, 1);
    tensorOf(net.params, 'rnn.weight_hh_l0').set([0, 0, 2]); // rows r, z, n; h = 1/2
    tensorOf(net.params, 'fc.weight').set([1, -1]);
    net.hprev.set([0.5]);
    const loss = net.lossFun(Int32Array.of(1), Int32Array.of(1));

    const n = Math.tanh(0.5);
    const h1 = 0.5 * n + 0.5 * 0.5;
    const p1 = sigmoid(-2 * h1);
    expect(net.h[0]).to.be.closeTo(h1, 1e-15);
    expect(loss).to.be.closeTo(-Math.log(p1), 1e-15);

    const dh = -2 * (p1 - 1); // Wᵀ dy with dy = [p0, p1 − 1] = [1 − p1, p1 − 1]
    const dan = dh * 0.5 * (1 - n * n);
    const bih = tensorOf(net.grads, 'rnn.bias_ih_l0');
    const bhh = tensorOf(net.grads, 'rnn.bias_hh_l0');
    expect(bih[2]).to.be.closeTo(dan, 1e-15);
    expect(bhh[2]).to.be.closeTo(dan * 0.5, 1e-15); // through r ⊙ (W_hn h + b_hn)
    expect(bih[1]).to.be.closeTo(dh * (0.5 - n) * 0.25, 1e-15); // z: dh (h − n) z(1 − z)
    expect(bih[0]).to.be.closeTo(dan * 1 * 0.25, 1e-15); // r: dan (W_hn h + b_hn) r(1 − r)
  });
});
