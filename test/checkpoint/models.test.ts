import { expect } from 'chai';
import {
  buildVocabulary,
  CheckpointError,
  decodeModelSafetensors,
  encodeModelSafetensors,
  encodeSafetensors,
  initModel,
  initParams,
  parseCheckpoint,
  serializeCheckpoint,
  tensorOf,
  torchTensors,
} from '../../src/index.js';

const vocab = buildVocabulary('abc\n');
const V = vocab.size;

describe('checkpoints and safetensors of every model family', () => {
  it('the classic model writes version 1 without a model field; an lstm writes version 2 with one', () => {
    const classic = JSON.parse(serializeCheckpoint({ vocab, params: initParams(3, V, 1) })) as Record<string, unknown>;
    expect(classic.version).to.equal(1);
    expect(classic.model).to.equal(undefined);
    const lstm = initModel({ type: 'lstm', hiddenSize: 3, layers: 2, dropout: 0.5 }, V, 2);
    const text = serializeCheckpoint({ vocab, params: lstm });
    const raw = JSON.parse(text) as Record<string, unknown> & { params: Record<string, unknown> };
    expect(raw.version).to.equal(2);
    expect(raw.model).to.deep.equal({ type: 'lstm', hiddenSize: 3, layers: 2, dropout: 0.5 });
    expect(Object.keys(raw.params)).to.deep.equal(lstm.tensors.map((t) => t.name));
    const back = parseCheckpoint(text);
    expect(back.params.spec).to.deep.equal(lstm.spec);
    expect(Buffer.from(back.params.data.buffer).equals(Buffer.from(lstm.data.buffer))).to.equal(true);
  });

  it('refuses tensors that do not match the spec: missing, extra, wrong shape, unknown type', () => {
    const gru = initModel({ type: 'gru', hiddenSize: 2 }, V, 1);
    const text = serializeCheckpoint({ vocab, params: gru });
    const edit = (f: (raw: Record<string, any>) => void): string => {
      const raw = JSON.parse(text) as Record<string, any>;
      f(raw);
      return JSON.stringify(raw);
    };
    expect(() => parseCheckpoint(edit((r) => delete r.params['fc.bias']))).to.throw(CheckpointError, 'params.fc.bias is missing (expected 4)');
    expect(() => parseCheckpoint(edit((r) => (r.params['rnn.weight_ih_l1'] = [[0]])))).to.throw(CheckpointError, 'params.rnn.weight_ih_l1 is not a tensor of the model (gru with 1 layer of 2 has');
    expect(() => parseCheckpoint(edit((r) => (r.model.type = 'lstm')))).to.throw(CheckpointError, 'params.rnn.weight_ih_l0 has 6 rows (expected 8×4)');
    expect(() => parseCheckpoint(edit((r) => (r.model.type = 'transformer')))).to.throw(CheckpointError, 'model: model.type must be one of rnn, lstm, gru');
    expect(() => parseCheckpoint(edit((r) => (r.model.hiddenSize = 3)))).to.throw(CheckpointError, 'model.hiddenSize is 3 but hiddenSize is 2');
  });

  it('safetensors: an lstm round-trips under PyTorch names with its spec; f32 rounds each value', () => {
    const lstm = initModel({ type: 'lstm', hiddenSize: 3, layers: 2 }, V, 5);
    const bytes = encodeModelSafetensors({ vocab, params: lstm });
    const back = decodeModelSafetensors(bytes);
    expect(back.metadata.model).to.equal('{"type":"lstm","hiddenSize":3,"layers":2,"dropout":0}');
    expect([...back.params.data]).to.deep.equal([...lstm.data]);
    const f32 = decodeModelSafetensors(encodeModelSafetensors({ vocab, params: lstm }, { dtype: 'F32' }));
    expect([...f32.params.data]).to.deep.equal([...lstm.data].map(Math.fround));
  });

  it('safetensors: the classic model under PyTorch names reads back as the classic model, b_ih + b_hh folded into bh', () => {
    const p = initParams(3, V, 1);
    p.bh.set([0.5, -0.25, 1]);
    const named = torchTensors(p);
    expect(named.map((t) => t.name)).to.deep.equal(['rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'fc.weight', 'fc.bias']);
    const bytes = encodeModelSafetensors({ vocab, params: p }, { names: 'torch' });
    expect([...decodeModelSafetensors(bytes).params.data]).to.deep.equal([...p.data]);
    // A file as PyTorch writes it: a non-zero b_hh, no model metadata (read off the shapes).
    const bhh = Float64Array.of(0.125, 0.125, 0.125);
    const torch = encodeSafetensors(
      named.map((t) => (t.name === 'rnn.bias_hh_l0' ? { ...t, data: bhh } : t)),
      { vocab: JSON.stringify(vocab.chars) },
    );
    const read = decodeModelSafetensors(torch);
    expect(read.params.spec).to.deep.equal({ type: 'rnn', hiddenSize: 3, layers: 1, dropout: 0 });
    expect([...tensorOf(read.params, 'bh')]).to.deep.equal([0.625, -0.125, 1.125]);
  });

  it('safetensors: infers a GRU without model metadata; refuses an extra tensor and a gate count of no family', () => {
    const gru = initModel({ type: 'gru', hiddenSize: 2, layers: 2 }, V, 3);
    const entries = torchTensors(gru);
    const meta = { vocab: JSON.stringify(vocab.chars) };
    expect(decodeModelSafetensors(encodeSafetensors(entries, meta)).params.spec).to.deep.equal({ type: 'gru', hiddenSize: 2, layers: 2, dropout: 0 });
    expect(() => decodeModelSafetensors(encodeSafetensors([...entries, { name: 'extra', shape: [1], data: Float64Array.of(1) }], meta))).to.throw(
      CheckpointError,
      'tensor extra is not part of the model (gru with 2 layer(s))',
    );
    const odd = entries.map((t) => (t.name === 'rnn.weight_hh_l0' ? { ...t, shape: [4, 2], data: new Float64Array(8) } : t));
    expect(() => decodeModelSafetensors(encodeSafetensors(odd, meta))).to.throw(CheckpointError, '2 gate blocks is none of rnn (1), gru (3), lstm (4)');
  });
});
