#!/usr/bin/env python3
"""Builds scikit-learn models the way users export them (skl2onnx, no ZipMap), with one sample
input each and onnxruntime's outputs for it.

    scripts/models/make_sklearn_models.py OUT_DIR [NAME ...]

For every model NAME (default: all) writes OUT_DIR/NAME/{model.onnx, input.json, expected.json}:
input.json in EZKL's format ({"input_data": [[...]]}), expected.json as
{"outputs": {OUTPUT_NAME: [flat values...]}} in the graph's output order ("order").
The training data is synthetic and seeded: the same models every run.
"""
import json
import os
import sys
import warnings

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, Normalizer, StandardScaler
from sklearn.svm import LinearSVC

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
    }, x


def main():
    out = sys.argv[1]
    wanted = sys.argv[2:]
    all_models, x = models()
    sample = np.array([[0.4, -0.7, 1.1, 0.2]], dtype=np.float32)
    for name, (model, target) in all_models.items():
        if wanted and name not in wanted:
            continue
        model.fit(x, target)
        # No ZipMap: the probabilities stay a tensor (the classifier is the pipeline's last step).
        final = model.steps[-1][1] if hasattr(model, "steps") else model
        options = {id(final): {"zipmap": False}} if hasattr(final, "predict_proba") else None
        onx = to_onnx(model, x[:1], options=options, target_opset={"": 17, "ai.onnx.ml": 3})
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(onx.SerializeToString())
        session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        results = session.run(None, {session.get_inputs()[0].name: sample})
        with open(os.path.join(d, "input.json"), "w") as f:
            json.dump({"input_data": [sample.flatten().tolist()]}, f)
        with open(os.path.join(d, "expected.json"), "w") as f:
            json.dump(
                {
                    "order": names,
                    "outputs": {
                        n: np.asarray(r, dtype=np.float64).flatten().tolist()
                        for n, r in zip(names, results)
                    },
                },
                f,
            )


if __name__ == "__main__":
    main()
