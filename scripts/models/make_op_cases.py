#!/usr/bin/env python3
"""Single-op ONNX graphs for ops the onnx package's PyTorch suites do not cover, with a seeded
input and onnxruntime's output. Same output format as make_sklearn_models.py.

    scripts/models/make_op_cases.py OUT_DIR [NAME ...]
"""
import os
import sys

import numpy as np
from expected import write_case
from onnx import TensorProto, helper

SHAPE = [2, 3, 4]


def case(op, attrs=None, shape=SHAPE, out_shape=None, low=-3.0, high=3.0, opset=17):
    node = helper.make_node(op, ["x"], ["y"], **(attrs or {}))
    graph = helper.make_graph(
        [node],
        op.lower(),
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return model, (low, high)


def graph(name, nodes, out_shape=None, initializers=(), ml=False):
    g = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, SHAPE)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
        initializer=list(initializers),
    )
    opsets = [helper.make_opsetid("", 17)]
    if ml:
        opsets.append(helper.make_opsetid("ai.onnx.ml", 3))
    return helper.make_model(g, opset_imports=opsets), (-3.0, 3.0)


def scalar(name, v):
    return helper.make_tensor(name, TensorProto.FLOAT, [], [v])


def cases():
    # Run-time comparisons and Where: y = x where x > 0.5, else -1; and not(x <= 0) as float.
    yield "greater_where", graph(
        "greater_where",
        [
            helper.make_node("Greater", ["x", "half"], ["c"]),
            helper.make_node("Where", ["c", "x", "minus_one"], ["y"]),
        ],
        initializers=[scalar("half", 0.5), scalar("minus_one", -1.0)],
    )
    yield "not_less_or_equal", graph(
        "not_less_or_equal",
        [
            helper.make_node("LessOrEqual", ["x", "zero"], ["c"]),
            helper.make_node("Not", ["c"], ["n"]),
            helper.make_node("Cast", ["n"], ["y"], to=TensorProto.FLOAT),
        ],
        initializers=[scalar("zero", 0.0)],
    )
    # Einsum patterns exporters write: a batched product with a constant, attention-like
    # x x^T per batch, a transpose, and a reduction.
    w = np.random.default_rng(9).normal(size=(4, 5)).astype(np.float32)
    yield "einsum_bij_jk", graph(
        "einsum_bij_jk",
        [helper.make_node("Einsum", ["x", "w"], ["y"], equation="bij,jk->bik")],
        initializers=[helper.make_tensor("w", TensorProto.FLOAT, [4, 5], w.flatten())],
    )
    yield "einsum_attention", graph(
        "einsum_attention",
        [helper.make_node("Einsum", ["x", "x"], ["y"], equation="bid,bjd->bij")],
    )
    yield "einsum_transpose_sum", graph(
        "einsum_transpose_sum",
        [
            helper.make_node("Einsum", ["x"], ["t"], equation="bij->jbi"),
            helper.make_node("Einsum", ["t"], ["y"], equation="jbi->j"),
        ],
    )
    for name, attrs in [("cumsum", {}), ("cumsum_exclusive_reverse", {"exclusive": 1, "reverse": 1})]:
        yield name, graph(
            name,
            [helper.make_node("CumSum", ["x", "axis"], ["y"], **attrs)],
            initializers=[helper.make_tensor("axis", TensorProto.INT64, [], [1])],
        )
    for name, attrs in [("top_k", {"axis": 2}), ("top_k_smallest", {"axis": 1, "largest": 0})]:
        k = helper.make_tensor("k", TensorProto.INT64, [1], [2])
        nodes = [
            helper.make_node("TopK", ["x", "k"], ["values", "indices"], **attrs),
            helper.make_node("Cast", ["indices"], ["fi"], to=TensorProto.FLOAT),
            helper.make_node("Add", ["values", "fi"], ["y"]),
        ]
        yield name, graph(name, nodes, initializers=[k])
    yield "binarizer", graph(
        "binarizer",
        [helper.make_node("Binarizer", ["x"], ["y"], domain="ai.onnx.ml", threshold=0.3)],
        ml=True,
    )
    yield "hard_sigmoid", case("HardSigmoid", {"alpha": 0.3, "beta": 0.4})
    yield "hard_swish", case("HardSwish")
    yield "softsign", case("Softsign")
    yield "mish", case("Mish", opset=18)
    yield "reduce_min", case("ReduceMin", {"axes": [1], "keepdims": 0})
    yield "reduce_l1", case("ReduceL1", {"axes": [2]})
    yield "reduce_l2", case("ReduceL2", {"axes": [0, 2], "keepdims": 0})
    yield "reduce_sum_square", case("ReduceSumSquare", {"axes": [1]})
    yield "reduce_log_sum_exp", case("ReduceLogSumExp", {"axes": [2], "keepdims": 0})
    yield "reduce_prod", case("ReduceProd", {"axes": [1, 2], "keepdims": 0}, low=0.5, high=1.5)


def main():
    out = sys.argv[1]
    wanted = sys.argv[2:]
    rng = np.random.default_rng(3)
    for name, (model, (low, high)) in cases():
        if wanted and name not in wanted:
            continue
        x = rng.uniform(low, high, size=SHAPE).astype(np.float32)
        write_case(os.path.join(out, name), model.SerializeToString(), x)


if __name__ == "__main__":
    main()
