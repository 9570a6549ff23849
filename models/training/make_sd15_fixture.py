"""Tiny random-weight Stable Diffusion 1.5 packages in the folder layout and ONNX I/O contract of Optimum's export.

    /usr/bin/python3 models/training/make_sd15_fixture.py --out models/fixtures

The engine must load a real Optimum export of SD 1.5 / SD-Turbo through the same code as the bundled model. These
fixtures have the same files, input/output names, dtypes, ranks and dynamic axes, with networks a few KB big, so
the tests can run the whole pipeline on them. Two contracts exist in the wild, so two packages are written:

* ``optimum-sd15``: Optimum >= 1.24 and optimum-onnx (optimum/exporters/onnx/model_configs.py ``CLIPTextOnnxConfig``,
  ``UNetOnnxConfig``, ``VaeEncoderOnnxConfig``, ``VaeDecoderOnnxConfig``; optimum/exporters/utils.py
  ``_get_submodels_for_export_diffusion``): ``input_ids`` int64; ``timestep`` a float32 scalar (rank 0, from
  ``DummyTimestepInputGenerator``); the VAE encoder returns ``latent_parameters`` (mean and log-variance).
  Its scheduler and tokenizer follow SD-Turbo's (Euler, trailing spacing, ``!`` as the pad token).
* ``optimum-sd15-legacy``: Optimum 1.6 to 1.22: ``input_ids`` int32 (``CLIPTextOnnxConfig.generate_dummy_inputs``
  cast them until 1.24); ``timestep`` int64 of shape [steps]; the VAE encoder returns ``latent_sample``, a draw
  from the latent distribution (a RandomNormalLike in the graph). Scheduler and tokenizer as SD 1.5 ships them
  (PNDM, leading spacing, steps_offset 1, ``<|endoftext|>`` as the pad token).

Both carry a CLIP-style byte-level BPE ``tokenizer.json`` whose merges are learned here from a small caption
vocabulary; the special tokens keep CLIP's ids 49406/49407, so the text encoder takes ids up to 49407 without a
49408-row table: its token embedding is computed from the id (sin of the id times random frequencies, then a
linear map). ``fixtures/tokens.json`` holds the ids that CLIP's own BPE algorithm (reimplemented below from
openai/CLIP simple_tokenizer.py) gives for a set of texts, so a test can check that the tokenizer.json reproduces it.
Everything is seeded; the weights are random, so the images mean nothing.
"""
import argparse
import json
import os
import re
import shutil

import numpy as np
import onnx
import torch
from torch import nn
from torch.nn import functional as F

SEED = 1515
OPSET = 14  # Optimum's DEFAULT_ONNX_OPSET for the SD components (Trilu for CLIP's causal mask needs 14)
HIDDEN = 32
MAX_TOKENS = 77
BOS, EOS = 49406, 49407
MERGES = 400
SCALING_FACTOR = 0.18215
DIFFUSERS_VERSION = "0.30.0"

CORPUS = """
a photo of a cat sitting on a red sofa in the living room
a painting of a mountain landscape at sunset with a lake
an astronaut riding a horse on the moon, digital art
a large red circle on a white background
a small blue square on a black background
portrait of an old man with a beard, oil painting, highly detailed
a bowl of fruit on a wooden table, still life
a city street at night with neon lights and rain
a cute dog playing in the snow
a castle on a hill surrounded by clouds, fantasy art
a red sports car driving on a coastal road
a forest path in autumn with golden leaves
""".split()

# CLIP's pre-tokenization regex (openai/CLIP simple_tokenizer.py; the same in transformers' CLIPConverter).
CLIP_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
# Python's re has no \p{..}: letters are [^\W\d_], numbers \d (the same classes on the texts of the token fixture).
PY_PATTERN = re.compile(r"'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+", re.IGNORECASE)

TOKEN_TEXTS = [
    "",
    "a photo of a cat",
    "A Large RED Circle on a WHITE background.",
    "an astronaut riding a horse on the moon, digital art",
    "  spaced   out\ttext\n here  ",
    "it's the cat's toy, isn't it?",
    "zebra xylophone quokka",
    "12 cats and 3 dogs!!!",
    "a bowl of fruit " * 30,
]


def bytes_to_unicode():
    """GPT-2/CLIP's reversible byte -> printable character map (openai/CLIP simple_tokenizer.py bytes_to_unicode)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, [chr(c) for c in chars]))


BYTE_CHARS = bytes_to_unicode()


def word_symbols(word):
    """A pre-token as BPE symbols: its bytes as characters, the last one marked as the end of a word."""
    chars = [BYTE_CHARS[b] for b in word.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def learn_merges(words, count):
    """Greedy BPE merge learning (Sennrich et al. 2016): repeatedly join the most frequent adjacent pair."""
    freq = {}
    for w in words:
        for piece in PY_PATTERN.findall(w.lower()):
            key = word_symbols(piece)
            freq[key] = freq.get(key, 0) + 1
    merges = []
    for _ in range(count):
        pairs = {}
        for symbols, n in freq.items():
            for pair in zip(symbols, symbols[1:]):
                pairs[pair] = pairs.get(pair, 0) + n
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        joined = {}
        for symbols, n in freq.items():
            out, i = [], 0
            while i < len(symbols):
                if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == best:
                    out.append(symbols[i] + symbols[i + 1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            joined[tuple(out)] = joined.get(tuple(out), 0) + n
        freq = joined
    return merges


def build_vocab(merges):
    """CLIP's vocabulary order: 256 byte characters, the same with </w>, one token per merge; specials at 49406/49407."""
    base = list(BYTE_CHARS.values())
    tokens = base + [c + "</w>" for c in base] + ["".join(m) for m in merges]
    vocab = {t: i for i, t in enumerate(tokens)}
    vocab["<|startoftext|>"] = BOS
    vocab["<|endoftext|>"] = EOS
    return vocab


def clip_bpe(piece, ranks):
    """openai/CLIP simple_tokenizer.py SimpleTokenizer.bpe: merge the lowest-ranked pair until none applies."""
    symbols = list(word_symbols(piece))
    while len(symbols) > 1:
        pairs = [(ranks.get((a, b), float("inf")), i) for i, (a, b) in enumerate(zip(symbols, symbols[1:]))]
        rank, _ = min(pairs)
        if rank == float("inf"):
            break
        a, b = next((symbols[i], symbols[i + 1]) for r, i in pairs if r == rank)
        out, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(symbols[i])
                i += 1
        symbols = out
    return symbols


def clip_encode(text, vocab, ranks):
    """CLIP's ids for a prompt as diffusers feeds them: whitespace collapsed, lowercased, BOS + tokens + EOS,
    truncated to 77 (keeping EOS), without padding."""
    text = re.sub(r"\s+", " ", text).strip().lower()
    ids = []
    for piece in PY_PATTERN.findall(text):
        ids += [vocab[s] for s in clip_bpe(piece, ranks)]
    return [BOS] + ids[: MAX_TOKENS - 2] + [EOS]


def tokenizer_json(vocab, merges):
    """The tokenizers serialisation transformers' CLIPConverter produces for CLIP (BPE with </w>, NFC + whitespace
    + lowercase normaliser, CLIP regex split + byte-level pre-tokenizer, RobertaProcessing with BOS/EOS)."""
    special = lambda i, t: {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                            "normalized": True, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(BOS, "<|startoftext|>"), special(EOS, "<|endoftext|>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
            {"type": "Lowercase"},
        ]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": CLIP_PATTERN}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        ]},
        "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", EOS], "cls": ["<|startoftext|>", BOS],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [f"{a} {b}" for a, b in merges]},
    }


class TextEncoder(nn.Module):
    """CLIP-text-shaped: token + position embeddings, one causal pre-LN transformer layer, final LayerNorm;
    pooler_output is the state at the first EOS (the largest id), as transformers' CLIPTextTransformer takes it."""

    def __init__(self):
        super().__init__()
        self.freq = nn.Parameter(torch.rand(HIDDEN) * 0.05)
        self.phase = nn.Parameter(torch.rand(HIDDEN) * 6.283)
        self.token = nn.Linear(HIDDEN, HIDDEN)
        self.position = nn.Parameter(torch.randn(MAX_TOKENS, HIDDEN) * 0.1)
        self.ln1 = nn.LayerNorm(HIDDEN)
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)
        self.proj = nn.Linear(HIDDEN, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN)
        self.mlp = nn.Sequential(nn.Linear(HIDDEN, 2 * HIDDEN), nn.GELU(), nn.Linear(2 * HIDDEN, HIDDEN))
        self.final = nn.LayerNorm(HIDDEN)

    def forward(self, input_ids):
        ids = input_ids.to(torch.float32)
        seq = input_ids.shape[1]
        x = self.token(torch.sin(ids[..., None] * self.freq + self.phase)) + self.position[:seq]
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        scores = q @ k.transpose(1, 2) / HIDDEN ** 0.5
        steps = torch.arange(seq)
        scores = scores.masked_fill(steps[None, :] > steps[:, None], float("-inf"))
        x = x + self.proj(scores.softmax(-1) @ v)
        x = x + self.mlp(self.ln2(x))
        last = self.final(x)
        eos = ids.argmax(dim=-1)
        pooled = last[torch.arange(last.shape[0]), eos]
        return last, pooled


class UNet(nn.Module):
    """UNet2DConditionModel-shaped: sinusoidal timestep embedding, a ResBlock, one downsampling, cross-attention to
    the text at the low resolution, one 2x upsampling, 4-channel noise prediction."""

    def __init__(self):
        super().__init__()
        c = 16
        self.conv_in = nn.Conv2d(4, c, 3, padding=1)
        self.time = nn.Sequential(nn.Linear(c, 2 * c), nn.SiLU(), nn.Linear(2 * c, c))
        self.res = nn.Sequential(nn.GroupNorm(4, c), nn.SiLU(), nn.Conv2d(c, c, 3, padding=1))
        self.down = nn.Conv2d(c, 2 * c, 3, stride=2, padding=1)
        self.norm = nn.GroupNorm(4, 2 * c)
        self.q = nn.Linear(2 * c, 2 * c)
        self.kv = nn.Linear(HIDDEN, 4 * c)
        self.out = nn.Linear(2 * c, 2 * c)
        self.up = nn.Conv2d(2 * c, c, 3, padding=1)
        self.merge = nn.Conv2d(2 * c, c, 3, padding=1)
        self.conv_out = nn.Sequential(nn.GroupNorm(4, c), nn.SiLU(), nn.Conv2d(c, 4, 3, padding=1))

    def forward(self, sample, timestep, encoder_hidden_states):
        b = sample.shape[0]
        # diffusers UNet2DConditionModel.get_time_embed: a scalar becomes [1], then it is broadcast over the batch
        t = timestep.to(torch.float32).reshape(-1).expand(b)
        half = 8
        freqs = torch.exp(-torch.arange(half, dtype=torch.float32) * (np.log(10000.0) / half))
        emb = self.time(torch.cat([torch.sin(t[:, None] * freqs), torch.cos(t[:, None] * freqs)], dim=1))
        h = self.conv_in(sample)
        skip = h + self.res(h) + emb[:, :, None, None]
        x = self.down(skip)
        n, ch, hh, ww = x.shape
        tokens = self.norm(x).flatten(2).transpose(1, 2)
        k, v = self.kv(encoder_hidden_states).chunk(2, dim=-1)
        attn = (self.q(tokens) @ k.transpose(1, 2) / ch ** 0.5).softmax(-1)
        x = x + self.out(attn @ v).transpose(1, 2).reshape(n, ch, hh, ww)
        # a fixed factor, as a traced UNet2DConditionModel upsamples: odd latent sizes fail at the skip connection
        x = self.up(F.interpolate(x, scale_factor=2.0, mode="nearest"))
        return self.conv_out(self.merge(torch.cat([x, skip], dim=1))) * 0.1


class VaeDecoder(nn.Module):
    """Latents [b, 4, h, w] -> pixels [b, 3, 8h, 8w]."""

    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(4, 8, 3, padding=1)
        self.ups = nn.ModuleList(nn.Conv2d(8, 8, 3, padding=1) for _ in range(3))
        self.conv_out = nn.Conv2d(8, 3, 3, padding=1)

    def forward(self, latent_sample):
        x = self.conv_in(latent_sample)
        for conv in self.ups:
            x = F.silu(conv(F.interpolate(x, scale_factor=2.0, mode="nearest")))
        return torch.tanh(self.conv_out(x))


class VaeEncoder(nn.Module):
    """Pixels [b, 3, H, W] -> the latent distribution's parameters [b, 8, H/8, W/8] (mean ‖ log-variance), or, for the
    legacy contract, a draw from it (diffusers DiagonalGaussianDistribution.sample: mean + exp(logvar/2)·ε)."""

    def __init__(self, legacy):
        super().__init__()
        self.legacy = legacy
        self.conv_in = nn.Conv2d(3, 8, 3, padding=1)
        self.downs = nn.ModuleList(nn.Conv2d(8, 8, 3, stride=2, padding=1) for _ in range(3))
        self.conv_out = nn.Conv2d(8, 8, 3, padding=1)

    def forward(self, sample):
        x = self.conv_in(sample)
        for conv in self.downs:
            x = F.silu(conv(x))
        parameters = self.conv_out(x)
        if not self.legacy:
            return parameters
        mean, logvar = parameters.chunk(2, dim=1)
        return mean + torch.exp(0.5 * logvar.clamp(-30.0, 20.0)) * torch.randn_like(mean)


def export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module.eval(), args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def io_summary(path):
    """Name, element type and dims of each graph input and output, as the ONNX file declares them."""
    graph = onnx.load(path).graph
    initializers = {i.name for i in graph.initializer}

    def describe(value):
        t = value.type.tensor_type
        dims = [d.dim_param or d.dim_value for d in t.shape.dim]
        return {"name": value.name, "type": onnx.TensorProto.DataType.Name(t.elem_type).lower(), "dims": dims}

    return {"inputs": [describe(v) for v in graph.input if v.name not in initializers],
            "outputs": [describe(v) for v in graph.output]}


def make_package(out, legacy, vocab, merges, ranks):
    torch.manual_seed(SEED + (1 if legacy else 0))
    shutil.rmtree(out, ignore_errors=True)
    id_type = torch.int32 if legacy else torch.int64
    ids = torch.tensor([clip_encode("a photo of a cat", vocab, ranks) + [EOS] * 70] * 2, dtype=id_type)[:, :MAX_TOKENS]
    export(TextEncoder(), (ids,), f"{out}/text_encoder/model.onnx", ["input_ids"], ["last_hidden_state", "pooler_output"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}})

    sample = torch.randn(2, 4, 8, 8)
    context = torch.randn(2, MAX_TOKENS, HIDDEN)
    if legacy:
        timestep, timestep_axes = torch.tensor([981, 981], dtype=torch.int64), {0: "steps"}
    else:
        timestep, timestep_axes = torch.tensor(981.0), {}
    unet_axes = {"sample": {0: "batch_size", 2: "height", 3: "width"}, "timestep": timestep_axes,
                 "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
                 "out_sample": {0: "batch_size", 2: "height", 3: "width"}}
    export(UNet(), (sample, timestep, context), f"{out}/unet/model.onnx",
           ["sample", "timestep", "encoder_hidden_states"], ["out_sample"], unet_axes)

    export(VaeDecoder(), (torch.randn(1, 4, 8, 8),), f"{out}/vae_decoder/model.onnx", ["latent_sample"], ["sample"],
           {"latent_sample": {0: "batch_size", 2: "latent_height", 3: "latent_width"},
            "sample": {0: "batch_size", 2: "latent_height * 8", 3: "latent_width * 8"}})
    encoder_output = "latent_sample" if legacy else "latent_parameters"
    export(VaeEncoder(legacy), (torch.randn(1, 3, 64, 64),), f"{out}/vae_encoder/model.onnx", ["sample"], [encoder_output],
           {"sample": {0: "batch_size", 2: "sample_height", 3: "sample_width"},
            encoder_output: {0: "batch_size", 2: "sample_height / 8", 3: "sample_width / 8"}})

    write_json(f"{out}/model_index.json", {
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": ["transformers", "CLIPImageProcessor"],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler" if legacy else "EulerDiscreteScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    })
    scheduler = {"_class_name": "PNDMScheduler", "_diffusers_version": DIFFUSERS_VERSION, "beta_start": 0.00085,
                 "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
                 "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None,
                 "clip_sample": False}
    if not legacy:
        scheduler.update({"_class_name": "EulerDiscreteScheduler", "prediction_type": "epsilon",
                          "timestep_spacing": "trailing", "interpolation_type": "linear", "use_karras_sigmas": False})
    write_json(f"{out}/scheduler/scheduler_config.json", scheduler)
    write_json(f"{out}/text_encoder/config.json", {
        "_name_or_path": "tiny-random-clip-text", "architectures": ["CLIPTextModel"], "model_type": "clip_text_model",
        "hidden_size": HIDDEN, "intermediate_size": 2 * HIDDEN, "num_hidden_layers": 1, "num_attention_heads": 1,
        "max_position_embeddings": MAX_TOKENS, "vocab_size": EOS + 1, "hidden_act": "gelu", "projection_dim": HIDDEN,
        "bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": 1, "torch_dtype": "float32"})
    write_json(f"{out}/unet/config.json", {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION, "sample_size": 8,
        "in_channels": 4, "out_channels": 4, "cross_attention_dim": HIDDEN, "block_out_channels": [16, 32],
        "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"], "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
        "layers_per_block": 1, "norm_num_groups": 4, "attention_head_dim": 8, "time_cond_proj_dim": None})
    vae = {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "in_channels": 3, "out_channels": 3,
           "latent_channels": 4, "block_out_channels": [8, 8, 8, 8], "layers_per_block": 1, "norm_num_groups": 4,
           "down_block_types": ["DownEncoderBlock2D"] * 4, "up_block_types": ["UpDecoderBlock2D"] * 4,
           "sample_size": 64, "scaling_factor": SCALING_FACTOR}
    write_json(f"{out}/vae_decoder/config.json", vae)
    write_json(f"{out}/vae_encoder/config.json", vae)

    pad = "<|endoftext|>" if legacy else "!"
    write_json(f"{out}/tokenizer/tokenizer.json", tokenizer_json(vocab, merges))
    write_json(f"{out}/tokenizer/vocab.json", vocab)
    with open(f"{out}/tokenizer/merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    write_json(f"{out}/tokenizer/tokenizer_config.json", {
        "tokenizer_class": "CLIPTokenizer", "model_max_length": MAX_TOKENS, "do_lower_case": True,
        "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": pad})
    write_json(f"{out}/tokenizer/special_tokens_map.json", {
        "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": pad})

    pad_id = vocab[pad]
    cases = []
    for text in TOKEN_TEXTS:
        tokens = clip_encode(text, vocab, ranks)
        cases.append({"text": text, "ids": tokens + [pad_id] * (MAX_TOKENS - len(tokens))})
    write_json(f"{out}/fixtures/tokens.json", {"max_length": MAX_TOKENS, "pad_id": pad_id, "cases": cases})
    write_json(f"{out}/fixtures/io.json", {name: io_summary(f"{out}/{name}/model.onnx")
                                           for name in ["text_encoder", "unet", "vae_encoder", "vae_decoder"]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="models/fixtures")
    args = parser.parse_args()
    torch.manual_seed(SEED)
    merges = learn_merges(CORPUS, MERGES)
    vocab = build_vocab(merges)
    ranks = {pair: i for i, pair in enumerate(merges)}
    for name, legacy in [("optimum-sd15", False), ("optimum-sd15-legacy", True)]:
        make_package(os.path.join(args.out, name), legacy, vocab, merges, ranks)
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(args.out, name)) for f in fs)
        print(f"wrote {os.path.join(args.out, name)} ({size / 1024:.0f} KiB, {len(vocab)} tokens, {len(merges)} merges)")


if __name__ == "__main__":
    main()
