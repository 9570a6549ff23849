"""After train.py: write fixtures, verify ONNX/tokenizer with ONNX Runtime (if the Node tools are installed),
run the adherence evaluation and fill the measured numbers into models/tiny-shapes/README.md.

    /usr/bin/python3 models/training/postprocess.py
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.environ.get("EASEL_PKG", os.path.normpath(os.path.join(HERE, "..", "tiny-shapes")))
CKPT = os.environ.get("EASEL_CKPT", os.path.join(HERE, "checkpoints", "tiny-shapes.pt"))
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

    import torch
    ck = torch.load(CKPT, map_location="cpu")
    ti = ck["train_info"]
    t1 = ti.get("continued_from")  # two-stage run: stage 1 without CoordConv, stage 2 continues with it
    if t1:
        cont = ti
        ti = dict(t1)
        ti["train_seconds"] = t1["train_seconds"] + cont["train_seconds"]
    train = (
        f"Command (from the repository root, Debian python with torch 1.13 CPU, onnx; OpenBLAS as system BLAS —\n"
        f"`apt-get install libopenblas0-pthread`, ~4x faster than the reference BLAS, results otherwise equivalent):\n\n"
        f"```\nOPENBLAS_NUM_THREADS=2 {ti['command']}\n"
        f"/usr/bin/python3 models/training/postprocess.py   # fixtures, ORT verification, adherence, this card\n```\n\n"
        f"* Data: {ti['n_images']} rendered 64×64 scenes = {ti['n_train_specs']} of the 960 attribute combinations "
        f"(the other {960 - ti['n_train_specs']} are held out for evaluation), ~{ti['n_images'] // ti['n_train_specs']} jittered renders each; 6 English + 6 "
        f"Chinese captions per image drawn from the training phrasings, one picked at random per step.\n"
        f"* Stage 1, VAE: {ti['vae_steps']} steps, batch {ti['vae_batch']}, Adam 1e-3 (warm-up + cosine), loss "
        f"L1 + MSE + {ti['kl_weight']}·KL (per-element means). Reconstruction loss every ~10 %: "
        f"{', '.join('%.4f' % v for v in ti['vae_rec_curve'])}. Train-set L1 (sampled z) {ti['vae_l1_train']:.4f}. "
        f"Then frozen; `scaling_factor` = 1/std(latents) = {ck['scaling_factor']:.5f}.\n"
        f"* Stage 2, text encoder + UNet jointly from scratch: {ti['unet_steps']} steps, batch {ti['unet_batch']}, "
        f"AdamW 5e-4 (warm-up 200 + cosine), grad-clip 1, EMA 0.999 (exported). ε-prediction MSE, t ~ U{{0..999}}, "
        f"caption replaced by \"\" with p={ti['p_uncond']} (classifier-free guidance). Loss every ~10 %: "
        f"{', '.join('%.4f' % v for v in ti['unet_loss_curve'])}.\n"
        + (f"* Stage 3, continued training (`--init-from` the stage-2 checkpoint, saved as `stage1.pt`): the UNet gets "
           f"CoordConv input channels (normalised x, y of the latent canvas through a zero-initialised conv, so "
           f"\"left/right/top/bottom\" are learnable directly); {cont['unet_steps']} more steps, batch {cont['unet_batch']}, "
           f"AdamW {cont['lr']}, same losses, data seed +5. Loss every ~10 %: "
           f"{', '.join('%.4f' % v for v in cont['unet_loss_curve'])}. Command: `{cont['command']}`.\n" if t1 else "") +
        f"* Seeds: `--seed {ti['seed']}` (data = seed, init = seed+1, VAE = seed+2, scaling = seed+3, UNet = seed+4).\n"
        f"* Wall time: {ti['train_seconds'] / 60:.1f} min on 2 shared CPU cores (the machine was also compiling Java).\n"
        f"* Checkpoints (git-ignored): `models/training/checkpoints/tiny-shapes.pt`, `vae_stage.pt` (reused when "
        f"the VAE settings match)."
    )
    ver = ("`models/training/verify_onnx.py` runs every ONNX file in ONNX Runtime (onnxruntime-node, CPU) against "
           "the PyTorch modules rebuilt from the ONNX initializers (dynamic batch, timestep of length 1 and B, odd "
           "latent sizes 7×5, 13×32, 1×1, non-square VAE inputs), and tokenizer.json through the Rust tokenizers "
           "library. Also `onnx.checker` (full check) and strict shape inference at export.\n\n```\n"
           + "\n".join(l for l in vout.splitlines() if l.startswith(("OK", "FAIL", "tokenizer", "ALL", "SOME", "SHAPE", "TOKEN")))
           + "\n```")
    res = json.load(open(os.path.join(HERE, "adherence_results.json"), encoding="utf-8"))
    gt = res["ground_truth_validation"]
    lines = ["| subset | n | colour | background | shape | size | position | all five |", "|---|---|---|---|---|---|---|---|"]
    for k, r in res["results"].items():
        lines.append(f"| {k} | {r['n']} | {r['color']:.3f} | {r['bg']:.3f} | {r['shape']:.3f} | {r['size']:.3f} | "
                     f"{r['pos']:.3f} | {r['all']:.3f} |")
    adh = (
        "`models/training/adherence.py` classifies a generated image by pixel statistics (background = median of "
        "the border ring → nearest background colour; object = pixels > 80 RGB away from it; colour = median "
        "of the object's interior → nearest palette colour; shape = best IoU against the renderer's template of "
        "each shape at the mask's centroid and area; size and position from the fitted template). On "
        f"{gt['n']} jittered ground-truth renders it scores colour {gt['color']:.3f}, background {gt['bg']:.3f}, "
        f"shape {gt['shape']:.3f}, size {gt['size']:.3f}, position {gt['pos']:.3f}.\n\n"
        "Evaluation set (`fixtures/eval_prompts.json`): the 105 attribute combinations held out of training, each "
        "with one English and one Chinese prompt (210 prompts); every other prompt also uses a sentence template "
        "never seen in training. Sampled with the reference sampler: euler, 20 steps, guidance 5, 64×64, seed = "
        "prompt id (torch.Generator), negative prompt \"\".\n\n" + "\n".join(lines) +
        f"\n\nTargets: colour ≥ 0.90 and shape ≥ 0.80 for each language. Contact sheet of the first 16 English and "
        f"16 Chinese samples (rows 1–2 English, rows 3–4 Chinese, in `eval_prompts.json` order): `samples.png`. "
        f"Full results incl. the first failures: `models/training/adherence_results.json`.")
    p = os.path.join(PKG, "README.md")
    s = open(p, encoding="utf-8").read()
    for key, val in (("TRAINING_SECTION", train), ("VERIFICATION_SECTION", ver), ("ADHERENCE_SECTION", adh)):
        s = s.replace(key, val)
    open(p, "w", encoding="utf-8").write(s)
    print(f"postprocess done in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
