"""Shared code for the tiny-shapes model: scene spec, renderer, captions (en/zh), tokenizer, networks.

Everything here is deterministic given a seed. Used by train.py, reference_sampler.py and adherence.py.
"""
import hashlib
import json
import math
import re
import unicodedata

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageDraw

# ----------------------------------------------------------------------------------------------
# Scene vocabulary
# ----------------------------------------------------------------------------------------------
IMAGE_SIZE = 64
SHAPES = ["circle", "square", "triangle", "star"]
COLORS = {  # object palette (RGB)
    "red": (220, 30, 30),
    "orange": (255, 140, 0),
    "yellow": (240, 220, 30),
    "green": (30, 170, 50),
    "blue": (30, 70, 220),
    "purple": (140, 40, 180),
    "pink": (255, 120, 190),
    "brown": (130, 80, 30),
}
BACKGROUNDS = {"white": (245, 245, 245), "black": (20, 20, 20), "gray": (128, 128, 128)}
SIZES = {"small": 11.0, "large": 17.0}  # nominal radius in pixels (64 px canvas); v1 used 9 / 16
POSITIONS = {"center": (32, 32), "left": (19, 32), "right": (45, 32), "top": (32, 19), "bottom": (32, 45)}
COLOR_NAMES = list(COLORS)
BG_NAMES = list(BACKGROUNDS)
SIZE_NAMES = list(SIZES)
POS_NAMES = list(POSITIONS)

# ---- English phrasings (synonyms are chosen at random per caption) ----
EN_SHAPE = {"circle": ["circle"], "square": ["square"], "triangle": ["triangle"], "star": ["star"]}
EN_COLOR = {c: [c] for c in COLORS}
EN_BG = {"white": ["white"], "black": ["black"], "gray": ["gray", "grey"]}
EN_SIZE = {"small": ["small", "little"], "large": ["large", "big"]}
EN_POS = {"center": ["in the center", "in the centre", "in the middle"], "left": ["on the left"],
          "right": ["on the right"], "top": ["at the top"], "bottom": ["at the bottom"]}
# ---- Chinese phrasings ----
ZH_SHAPE = {"circle": ["圆形", "圆"], "square": ["正方形", "方形"], "triangle": ["三角形"], "star": ["星形", "五角星"]}
ZH_COLOR = {"red": ["红色"], "orange": ["橙色"], "yellow": ["黄色"], "green": ["绿色"], "blue": ["蓝色"],
            "purple": ["紫色"], "pink": ["粉色", "粉红色"], "brown": ["棕色", "褐色"]}
ZH_BG = {"white": ["白色"], "black": ["黑色"], "gray": ["灰色"]}
ZH_SIZE = {"small": ["小"], "large": ["大"]}
ZH_POS = {"center": ["中间", "中央"], "left": ["左边", "左侧"], "right": ["右边", "右侧"],
          "top": ["上方", "顶部"], "bottom": ["下方", "底部"]}

# Templates. Slots: {a} article, {size} {color} {shape} {pos} {bg}.  "full" ones name every attribute.
EN_TRAIN_FULL = [
    "{a} {size} {color} {shape} {pos} on a {bg} background",
    "{color} {shape}, {size}, {pos}, {bg} background",
    "a {bg} background with {a} {size} {color} {shape} {pos}",
    "{size} {color} {shape} {pos}, on {bg}",
]
EN_TRAIN_PARTIAL = [  # (template, attributes it names)
    ("{a} {color} {shape} on a {bg} background", ("color", "shape", "bg")),
    ("{a} {color} {shape}", ("color", "shape")),
    ("{a} {size} {color} {shape} {pos}", ("color", "shape", "size", "pos")),
]
EN_HELDOUT = ["{bg} background, {size} {color} {shape} {pos}"]
ZH_TRAIN_FULL = [
    "{bg}背景上{pos}有一个{size}的{color}{shape}",
    "{pos}的{size}{color}{shape}，{bg}背景",
    "一个{size}{color}{shape}在{pos}，背景是{bg}",
]
ZH_TRAIN_PARTIAL = [
    ("一个{bg}背景上的{color}{shape}", ("color", "shape", "bg")),
    ("{color}{shape}", ("color", "shape")),
    ("{pos}的{size}{color}{shape}", ("color", "shape", "size", "pos")),
]
ZH_HELDOUT = ["在{bg}背景的{pos}，有一个{size}的{color}{shape}"]

# Extra training phrasings (v2 recipe). They vary word order, clause order, function words (在/的/有/是/...) and
# punctuation so that the text encoder binds each attribute word to its role (object colour vs background colour)
# instead of memorising a handful of sentence shapes. The held-out templates above are never produced
# (train_caption checks it), so the "held-out phrasing" evaluation subset stays unseen.
EN_TRAIN_EXTRA = [
    "{a} {size} {color} {shape} on {a} {bg} background, {pos}",
    "{pos}, {a} {size} {color} {shape} on {bg}",
    "{pos} there is {a} {size} {color} {shape}, the background is {bg}",
    "{a} {color} {shape} {pos}, {size}, with {a} {bg} background",
    "{bg} background with {a} {size} {color} {shape} {pos}",
    "{a} {size} {color} {shape} {pos} against {a} {bg} background",
    "{size} {color} {shape}, {pos}, background {bg}",
    "background: {bg}; object: {size} {color} {shape} {pos}",
    "on {a} {bg} background, {a} {color} {shape} {pos}, {size}",
    "{a} {bg} background and {a} {size} {color} {shape} {pos}",
    "{a} {size} {shape} in {color} {pos} on {a} {bg} background",
    "{color} {shape} {pos} on {bg}, {size}",
    "{a} {size} {color} {shape} placed {pos}. {bg} background",
    "{bg} background, {a} {color} {shape} {pos}, {size} one",
    "{pos}: {a} {size} {color} {shape}; {bg} background",
]
EN_PARTIAL_EXTRA = [
    ("{a} {size} {color} {shape}", ("color", "shape", "size")),
    ("{color} {shape} on {bg}", ("color", "shape", "bg")),
    ("{bg} background, {a} {color} {shape}", ("color", "shape", "bg")),
    ("{a} {color} {shape} {pos}", ("color", "shape", "pos")),
    ("{a} {shape} in {color}", ("color", "shape")),
    ("{a} {size} {shape}", ("shape", "size")),
    ("{a} {color} shape on {a} {bg} background", ("color", "bg")),
]
ZH_TRAIN_EXTRA = [
    "{bg}背景，{pos}有一个{size}的{color}{shape}",
    "在{bg}背景上，{pos}有一个{size}{color}{shape}",
    "{pos}有一个{size}的{color}{shape}，背景是{bg}",
    "背景是{bg}，{pos}有一个{size}{color}{shape}",
    "一个{size}的{color}{shape}位于{pos}，{bg}背景",
    "{size}{color}{shape}在{bg}背景的{pos}",
    "{bg}背景中{pos}是一个{size}的{color}{shape}",
    "画面{pos}有一个{size}{color}{shape}，背景为{bg}",
    "{color}的{size}{shape}，在{pos}，{bg}背景",
    "在{pos}画一个{size}的{color}{shape}，背景{bg}",
    "{bg}的背景上有一个{size}的{color}{shape}，在{pos}",
    "一个{color}{shape}，{size}的，位于{pos}，背景是{bg}",
    "背景：{bg}；{pos}：{size}{color}{shape}",
    "请画一个{size}的{color}{shape}在{bg}背景的{pos}",
    "{pos}，{size}{color}{shape}，{bg}背景。",
]
ZH_PARTIAL_EXTRA = [
    ("一个{size}的{color}{shape}", ("color", "shape", "size")),
    ("{color}的{shape}", ("color", "shape")),
    ("{bg}背景上有一个{color}{shape}", ("color", "shape", "bg")),
    ("在{bg}背景上的{color}{shape}", ("color", "shape", "bg")),
    ("{pos}有一个{color}{shape}", ("color", "shape", "pos")),
    ("一个{size}{shape}", ("shape", "size")),
    ("{bg}背景上的{color}图形", ("color", "bg")),
]
EN_PREFIXES = ["", "", "", "a picture of ", "an image of ", "draw ", "please draw ", "a simple drawing: "]
ZH_PREFIXES = ["", "", "", "一张图片：", "画：", "请画出：", "一幅画，"]
EN_SUFFIXES = ["", "", "", ".", "!"]
ZH_SUFFIXES = ["", "", "", "。", "！"]


def spec_key(spec):
    return (SHAPES.index(spec["shape"]), COLOR_NAMES.index(spec["color"]), SIZE_NAMES.index(spec["size"]),
            POS_NAMES.index(spec["pos"]), BG_NAMES.index(spec["bg"]))


def all_specs():
    out = []
    for s in SHAPES:
        for c in COLOR_NAMES:
            for z in SIZE_NAMES:
                for p in POS_NAMES:
                    for b in BG_NAMES:
                        out.append({"shape": s, "color": c, "size": z, "pos": p, "bg": b})
    return out


def is_heldout(spec):
    """Deliberate split: ~1/8 of full attribute combinations never appear in training (any language/phrasing).
    Every pairwise (shape,colour), (colour,bg), ... combination still appears in training."""
    h = hashlib.sha256(json.dumps(spec_key(spec)).encode()).digest()
    return h[0] % 8 == 0


def _article(next_word):
    return "an" if next_word[0] in "aeiou" else "a"


def make_caption(spec, lang, template, rng):
    if lang == "en":
        words = {"size": rng.choice(EN_SIZE[spec["size"]]), "color": rng.choice(EN_COLOR[spec["color"]]),
                 "shape": rng.choice(EN_SHAPE[spec["shape"]]), "pos": rng.choice(EN_POS[spec["pos"]]),
                 "bg": rng.choice(EN_BG[spec["bg"]])}
        i = template.find("{a}")
        if i >= 0:
            nxt = template[i + 4:].split(" ")[0].strip("{}")
            words["a"] = _article(words[nxt])
        return template.format(**words)
    words = {"size": rng.choice(ZH_SIZE[spec["size"]]), "color": rng.choice(ZH_COLOR[spec["color"]]),
             "shape": rng.choice(ZH_SHAPE[spec["shape"]]), "pos": rng.choice(ZH_POS[spec["pos"]]),
             "bg": rng.choice(ZH_BG[spec["bg"]])}
    return template.format(**words)


def _fix_articles(text):
    # "a" / "an" before the following word (the {a} slot of extra templates may be followed by any slot)
    return re.sub(r"\b(a|an) (\w)", lambda m: ("an " if m.group(2) in "aeiou" else "a ") + m.group(2), text)


def train_templates(lang):
    """(full templates, partial templates) of the training recipe; held-out templates excluded."""
    if lang == "en":
        full, part, held = EN_TRAIN_FULL + EN_TRAIN_EXTRA, EN_TRAIN_PARTIAL + EN_PARTIAL_EXTRA, EN_HELDOUT
    else:
        full, part, held = ZH_TRAIN_FULL + ZH_TRAIN_EXTRA, ZH_TRAIN_PARTIAL + ZH_PARTIAL_EXTRA, ZH_HELDOUT
    full = [t for t in full if t not in held]
    return full, [t for t, _ in part if t not in held]


def train_caption(spec, lang, rng):
    """Random training caption. 75% full templates, 25% partial ones; random prefix/suffix. Never a held-out
    template verbatim."""
    full, part = train_templates(lang)
    held = EN_HELDOUT if lang == "en" else ZH_HELDOUT
    while True:
        t = full[rng.integers(len(full))] if rng.random() < 0.75 else part[rng.integers(len(part))]
        pre = (EN_PREFIXES if lang == "en" else ZH_PREFIXES)
        suf = (EN_SUFFIXES if lang == "en" else ZH_SUFFIXES)
        t = pre[rng.integers(len(pre))] + t + suf[rng.integers(len(suf))]
        if t not in held:
            break
    if lang == "en":
        t = t.replace("{a}", "a")
        return _fix_articles(make_caption(spec, lang, t, rng))
    return make_caption(spec, lang, t, rng)


def all_vocab_words():
    """Every caption word/character any template can produce (used to build the tokenizer vocab)."""
    rng = np.random.default_rng(0)
    texts = []
    for spec in all_specs():
        for lang in ("en", "zh"):
            full, part = train_templates(lang)
            temps = full + part + (EN_HELDOUT if lang == "en" else ZH_HELDOUT)
            for t in temps:
                for _ in range(3):
                    texts.append(make_caption(spec, lang, t.replace("{a}", "a"), rng))
    texts.extend(EN_PREFIXES + ZH_PREFIXES + EN_SUFFIXES + ZH_SUFFIXES + ["an"])
    # make sure every synonym appears
    for d in (EN_SHAPE, EN_COLOR, EN_BG, EN_SIZE, EN_POS, ZH_SHAPE, ZH_COLOR, ZH_BG, ZH_SIZE, ZH_POS):
        for v in d.values():
            texts.extend(v)
    toks = set()
    for t in texts:
        toks.update(pre_tokenize(normalize(t)))
    return sorted(toks)


# ----------------------------------------------------------------------------------------------
# Renderer (4x supersampled, box-filtered down to 64x64)
# ----------------------------------------------------------------------------------------------
def shape_polygon(kind, cx, cy, r):
    if kind == "square":
        h = 0.86 * r
        return [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
    if kind == "triangle":
        R = 1.2 * r  # circumradius, centroid at (cx, cy), apex up
        return [(cx + R * math.sin(a), cy - R * math.cos(a)) for a in (0, 2 * math.pi / 3, 4 * math.pi / 3)]
    if kind == "star":
        R, q = 1.25 * r, 0.5 * 1.25 * r
        pts = []
        for k in range(10):
            a = k * math.pi / 5
            rr = R if k % 2 == 0 else q
            pts.append((cx + rr * math.sin(a), cy - rr * math.cos(a)))
        return pts
    raise ValueError(kind)


def render_mask(kind, cx, cy, r, size=IMAGE_SIZE, ss=4):
    """Anti-aliased coverage mask in [0,1], shape (size, size)."""
    im = Image.new("L", (size * ss, size * ss), 0)
    d = ImageDraw.Draw(im)
    if kind == "circle":
        d.ellipse([(cx - r) * ss, (cy - r) * ss, (cx + r) * ss, (cy + r) * ss], fill=255)
    else:
        d.polygon([(x * ss, y * ss) for x, y in shape_polygon(kind, cx, cy, r)], fill=255)
    im = im.resize((size, size), Image.BOX)
    return np.asarray(im, dtype=np.float32) / 255.0


def render(spec, rng=None):
    """Render a scene as uint8 HxWx3. rng adds small jitter (position +-3 px, radius +-8%)."""
    cx, cy = POSITIONS[spec["pos"]]
    r = SIZES[spec["size"]]
    if rng is not None:
        cx += rng.uniform(-3, 3)
        cy += rng.uniform(-3, 3)
        r *= rng.uniform(0.92, 1.08)
    m = render_mask(spec["shape"], cx, cy, r)[..., None]
    bg = np.array(BACKGROUNDS[spec["bg"]], np.float32)
    fg = np.array(COLORS[spec["color"]], np.float32)
    img = bg * (1 - m) + fg * m
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------------------------
# Tokenizer: identical to HF tokenizers' BertNormalizer(lowercase, handle_chinese_chars) +
# BertPreTokenizer + WordLevel + TemplateProcessing([BOS] $A [EOS]) + Fixed padding.
# ----------------------------------------------------------------------------------------------
PAD, UNK, BOS, EOS = "[PAD]", "[UNK]", "[BOS]", "[EOS]"
SPECIAL_TOKENS = [PAD, UNK, BOS, EOS]
MAX_LENGTH = 32


def _is_chinese_char(cp):
    # same ranges as tokenizers' BertNormalizer (and BERT's original _is_chinese_char)
    return ((0x4E00 <= cp <= 0x9FFF) or (0x3400 <= cp <= 0x4DBF) or (0x20000 <= cp <= 0x2A6DF)
            or (0x2A700 <= cp <= 0x2B73F) or (0x2B740 <= cp <= 0x2B81F) or (0x2B820 <= cp <= 0x2CEAF)
            or (0xF900 <= cp <= 0xFAFF) or (0x2F800 <= cp <= 0x2FA1F))


def _is_whitespace(c):
    return c in " \t\n\r" or c.isspace()


def _is_control(c):
    if c in "\t\n\r":
        return False
    return unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")


def _is_punct(c):
    cp = ord(c)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(c).startswith("P")


def normalize(text):
    out = []
    for c in text:  # clean_text
        if c == "\0" or c == "\ufffd" or _is_control(c):
            continue
        out.append(" " if _is_whitespace(c) else c)
    text = "".join(out)
    text = "".join(f" {c} " if _is_chinese_char(ord(c)) else c for c in text)  # handle_chinese_chars
    text = unicodedata.normalize("NFD", text)  # strip_accents (follows lowercase=True)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return text.lower()


def pre_tokenize(text):
    toks, cur = [], []
    for c in text:
        if _is_whitespace(c):
            if cur:
                toks.append("".join(cur))
                cur = []
        elif _is_punct(c):
            if cur:
                toks.append("".join(cur))
                cur = []
            toks.append(c)
        else:
            cur.append(c)
    if cur:
        toks.append("".join(cur))
    return toks


class Tokenizer:
    def __init__(self, vocab):
        self.vocab = dict(vocab)  # token -> id
        self.pad_id, self.unk_id = self.vocab[PAD], self.vocab[UNK]
        self.bos_id, self.eos_id = self.vocab[BOS], self.vocab[EOS]
        self.max_length = MAX_LENGTH

    @staticmethod
    def build():
        words = all_vocab_words()
        vocab = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
        for w in words:
            vocab.setdefault(w, len(vocab))
        return Tokenizer(vocab)

    @staticmethod
    def from_tokenizer_json(path):
        with open(path, encoding="utf-8") as f:
            return Tokenizer(json.load(f)["model"]["vocab"])

    def tokens(self, text):
        # added special tokens are matched on the raw text first (like tokenizers' AddedVocabulary)
        segs, i = [], 0
        while i < len(text):
            hit = next((s for s in SPECIAL_TOKENS if text.startswith(s, i)), None)
            if hit:
                segs.append((hit, True))
                i += len(hit)
            else:
                if segs and not segs[-1][1]:
                    segs[-1] = (segs[-1][0] + text[i], False)
                else:
                    segs.append((text[i], False))
                i += 1
        out = []
        for s, special in segs:
            out.extend([s] if special else pre_tokenize(normalize(s)))
        return out

    def encode(self, text):
        ids = [self.vocab.get(t, self.unk_id) for t in self.tokens(text)][: self.max_length - 2]
        ids = [self.bos_id] + ids + [self.eos_id]
        return ids + [self.pad_id] * (self.max_length - len(ids))

    def to_tokenizer_json(self):
        added = [{"id": self.vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for t in SPECIAL_TOKENS]
        return {
            "version": "1.0",
            "truncation": {"direction": "Right", "max_length": self.max_length, "strategy": "LongestFirst",
                           "stride": 0},
            "padding": {"strategy": {"Fixed": self.max_length}, "direction": "Right", "pad_to_multiple_of": None,
                        "pad_id": self.pad_id, "pad_type_id": 0, "pad_token": PAD},
            "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                           {"SpecialToken": {"id": EOS, "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": EOS, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                         {"SpecialToken": {"id": EOS, "type_id": 1}}],
                "special_tokens": {t: {"id": t, "ids": [self.vocab[t]], "tokens": [t]} for t in (BOS, EOS)},
            },
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordLevel", "vocab": self.vocab, "unk_token": UNK},
        }


# ----------------------------------------------------------------------------------------------
# Diffusion schedule (SD 1.x: scaled_linear, 1000 steps, epsilon prediction)
# ----------------------------------------------------------------------------------------------
NUM_TRAIN_TIMESTEPS = 1000
BETA_START, BETA_END = 0.00085, 0.012


def alphas_cumprod():
    # diffusers DDPM/Euler schedulers, beta_schedule == "scaled_linear"
    betas = np.linspace(BETA_START ** 0.5, BETA_END ** 0.5, NUM_TRAIN_TIMESTEPS, dtype=np.float32) ** 2
    return np.cumprod(1.0 - betas.astype(np.float64)).astype(np.float64)


# ----------------------------------------------------------------------------------------------
# Networks
# ----------------------------------------------------------------------------------------------
def gn(c):
    return nn.GroupNorm(8 if c % 8 == 0 else 1, c)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=0):
        super().__init__()
        self.n1, self.c1 = gn(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2, self.c2 = gn(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(emb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class Down(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c = nn.Conv2d(cin, cout, 3, stride=2, padding=1)  # ceil(h/2): any size works

    def forward(self, x):
        return self.c(x)


class Up2(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.c = nn.Conv2d(cin, cout, 3, padding=1)

    def forward(self, x):
        return self.c(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class VAEEncoder(nn.Module):
    """[B,3,H,W] in [-1,1] -> latent_parameters [B, 2*zc, H/8, W/8] (mean || logvar), like diffusers' moments."""

    def __init__(self, ch=(32, 48, 64, 64), zc=4):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        self.blocks = nn.ModuleList()
        for i in range(3):
            self.blocks.append(ResBlock(ch[i], ch[i]))
            self.blocks.append(Down(ch[i], ch[i + 1]))
        self.mid = ResBlock(ch[3], ch[3])
        self.norm_out = gn(ch[3])
        self.conv_out = nn.Conv2d(ch[3], 2 * zc, 3, padding=1)

    def forward(self, x):
        h = self.conv_in(x)
        for b in self.blocks:
            h = b(h)
        h = self.conv_out(F.silu(self.norm_out(self.mid(h))))
        mean, logvar = h.chunk(2, dim=1)
        return torch.cat([mean, logvar.clamp(-30.0, 20.0)], dim=1)


class VAEDecoder(nn.Module):
    """latent [B,zc,h,w] (unscaled, i.e. already divided by scaling_factor) -> [B,3,8h,8w] in ~[-1,1]."""

    def __init__(self, ch=(32, 48, 64, 64), zc=4):
        super().__init__()
        self.conv_in = nn.Conv2d(zc, ch[3], 3, padding=1)
        self.mid = ResBlock(ch[3], ch[3])
        self.blocks = nn.ModuleList()
        for i in (3, 2, 1):
            self.blocks.append(Up2(ch[i], ch[i - 1]))
            self.blocks.append(ResBlock(ch[i - 1], ch[i - 1]))
        self.norm_out = gn(ch[0])
        self.conv_out = nn.Conv2d(ch[0], 3, 3, padding=1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for b in self.blocks:
            h = b(h)
        return self.conv_out(F.silu(self.norm_out(h)))


def attention(q, k, v, heads, bias=None):
    B, Tq, C = q.shape
    d = C // heads
    q = q.reshape(B, Tq, heads, d).transpose(1, 2)
    k = k.reshape(B, k.shape[1], heads, d).transpose(1, 2)
    v = v.reshape(B, v.shape[1], heads, d).transpose(1, 2)
    w = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
    if bias is not None:
        w = w + bias
    o = torch.matmul(torch.softmax(w, dim=-1), v)
    return o.transpose(1, 2).reshape(B, Tq, C)


class TextLayer(nn.Module):
    def __init__(self, d, heads, ff):
        super().__init__()
        self.heads = heads
        self.ln1, self.qkv, self.proj = nn.LayerNorm(d), nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ln2, self.ff1, self.ff2 = nn.LayerNorm(d), nn.Linear(d, ff), nn.Linear(ff, d)

    def forward(self, x, bias):
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        x = x + self.proj(attention(q, k, v, self.heads, bias))
        return x + self.ff2(F.gelu(self.ff1(self.ln2(x))))


class TextEncoder(nn.Module):
    """CLIP-like text encoder (bidirectional, pad keys masked). input_ids [B,T] int64 ->
    last_hidden_state [B,T,D] (final LayerNorm output), pooler_output [B,D] (state at the [EOS] position)."""

    def __init__(self, vocab_size, d=128, layers=3, heads=4, ff=256, max_len=MAX_LENGTH, pad_id=0):
        super().__init__()
        self.pad_id, self.max_len = pad_id, max_len
        self.tok = nn.Embedding(vocab_size, d)
        self.pos = nn.Embedding(max_len, d)
        self.layers = nn.ModuleList([TextLayer(d, heads, ff) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)

    def forward(self, input_ids):
        ids = input_ids.long()
        notpad = (ids != self.pad_id)
        pos = torch.cumsum(torch.ones_like(ids), dim=1) - 1
        x = self.tok(ids) + self.pos(pos)
        bias = (1.0 - notpad.float())[:, None, None, :] * -10000.0
        for l in self.layers:
            x = l(x, bias)
        h = self.ln_f(x)
        eos_pos = notpad.long().sum(dim=1, keepdim=True) - 1  # [B,1]
        sel = (pos == eos_pos).float()  # [B,T]
        pooled = (h * sel[:, :, None]).sum(dim=1)
        return h, pooled


class SpatialTransformer(nn.Module):
    def __init__(self, c, ctx_dim, heads=4):
        super().__init__()
        self.heads = heads
        self.norm = gn(c)
        self.proj_in = nn.Conv2d(c, c, 1)
        self.ln1, self.qkv = nn.LayerNorm(c), nn.Linear(c, 3 * c)
        self.o1 = nn.Linear(c, c)
        self.ln2, self.q2, self.kv2 = nn.LayerNorm(c), nn.Linear(c, c), nn.Linear(ctx_dim, 2 * c)
        self.o2 = nn.Linear(c, c)
        self.ln3, self.ff1, self.ff2 = nn.LayerNorm(c), nn.Linear(c, 2 * c), nn.Linear(2 * c, c)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x, ctx):
        B, C, H, W = x.shape
        h = self.proj_in(self.norm(x))
        h = h.flatten(2).transpose(1, 2)  # [B, HW, C]
        q, k, v = self.qkv(self.ln1(h)).chunk(3, dim=-1)
        h = h + self.o1(attention(q, k, v, self.heads))
        k2, v2 = self.kv2(ctx).chunk(2, dim=-1)
        h = h + self.o2(attention(self.q2(self.ln2(h)), k2, v2, self.heads))
        h = h + self.ff2(F.gelu(self.ff1(self.ln3(h))))
        h = h.transpose(1, 2).reshape(x.shape)
        return x + self.proj_out(h)


class UNet(nn.Module):
    """Fully convolutional 2-level UNet with cross-attention.
    sample [B,4,h,w], timestep [B] or [1] float32 (0..999), encoder_hidden_states [B,T,D] -> eps [B,4,h,w].
    Any h, w >= 1 works: downsampling is a stride-2 conv (ceil) and upsampling resizes to the skip's size.

    prediction="v": the network body predicts v = sqrt(abar) eps - sqrt(1 - abar) x0 (Salimans & Ho 2022, "Progressive
    Distillation", sec. 4) and forward() converts it to eps = sqrt(abar) v + sqrt(1 - abar) x_t inside the graph, so the
    exported output is still epsilon (what every sampler and the package's prediction_type expect). At high noise an
    eps-predicting body barely learns the layout (an x0 error there is scaled by sqrt(SNR) ~ 0.07 in its loss); a
    v-predicting one has to name x0 directly. abar(t) is interpolated linearly for fractional timesteps (Karras)."""

    def __init__(self, ctx_dim=128, ch=(64, 128), zc=4, temb=256, heads=4, coords=False, prediction="epsilon"):
        super().__init__()
        if prediction not in ("epsilon", "v"):
            raise ValueError(f"prediction {prediction!r}")
        self.coords = coords
        self.prediction = prediction
        if prediction == "v":
            ac = torch.from_numpy(alphas_cumprod())
            self.register_buffer("sqrt_abar", ac.sqrt().float(), persistent=False)
            self.register_buffer("sqrt_1m_abar", (1 - ac).sqrt().float(), persistent=False)
        self.tdim = ch[0]
        self.temb = nn.Sequential(nn.Linear(ch[0], temb), nn.SiLU(), nn.Linear(temb, temb))
        half = ch[0] // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half))
        c0, c1 = ch
        self.conv_in = nn.Conv2d(zc, c0, 3, padding=1)
        if coords:  # CoordConv: normalised x/y in [-1,1] of the latent canvas, zero-initialised branch
            self.coord_in = nn.Conv2d(2, c0, 3, padding=1)
            nn.init.zeros_(self.coord_in.weight)
            nn.init.zeros_(self.coord_in.bias)
        self.d0r, self.d0a = ResBlock(c0, c0, temb), SpatialTransformer(c0, ctx_dim, heads)
        self.down = Down(c0, c1)
        self.d1r, self.d1a = ResBlock(c1, c1, temb), SpatialTransformer(c1, ctx_dim, heads)
        self.m1, self.ma, self.m2 = ResBlock(c1, c1, temb), SpatialTransformer(c1, ctx_dim, heads), ResBlock(c1, c1, temb)
        self.u1r, self.u1a = ResBlock(2 * c1, c1, temb), SpatialTransformer(c1, ctx_dim, heads)
        self.upc = nn.Conv2d(c1, c0, 3, padding=1)
        self.u0r, self.u0a = ResBlock(2 * c0, c0, temb), SpatialTransformer(c0, ctx_dim, heads)
        self.norm_out = gn(c0)
        self.conv_out = nn.Conv2d(c0, zc, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def abar_terms(self, timestep):
        """(sqrt(abar), sqrt(1 - abar)) at each timestep, [Bt,1,1,1], linear between integer timesteps."""
        t = timestep.float().reshape(-1).clamp(0, NUM_TRAIN_TIMESTEPS - 1)
        i0 = torch.floor(t)
        f = t - i0
        i0 = i0.long()
        i1 = torch.clamp(i0 + 1, max=NUM_TRAIN_TIMESTEPS - 1)

        def lerp(tab):
            return (tab[i0] * (1 - f) + tab[i1] * f)[:, None, None, None]
        return lerp(self.sqrt_abar), lerp(self.sqrt_1m_abar)

    def forward(self, sample, timestep, encoder_hidden_states):
        out = self.body(sample, timestep, encoder_hidden_states)
        if self.prediction == "v":
            sa, s1 = self.abar_terms(timestep)
            return sa * out + s1 * sample
        return out

    def body(self, sample, timestep, encoder_hidden_states):
        """The network itself: eps, or v when prediction == "v" (what training's loss compares)."""
        t = timestep.float().reshape(-1)
        a = t[:, None] * self.freqs[None, :]
        emb = self.temb(torch.cat([torch.cos(a), torch.sin(a)], dim=1))  # [Bt, temb]; Bt == B or 1
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        if self.coords:
            ones = torch.ones_like(sample[:, :1])  # [B,1,h,w]; dynamic-shape friendly (CumSum/ReduceSum)
            xs = (torch.cumsum(ones, dim=3) - 0.5) / ones.sum(dim=3, keepdim=True) * 2.0 - 1.0
            ys = (torch.cumsum(ones, dim=2) - 0.5) / ones.sum(dim=2, keepdim=True) * 2.0 - 1.0
            h = h + self.coord_in(torch.cat([xs, ys], dim=1))
        h0 = self.d0a(self.d0r(h, emb), ctx)
        h1 = self.d1a(self.d1r(self.down(h0), emb), ctx)
        h = self.m2(self.ma(self.m1(h1, emb), ctx), emb)
        h = self.u1a(self.u1r(torch.cat([h, h1], dim=1), emb), ctx)
        h = self.upc(F.interpolate(h, size=h0.shape[-2:], mode="nearest"))
        h = self.u0a(self.u0r(torch.cat([h, h0], dim=1), emb), ctx)
        return self.conv_out(F.silu(self.norm_out(h)))


DEFAULT_ARCH = {
    "vae": {"ch": [32, 48, 64, 64], "latent_channels": 4},
    "text": {"d": 128, "layers": 3, "heads": 4, "ff": 256, "max_len": MAX_LENGTH},
    "unet": {"ch": [48, 96], "temb": 192, "heads": 4},
}


def build_models(arch, vocab_size, pad_id):
    enc = VAEEncoder(tuple(arch["vae"]["ch"]), arch["vae"]["latent_channels"])
    dec = VAEDecoder(tuple(arch["vae"]["ch"]), arch["vae"]["latent_channels"])
    t = arch["text"]
    te = TextEncoder(vocab_size, t["d"], t["layers"], t["heads"], t["ff"], t["max_len"], pad_id)
    u = arch["unet"]
    unet = UNet(t["d"], tuple(u["ch"]), arch["vae"]["latent_channels"], u["temb"], u["heads"], u.get("coords", False),
                u.get("prediction", "epsilon"))
    return enc, dec, te, unet


def nparams(m):
    return sum(p.numel() for p in m.parameters())
