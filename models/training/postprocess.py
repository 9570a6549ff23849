"""After train.py: write the parity/scheduler fixtures, verify ONNX/tokenizer with ONNX Runtime (if the Node tools
are installed) and run the adherence evaluation (prints the table, writes adherence_results.json and samples.png).
The model card (models/tiny-shapes/README.md) is written by hand from those results.

    /usr/bin/python3 models/training/postprocess.py
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.environ.get("EASEL_PKG", os.path.normpath(os.path.join(HERE, "..", "tiny-shapes")))
PY = sys.executable


def run(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(args, capture_output=True, text=True, env=e)
    out = "\n".join(l for l in (r.stdout + r.stderr).splitlines() if "Warning" not in l and "_C._jit" not in l
                    and "warnings.warn" not in l)
    print(out, flush=True)
    return r.returncode, out


def main():
    t0 = time.time()
    run([PY, os.path.join(HERE, "reference_sampler.py"), "fixtures", "--pkg", PKG])
    node_modules = os.environ.get("NODE_PATH", "/tmp/npmcheck/node_modules")
    if os.path.isdir(os.path.join(node_modules, "onnxruntime-node")):
        rc, vout = run([PY, os.path.join(HERE, "verify_onnx.py"), "--pkg", PKG], {"NODE_PATH": node_modules})
    else:
        rc, vout = 1, "(verification skipped: onnxruntime-node not installed)"
    rca, aout = run([PY, os.path.join(HERE, "adherence.py"), "--pkg", PKG] + os.environ.get("EASEL_ADH_ARGS", "").split())

    ok = rc == 0 and rca == 0
    if rc != 0:
        print("WARNING: ONNX Runtime / tokenizers verification did not pass (or was skipped)", flush=True)
    print(f"postprocess done in {time.time() - t0:.0f}s", flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
