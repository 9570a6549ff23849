"""Automatic prompt-adherence check for tiny-shapes.

  /usr/bin/python3 models/training/adherence.py            # validate on ground truth, write eval_prompts.json,
                                                           # sample all held-out prompts, print the table
  /usr/bin/python3 models/training/adherence.py --gt-only  # only the ground-truth validation

Classifier (pure pixel statistics, calibrated on the ground-truth renderer in easel_common):
  background = per-channel median of the 2-px border ring -> nearest background palette colour
  object mask = pixels farther than 80 (RGB euclidean) from the measured background
  colour = per-channel median of the mask's interior pixels -> nearest object palette colour
  shape = best IoU between the mask and each shape's rendered template (centre = mask centroid, radius from
          the mask area, small search over scale and offset)
  size = template radius -> small / large (split half-way between the nominal radii, 14 px);  position = nearest nominal centre to the centroid
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import easel_common as C  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PKG = os.path.normpath(os.path.join(HERE, "..", "tiny-shapes"))
_SIZE_SPLIT = 0.5 * (C.SIZES["small"] + C.SIZES["large"])  # radius between the two nominal sizes
_UNIT_AREA = {k: float(C.render_mask(k, 32, 32, 10.0).sum()) / 100.0 for k in C.SHAPES}


def _nearest(rgb, palette):
    names = list(palette)
    d = [np.linalg.norm(np.asarray(palette[n], np.float32) - rgb) for n in names]
    return names[int(np.argmin(d))]


def classify(img):
    """img: HxWx3 uint8 (any size; resized to 64x64). Returns dict of predicted attributes."""
    if img.shape[:2] != (C.IMAGE_SIZE, C.IMAGE_SIZE):
        img = np.asarray(Image.fromarray(img).resize((C.IMAGE_SIZE, C.IMAGE_SIZE), Image.BILINEAR))
    x = img.astype(np.float32)
    border = np.concatenate([x[:2].reshape(-1, 3), x[-2:].reshape(-1, 3), x[:, :2].reshape(-1, 3),
                             x[:, -2:].reshape(-1, 3)])
    bg_rgb = np.median(border, axis=0)
    res = {"bg": _nearest(bg_rgb, C.BACKGROUNDS), "color": None, "shape": None, "size": None, "pos": None}
    dist = np.linalg.norm(x - bg_rgb, axis=2)
    mask = dist > 80
    area = int(mask.sum())
    if area < 12:
        return res
    m = mask
    interior = m & np.roll(m, 1, 0) & np.roll(m, -1, 0) & np.roll(m, 1, 1) & np.roll(m, -1, 1)
    pix = x[interior] if interior.sum() >= 8 else x[m]
    res["color"] = _nearest(np.median(pix, axis=0), C.COLORS)
    ys, xs = np.nonzero(m)
    cy, cx = ys.mean() + 0.5, xs.mean() + 0.5  # pixel centres
    best, best_r = {}, {}
    for k in C.SHAPES:
        r0 = math.sqrt(area / _UNIT_AREA[k])
        bi, br = -1.0, r0
        for s in (0.9, 1.0, 1.1):
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    tm = C.render_mask(k, cx + dx, cy + dy, r0 * s) > 0.5
                    iou = (tm & m).sum() / max(1, (tm | m).sum())
                    if iou > bi:
                        bi, br = iou, r0 * s
        best[k], best_r[k] = bi, br
    shape = max(best, key=best.get)
    res.update(shape=shape, iou=round(float(best[shape]), 3),
               size="large" if best_r[shape] > _SIZE_SPLIT else "small",
               pos=min(C.POSITIONS, key=lambda p: (C.POSITIONS[p][0] - cx) ** 2 + (C.POSITIONS[p][1] - cy) ** 2))
    return res


ATTRS = ["color", "bg", "shape", "size", "pos"]


def score(preds, specs):
    out = {a: float(np.mean([p[a] == s[a] for p, s in zip(preds, specs)])) for a in ATTRS}
    out["all"] = float(np.mean([all(p[a] == s[a] for a in ATTRS) for p, s in zip(preds, specs)]))
    out["n"] = len(specs)
    return out


def validate_gt(seed=7, reps=2):
    rng = np.random.default_rng(seed)
    specs = C.all_specs() * reps
    preds = [classify(C.render(s, rng)) for s in specs]
    return score(preds, specs)


def eval_prompts():
    """Held-out combinations (never rendered in training) x one EN + one ZH prompt each; every other prompt uses a
    held-out phrasing (template never seen in training), the rest use training phrasings."""
    rng = np.random.default_rng(2024)
    held = [s for s in C.all_specs() if C.is_heldout(s)]
    items = []
    for j, spec in enumerate(held):
        for lang in ("en", "zh"):
            heldout_phrase = (j % 2 == 0)
            if lang == "en":
                tpl = C.EN_HELDOUT[0] if heldout_phrase else C.EN_TRAIN_FULL[j % len(C.EN_TRAIN_FULL)]
            else:
                tpl = C.ZH_HELDOUT[0] if heldout_phrase else C.ZH_TRAIN_FULL[j % len(C.ZH_TRAIN_FULL)]
            items.append({"id": len(items), "lang": lang, "prompt": C.make_caption(spec, lang, tpl, rng),
                          "spec": spec, "heldout_combination": True, "heldout_phrasing": heldout_phrase,
                          "seed": len(items)})
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pkg", default=DEFAULT_PKG)
    ap.add_argument("--ckpt", default=None)
    ap.add_argument("--gt-only", action="store_true")
    ap.add_argument("--scheduler", default="euler")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--batch", type=int, default=40)
    a = ap.parse_args()
    t0 = time.time()
    gt = validate_gt()
    print("ground-truth validation (%d jittered renders): " % gt["n"] +
          " ".join(f"{k} {gt[k]:.3f}" for k in ATTRS + ["all"]), flush=True)
    if a.gt_only:
        return
    import torch
    import reference_sampler as R
    torch.set_num_threads(2)
    items = eval_prompts()
    fx = os.path.join(a.pkg, "fixtures")
    os.makedirs(fx, exist_ok=True)
    with open(os.path.join(fx, "eval_prompts.json"), "w", encoding="utf-8") as f:
        json.dump({"description": "held-out evaluation prompts: attribute combinations never seen in training; "
                                  "heldout_phrasing=true also uses a sentence template never seen in training",
                   "sampling": {"scheduler": a.scheduler, "steps": a.steps, "guidance_scale": a.guidance,
                                "width": 64, "height": 64, "negative_prompt": ""},
                   "prompts": items}, f, ensure_ascii=False, indent=1)
    if a.limit:
        items = items[:a.limit]
    m = R.load_package(a.pkg, a.ckpt)
    preds, imgs = [], []
    for b in range(0, len(items), a.batch):
        chunk = items[b:b + a.batch]
        nz = [R.make_noise(it["seed"], 1, 8, 8, a.steps) for it in chunk]
        noise = np.concatenate([n[0] for n in nz])
        step_noise = np.concatenate([n[1] for n in nz], axis=1)
        px = R.sample(m, [it["prompt"] for it in chunk], a.scheduler, a.steps, a.guidance, noise, step_noise)
        for im in R.to_uint8(px):
            imgs.append(im)
            preds.append(classify(im))
    rows = {}
    for lang in ("en", "zh"):
        for ph in (None, True, False):
            sel = [i for i, it in enumerate(items) if it["lang"] == lang and (ph is None or it["heldout_phrasing"] == ph)]
            if sel:
                key = lang + ("" if ph is None else (" heldout-phrasing" if ph else " train-phrasing"))
                rows[key] = score([preds[i] for i in sel], [items[i]["spec"] for i in sel])
    rows["all"] = score(preds, [it["spec"] for it in items])
    print(f"\nadherence: {a.scheduler}, {a.steps} steps, guidance {a.guidance}, 64x64, held-out combinations")
    print(f"{'subset':28s} {'n':>4s} " + " ".join(f"{k:>6s}" for k in ATTRS + ["all"]))
    for k, r in rows.items():
        print(f"{k:28s} {r['n']:4d} " + " ".join(f"{r[x]:6.3f}" for x in ATTRS + ["all"]))
    res = {"ground_truth_validation": gt, "settings": vars(a), "results": rows,
           "seconds": round(time.time() - t0, 1),
           "failures": [{"id": it["id"], "prompt": it["prompt"], "spec": it["spec"], "pred": p}
                        for it, p in zip(items, preds) if any(p[x] != it["spec"][x] for x in ("color", "bg", "shape"))][:40]}
    with open(os.path.join(HERE, "adherence_results.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, ensure_ascii=False, indent=1)
    # small contact sheet: per language the first 4 prompts of each shape (rows: en, en, zh, zh)
    sel = [i for lang in ("en", "zh") for shape in C.SHAPES
           for i in [j for j, it in enumerate(items) if it["lang"] == lang and it["spec"]["shape"] == shape][:4]]
    if len(sel) == 32:
        sheet = np.zeros((4 * 64, 8 * 64, 3), np.uint8)
        for j, i in enumerate(sel):
            sheet[(j // 8) * 64:(j // 8 + 1) * 64, (j % 8) * 64:(j % 8 + 1) * 64] = imgs[i]
        Image.fromarray(sheet).save(os.path.join(a.pkg, "samples.png"))
    print(f"done in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
