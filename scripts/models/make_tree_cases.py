#!/usr/bin/env python3
"""Hand-built ONNX-ML tree ensembles covering what exporters rarely write: every branch mode
(BRANCH_LEQ/LT/GTE/GT/EQ/NEQ) at a threshold on the fixed-point grid and one between grid
points, inputs exactly at and one grid step either side of them, and the AVERAGE, MIN and MAX
aggregates with base values. Same output format as make_sklearn_models.py.

    scripts/models/make_tree_cases.py OUT_DIR [NAME ...]
"""
import os
import sys

import numpy as np
from expected import write_case
from onnx import TensorProto, helper

MODES = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"]
ON_GRID = 0.5
# float32(0.3) lies between the grid points 19660/2^16 and 19661/2^16.
OFF_GRID = 0.3
STEP = 1.0 / 65536


def regressor(name, trees, targets, aggregate, base_values=None):
    """trees: list of (mode, feature, threshold, [(target, yes value, no value)...])."""
    a = {k: [] for k in ["treeids", "nodeids", "featureids", "modes", "values", "true", "false"]}
    t_tree, t_node, t_id, t_w = [], [], [], []
    for i, (mode, feature, threshold, votes) in enumerate(trees):
        for node, (m, f, v, yes, no) in enumerate(
            [(mode, feature, threshold, 1, 2), ("LEAF", 0, 0.0, 0, 0), ("LEAF", 0, 0.0, 0, 0)]
        ):
            for k, val in zip(a, [i, node, f, m, v, yes, no]):
                a[k].append(val)
        for target, yes_value, no_value in votes:
            for leaf, w in [(1, yes_value), (2, no_value)]:
                t_tree.append(i)
                t_node.append(leaf)
                t_id.append(target)
                t_w.append(w)
    attrs = dict(
        nodes_treeids=a["treeids"],
        nodes_nodeids=a["nodeids"],
        nodes_featureids=a["featureids"],
        nodes_modes=a["modes"],
        nodes_values=a["values"],
        nodes_truenodeids=a["true"],
        nodes_falsenodeids=a["false"],
        target_treeids=t_tree,
        target_nodeids=t_node,
        target_ids=t_id,
        target_weights=t_w,
        n_targets=targets,
        aggregate_function=aggregate,
        post_transform="NONE",
    )
    if base_values is not None:
        attrs["base_values"] = base_values
    node = helper.make_node(
        "TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", name=name, **attrs
    )
    graph = helper.make_graph(
        [node],
        name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, targets])],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)]
    )


def classifier_softmax_zero():
    """Two stumps voting for some of three classes only, so some rows score exactly 0 for a
    class: SOFTMAX_ZERO keeps those at 0."""
    nodes = dict(
        nodes_treeids=[0, 0, 0, 1, 1, 1],
        nodes_nodeids=[0, 1, 2, 0, 1, 2],
        nodes_featureids=[0, 0, 0, 1, 0, 0],
        nodes_modes=["BRANCH_LEQ", "LEAF", "LEAF"] * 2,
        nodes_values=[0.25, 0.0, 0.0, -0.5, 0.0, 0.0],
        nodes_truenodeids=[1, 0, 0, 1, 0, 0],
        nodes_falsenodeids=[2, 0, 0, 2, 0, 0],
    )
    # (tree, leaf, class, weight)
    votes = [(0, 1, 0, 1.5), (0, 2, 1, 0.75), (1, 1, 1, -0.5), (1, 2, 2, 2.0)]
    node = helper.make_node(
        "TreeEnsembleClassifier",
        ["X"],
        ["label", "probabilities"],
        domain="ai.onnx.ml",
        classlabels_int64s=[0, 1, 2],
        class_treeids=[v[0] for v in votes],
        class_nodeids=[v[1] for v in votes],
        class_ids=[v[2] for v in votes],
        class_weights=[v[3] for v in votes],
        post_transform="SOFTMAX_ZERO",
        **nodes,
    )
    graph = helper.make_graph(
        [node],
        "softmax_zero",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 2])],
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 3]),
        ],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)]
    )


def cases():
    # One tree per (mode, threshold), each voting 1 or -1 for its own target.
    trees = []
    for threshold in [ON_GRID, OFF_GRID]:
        for mode in MODES:
            t = len(trees)
            trees.append((mode, t % 2, threshold, [(t, 1.0, -1.0)]))
    x = []
    for v in [ON_GRID, OFF_GRID]:
        g = np.round(v * 65536) / 65536
        for d in [-STEP, 0.0, STEP]:
            x.append([g + d, g + d])
    x.append([-3.0, 7.25])
    yield "all_modes", regressor("all_modes", trees, len(trees), "SUM"), np.array(x)
    # Three trees, two targets, every leaf voting for both: the aggregates differ.
    votes = [
        (0, 0.25, [(0, 1.5, -2.0), (1, 0.75, 3.0)]),
        (1, -0.5, [(0, -1.0, 4.0), (1, 2.5, -0.25)]),
        (0, 1.0, [(0, 0.5, 0.125), (1, -3.0, 1.0)]),
    ]
    trees = [("BRANCH_LEQ", f, t, v) for f, t, v in votes]
    xs = np.array([[0.0, 0.0], [0.5, -1.0], [2.0, 1.0], [-1.0, 3.0]])
    xs4 = np.array([[0.0, 0.0], [0.5, -1.0], [2.0, 1.0], [-1.0, -3.0]])
    yield "classifier_softmax_zero", classifier_softmax_zero(), xs4
    for agg in ["SUM", "AVERAGE", "MIN", "MAX"]:
        name = f"aggregate_{agg.lower()}"
        yield name, regressor(name, trees, 2, agg, base_values=[0.5, -0.25]), xs


def main():
    out = sys.argv[1]
    wanted = sys.argv[2:]
    for name, model, x in cases():
        if wanted and name not in wanted:
            continue
        x = x.astype(np.float32)
        write_case(os.path.join(out, name), model.SerializeToString(), x)


if __name__ == "__main__":
    main()
