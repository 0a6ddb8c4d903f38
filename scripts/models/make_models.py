#!/usr/bin/env python3
"""Builds the reference models used by tests and benchmarks, with one fixed random input each and
onnxruntime's output for it.

    scripts/models/make_models.py OUT_DIR [NAME ...]

For every model NAME (default: all) writes OUT_DIR/NAME/{model.onnx, input.json, expected.json}:
input.json in EZKL's format ({"input_data": [[...]]}), expected.json as {"output_data": [[...]]}.
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def init(name, arr):
    return numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name)


def dense(rng, fan_in, fan_out):
    w = rng.uniform(-1, 1, (fan_out, fan_in)) / np.sqrt(fan_in)
    b = rng.uniform(-0.1, 0.1, fan_out)
    return w, b


def linear(rng):
    """The 2 -> 1 linear model of EZKL's examples."""
    w, b = dense(rng, 2, 1)
    nodes = [helper.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1, name="fc")]
    return nodes, [init("w", w), init("b", b)], [1, 2], [1, 1]


def mlp(rng):
    """MNIST-sized MLP 784-64-10."""
    w1, b1 = dense(rng, 784, 64)
    w2, b2 = dense(rng, 64, 10)
    nodes = [
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], transB=1, name="fc1"),
        helper.make_node("Relu", ["h"], ["r"], name="relu1"),
        helper.make_node("MatMul", ["r", "w2t"], ["m"], name="fc2"),
        helper.make_node("Add", ["m", "b2"], ["y"], name="fc2_bias"),
    ]
    inits = [init("w1", w1), init("b1", b1), init("w2t", w2.T), init("b2", b2)]
    return nodes, inits, [1, 784], [1, 10]


def lenet(rng):
    """LeNet-style CNN on 1x28x28: two 5x5 convolutions, two max-pools, two dense layers."""
    c1 = rng.uniform(-1, 1, (6, 1, 5, 5)) / 5.0
    c2 = rng.uniform(-1, 1, (16, 6, 5, 5)) / np.sqrt(150)
    w3, b3 = dense(rng, 256, 32)
    w4, b4 = dense(rng, 32, 10)
    pool = dict(kernel_shape=[2, 2], strides=[2, 2])
    # Explicit strides and pads (the ONNX defaults): EZKL's loader requires them.
    conv = dict(kernel_shape=[5, 5], strides=[1, 1], pads=[0, 0, 0, 0])
    nodes = [
        helper.make_node("Conv", ["x", "c1", "cb1"], ["a1"], name="conv1", **conv),
        helper.make_node("Relu", ["a1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", **pool),
        helper.make_node("Conv", ["p1", "c2", "cb2"], ["a2"], name="conv2", **conv),
        helper.make_node("Relu", ["a2"], ["r2"], name="relu2"),
        helper.make_node("MaxPool", ["r2"], ["p2"], name="pool2", **pool),
        helper.make_node("Flatten", ["p2"], ["f"], axis=1, name="flatten"),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["h"], transB=1, name="fc1"),
        helper.make_node("Relu", ["h"], ["r3"], name="relu3"),
        helper.make_node("Gemm", ["r3", "w4", "b4"], ["y"], transB=1, name="fc2"),
    ]
    inits = [
        init("c1", c1), init("cb1", rng.uniform(-0.1, 0.1, 6)),
        init("c2", c2), init("cb2", rng.uniform(-0.1, 0.1, 16)),
        init("w3", w3), init("b3", b3), init("w4", w4), init("b4", b4),
    ]
    return nodes, inits, [1, 1, 28, 28], [1, 10]


def tiny_cnn(rng):
    """A small CNN (conv, relu, average pool, dense, softmax) cheap enough to prove in CI."""
    c1 = rng.uniform(-1, 1, (4, 1, 3, 3)) / 3.0
    w2, b2 = dense(rng, 4 * 3 * 3, 3)
    nodes = [
        helper.make_node("Conv", ["x", "c1", "cb1"], ["a1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Relu", ["a1"], ["r1"], name="relu"),
        helper.make_node("AveragePool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
        helper.make_node("Flatten", ["p1"], ["f"], axis=1, name="flatten"),
        helper.make_node("Gemm", ["f", "w2", "b2"], ["h"], transB=1, name="fc"),
        helper.make_node("Softmax", ["h"], ["y"], axis=-1, name="softmax"),
    ]
    inits = [init("c1", c1), init("cb1", rng.uniform(-0.1, 0.1, 4)), init("w2", w2), init("b2", b2)]
    return nodes, inits, [1, 1, 6, 6], [1, 3]


MODELS = {"linear": linear, "mlp": mlp, "lenet": lenet, "tiny_cnn": tiny_cnn, "linear_b": linear}
# Fixed seeds, so adding a model never changes the others. `linear_b`: same architecture as
# `linear`, other weights (privacy tests: same program hash, different weight commitment).
SEEDS = {"lenet": 1000, "linear": 1001, "mlp": 1002, "tiny_cnn": 1003, "linear_b": 1004}


def build(name, out_dir, seed):
    rng = np.random.default_rng(seed)
    nodes, inits, in_shape, out_shape = MODELS[name](rng)
    graph = helper.make_graph(
        nodes, MODELS[name].__name__, [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="cairn")
    model.ir_version = 8
    onnx.checker.check_model(model)
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    x = rng.uniform(-1, 1, in_shape).astype(np.float32)
    (y,) = ort.InferenceSession(os.path.join(d, "model.onnx"), providers=["CPUExecutionProvider"]).run(None, {"x": x})
    with open(os.path.join(d, "input.json"), "w") as f:
        json.dump({"input_data": [x.ravel().tolist()]}, f)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"output_data": [y.ravel().tolist()]}, f)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    names = sys.argv[2:] or list(MODELS)
    for i, name in enumerate(names):
        if name not in MODELS:
            sys.exit(f"unknown model {name}; known: {', '.join(MODELS)}")
        build(name, sys.argv[1], seed=SEEDS[name])
        print(f"{name}: {os.path.join(sys.argv[1], name)}")


if __name__ == "__main__":
    main()
