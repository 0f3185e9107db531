#!/usr/bin/env python3
"""The PyTorch side of `npm run bench`: one benchmark shape trained in PyTorch, one JSON line out.

bench/bench.ts calls this with the shape of each case as arguments (the same batch, sequence
length, widths, trainable set, AdamW with weight decay on rank >= 2 weights only, and clipping to
a global norm as the engine uses), on the same number of threads as our backend computes with.
The models are written here by hand (Debian has no `transformers`):

  mlp           input -> Linear(h1) relu -> ... -> Linear(classes); cross-entropy.
  attention     q, k, v = Linear(x); softmax(q k^T / sqrt(d) + pad mask) v per head; Linear(o);
                loss mean(out^2) (as bench/stepCases.ts).
  bert          a BERT encoder (word + position + token-type embeddings, LayerNorm, dropout;
                per layer: self-attention with pad mask and probability dropout, output Linear,
                dropout, residual, LayerNorm, GELU feed-forward, dropout, residual, LayerNorm;
                tanh pooler over [CLS]) and the sequence-classification head (dropout, Linear).
  nn-sentiment  Embedding(30000, 50) -> bidirectional GRU(20) over 100 steps -> concat(mean, max)
                over time -> Linear(classes); the GRU runs in PyTorch's own fused kernel.
  lstm-text     Embedding(vocab, embed) -> bidirectional LSTM(units) -> concat(mean, max) over time
                -> Linear(classes), through PyTorch's own fused LSTM kernel (LoRA: both weight
                matrices of both directions, as for the GRU).

Techniques: full (everything trains), lora (frozen base, A·B on the BERT query and value
projections / on both GRU weight matrices of both directions, rank r, scale alpha/r), adapter
(frozen base, bottleneck down-relu-up with a residual after the BERT attention output and
feed-forward output projections / after the GRU), features (frozen base; the plain PyTorch loop:
each step runs the frozen base under no_grad, then the head). The head always trains.

Timing: `--warmup` steps, then `--steps` steps, each timed (wall and this process's CPU time).
With `--epochs E`, also E whole epochs over `--train-rows` examples, each followed by a forward
pass over `--val-rows` (the end-to-end time of a plain training loop, for the features technique).
"""

import argparse
import json
import math
import os
import resource
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--shape', required=True, choices=['mlp', 'attention', 'bert', 'nn-sentiment', 'lstm-text'])
    p.add_argument('--technique', default='full', choices=['full', 'features', 'lora', 'adapter'])
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--seq', type=int, default=0, help='tokens per example')
    p.add_argument('--input', type=int, default=0, help='mlp: input width')
    p.add_argument('--widths', default='', help='mlp: hidden widths, comma-separated')
    p.add_argument('--hidden', type=int, default=0, help='attention/bert: model width')
    p.add_argument('--heads', type=int, default=0)
    p.add_argument('--layers', type=int, default=0)
    p.add_argument('--ffn', type=int, default=0)
    p.add_argument('--vocab', type=int, default=0)
    p.add_argument('--max-positions', type=int, default=512)
    p.add_argument('--embed', type=int, default=50, help='nn-sentiment: embedding width')
    p.add_argument('--units', type=int, default=20, help='nn-sentiment: GRU units per direction')
    p.add_argument('--classes', type=int, default=2)
    p.add_argument('--dropout', type=float, default=0.0)
    p.add_argument('--lora-rank', type=int, default=8)
    p.add_argument('--lora-alpha', type=float, default=16.0)
    p.add_argument('--adapter-size', type=int, default=16)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--clip', type=float, default=1.0)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--epochs', type=int, default=0)
    p.add_argument('--train-rows', type=int, default=0)
    p.add_argument('--val-rows', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    return p.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
# Thread counts before torch loads its BLAS and OpenMP pools.
for var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class LoraLinear(nn.Module):
    """A frozen Linear plus scale·(x·A)·B, A ~ N(0, 1/r), B = 0 (as the engine's LoraDense)."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.a = nn.Parameter(torch.randn(base.in_features, rank) / rank)
        self.b = nn.Parameter(torch.zeros(rank, base.out_features))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.a) @ self.b * self.scale


class Adapter(nn.Module):
    """x + up(relu(down(x))), up starting at zero."""

    def __init__(self, width, size):
        super().__init__()
        self.down = nn.Linear(width, size)
        self.up = nn.Linear(size, width)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x):
        return x + self.up(F.relu(self.down(x)))


def attention(q, k, v, ids, heads, pad_id, dropout, training):
    b, t, h = q.shape
    d = h // heads

    def split(m):
        return m.view(b, t, heads, d).transpose(1, 2)

    scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(d)
    bias = (ids == pad_id).to(scores.dtype).mul(-1e9).view(b, 1, 1, t)
    probs = F.softmax(scores + bias, dim=-1)
    probs = F.dropout(probs, dropout, training)
    return (probs @ split(v)).transpose(1, 2).reshape(b, t, h)


class BertLayer(nn.Module):
    def __init__(self, a, technique):
        super().__init__()
        h = a.hidden
        self.heads = a.heads
        self.dropout = a.dropout
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.attention_output = nn.Linear(h, h)
        self.attention_norm = nn.LayerNorm(h, eps=1e-12)
        self.intermediate = nn.Linear(h, a.ffn)
        self.output = nn.Linear(a.ffn, h)
        self.output_norm = nn.LayerNorm(h, eps=1e-12)
        self.adapters = None
        if technique == 'lora':
            self.query = LoraLinear(self.query, a.lora_rank, a.lora_alpha)
            self.value = LoraLinear(self.value, a.lora_rank, a.lora_alpha)
        if technique == 'adapter':
            self.adapters = nn.ModuleList([Adapter(h, a.adapter_size), Adapter(h, a.adapter_size)])

    def forward(self, x, ids):
        context = attention(self.query(x), self.key(x), self.value(x), ids, self.heads, 0, self.dropout, self.training)
        y = self.attention_output(context)
        if self.adapters is not None:
            y = self.adapters[0](y)
        attended = self.attention_norm(F.dropout(y, self.dropout, self.training) + x)
        f = self.output(F.gelu(self.intermediate(attended)))
        if self.adapters is not None:
            f = self.adapters[1](f)
        return self.output_norm(F.dropout(f, self.dropout, self.training) + attended)


class BertEncoder(nn.Module):
    """ids [batch, seq] -> pooled [batch, hidden] (BERT's pooler_output)."""

    def __init__(self, a, technique):
        super().__init__()
        h = a.hidden
        self.dropout = a.dropout
        self.words = nn.Embedding(a.vocab, h)
        self.positions = nn.Embedding(a.max_positions, h)
        self.token_types = nn.Embedding(2, h)
        self.norm = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList([BertLayer(a, technique) for _ in range(a.layers)])
        self.pooler = nn.Linear(h, h)

    def forward(self, ids):
        t = ids.shape[1]
        positions = torch.arange(t).unsqueeze(0)
        x = self.words(ids) + self.positions(positions) + self.token_types(torch.zeros_like(ids))
        x = F.dropout(self.norm(x), self.dropout, self.training)
        for layer in self.layers:
            x = layer(x, ids)
        return torch.tanh(self.pooler(x[:, 0]))


class BertHead(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.dropout = a.dropout
        self.classifier = nn.Linear(a.hidden, a.classes)

    def forward(self, pooled):
        return self.classifier(F.dropout(pooled, self.dropout, self.training))


class RecurrentBase(nn.Module):
    """ids [batch, seq] -> concat(mean, max) over time of a bidirectional recurrent layer's outputs.
    With LoRA, each of its matrices gets W_eff = W + scale·(A·B)ᵀ, run through the layer's own
    fused kernel (`fused`, per subclass)."""

    def __init__(self, a, technique, rnn_class, gates):
        super().__init__()
        self.embedding = nn.Embedding(a.vocab, a.embed)
        self.rnn = rnn_class(a.embed, a.units, batch_first=True, bidirectional=True)
        self.adapter = Adapter(2 * a.units, a.adapter_size) if technique == 'adapter' else None
        self.lora = None
        if technique == 'lora':
            r = a.lora_rank
            self.scale = a.lora_alpha / r
            self.lora = nn.ParameterList()
            for _direction in range(2):
                for inputs in (a.embed, a.units):
                    self.lora.append(nn.Parameter(torch.randn(inputs, r) / r))
                    self.lora.append(nn.Parameter(torch.zeros(r, gates * a.units)))

    def lora_weights(self):
        """The layer's flat weights with each matrix replaced by W + scale·(A·B)ᵀ."""
        w = self.rnn._flat_weights
        p = list(self.lora)
        weights = []
        for direction in range(2):
            w_ih, w_hh, b_ih, b_hh = w[4 * direction:4 * direction + 4]
            a_k, b_k, a_r, b_r = p[4 * direction:4 * direction + 4]
            weights += [w_ih + self.scale * (a_k @ b_k).t(), w_hh + self.scale * (a_r @ b_r).t(), b_ih, b_hh]
        return weights

    def forward(self, ids):
        x = self.embedding(ids)
        out = self.rnn(x)[0] if self.lora is None else self.fused(x, ids.shape[0], self.lora_weights())
        if self.adapter is not None:
            out = self.adapter(out)
        return torch.cat([out.mean(dim=1), out.amax(dim=1)], dim=-1)


class GruBase(RecurrentBase):
    """ids [batch, 100] -> concat(mean, max) over time of the bidirectional GRU's outputs."""

    def __init__(self, a, technique):
        super().__init__(a, technique, nn.GRU, 3)

    def fused(self, x, batch, weights):
        h0 = torch.zeros(2, batch, self.rnn.hidden_size)
        return torch._VF.gru(x, h0, weights, True, 1, 0.0, self.training, True, True)[0]


class LstmBase(RecurrentBase):
    """ids [batch, seq] -> concat(mean, max) over time of the bidirectional LSTM's outputs."""

    def __init__(self, a, technique):
        super().__init__(a, technique, nn.LSTM, 4)

    def fused(self, x, batch, weights):
        zeros = torch.zeros(2, batch, self.rnn.hidden_size)
        return torch._VF.lstm(x, (zeros, zeros), weights, True, 1, 0.0, self.training, True, True)[0]


class Mlp(nn.Module):
    def __init__(self, a):
        super().__init__()
        widths = [a.input] + [int(w) for w in a.widths.split(',') if w]
        layers = []
        for i in range(len(widths) - 1):
            layers += [nn.Linear(widths[i], widths[i + 1]), nn.ReLU()]
        layers.append(nn.Linear(widths[-1], a.classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class AttentionBlock(nn.Module):
    def __init__(self, a):
        super().__init__()
        h = a.hidden
        self.heads = a.heads
        self.q, self.k, self.v, self.o = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)

    def forward(self, x, ids):
        return self.o(attention(self.q(x), self.k(x), self.v(x), ids, self.heads, 0, 0.0, self.training))


def added_parameters(base):
    """ids of the parameters LoRA and adapters added: the only ones of the base that train."""
    added = set()
    for m in base.modules():
        if isinstance(m, LoraLinear):
            added |= {id(m.a), id(m.b)}
        if isinstance(m, Adapter):
            added |= {id(p) for p in m.parameters()}
        if isinstance(m, RecurrentBase) and m.lora is not None:
            added |= {id(p) for p in m.lora}
    return added


def rows(a):
    """Examples held in memory: the training rows of our run (at least one batch)."""
    return max(a.train_rows, a.batch)


def build(a):
    """(base, head, (inputs, targets), loss(output, targets)); base is None for one-piece models.
    The attention block's inputs are one fixed batch (x, ids) and it has no targets."""
    gen = torch.Generator().manual_seed(1)
    if a.shape == 'mlp':
        x = torch.randn(rows(a), a.input, generator=gen)
        y = torch.randint(0, a.classes, (x.shape[0],), generator=gen)
        return None, Mlp(a), (x, y), lambda out, target: F.cross_entropy(out, target)
    if a.shape == 'attention':
        x = torch.randn(a.batch, a.seq, a.hidden, generator=gen)
        ids = torch.ones(a.batch, a.seq, dtype=torch.long)
        block = AttentionBlock(a)
        return None, block, ((x, ids), None), lambda out, _target: out.square().mean()
    n = rows(a)
    ids = torch.randint(5, a.vocab, (n, a.seq), generator=gen)
    y = torch.randint(0, a.classes, (n,), generator=gen)
    if a.shape == 'bert':
        base, head = BertEncoder(a, a.technique), BertHead(a)
    elif a.shape == 'lstm-text':
        base, head = LstmBase(a, a.technique), nn.Linear(4 * a.units, a.classes)
    else:
        base, head = GruBase(a, a.technique), nn.Linear(4 * a.units, a.classes)
    if a.technique != 'full':
        added = added_parameters(base)
        for p in base.parameters():
            p.requires_grad_(id(p) in added)
    return base, head, (ids, y), lambda out, target: F.cross_entropy(out, target)


def optimizer_for(params, a):
    decay = [p for p in params if p.dim() >= 2]
    rest = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': a.weight_decay}, {'params': rest, 'weight_decay': 0.0}], lr=a.lr)


def main(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    base, head, data, loss_of = build(a)
    modules = [m for m in (base, head) if m is not None]
    params = [p for m in modules for p in m.parameters() if p.requires_grad]
    opt = optimizer_for(params, a)
    frozen_base = base is not None and a.technique == 'features'
    inputs, targets = data

    def forward(batch_inputs):
        if base is None:
            return head(*batch_inputs) if isinstance(batch_inputs, tuple) else head(batch_inputs)
        if frozen_base:
            with torch.no_grad():
                features = base(batch_inputs)
            return head(features)
        return head(base(batch_inputs))

    def batch(start):
        if isinstance(inputs, tuple):
            return inputs, None
        n = inputs.shape[0]
        idx = torch.arange(start, start + a.batch) % n
        return inputs[idx], targets[idx]

    def step(start):
        x, y = batch(start)
        opt.zero_grad(set_to_none=True)
        loss = loss_of(forward(x), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, a.clip)
        opt.step()
        return loss.item()

    for m in modules:
        m.train()
    if frozen_base:
        base.eval()
    wall, cpu = [], []
    for i in range(a.warmup + a.steps):
        w0, c0 = time.perf_counter(), time.process_time()
        step(i * a.batch)
        if i >= a.warmup:
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
    ms = 1000 * sum(wall) / len(wall)
    result = {
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'shape': a.shape,
        'technique': a.technique,
        'batchSize': a.batch,
        'steps': len(wall),
        'msPerStep': round(ms, 2),
        'cpuMsPerStep': round(1000 * sum(cpu) / len(cpu), 2),
        'examplesPerSecond': round(a.batch * 1000 / ms, 1),
        'trainableParams': sum(p.numel() for p in params),
    }
    if a.epochs > 0 and not isinstance(inputs, tuple):
        # A plain loop: every epoch runs every batch (the frozen base each time), then validates.
        val_ids = torch.randint(5, max(6, a.vocab), (a.val_rows, a.seq)) if a.shape != 'mlp' else torch.randn(a.val_rows, a.input)
        steps_per_epoch = math.ceil(max(1, a.train_rows) / a.batch)
        w0, c0 = time.perf_counter(), time.process_time()
        for _epoch in range(a.epochs):
            for m in modules:
                m.train()
            if frozen_base:
                base.eval()
            for s in range(steps_per_epoch):
                step(s * a.batch)
            for m in modules:
                m.eval()
            with torch.no_grad():
                for s in range(0, a.val_rows, max(64, a.batch)):
                    F.softmax(forward(val_ids[s:s + max(64, a.batch)]), dim=-1)
        result['epochs'] = a.epochs
        result['endToEndSeconds'] = round(time.perf_counter() - w0, 3)
        result['endToEndCpuSeconds'] = round(time.process_time() - c0, 3)
    result['peakRssMB'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


if __name__ == '__main__':
    main(ARGS)
