"""Train and export Easel's bundled `tiny-shapes` model (CPU, ~50-60 min on 2 cores; the VAE stage is cached).

    /usr/bin/python3 models/training/train.py --out models/tiny-shapes

Stages: synthetic dataset -> VAE (edge-weighted L1+L2 + gradient L1 + small KL) -> freeze, encode latents -> text
encoder + UNet jointly (the UNet body predicts v and its graph converts to epsilon; plain MSE on v, 10% caption
dropout to "" for CFG, EMA), 3,000 steps, then a warm restart of 2,000 steps at a lower rate -> ONNX export +
package files. Checkpoints go to models/training/checkpoints/ (git-ignored). Fully seeded.
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


def _dx(t):
    return t[..., :, 1:] - t[..., :, :-1]


def _dy(t):
    return t[..., 1:, :] - t[..., :-1, :]


def vae_rec_loss(rec, x, edge_w):
    """L1 + L2, with pixels near an edge of the target weighted (1 + edge_w), plus an L1 loss on the image gradients.
    Flat shapes are mostly background: without the edge terms the decoder rounds corners and star tips, which is
    exactly what the shape classifier (and a person) looks at."""
    d = rec - x
    if edge_w <= 0:
        return d.abs().mean() + (d * d).mean()
    e = F.pad(_dx(x).abs().sum(1, keepdim=True), (0, 1, 0, 0)) + F.pad(_dy(x).abs().sum(1, keepdim=True), (0, 0, 0, 1))
    w = 1.0 + edge_w * F.max_pool2d((e > 0.05).float(), 5, 1, 2)
    return (w * (d.abs() + d * d)).mean() + (_dx(rec) - _dx(x)).abs().mean() + (_dy(rec) - _dy(x)).abs().mean()


def train_vae(enc, dec, imgs, steps, bs, seed, kl_w, edge_w=4.0):
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
        l_rec = vae_rec_loss(rec, x, edge_w)
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


def train_unet(te, unet, params_lat, caps, scale, steps, bs, seed, p_uncond, uncond_ids, lr=5e-4, min_snr=5.0,
               ema_decay=0.999, hi_noise=0.0):
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
        pred = unet.body(xt, t.float(), ctx)
        if unet.prediction == "v":  # v = sqrt(abar) eps - sqrt(1 - abar) x0
            target = a.sqrt() * noise - (1 - a).sqrt() * x0
        else:
            target = noise
        snr = a / (1 - a)
        w = torch.ones_like(snr)
        if min_snr > 0:  # min-SNR-gamma weighting (Hang et al. 2023): x0-loss weight min(SNR, gamma), per target
            w = w * torch.clamp(snr, max=min_snr) / (snr + 1 if unet.prediction == "v" else snr)
        if hi_noise > 0:  # up-weight high noise (eps error -> x0 error is scaled by 1/snr there): v-loss-like
            w = w * torch.clamp(1.0 + 1.0 / snr, max=hi_noise)
        loss = (w * (pred - target) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        d = min(ema_decay, (1 + step) / (10 + step))
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
    ap.add_argument("--vae-steps", type=int, default=1000)
    ap.add_argument("--vae-batch", type=int, default=32)
    ap.add_argument("--unet-steps", type=int, default=2000)
    ap.add_argument("--unet-batch", type=int, default=72)
    ap.add_argument("--kl-weight", type=float, default=1e-4)
    ap.add_argument("--vae-edge-weight", type=float, default=4.0)
    ap.add_argument("--prediction", choices=["v", "epsilon"], default="v",
                    help="what the UNet body predicts (the exported UNet always outputs epsilon, see easel_common.UNet)")
    ap.add_argument("--min-snr", type=float, default=0.0, help="min-SNR-gamma loss weighting (0: plain MSE)")
    ap.add_argument("--ema-decay", type=float, default=0.999)
    ap.add_argument("--hi-noise-weight", type=float, default=0.0,
                    help="multiply the loss by min(1 + 1/SNR, this) (0: off); emphasises the layout-deciding high-noise steps")
    ap.add_argument("--captions-per-lang", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--export-only", action="store_true", help="skip training, export --ckpt")
    ap.add_argument("--unet-coords", type=int, default=1, help="1: UNet gets CoordConv x/y input channels")
    ap.add_argument("--init-from", default=None, help="continue text encoder + UNet from this checkpoint")
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--restart-steps", type=int, default=2000,
                    help="then a second cosine cycle of this many steps from the EMA weights with a fresh optimizer "
                         "(the same as running again with --init-from the first result)")
    ap.add_argument("--restart-lr", type=float, default=3e-4)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    t_start = time.time()

    tok = C.Tokenizer.build()
    arch = json.loads(json.dumps(C.DEFAULT_ARCH))
    arch["unet"]["coords"] = bool(args.unet_coords)
    arch["unet"]["prediction"] = args.prediction
    if not args.export_only:
        log(f"vocab {len(tok.vocab)}; building dataset of {args.n_images} images")
        imgs, caps, n_specs = make_dataset(args.n_images, args.seed, tok, args.captions_per_lang)
        log(f"dataset ready: {n_specs} training specs of {len(C.all_specs())}")
        torch.manual_seed(args.seed + 1)
        enc, dec, te, unet = C.build_models(arch, len(tok.vocab), tok.pad_id)
        log(f"params: vae_enc {C.nparams(enc)} vae_dec {C.nparams(dec)} text {C.nparams(te)} unet {C.nparams(unet)}")
        vae_key = {"seed": args.seed, "n_images": args.n_images, "steps": args.vae_steps, "batch": args.vae_batch,
                   "kl": args.kl_weight, "edge": args.vae_edge_weight, "arch": arch["vae"], "sizes": C.SIZES}
        vae_cache = os.path.join(os.path.dirname(args.ckpt), "vae_stage.pt")
        cached = torch.load(vae_cache) if os.path.exists(vae_cache) else None
        if cached is not None and cached["key"] == vae_key:
            log(f"reusing VAE stage from {vae_cache}")
            enc.load_state_dict(cached["enc"])
            dec.load_state_dict(cached["dec"])
            vae_hist = cached["hist"]
            vae_seconds = cached.get("seconds")
        else:
            t_vae = time.time()
            vae_hist = train_vae(enc, dec, imgs, args.vae_steps, args.vae_batch, args.seed + 2, args.kl_weight,
                                 args.vae_edge_weight)
            vae_seconds = time.time() - t_vae
            os.makedirs(os.path.dirname(vae_cache), exist_ok=True)
            torch.save({"key": vae_key, "enc": enc.state_dict(), "dec": dec.state_dict(), "hist": vae_hist,
                        "seconds": vae_seconds}, vae_cache)
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
        t_unet = time.time()
        unet_hist = train_unet(te, unet, lat, caps, scale, args.unet_steps, args.unet_batch,
                               args.seed + (5 if args.init_from else 4), 0.1, uncond, lr=args.lr,
                               min_snr=args.min_snr, ema_decay=args.ema_decay,
                               hi_noise=args.hi_noise_weight)
        if args.restart_steps > 0:
            log(f"warm restart: {args.restart_steps} more steps at lr {args.restart_lr}")
            unet_hist += train_unet(te, unet, lat, caps, scale, args.restart_steps, args.unet_batch, args.seed + 5, 0.1,
                                    uncond, lr=args.restart_lr, min_snr=args.min_snr, ema_decay=args.ema_decay,
                                    hi_noise=args.hi_noise_weight)
        unet_seconds = time.time() - t_unet
        os.makedirs(os.path.dirname(args.ckpt), exist_ok=True)
        train_info = {
            "seed": args.seed, "n_images": args.n_images, "n_train_specs": n_specs,
            "vae_steps": args.vae_steps, "vae_batch": args.vae_batch, "kl_weight": args.kl_weight,
            "unet_steps": args.unet_steps, "unet_batch": args.unet_batch, "p_uncond": 0.1,
            "restart_steps": args.restart_steps, "restart_lr": args.restart_lr,
            "vae_rec_curve": [float(np.mean([h[0] for h in vae_hist[i:i + 100]])) for i in range(0, len(vae_hist), max(1, len(vae_hist) // 10))],
            "unet_loss_curve": [float(np.mean(unet_hist[i:i + 200])) for i in range(0, len(unet_hist), max(1, len(unet_hist) // 10))],
            "vae_l1_train": vae_val, "train_seconds": time.time() - t_start,
            "command": " ".join(["/usr/bin/python3", "models/training/train.py"] + sys.argv[1:]),
            "lr": args.lr, "unet_coords": bool(args.unet_coords), "continued_from": prev_info,
            "vae_edge_weight": args.vae_edge_weight, "prediction": args.prediction, "min_snr": args.min_snr, "ema_decay": args.ema_decay, "hi_noise_weight": args.hi_noise_weight,
            "captions_per_lang": args.captions_per_lang, "sizes": dict(C.SIZES), "vocab_size": len(tok.vocab),
            "vae_seconds": vae_seconds, "unet_seconds": unet_seconds,
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
