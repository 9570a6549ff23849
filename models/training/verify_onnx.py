"""Check the exported ONNX files against PyTorch with a real ONNX Runtime, and tokenizer.json against the real
Rust `tokenizers` library. Neither has a Python package here, so this uses their Node bindings (npm registry):

    mkdir -p /tmp/npmcheck && (cd /tmp/npmcheck && npm init -y && npm install --ignore-scripts onnxruntime-node tokenizers)
    NODE_PATH=/tmp/npmcheck/node_modules /usr/bin/python3 models/training/verify_onnx.py --pkg models/tiny-shapes

Cases cover dynamic batch, timestep batch 1 vs B, odd latent sizes (UNet) and non-square canvases (VAE).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import easel_common as C  # noqa: E402
import reference_sampler as R  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pkg", default=os.path.join(HERE, "..", "tiny-shapes"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    m = R.load_package(a.pkg)
    g = torch.Generator().manual_seed(0)
    tmp = tempfile.mkdtemp(prefix="easel-verify-")
    cases = []

    def add(model, inputs, fn):
        outs = fn(*[torch.from_numpy(v) for v in inputs.values()])
        if isinstance(outs, torch.Tensor):
            outs = (outs,)
        c = {"model": os.path.join(a.pkg, model, "model.onnx"), "inputs": {}, "outputs": []}
        for k, v in inputs.items():
            p = os.path.join(tmp, f"{len(cases)}_{k}.bin")
            v.tofile(p)
            c["inputs"][k] = {"file": p, "dtype": str(v.dtype), "shape": list(v.shape)}
        for i, o in enumerate(outs):
            o = o.detach().numpy().astype(np.float32)
            p = os.path.join(tmp, f"{len(cases)}_out{i}.bin")
            o.tofile(p)
            c["outputs"].append({"file": p, "shape": list(o.shape)})
        cases.append(c)

    tok = m["tokenizer"]
    ids = np.array([tok.encode("a large red circle on the left on a white background"),
                    tok.encode("左边的大红色圆形，白色背景"), tok.encode("")], np.int64)
    with torch.no_grad():
        add("text_encoder", {"input_ids": ids}, m["text_encoder"])
        add("text_encoder", {"input_ids": ids[:1, :12].copy()}, m["text_encoder"])
        for (b, tb, h, w) in [(2, 2, 8, 8), (2, 1, 8, 8), (1, 1, 7, 5), (3, 3, 13, 32), (2, 2, 1, 1)]:
            x = torch.randn(b, 4, h, w, generator=g).numpy()
            t = (torch.rand(tb, generator=g) * 999).numpy().astype(np.float32)
            ctx = torch.randn(b, C.MAX_LENGTH, m["text_encoder"].tok.embedding_dim, generator=g).numpy()
            add("unet", {"sample": x, "timestep": t, "encoder_hidden_states": ctx}, m["unet"])
        for (b, h, w) in [(1, 64, 64), (2, 96, 40)]:
            add("vae_encoder", {"sample": (torch.rand(b, 3, h, w, generator=g) * 2 - 1).numpy()}, m["vae_encoder"])
        for (b, h, w) in [(1, 8, 8), (2, 5, 12)]:
            add("vae_decoder", {"latent_sample": torch.randn(b, 4, h, w, generator=g).numpy()}, m["vae_decoder"])
    fx = json.load(open(os.path.join(a.pkg, "fixtures", "tokens.json"), encoding="utf-8"))
    manifest = {"cases": cases, "tokenizer": os.path.join(a.pkg, "tokenizer", "tokenizer.json"),
                "token_cases": fx["cases"]}
    mp = os.path.join(tmp, "manifest.json")
    json.dump(manifest, open(mp, "w", encoding="utf-8"), ensure_ascii=False)
    r = subprocess.run(["node", os.path.join(HERE, "verify_ort.js"), mp], capture_output=True, text=True)
    print(r.stdout + r.stderr)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
