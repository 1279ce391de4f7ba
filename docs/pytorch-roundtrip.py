#!/usr/bin/env python3
"""The PyTorch round trip of docs/pytorch.md, runnable: load a min-char-rnn safetensors file into PyTorch,
measure it on a text (the number `min-char-rnn eval` prints), train it a little, and write it back with
the metadata min-char-rnn reads.

    python3 docs/pytorch-roundtrip.py model.safetensors corpus.txt trained.safetensors

Needs torch; uses the `safetensors` package when installed, else reads and writes the format itself.
"""
import json
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

CELLS = {'rnn': nn.RNN, 'lstm': nn.LSTM, 'gru': nn.GRU}


class CharModel(nn.Module):  # V = vocabulary size, H = hidden size, L = layers
    def __init__(self, V, H, L, cell):  # cell: nn.LSTM, nn.GRU or nn.RNN
        super().__init__()
        self.rnn = cell(V, H, L, batch_first=True)  # input: one-hot float64 (batch, T, V)
        self.fc = nn.Linear(H, V)

    def forward(self, ids, state=None):
        out, state = self.rnn(F.one_hot(ids, self.fc.out_features).to(torch.float64), state)
        return self.fc(out), state


def load(path):
    """Tensors and metadata of a safetensors file."""
    try:
        from safetensors import safe_open
        from safetensors.torch import load_file
        with safe_open(path, 'pt') as f:
            return load_file(path), f.metadata()
    except ImportError:
        b = open(path, 'rb').read()
        n = struct.unpack('<Q', b[:8])[0]
        header = json.loads(b[8:8 + n])
        meta = header.pop('__metadata__', {})
        dtypes = {'F64': torch.float64, 'F32': torch.float32}
        tensors = {}
        for name, t in header.items():
            s, e = t['data_offsets']
            tensors[name] = torch.frombuffer(bytearray(b[8 + n + s:8 + n + e]), dtype=dtypes[t['dtype']]).reshape(t['shape'])
        return tensors, meta


def save(path, tensors, metadata):
    try:
        from safetensors.torch import save_file
        save_file(tensors, path, metadata)
    except ImportError:
        header, offset, blobs = {'__metadata__': metadata}, 0, []
        for name, t in tensors.items():
            data = t.detach().contiguous().to(torch.float64).numpy().tobytes()
            header[name] = {'dtype': 'F64', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
            offset += len(data)
            blobs.append(data)
        h = json.dumps(header).encode()
        h += b' ' * (-len(h) % 8)
        open(path, 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def main(model_path, corpus_path, out_path):
    torch.set_default_dtype(torch.float64)
    tensors, meta = load(model_path)
    vocab, spec = json.loads(meta['vocab']), json.loads(meta['model'])
    V, H, L = len(vocab), spec['hiddenSize'], spec['layers']
    m = CharModel(V, H, L, CELLS[spec['type']])
    m.load_state_dict({k: v.to(torch.float64) for k, v in tensors.items()})  # strict: every name must match

    index = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([index[c] for c in open(corpus_path, encoding='utf-8').read()])
    with torch.no_grad():  # `min-char-rnn eval`: from a zero state, state carried, mean nats per prediction
        logits, _ = m(ids[None, :-1])
        loss = F.cross_entropy(logits[0], ids[1:]).item()
    print(json.dumps({'type': 'eval', 'characters': len(ids) - 1, 'loss': loss}))

    opt = torch.optim.Adam(m.parameters(), lr=2e-3)  # a few steps of training in PyTorch
    for step in range(20):
        starts = torch.randint(0, len(ids) - 65, (8,))
        batch = torch.stack([ids[s:s + 65] for s in starts])
        logits, _ = m(batch[:, :-1])
        l = F.cross_entropy(logits.reshape(-1, V), batch[:, 1:].reshape(-1))
        opt.zero_grad()
        l.backward()
        nn.utils.clip_grad_norm_(m.parameters(), 5)
        opt.step()
    save(out_path, m.state_dict(), {'vocab': json.dumps(vocab), 'model': json.dumps(spec)})
    print(f'wrote {out_path}')


if __name__ == '__main__':
    main(*sys.argv[1:4])
