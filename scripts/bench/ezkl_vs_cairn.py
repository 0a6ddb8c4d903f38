#!/usr/bin/env python3
"""Cairn and EZKL side by side on the same models, machine and run.

    scripts/bench/ezkl_vs_cairn.py [--models linear,mlp,lenet] [--repeats 3] [--out DIR] [--no-docs]

Builds the models with scripts/models/make_models.py (one fixed random input each, onnxruntime's
output as the reference), then runs both pipelines on each:
  EZKL  gen_settings, calibrate_settings, compile_circuit, gen_srs (local), setup, gen_witness,
        prove, verify  (input private, output public, weights fixed in the circuit)
  Cairn transpile, run, prove, verify  (input private, output public, weights in the program)
Every step runs in its own process; wall time and peak RSS (wait4) are recorded; prove, verify and
witness/run are repeated (median). Writes results.json, a Markdown table into docs/BENCHMARKS.md
(between the `ezkl-vs-cairn` markers) and a PNG chart of prove time against model size.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CAIRN = os.path.join(ROOT, "target", "release", "cairn")
BEGIN = "<!-- ezkl-vs-cairn:begin -->"
END = "<!-- ezkl-vs-cairn:end -->"


# ---------------------------------------------------------------------------------------------
# Child mode: one EZKL step per process, so its time and peak memory are its own.

def ezkl_step(name, kwargs):
    import ezkl

    fn = getattr(ezkl, name)
    if name == "gen_settings":
        run_args = ezkl.PyRunArgs()
        run_args.input_visibility = "private"
        run_args.output_visibility = "public"
        run_args.param_visibility = "fixed"
        return fn(kwargs["model"], kwargs["output"], py_run_args=run_args)
    result = fn(**kwargs)
    return bool(result) if isinstance(result, bool) else True


# ---------------------------------------------------------------------------------------------

class StepFailed(Exception):
    pass


def measure_child(cmd):
    """Like measure, but takes the rusage of exactly this child (wait4 before communicate ends)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Drain output in the parent while the child runs, then reap it ourselves with wait4.
    out_chunks, err_chunks = [], []
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ, out_chunks)
    sel.register(p.stderr, selectors.EVENT_READ, err_chunks)
    open_streams = 2
    while open_streams:
        for key, _ in sel.select():
            data = os.read(key.fileobj.fileno(), 65536)
            if data:
                key.data.append(data)
            else:
                sel.unregister(key.fileobj)
                open_streams -= 1
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t
    out, err = b"".join(out_chunks).decode(), b"".join(err_chunks).decode()
    if p.returncode != 0:
        last = (err.strip() or out.strip()).splitlines()[-1:] or ["no output"]
        print(f"step failed ({p.returncode}): {' '.join(cmd)}\n{out}\n{err}", file=sys.stderr)
        step = f"cairn {cmd[1]}" if cmd[0] == CAIRN else f"ezkl {cmd[3]}"
        raise StepFailed(f"{step}: {last[0]}")
    return wall, usage.ru_maxrss * 1024, out


def ezkl(name, **kwargs):
    return measure_child([sys.executable, __file__, "--ezkl-step", name, json.dumps(kwargs)])


def cairn(*args):
    return measure_child([CAIRN, *args])


def repeat(fn, n):
    runs = [fn() for _ in range(n)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def max_abs_error(got, want):
    flat = lambda xs: [v for row in xs for v in row]  # noqa: E731
    g, w = flat(got), flat(want)
    if len(g) != len(w):
        sys.exit(f"output length {len(g)} differs from onnxruntime's {len(w)}")
    return max(abs(a - b) for a, b in zip(g, w))


def param_count(model_path):
    import onnx
    from onnx import numpy_helper

    return int(sum(numpy_helper.to_array(i).size for i in onnx.load(model_path).graph.initializer))


def run_ezkl(d, repeats):
    model, data = os.path.join(d, "model.onnx"), os.path.join(d, "input.json")
    f = lambda name: os.path.join(d, "ezkl", name)  # noqa: E731
    os.makedirs(os.path.join(d, "ezkl"), exist_ok=True)
    r = {}
    r["gen_settings"] = ezkl("gen_settings", model=model, output=f("settings.json"))
    r["calibrate"] = ezkl("calibrate_settings", data=data, model=model,
                          settings=f("settings.json"), target="resources")
    r["compile"] = ezkl("compile_circuit", model=model, compiled_circuit=f("model.compiled"),
                        settings_path=f("settings.json"))
    logrows = json.load(open(f("settings.json")))["run_args"]["logrows"]
    r["gen_srs"] = ezkl("gen_srs", srs_path=f("kzg.srs"), logrows=logrows)
    r["setup"] = ezkl("setup", model=f("model.compiled"), vk_path=f("vk.key"),
                      pk_path=f("pk.key"), srs_path=f("kzg.srs"))
    r["witness"] = repeat(lambda: ezkl("gen_witness", data=data, model=f("model.compiled"),
                                       output=f("witness.json"), vk_path=f("vk.key"),
                                       srs_path=f("kzg.srs")), repeats)
    r["prove"] = repeat(lambda: ezkl("prove", witness=f("witness.json"),
                                     model=f("model.compiled"), pk_path=f("pk.key"),
                                     proof_path=f("proof.json"), srs_path=f("kzg.srs")), repeats)
    r["verify"] = repeat(lambda: ezkl("verify", proof_path=f("proof.json"),
                                      settings_path=f("settings.json"), vk_path=f("vk.key"),
                                      srs_path=f("kzg.srs")), repeats)
    proof = json.load(open(f("proof.json")))
    raw = proof.get("proof")
    size = len(bytes.fromhex(raw[2:] if raw.startswith("0x") else raw)) if isinstance(raw, str) \
        else os.path.getsize(f("proof.json"))
    witness = json.load(open(f("witness.json")))
    outputs = witness["pretty_elements"]["rescaled_outputs"]
    steps = ["gen_settings", "calibrate", "compile", "gen_srs", "setup", "witness", "prove"]
    return {
        "steps": {k: {"seconds": v[0], "peak_bytes": v[1]} for k, v in r.items()},
        "first_proof_seconds": sum(r[k][0] for k in steps),
        "proof_bytes": size,
        "peak_bytes": max(v[1] for v in r.values()),
        "outputs": [[float(x) for x in row] for row in outputs],
        "logrows": logrows,
    }


def run_cairn(d, repeats):
    model, data = os.path.join(d, "model.onnx"), os.path.join(d, "input.json")
    pkg, proof, out = os.path.join(d, "cairn_pkg"), os.path.join(d, "cairn.proof"), \
        os.path.join(d, "cairn_out.json")
    r = {}
    r["transpile"] = cairn("transpile", model, "-o", pkg, "--calibrate", data)
    r["run"] = repeat(lambda: cairn("run", pkg, "--input", data, "--output", out), repeats)
    r["prove"] = repeat(lambda: cairn("prove", pkg, "--input", data, "--proof", proof), repeats)
    r["verify"] = repeat(lambda: cairn("verify", proof), repeats)
    o = json.load(open(out))
    return {
        "steps": {k: {"seconds": v[0], "peak_bytes": v[1]} for k, v in r.items()},
        # `cairn prove` compiles and runs the package itself.
        "first_proof_seconds": r["transpile"][0] + r["prove"][0],
        "proof_bytes": os.path.getsize(proof),
        "peak_bytes": max(v[1] for v in r.values()),
        "outputs": o["output_data"],
        "cairo_steps": o["steps"],
        "scale_bits": o["scale_bits"],
    }


def fmt_s(x):
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def fmt_b(x):
    for unit in ("B", "KB", "MB", "GB"):
        if x < 1024 or unit == "GB":
            return f"{x:.0f} {unit}" if unit == "B" else f"{x:.1f} {unit}"
        x /= 1024


def markdown(results, meta):
    lines = [
        f"Measured {meta['date']} on {meta['machine']} with `{meta['command']}` "
        f"(ezkl {meta['ezkl']}, median of {meta['repeats']} for run/witness, prove and verify; "
        "every step in its own process; peak = max RSS of that process). "
        "Error: max abs difference of the output from onnxruntime's. EZKL is calibrated with "
        "`target=\"resources\"` (its fast setting) and a locally generated SRS; Cairn with "
        "`--calibrate` on the same input. Both keep the input private and the output public.",
        "",
        "| model | MACs | system | first proof (all steps) | prove | verify | proof size | peak memory | max abs error | notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        e, c = r["ezkl"], r["cairn"]
        failed = [(s, r[s]["failed"]) for s in ("ezkl", "cairn") if "failed" in r[s]]
        if failed:
            for system, why in failed:
                lines.append(f"| {name} | {r['macs']} | {system} | failed: {why} | | | | | | |")
            continue
        lines.append(
            f"| {name} | {r['macs']} | EZKL | {fmt_s(e['first_proof_seconds'])} | "
            f"{fmt_s(e['steps']['prove']['seconds'])} | {fmt_s(e['steps']['verify']['seconds'])} | "
            f"{fmt_b(e['proof_bytes'])} | {fmt_b(e['peak_bytes'])} | {e['error']:.2e} | "
            f"logrows {e['logrows']}, setup {fmt_s(e['steps']['setup']['seconds'])} |")
        lines.append(
            f"| {name} | {r['macs']} | Cairn | {fmt_s(c['first_proof_seconds'])} | "
            f"{fmt_s(c['steps']['prove']['seconds'])} | {fmt_s(c['steps']['verify']['seconds'])} | "
            f"{fmt_b(c['proof_bytes'])} | {fmt_b(c['peak_bytes'])} | {c['error']:.2e} | "
            f"{c['cairo_steps']} Cairo steps ({c['cairo_steps'] / max(r['macs'], 1):.1f}/MAC), "
            f"scale 2^{c['scale_bits']} |")
        ratio = lambda a, b: f"{a / b:.2f}x" if b else "-"  # noqa: E731
        lines.append(
            f"| {name} | | Cairn/EZKL | {ratio(c['first_proof_seconds'], e['first_proof_seconds'])} | "
            f"{ratio(c['steps']['prove']['seconds'], e['steps']['prove']['seconds'])} | "
            f"{ratio(c['steps']['verify']['seconds'], e['steps']['verify']['seconds'])} | "
            f"{ratio(c['proof_bytes'], e['proof_bytes'])} | {ratio(c['peak_bytes'], e['peak_bytes'])} | "
            f"{ratio(c['error'], e['error'])} | |")
    lines += ["", "Per-step times (seconds):", ""]
    for name, r in results.items():
        for system in ("ezkl", "cairn"):
            if "failed" in r[system]:
                continue
            steps = ", ".join(f"{k} {v['seconds']:.2f}" for k, v in r[system]["steps"].items())
            lines.append(f"- {name}, {system}: {steps}")
    lines += ["", "![prove time against model size](bench/ezkl_vs_cairn.png)"]
    return "\n".join(lines)


def chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in results if not any("failed" in results[n][s] for s in ("ezkl", "cairn"))]
    macs = [results[n]["macs"] for n in names]
    fig, ax = plt.subplots(figsize=(6, 4))
    for system, marker in (("ezkl", "o"), ("cairn", "s")):
        ax.plot(macs, [results[n][system]["steps"]["prove"]["seconds"] for n in names],
                marker=marker, label="EZKL (Halo2/KZG)" if system == "ezkl" else "Cairn (Stwo)")
    for n, x in zip(names, macs):
        ax.annotate(n, (x, results[n]["cairn"]["steps"]["prove"]["seconds"]),
                    textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("multiply-accumulates per inference")
    ax.set_ylabel("prove time (s)")
    ax.set_title("Prove time against model size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def write_docs(md):
    path = os.path.join(ROOT, "docs", "BENCHMARKS.md")
    text = open(path).read()
    block = f"{BEGIN}\n{md}\n{END}"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text += f"\n## Cairn against EZKL\n\n{block}\n"
    open(path, "w").write(text)


def machine():
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM"


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--ezkl-step":
        ezkl_step(sys.argv[2], json.loads(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--models", default="linear,mlp,lenet")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-ezkl"))
    ap.add_argument("--no-docs", action="store_true", help="do not touch docs/BENCHMARKS.md")
    a = ap.parse_args()
    if not os.access(CAIRN, os.X_OK):
        sys.exit(f"{CAIRN} not found: run `cargo build --release --workspace` (or make bench-ezkl)")
    import ezkl

    os.makedirs(a.out, exist_ok=True)
    names = a.models.split(",")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "models", "make_models.py"),
                    a.out, *names], check=True, stdout=subprocess.DEVNULL)
    results = {}
    for name in names:
        d = os.path.join(a.out, name)
        want = json.load(open(os.path.join(d, "expected.json")))["output_data"]
        params = param_count(os.path.join(d, "model.onnx"))
        print(f"== {name}: {params} parameters", flush=True)
        print("   EZKL ...", flush=True)
        try:
            e = run_ezkl(d, a.repeats)
            e["error"] = max_abs_error(e["outputs"], want)
            print(f"   EZKL: prove {e['steps']['prove']['seconds']:.2f} s, first proof "
                  f"{e['first_proof_seconds']:.1f} s", flush=True)
        except StepFailed as err:
            e = {"failed": str(err)}
        print("   Cairn ...", flush=True)
        try:
            c = run_cairn(d, a.repeats)
            c["error"] = max_abs_error(c["outputs"], want)
            print(f"   Cairn: prove {c['steps']['prove']['seconds']:.2f} s, first proof "
                  f"{c['first_proof_seconds']:.1f} s, {c['cairo_steps']} steps", flush=True)
        except StepFailed as err:
            c = {"failed": str(err)}
        # MACs as the transpiler counts them (Gemm/MatMul/Conv).
        meta_path = os.path.join(d, "cairn_pkg", "cairn.json")
        macs = json.load(open(meta_path))["macs"] if os.path.exists(meta_path) else 0
        results[name] = {"macs": macs, "params": params, "ezkl": e, "cairn": c}
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": machine(),
        "command": "make bench-ezkl" if os.environ.get("CAIRN_VIA_MAKE") else
        " ".join(["scripts/bench/ezkl_vs_cairn.py", *sys.argv[1:]]),
        "ezkl": getattr(ezkl, "__version__", "?"),
        "repeats": a.repeats,
    }
    json.dump({"meta": meta, "results": results}, open(os.path.join(a.out, "results.json"), "w"),
              indent=1)
    md = markdown(results, meta)
    print(md)
    if not a.no_docs:
        os.makedirs(os.path.join(ROOT, "docs", "bench"), exist_ok=True)
        chart(results, os.path.join(ROOT, "docs", "bench", "ezkl_vs_cairn.png"))
        write_docs(md)
        print("wrote docs/BENCHMARKS.md and docs/bench/ezkl_vs_cairn.png")


if __name__ == "__main__":
    main()
