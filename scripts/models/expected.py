"""Shared by the model scripts: one model's folder as the Rust tests read it
(crates/transpile/tests/common: `expected`)."""
import json
import os

import numpy as np
import onnxruntime as ort


def write_case(d, model_bytes, x, quiet=False):
    """Writes d/{model.onnx, input.json, expected.json}: the model (unless `model_bytes` is None,
    when d/model.onnx is already there), its one-input sample `x` in EZKL's format, and
    onnxruntime's outputs for it as {"input", "shape", "order", "outputs"}. `quiet` silences
    onnxruntime's warnings (skl2onnx declares batch-1 outputs for batched samples)."""
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "model.onnx")
    if model_bytes is not None:
        with open(path, "wb") as f:
            f.write(model_bytes)
    options = ort.SessionOptions()
    if quiet:
        options.log_severity_level = 3
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    input_name = session.get_inputs()[0].name
    results = session.run(None, {input_name: x})
    with open(os.path.join(d, "input.json"), "w") as f:
        json.dump({"input_data": [x.flatten().tolist()]}, f)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(
            {
                "input": input_name,
                "shape": list(x.shape),
                "order": names,
                "outputs": {
                    n: np.asarray(r, dtype=np.float64).flatten().tolist()
                    for n, r in zip(names, results)
                },
            },
            f,
        )
