"""Train and export Easel's bundled `tiny-shapes` model (CPU, ~1 hour on 2 cores).

    /usr/bin/python3 models/training/train.py --out models/tiny-shapes

Stages: synthetic dataset -> VAE (L1 + small KL) -> freeze, encode latents -> text encoder + UNet jointly
(epsilon prediction, DDPM loss, 10% caption dropout to "" for CFG, EMA) -> ONNX export + package files.
Checkpoints go to models/training/checkpoints/ (git-ignored). Fully seeded.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import easel_common as C  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def make_dataset(n, seed, tok, captions_per_lang=6):
    """n training images (jittered renders of non-held-out specs) + pre-tokenized captions [n, 2*K, T]."""
    rng = np.random.default_rng(seed)
    specs = [s for s in C.all_specs() if not C.is_heldout(s)]
    imgs = np.zeros((n, C.IMAGE_SIZE, C.IMAGE_SIZE, 3), np.uint8)
    caps = np.zeros((n, 2 * captions_per_lang, C.MAX_LENGTH), np.int64)
    for i in range(n):
        spec = specs[i % len(specs)]
        imgs[i] = C.render(spec, rng)
        k = 0
        for lang in ("en", "zh"):
            for _ in range(captions_per_lang):
                caps[i, k] = tok.encode(C.train_caption(spec, lang, rng))
                k += 1
    return imgs, caps, len(specs)


def to_tensor(imgs):
    return torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def lr_at(step, total, base, warm=200):
    if step < warm:
        return base * (step + 1) / warm
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm))))


def train_vae(enc, dec, imgs, steps, bs, seed, kl_w):
    g = torch.Generator().manual_seed(seed)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    t0, hist = time.time(), []
    for step in range(steps):
        for pg in opt.param_groups:
            pg["lr"] = lr_at(step, steps, 1e-3, 100)
        idx = torch.randint(0, len(imgs), (bs,), generator=g)
        x = to_tensor(imgs[idx.numpy()])
        p = enc(x)
        mean, logvar = p.chunk(2, dim=1)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
        rec = dec(z)
        l_rec = (rec - x).abs().mean() + F.mse_loss(rec, x)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1.0 - logvar).mean()
        loss = l_rec + kl_w * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        hist.append((l_rec.item(), kl.item()))
        if step % 100 == 0 or step == steps - 1:
            r = np.mean(hist[-100:], axis=0)
            log(f"vae step {step}/{steps} rec {r[0]:.4f} kl {r[1]:.3f} ({(time.time() - t0) / (step + 1):.3f}s/it)")
    return hist


@torch.no_grad()
def encode_all(enc, imgs, bs=256):
    out = []
    for i in range(0, len(imgs), bs):
        out.append(enc(to_tensor(imgs[i:i + bs])))
    return torch.cat(out)


def train_unet(te, unet, params_lat, caps, scale, steps, bs, seed, p_uncond, uncond_ids, lr=5e-4):
    g = torch.Generator().manual_seed(seed)
    ac = torch.from_numpy(C.alphas_cumprod()).float()
    models = [te, unet]
    params = [p for m in models for p in m.parameters()]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    ema = [p.detach().clone() for p in params]
    caps_t = torch.from_numpy(caps)
    uncond = torch.tensor(uncond_ids)
    mean_all, logvar_all = params_lat.chunk(2, dim=1)
    t0, hist = time.time(), []
    for step in range(steps):
        for pg in opt.param_groups:
            pg["lr"] = lr_at(step, steps, lr)
        idx = torch.randint(0, len(params_lat), (bs,), generator=g)
        mean, logvar = mean_all[idx], logvar_all[idx]
        x0 = (mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)) * scale
        k = torch.randint(0, caps.shape[1], (bs,), generator=g)
        ids = caps_t[idx, k]
        drop = torch.rand(bs, generator=g) < p_uncond
        ids = torch.where(drop[:, None], uncond[None, :], ids)
        t = torch.randint(0, C.NUM_TRAIN_TIMESTEPS, (bs,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        a = ac[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        ctx, _ = te(ids)
        pred = unet(xt, t.float(), ctx)
        loss = F.mse_loss(pred, noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        d = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for e, p in zip(ema, params):
                e.mul_(d).add_(p.detach(), alpha=1 - d)
        hist.append(loss.item())
        if step % 200 == 0 or step == steps - 1:
            log(f"unet step {step}/{steps} loss {np.mean(hist[-200:]):.4f} ({(time.time() - t0) / (step + 1):.3f}s/it)")
    with torch.no_grad():
        for e, p in zip(ema, params):
            p.copy_(e)
    return hist


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(HERE, "..", "tiny-shapes"))
    ap.add_argument("--ckpt", default=os.path.join(HERE, "checkpoints", "tiny-shapes.pt"))
    ap.add_argument("--n-images", type=int, default=12000)
    ap.add_argument("--vae-steps", type=int, default=800)
    ap.add_argument("--vae-batch", type=int, default=32)
    ap.add_argument("--unet-steps", type=int, default=2400)
    ap.add_argument("--unet-batch", type=int, default=96)
    ap.add_argument("--kl-weight", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--export-only", action="store_true", help="skip training, export --ckpt")
    ap.add_argument("--unet-coords", type=int, default=0, help="1: UNet gets CoordConv x/y input channels")
    ap.add_argument("--init-from", default=None, help="continue text encoder + UNet from this checkpoint")
    ap.add_argument("--lr", type=float, default=5e-4)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    t_start = time.time()

    tok = C.Tokenizer.build()
    arch = json.loads(json.dumps(C.DEFAULT_ARCH))
    arch["unet"]["coords"] = bool(args.unet_coords)
    if not args.export_only:
        log(f"vocab {len(tok.vocab)}; building dataset of {args.n_images} images")
        imgs, caps, n_specs = make_dataset(args.n_images, args.seed, tok)
        log(f"dataset ready: {n_specs} training specs of {len(C.all_specs())}")
        torch.manual_seed(args.seed + 1)
        enc, dec, te, unet = C.build_models(arch, len(tok.vocab), tok.pad_id)
        log(f"params: vae_enc {C.nparams(enc)} vae_dec {C.nparams(dec)} text {C.nparams(te)} unet {C.nparams(unet)}")
        vae_key = {"seed": args.seed, "n_images": args.n_images, "steps": args.vae_steps, "batch": args.vae_batch,
                   "kl": args.kl_weight, "arch": arch["vae"]}
        vae_cache = os.path.join(os.path.dirname(args.ckpt), "vae_stage.pt")
        cached = torch.load(vae_cache) if os.path.exists(vae_cache) else None
        if cached is not None and cached["key"] == vae_key:
            log(f"reusing VAE stage from {vae_cache}")
            enc.load_state_dict(cached["enc"])
            dec.load_state_dict(cached["dec"])
            vae_hist = cached["hist"]
        else:
            vae_hist = train_vae(enc, dec, imgs, args.vae_steps, args.vae_batch, args.seed + 2, args.kl_weight)
            os.makedirs(os.path.dirname(vae_cache), exist_ok=True)
            torch.save({"key": vae_key, "enc": enc.state_dict(), "dec": dec.state_dict(), "hist": vae_hist}, vae_cache)
        enc.eval()
        dec.eval()
        for p in list(enc.parameters()) + list(dec.parameters()):
            p.requires_grad_(False)
        lat = encode_all(enc, imgs)
        mean, logvar = lat.chunk(2, dim=1)
        g = torch.Generator().manual_seed(args.seed + 3)
        z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
        scale = float(1.0 / z.std())
        log(f"latent std {z.std():.4f} -> scaling_factor {scale:.5f}; posterior std mean {torch.exp(0.5 * logvar).mean():.4f}")
        with torch.no_grad():
            rec = dec(z[:256])
            vae_val = float((rec - to_tensor(imgs[:256])).abs().mean())
        log(f"vae L1 on 256 train images (sampled z): {vae_val:.4f}")
        uncond = tok.encode("")
        prev_info = None
        if args.init_from:
            prev = torch.load(args.init_from, map_location="cpu")
            te.load_state_dict(prev["text_encoder"])
            missing, unexpected = unet.load_state_dict(prev["unet"], strict=False)
            assert not unexpected and all(k.startswith("coord_in.") for k in missing), (missing, unexpected)
            prev_info = prev["train_info"]
            log(f"continuing from {args.init_from} (new UNet params: {missing})")
        unet_hist = train_unet(te, unet, lat, caps, scale, args.unet_steps, args.unet_batch,
                               args.seed + (5 if args.init_from else 4), 0.1, uncond, lr=args.lr)
        os.makedirs(os.path.dirname(args.ckpt), exist_ok=True)
        train_info = {
            "seed": args.seed, "n_images": args.n_images, "n_train_specs": n_specs,
            "vae_steps": args.vae_steps, "vae_batch": args.vae_batch, "kl_weight": args.kl_weight,
            "unet_steps": args.unet_steps, "unet_batch": args.unet_batch, "p_uncond": 0.1,
            "vae_rec_curve": [float(np.mean([h[0] for h in vae_hist[i:i + 100]])) for i in range(0, len(vae_hist), max(1, len(vae_hist) // 10))],
            "unet_loss_curve": [float(np.mean(unet_hist[i:i + 200])) for i in range(0, len(unet_hist), max(1, len(unet_hist) // 10))],
            "vae_l1_train": vae_val, "train_seconds": time.time() - t_start,
            "command": " ".join(["/usr/bin/python3", "models/training/train.py"] + sys.argv[1:]),
            "lr": args.lr, "unet_coords": bool(args.unet_coords), "continued_from": prev_info,
        }
        torch.save({"arch": arch, "vocab": tok.vocab, "scaling_factor": scale, "vae_encoder": enc.state_dict(),
                    "vae_decoder": dec.state_dict(), "text_encoder": te.state_dict(), "unet": unet.state_dict(),
                    "train_info": train_info}, args.ckpt)
        log(f"saved {args.ckpt}; training took {time.time() - t_start:.0f}s")
    import export_onnx
    export_onnx.export_package(args.ckpt, args.out)
    log(f"done in {time.time() - t_start:.0f}s")


if __name__ == "__main__":
    main()
