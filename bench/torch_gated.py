#!/usr/bin/env python3
"""The PyTorch side of `npm run bench:gated`: trains a character LSTM or GRU the way min-char-rnn's
batched kernels do (one-hot input, nn.LSTM/nn.GRU + nn.Linear, B streams x T steps, state carried,
Adam, clip-norm 5) and prints one JSON line with its training speed.

    python3 bench/torch_gated.py --model lstm --layers 2 --hidden 256 --dtype f64 --threads 1

Only the training loop is timed (after --warmup iterations), not the start-up of Python and torch.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

ap = argparse.ArgumentParser()
ap.add_argument("--model", choices=["lstm", "gru"], default="lstm")
ap.add_argument("--layers", type=int, default=2)
ap.add_argument("--hidden", type=int, default=256)
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--seq", type=int, default=64)
ap.add_argument("--dtype", choices=["f32", "f64"], default="f64")
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--iterations", type=int, default=5, help="timed iterations")
ap.add_argument("--warmup", type=int, default=1)
ap.add_argument("--corpus", default=None, help="text file (default: random characters of a 65-letter vocabulary)")
a = ap.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
dtype = torch.float64 if a.dtype == "f64" else torch.float32
if a.corpus:
    text = open(a.corpus, encoding="utf-8").read()
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    data = torch.tensor([index[c] for c in text], dtype=torch.long)
    V = len(vocab)
else:
    V = 65
    data = torch.randint(0, V, (a.batch * (a.seq * 20 + 1),))

B, T, H = a.batch, a.seq, a.hidden
cell = nn.LSTM if a.model == "lstm" else nn.GRU
rnn = cell(V, H, a.layers, batch_first=True).to(dtype)
fc = nn.Linear(H, V).to(dtype)
params = list(rnn.parameters()) + list(fc.parameters())
opt = torch.optim.Adam(params, lr=2e-3)
stream = data.numel() // B
streams = data[: B * stream].view(B, stream)
eye = torch.eye(V, dtype=dtype)

state = None
p = 0
times = []
for it in range(a.warmup + a.iterations):
    t0 = time.perf_counter()
    if p + T + 1 > stream:
        p, state = 0, None
    x = eye[streams[:, p : p + T]]
    y = streams[:, p + 1 : p + T + 1]
    out, state = rnn(x, state)
    state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
    loss = nn.functional.cross_entropy(fc(out).reshape(B * T, V), y.reshape(B * T), reduction="sum") / B
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(params, 5.0)
    opt.step()
    p += T
    if it >= a.warmup:
        times.append(time.perf_counter() - t0)

med = statistics.median(times)
print(json.dumps({"torch": torch.__version__, "model": a.model, "layers": a.layers, "hidden": H, "dtype": a.dtype,
                  "threads": a.threads, "secondsPerIteration": med, "charsPerSecond": B * T / med,
                  "times": times}))
