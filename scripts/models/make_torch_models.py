#!/usr/bin/env python3
"""Builds PyTorch models the way users export them (`torch.onnx.export`, the TorchScript
exporter), with a sample input each and onnxruntime's outputs for it.

    scripts/models/make_torch_models.py OUT_DIR [NAME ...]

Writes OUT_DIR/NAME/{model.onnx, input.json, expected.json} in the format of
make_sklearn_models.py ({"input", "shape", "order", "outputs"}). Weights are seeded: the same
models every run.
"""
import os
import sys
import warnings

import numpy as np
import torch
from expected import write_case
from torch import nn

warnings.filterwarnings("ignore")


class Encoder(nn.Module):
    """One transformer encoder layer (self-attention, feed-forward, two LayerNorms)."""

    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(
            d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True
        )

    def forward(self, x):
        # is_causal given explicitly: torch 2.15's tracer fails on the default.
        return self.layer(x, is_causal=False)


class Sequence(nn.Module):
    """A recurrent layer and a linear head on its last output; returns both."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn
        width = rnn.hidden_size * (2 if rnn.bidirectional else 1)
        self.head = nn.Linear(width, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return y, self.head(y[:, -1])


class TextClassifier(nn.Module):
    """Token ids -> embeddings (a run-time Gather) -> mean over the sequence -> linear."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, tokens):
        return self.head(self.embed(tokens).mean(dim=1))


class ResBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.b = nn.Conv2d(4, 4, 3, padding=1)

    def forward(self, x):
        return torch.relu(x + self.b(torch.relu(self.bn(self.a(x)))))


def models():
    torch.manual_seed(0)
    yield "transformer_encoder_layer", Encoder(), (1, 6, 16)
    yield "gru", Sequence(nn.GRU(4, 8, batch_first=True)), (1, 5, 4)
    yield "lstm", Sequence(nn.LSTM(4, 8, batch_first=True)), (1, 5, 4)
    yield "rnn", Sequence(nn.RNN(4, 6, batch_first=True, bidirectional=True)), (2, 4, 4)
    yield "bidirectional_lstm", Sequence(nn.LSTM(4, 6, batch_first=True, bidirectional=True)), (
        2,
        4,
        4,
    )
    yield "layer_norm_mlp", nn.Sequential(
        nn.Linear(8, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 4)
    ), (2, 8)
    yield "resnet_block", ResBlock(), (1, 4, 6, 6)
    yield "embedding_classifier", TextClassifier(), (2, 5)
    yield "upsample_nearest", nn.Sequential(
        nn.Conv2d(2, 2, 3, padding=1), nn.Upsample(scale_factor=2, mode="nearest")
    ), (1, 2, 4, 5)
    yield "upsample_bilinear", nn.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 4, 5)
    yield "upsample_bilinear_aligned", nn.Upsample(
        size=(7, 9), mode="bilinear", align_corners=True
    ), (1, 1, 4, 5)
    yield "conv_autoencoder", nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(4, 8, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(4, 1, 3, stride=2, padding=1, output_padding=1),
        nn.Sigmoid(),
    ), (1, 1, 8, 8)
    yield "conv_transpose_1d_groups", nn.ConvTranspose1d(
        4, 6, 3, stride=3, padding=2, output_padding=1, groups=2, dilation=2
    ), (1, 4, 5)


def main():
    out = sys.argv[1]
    wanted = sys.argv[2:]
    rng = np.random.default_rng(5)
    for name, model, shape in models():
        if wanted and name not in wanted:
            continue
        model.eval()
        if name.startswith("embedding"):
            x = rng.integers(0, 20, size=shape).astype(np.int64)
        else:
            x = rng.normal(size=shape).astype(np.float32)
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "model.onnx")
        torch.onnx.export(
            model, (torch.from_numpy(x),), path, dynamo=False, opset_version=17,
            input_names=["x"],
        )
        write_case(d, None, x)


if __name__ == "__main__":
    main()
