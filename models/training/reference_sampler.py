"""PyTorch reference sampler for tiny-shapes, runnable from the exported package alone (weights are read back from
the ONNX initializers, which keep their PyTorch names) or from a training checkpoint.

  # one image
  /usr/bin/python3 models/training/reference_sampler.py sample --prompt "a red circle on a white background" \
      --scheduler euler --steps 20 --guidance 5 --seed 0 --png /tmp/out.png
  # parity fixtures for the Java engine + scheduler reference values
  /usr/bin/python3 models/training/reference_sampler.py fixtures --pkg models/tiny-shapes
  # timing baseline for the Java engine's `bench` (64x64, 20 steps, euler, guidance 5, batch 1, 10 images, 2 threads)
  /usr/bin/python3 models/training/reference_sampler.py bench

Sampling loop (same as diffusers' OnnxStableDiffusionPipeline, CFG batched as [uncond, cond]):
  latents = noise * init_noise_sigma                       (noise ~ N(0,1), [B,4,H/8,W/8], injected)
  for i, t in timesteps:  inp = scale_model_input(cat(latents, latents), i)
      eps_u, eps_c = unet(inp, t, cat(uncond_states, cond_states)).chunk(2); eps = eps_u + g (eps_c - eps_u)
      latents = step(eps, i, latents, step_noise[i])       (step_noise only used by euler_ancestral / lcm)
  image = clip(vae_decoder(latents / scaling_factor) / 2 + 0.5, 0, 1)
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import easel_common as C  # noqa: E402
import schedulers as S  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PKG = os.path.normpath(os.path.join(HERE, "..", "tiny-shapes"))


def _load_onnx_into(module, path, prefix=""):
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    sd = module.state_dict()
    new = {}
    for k in sd:
        arr = inits.get(prefix + k)
        if arr is None:
            raise KeyError(f"{path}: no initializer named {prefix + k}")
        new[k] = torch.from_numpy(np.array(arr)).reshape(sd[k].shape)
    module.load_state_dict(new)
    module.eval()
    return module


def load_package(pkg=DEFAULT_PKG, ckpt=None):
    """Returns dict with tokenizer, text_encoder, unet, vae_encoder, vae_decoder (torch modules), scaling_factor."""
    tok = C.Tokenizer.from_tokenizer_json(os.path.join(pkg, "tokenizer", "tokenizer.json"))
    if ckpt:
        import export_onnx
        ck = torch.load(ckpt, map_location="cpu")
        enc, dec, te, unet = export_onnx.load_models(ck)
        return {"tokenizer": C.Tokenizer(ck["vocab"]), "text_encoder": te, "unet": unet, "vae_encoder": enc,
                "vae_decoder": dec, "scaling_factor": float(ck["scaling_factor"])}
    cfg = lambda c: json.load(open(os.path.join(pkg, c, "config.json"), encoding="utf-8"))  # noqa: E731
    vae, tcfg, ucfg = cfg("vae_decoder"), cfg("text_encoder"), cfg("unet")
    arch = {"vae": {"ch": vae["easel_arch"]["ch"], "latent_channels": vae["latent_channels"]},
            "text": {k: tcfg["easel_arch"][k] for k in ("d", "layers", "heads", "ff", "max_len")},
            "unet": {**{k: ucfg["easel_arch"].get(k, False) for k in ("ch", "temb", "heads", "coords")},
                     "prediction": ucfg["easel_arch"].get("prediction", "epsilon")}}
    enc, dec, te, unet = C.build_models(arch, tcfg["vocab_size"], tcfg["pad_token_id"])
    _load_onnx_into(enc, os.path.join(pkg, "vae_encoder", "model.onnx"))
    _load_onnx_into(dec, os.path.join(pkg, "vae_decoder", "model.onnx"))
    _load_onnx_into(te, os.path.join(pkg, "text_encoder", "model.onnx"), "te.")
    _load_onnx_into(unet, os.path.join(pkg, "unet", "model.onnx"))
    return {"tokenizer": tok, "text_encoder": te, "unet": unet, "vae_encoder": enc, "vae_decoder": dec,
            "scaling_factor": float(vae["scaling_factor"])}


@torch.no_grad()
def encode_text(m, prompts):
    ids = torch.tensor([m["tokenizer"].encode(p) for p in prompts], dtype=torch.int64)
    return m["text_encoder"](ids)[0]


@torch.no_grad()
def sample(m, prompts, scheduler, steps, guidance, noise, step_noise=None, negative=None, return_latents=False):
    """noise: float32 [B,4,h,w] standard normal; step_noise: float32 [steps,B,4,h,w] (ancestral/lcm only).
    Scheduler math runs in float64 numpy; the networks in float32. Returns float32 pixels [B,3,8h,8w] in [0,1]."""
    B = len(prompts)
    s = S.make_scheduler(scheduler)
    s.set_timesteps(steps)
    cond = encode_text(m, prompts)
    do_cfg = guidance > 1.0
    if do_cfg:
        unc = encode_text(m, negative if negative else [""] * B)
        ctx = torch.cat([unc, cond])
    else:
        ctx = cond
    x = noise.astype(np.float64) * s.init_noise_sigma
    for i in range(steps):
        inp = s.scale_model_input(x, i)
        inp = np.concatenate([inp, inp]) if do_cfg else inp
        t = torch.full((1,), float(s.timesteps[i]), dtype=torch.float32)
        eps = m["unet"](torch.from_numpy(inp.astype(np.float32)), t, ctx).double().numpy()
        if do_cfg:
            eu, ec = eps[:B], eps[B:]
            eps = eu + guidance * (ec - eu)
        nz = step_noise[i].astype(np.float64) if (s.needs_noise and step_noise is not None) else None
        if s.needs_noise and nz is None:
            raise ValueError(f"{scheduler} needs step_noise")
        x = s.step(eps, i, x, nz)
    lat = x.astype(np.float32)
    img = m["vae_decoder"](torch.from_numpy(lat) / m["scaling_factor"])
    px = torch.clamp(img / 2 + 0.5, 0, 1).numpy().astype(np.float32)
    return (px, lat) if return_latents else px


def to_uint8(px):
    """[B,3,H,W] float [0,1] -> list of HxWx3 uint8 (diffusers numpy_to_pil: (x*255).round())."""
    return [np.round(p.transpose(1, 2, 0) * 255).astype(np.uint8) for p in px]


def make_noise(seed, B, h, w, steps):
    g = torch.Generator().manual_seed(seed)
    noise = torch.randn(B, 4, h, w, generator=g).numpy()
    step_noise = torch.randn(steps, B, 4, h, w, generator=g).numpy()
    return noise, step_noise


# ----------------------------------------------------------------------------------------------
# fixtures
# ----------------------------------------------------------------------------------------------
PARITY_PROMPTS = [
    "a large red circle in the center on a white background",
    "small blue star on the left, on black",
    "灰色背景上右边有一个大的黄色三角形",
    "左边的小绿色正方形，白色背景",
]
PARITY_SCHEDULERS = ["euler", "dpmpp_2m", "euler_ancestral"]


def write_parity(m, out_dir, steps=10, guidance=5.0):
    os.makedirs(out_dir, exist_ok=True)
    cases = []
    for pi, prompt in enumerate(PARITY_PROMPTS):
        noise, step_noise = make_noise(1000 + pi, 1, 8, 8, steps)
        nf, sf = f"p{pi}_noise.f32", f"p{pi}_step_noise.f32"
        noise.astype("<f4").tofile(os.path.join(out_dir, nf))
        step_noise.astype("<f4").tofile(os.path.join(out_dir, sf))
        for sch in PARITY_SCHEDULERS:
            px, lat = sample(m, [prompt], sch, steps, guidance, noise, step_noise, return_latents=True)
            base = f"p{pi}_{sch}"
            px.astype("<f4").tofile(os.path.join(out_dir, base + "_pixels.f32"))
            lat.astype("<f4").tofile(os.path.join(out_dir, base + "_latents.f32"))
            Image.fromarray(to_uint8(px)[0]).save(os.path.join(out_dir, base + ".png"))
            cases.append({
                "prompt": prompt, "negative_prompt": "", "scheduler": sch, "steps": steps, "guidance_scale": guidance,
                "width": 64, "height": 64, "noise_seed_torch": 1000 + pi,
                "initial_noise": {"file": nf, "shape": [1, 4, 8, 8]},
                "step_noise": ({"file": sf, "shape": [steps, 1, 4, 8, 8]} if sch in ("euler_ancestral", "lcm") else None),
                "final_latents": {"file": base + "_latents.f32", "shape": [1, 4, 8, 8]},
                "pixels": {"file": base + "_pixels.f32", "shape": [1, 3, 64, 64], "range": "[0,1] = clip(dec/2+0.5)"},
                "png": base + ".png",
            })
    manifest = {
        "format": "raw little-endian float32, row-major (C order)",
        "procedure": "latents = initial_noise * init_noise_sigma; per step: model_in = scale_model_input(latents); "
                     "CFG batch [uncond(\"\"), cond] in one UNet call with timestep shape [1] float32; "
                     "eps = eps_u + g*(eps_c - eps_u); latents = step(eps, latents, step_noise[i]); "
                     "pixels = clip(vae_decoder(latents / scaling_factor)/2 + 0.5, 0, 1); png = round(pixels*255)",
        "scheduler_math": "float64 in the reference; networks float32 (PyTorch CPU). Expect ~1e-3 abs agreement "
                          "on pixels from ONNX Runtime CPU.",
        "scaling_factor": m["scaling_factor"],
        "cases": cases,
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
    return manifest


def scheduler_reference():
    shape = (1, 4, 2, 2)
    n = int(np.prod(shape))
    x = np.sin(np.arange(n) * 0.7).reshape(shape) * 3.0
    e1 = np.cos(np.arange(n) * 0.3).reshape(shape)
    e2 = np.sin(np.arange(n) * 0.9 + 0.5).reshape(shape)
    z1 = np.cos(np.arange(n) * 1.3 + 0.2).reshape(shape)
    z2 = np.sin(np.arange(n) * 0.4 - 0.1).reshape(shape)
    out = {"config": "models/tiny-shapes/scheduler/scheduler_config.json (trailing spacing, steps_offset 0)",
           "notes": "timesteps use numpy round-half-even (Java Math.rint). 'sigmas' has n+1 entries (last 0) for "
                    "sigma-based schedulers, null for ddim/lcm. step_test: x=sample at step index 0, then index 1 "
                    "on the result (DPM++ 2M uses its 2nd-order update at index 1; ancestral/lcm use the given noise).",
           "step_test_inputs": {"shape": list(shape), "sample": x.ravel().tolist(), "model_output_0": e1.ravel().tolist(),
                                "model_output_1": e2.ravel().tolist(), "noise_0": z1.ravel().tolist(),
                                "noise_1": z2.ravel().tolist()},
           "schedulers": {}}
    for name in S.NAMES:
        entry = {}
        for steps in (10, 20):
            s = S.make_scheduler(name)
            s.set_timesteps(steps)
            r = {"timesteps": [float(t) for t in s.timesteps],
                 "sigmas": None if s.sigmas is None else [float(v) for v in s.sigmas],
                 "init_noise_sigma": float(s.init_noise_sigma),
                 "scale_model_input_0": s.scale_model_input(x, 0).ravel().tolist()}
            y1 = s.step(e1, 0, x, z1)
            y2 = s.step(e2, 1, y1, z2)
            r["step_0_output"] = y1.ravel().tolist()
            r["step_1_output"] = y2.ravel().tolist()
            entry[str(steps)] = r
        out["schedulers"][name] = entry
    return out


# ----------------------------------------------------------------------------------------------
# bench
# ----------------------------------------------------------------------------------------------
@torch.no_grad()
def bench(m, prompt, scheduler="euler", steps=20, guidance=5.0, width=64, height=64, images=10, warmup=1):
    """Times the PyTorch reference pipeline image by image (batch 1): tokenize + text encoder (cond and uncond),
    the denoising loop (one UNet call per step on the CFG batch [uncond, cond], scheduler math in float64 numpy),
    the VAE decoder, and the image ops (clip, to uint8, PNG encode in memory). Returns per-image records in ms."""
    import io
    import time
    h, w = height // 8, width // 8
    recs = []
    for i in range(warmup + images):
        noise, step_noise = make_noise(i, 1, h, w, steps)
        t0 = time.perf_counter()
        s = S.make_scheduler(scheduler)
        s.set_timesteps(steps)
        cond = encode_text(m, [prompt])
        unc = encode_text(m, [""])
        ctx = torch.cat([unc, cond]) if guidance > 1.0 else cond
        t1 = time.perf_counter()
        x = noise.astype(np.float64) * s.init_noise_sigma
        unet_ms = 0.0
        for k in range(steps):
            inp = s.scale_model_input(x, k)
            inp = np.concatenate([inp, inp]) if guidance > 1.0 else inp
            t = torch.full((1,), float(s.timesteps[k]), dtype=torch.float32)
            tu = time.perf_counter()
            eps = m["unet"](torch.from_numpy(inp.astype(np.float32)), t, ctx).double().numpy()
            unet_ms += (time.perf_counter() - tu) * 1000
            if guidance > 1.0:
                eps = eps[:1] + guidance * (eps[1:] - eps[:1])
            x = s.step(eps, k, x, step_noise[k].astype(np.float64) if s.needs_noise else None)
        t2 = time.perf_counter()
        img = m["vae_decoder"](torch.from_numpy(x.astype(np.float32)) / m["scaling_factor"])
        t3 = time.perf_counter()
        px = torch.clamp(img / 2 + 0.5, 0, 1).numpy().astype(np.float32)
        buf = io.BytesIO()
        Image.fromarray(to_uint8(px)[0]).save(buf, format="PNG")
        t4 = time.perf_counter()
        if i >= warmup:
            recs.append({"total": (t4 - t0) * 1000, "encode": (t1 - t0) * 1000, "denoise": (t2 - t1) * 1000,
                         "unet": unet_ms, "decode": (t3 - t2) * 1000, "image_ops": (t4 - t3) * 1000})
    return recs


def print_bench(recs, prompt, scheduler, steps, guidance, width, height, threads):
    import platform
    print(f"pytorch reference bench: torch {torch.__version__}, {threads} threads, {platform.processor() or platform.machine()}")
    print(f"  prompt {prompt!r}  {width}x{height} steps={steps} scheduler={scheduler} guidance={guidance} "
          f"batch=1 images={len(recs)} (after 1 warm-up)")
    for k in ("total", "encode", "denoise", "unet", "decode", "image_ops"):
        v = np.array([r[k] for r in recs])
        extra = f"  ({steps} calls, CFG batch 2)" if k == "unet" else ""
        print(f"  {k + ' ms':14s} mean {v.mean():8.2f}  p50 {np.median(v):8.2f}  min {v.min():8.2f}{extra}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["sample", "fixtures", "bench"])
    ap.add_argument("--pkg", default=DEFAULT_PKG)
    ap.add_argument("--ckpt", default=None, help="use a training checkpoint instead of the ONNX weights")
    ap.add_argument("--prompt", default="a red circle on a white background")
    ap.add_argument("--negative", default="")
    ap.add_argument("--scheduler", default="euler", choices=S.NAMES)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--height", type=int, default=64)
    ap.add_argument("--noise", help="raw float32 file with initial noise [1,4,h/8,w/8] (overrides --seed)")
    ap.add_argument("--step-noise", help="raw float32 file with per-step noise [steps,1,4,h/8,w/8]")
    ap.add_argument("--png", default="/tmp/easel_sample.png")
    ap.add_argument("--images", type=int, default=10, help="bench: timed images (after one warm-up)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="bench: also write the per-image records here")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = load_package(a.pkg, a.ckpt)
    if a.cmd == "bench":
        recs = bench(m, a.prompt, a.scheduler, a.steps, a.guidance, a.width, a.height, a.images)
        print_bench(recs, a.prompt, a.scheduler, a.steps, a.guidance, a.width, a.height, a.threads)
        if a.json:
            with open(a.json, "w", encoding="utf-8") as f:
                json.dump({"settings": vars(a), "images": recs}, f, indent=1)
    elif a.cmd == "sample":
        h, w = a.height // 8, a.width // 8
        noise, step_noise = make_noise(a.seed, 1, h, w, a.steps)
        if a.noise:
            noise = np.fromfile(a.noise, "<f4").reshape(1, 4, h, w)
        if a.step_noise:
            step_noise = np.fromfile(a.step_noise, "<f4").reshape(a.steps, 1, 4, h, w)
        px = sample(m, [a.prompt], a.scheduler, a.steps, a.guidance, noise, step_noise,
                    negative=[a.negative] if a.negative else None)
        Image.fromarray(to_uint8(px)[0]).save(a.png)
        print("wrote", a.png)
    else:
        man = write_parity(m, os.path.join(a.pkg, "fixtures", "parity"))
        with open(os.path.join(a.pkg, "fixtures", "schedulers.json"), "w", encoding="utf-8") as f:
            json.dump(scheduler_reference(), f, indent=1)
        print("wrote", len(man["cases"]), "parity cases and schedulers.json")


if __name__ == "__main__":
    main()
