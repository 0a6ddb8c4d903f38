#!/usr/bin/env python3
"""Builds scikit-learn-API models the way users export them (scikit-learn through skl2onnx,
XGBoost and LightGBM through onnxmltools; no ZipMap), with a sample input each and
onnxruntime's outputs for it.

    scripts/models/make_sklearn_models.py OUT_DIR [NAME ...]

For every model NAME (default: all) writes OUT_DIR/NAME/{model.onnx, input.json, expected.json}:
input.json in EZKL's format ({"input_data": [[...]]}), expected.json as
{"input": NAME, "shape": [...], "order": [OUTPUT_NAME...], "outputs": {OUTPUT_NAME: [flat...]}}
(outputs in the graph's order). Linear models and MLPs get one sample row, tree ensembles a batch
of 8 (more paths through the trees). Samples lie on the 2^-16 grid, so Cairn's quantized input is
exactly onnxruntime's and every tree takes the same path in both. The training data is synthetic
and seeded: the same models every run.
"""
import os
import sys
import warnings

import numpy as np
from expected import write_case
from skl2onnx import to_onnx
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, Normalizer, StandardScaler
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeRegressor

warnings.filterwarnings("ignore")  # convergence warnings of the small MLPs

FEATURES = 4


def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, FEATURES)).astype(np.float32)
    y = x @ np.array([1.5, -2.0, 0.5, 3.0]) + 0.3
    return x, y, (y > 0).astype(np.int64), np.digitize(y, [-2.0, 2.0]).astype(np.int64)


def models():
    x, y, binary, three = data()
    return {
        "linear_regression": (LinearRegression(), y),
        "normalizer_ridge": (make_pipeline(Normalizer(norm="l2"), Ridge()), y),
        "logistic_binary": (LogisticRegression(), binary),
        "scaler_logistic_multiclass": (make_pipeline(StandardScaler(), LogisticRegression()), three),
        "linear_svc": (LinearSVC(), three),
        "scaler_mlp_classifier": (
            make_pipeline(
                StandardScaler(),
                MLPClassifier(hidden_layer_sizes=(8,), max_iter=400, random_state=0),
            ),
            three,
        ),
        "minmax_mlp_regressor": (
            make_pipeline(
                MinMaxScaler(), MLPRegressor(hidden_layer_sizes=(8,), max_iter=400, random_state=0)
            ),
            y,
        ),
        "decision_tree_regressor": (DecisionTreeRegressor(max_depth=6, random_state=0), y),
        "random_forest_regressor": (
            RandomForestRegressor(n_estimators=10, max_depth=6, random_state=0),
            y,
        ),
        "random_forest_binary": (
            RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0),
            binary,
        ),
        "random_forest_multiclass": (
            RandomForestClassifier(n_estimators=10, max_depth=6, random_state=0),
            three,
        ),
        "gradient_boosting_regressor": (
            GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=0),
            y,
        ),
        "gradient_boosting_binary": (
            GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0),
            binary,
        ),
        "gradient_boosting_multiclass": (
            GradientBoostingClassifier(n_estimators=10, max_depth=3, random_state=0),
            three,
        ),
        "xgboost_regressor": ("xgboost.XGBRegressor", y),
        "xgboost_binary": ("xgboost.XGBClassifier", binary),
        "xgboost_multiclass": ("xgboost.XGBClassifier", three),
        "lightgbm_regressor": ("lightgbm.LGBMRegressor", y),
        "lightgbm_binary": ("lightgbm.LGBMClassifier", binary),
        "lightgbm_multiclass": ("lightgbm.LGBMClassifier", three),
    }, x


def booster(spec):
    """An XGBoost or LightGBM estimator (imported only when asked for)."""
    module, cls = spec.split(".")
    if module == "xgboost":
        import xgboost

        return getattr(xgboost, cls)(n_estimators=10, max_depth=4, random_state=0)
    import lightgbm

    return getattr(lightgbm, cls)(n_estimators=10, num_leaves=12, random_state=0, verbose=-1)


def export(name, model, x):
    """The ONNX model as its exporter writes it, without ZipMap."""
    if name.startswith(("xgboost", "lightgbm")):
        from onnxmltools import convert_lightgbm, convert_xgboost
        from onnxmltools.convert.common.data_types import FloatTensorType

        types = [("input", FloatTensorType([None, FEATURES]))]
        if name.startswith("xgboost"):
            # onnxmltools' XGBoost converter accepts opsets up to 15.
            return convert_xgboost(model, initial_types=types, target_opset=15)
        return convert_lightgbm(model, initial_types=types, target_opset=15, zipmap=False)
    # No ZipMap: the probabilities stay a tensor (the classifier is the pipeline's last step).
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    options = {id(final): {"zipmap": False}} if hasattr(final, "predict_proba") else None
    return to_onnx(model, x[:1], options=options, target_opset={"": 17, "ai.onnx.ml": 3})


def on_grid(a):
    """Values on the 2^-16 grid (exact in float32 and in Cairn's fixed point)."""
    return (np.round(a * 65536.0) / 65536.0).astype(np.float32)


def main():
    out = sys.argv[1]
    wanted = sys.argv[2:]
    all_models, x = models()
    one = np.array([[0.4, -0.7, 1.1, 0.2]], dtype=np.float32)
    batch = on_grid(np.random.default_rng(11).normal(size=(8, FEATURES)))
    for name, (model, target) in all_models.items():
        if wanted and name not in wanted:
            continue
        if isinstance(model, str):
            model = booster(model)
        model.fit(x, target)
        onx = export(name, model, x)
        sample = one if hasattr(model, "coef_") or "mlp" in name or "scaler" in name else batch
        write_case(os.path.join(out, name), onx.SerializeToString(), sample, quiet=True)


if __name__ == "__main__":
    main()
