"""Export a tiny-shapes checkpoint to the diffusers/Optimum ONNX layout, plus configs, tokenizer and token fixtures.

    /usr/bin/python3 models/training/export_onnx.py --ckpt models/training/checkpoints/tiny-shapes.pt --out models/tiny-shapes

ONNX graphs are exported WITHOUT constant folding so every initializer keeps its PyTorch state_dict name;
reference_sampler.py can therefore rebuild the torch modules from the .onnx files alone.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import easel_common as C  # noqa: E402

MODEL_ID = "tiny-shapes"
VERSION = "1.2.0"
OPSET = 17
DIFFUSERS_VERSION = "0.30.0"

SCHEDULER_CONFIG = {
    "_class_name": "EulerDiscreteScheduler",
    "_diffusers_version": DIFFUSERS_VERSION,
    "num_train_timesteps": C.NUM_TRAIN_TIMESTEPS,
    "beta_start": C.BETA_START,
    "beta_end": C.BETA_END,
    "beta_schedule": "scaled_linear",
    "trained_betas": None,
    "prediction_type": "epsilon",
    "timestep_spacing": "trailing",
    "steps_offset": 0,
    "interpolation_type": "linear",
    "use_karras_sigmas": False,
    "timestep_type": "discrete",
    "rescale_betas_zero_snr": False,
    "final_sigmas_type": "zero",
    "clip_sample": False,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
}

TOKEN_FIXTURE_TEXTS = [
    "",
    "a red circle on a blue background",
    "A Large RED Circle on the left, on a WHITE background.",
    "red circle, large, on the left, white background",
    "an orange star at the top on a grey background",
    "little pink triangle in the centre!!",
    "  big   brown\tsquare\n at the bottom  ",
    "a purple unicorn on the moon",
    "Green squares? No: circle; (yellow) & [blue]...",
    "café crème circle",
    "a red circle [EOS] extra",
    "一个白色背景上的红色圆形",
    "左边的大红色圆",
    "黑色背景上左边有一个大的黄色星形",
    "一个小蓝色三角形在右侧，背景是灰色。",
    "画一只可爱的熊猫",
    "紫色的五角星（很大）！",
    "红色 circle on 白色 background",
    "ＲＥＤ circle",
    "a red circle " * 8,
    "在灰色背景的底部，有一个小的粉红色正方形",
]


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=2)
        f.write("\n")


class _TextWrap(torch.nn.Module):
    def __init__(self, te):
        super().__init__()
        self.te = te

    def forward(self, input_ids):
        return self.te(input_ids)


def _export(model, args, path, in_names, out_names, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    model.eval()
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=in_names, output_names=out_names, dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=False, export_params=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    return m


def load_models(ckpt):
    enc, dec, te, unet = C.build_models(ckpt["arch"], len(ckpt["vocab"]), ckpt["vocab"][C.PAD])
    enc.load_state_dict(ckpt["vae_encoder"])
    dec.load_state_dict(ckpt["vae_decoder"])
    te.load_state_dict(ckpt["text_encoder"])
    unet.load_state_dict(ckpt["unet"])
    for m in (enc, dec, te, unet):
        m.eval()
    return enc, dec, te, unet


def write_token_fixtures(tok, out):
    items = [{"text": t, "tokens": tok.tokens(t), "input_ids": tok.encode(t)} for t in TOKEN_FIXTURE_TEXTS]
    write_json(os.path.join(out, "fixtures", "tokens.json"), {
        "max_length": tok.max_length, "pad_id": tok.pad_id, "bos_id": tok.bos_id, "eos_id": tok.eos_id,
        "unk_id": tok.unk_id, "padding": "max_length (right, with pad_id)",
        "truncation": "content tokens cut to max_length-2, then [BOS] ... [EOS]",
        "cases": items})


def export_package(ckpt_path, out):
    ckpt = torch.load(ckpt_path, map_location="cpu")
    arch, scale = ckpt["arch"], float(ckpt["scaling_factor"])
    tok = C.Tokenizer(ckpt["vocab"])
    enc, dec, te, unet = load_models(ckpt)
    D = arch["text"]["d"]
    zc = arch["vae"]["latent_channels"]

    # --- ONNX ---
    ids = torch.tensor([tok.encode("a red circle"), tok.encode("")], dtype=torch.int64)
    _export(_TextWrap(te), (ids,), os.path.join(out, "text_encoder", "model.onnx"), ["input_ids"],
            ["last_hidden_state", "pooler_output"],
            {"input_ids": {0: "batch_size", 1: "sequence_length"},
             "last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}})
    _export(unet, (torch.randn(2, zc, 8, 8), torch.tensor([999.0, 999.0]), torch.randn(2, C.MAX_LENGTH, D)),
            os.path.join(out, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
            {"sample": {0: "batch_size", 2: "height", 3: "width"}, "timestep": {0: "timestep_batch"},
             "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
             "out_sample": {0: "batch_size", 2: "height", 3: "width"}})
    _export(enc, (torch.randn(1, 3, 64, 64),), os.path.join(out, "vae_encoder", "model.onnx"), ["sample"],
            ["latent_parameters"], {"sample": {0: "batch_size", 2: "sample_height", 3: "sample_width"},
                                    "latent_parameters": {0: "batch_size", 2: "sample_height / 8", 3: "sample_width / 8"}})
    # torch leaves the concatenated channel dim symbolic; pin it to 2*latent_channels like Optimum's export
    p_enc = os.path.join(out, "vae_encoder", "model.onnx")
    m_enc = onnx.load(p_enc)
    d1 = m_enc.graph.output[0].type.tensor_type.shape.dim[1]
    d1.ClearField("dim_param")
    d1.dim_value = 2 * zc
    onnx.checker.check_model(m_enc, full_check=True)
    onnx.save(m_enc, p_enc)
    _export(dec, (torch.randn(1, zc, 8, 8),), os.path.join(out, "vae_decoder", "model.onnx"), ["latent_sample"],
            ["sample"], {"latent_sample": {0: "batch_size", 2: "latent_height", 3: "latent_width"},
                         "sample": {0: "batch_size", 2: "latent_height * 8", 3: "latent_width * 8"}})

    # --- configs ---
    vae_cfg = {
        "_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "in_channels": 3, "out_channels": 3,
        "latent_channels": zc, "scaling_factor": scale, "shift_factor": None, "sample_size": 64,
        "block_out_channels": arch["vae"]["ch"],
        "down_block_types": ["DownEncoderBlock2D"] * 4, "up_block_types": ["UpDecoderBlock2D"] * 4,
        "layers_per_block": 1, "norm_num_groups": 8, "act_fn": "silu",
        "easel_arch": {"class": "VAEEncoder/VAEDecoder (models/training/easel_common.py)", **arch["vae"]},
    }
    write_json(os.path.join(out, "vae_encoder", "config.json"), vae_cfg)
    write_json(os.path.join(out, "vae_decoder", "config.json"), vae_cfg)
    t = arch["text"]
    write_json(os.path.join(out, "text_encoder", "config.json"), {
        "architectures": ["EaselTextEncoder"], "model_type": "clip_text_model", "hidden_size": t["d"],
        "intermediate_size": t["ff"], "num_hidden_layers": t["layers"], "num_attention_heads": t["heads"],
        "max_position_embeddings": t["max_len"], "vocab_size": len(tok.vocab), "hidden_act": "gelu",
        "pad_token_id": tok.pad_id, "bos_token_id": tok.bos_id, "eos_token_id": tok.eos_id,
        "projection_dim": t["d"], "attention": "bidirectional, [PAD] keys masked",
        "easel_arch": {"class": "TextEncoder (models/training/easel_common.py)", **t}})
    u = arch["unet"]
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION, "sample_size": 8,
        "in_channels": zc, "out_channels": zc, "cross_attention_dim": D, "block_out_channels": u["ch"],
        "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
        "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], "attention_head_dim": u["ch"][0] // u["heads"],
        "layers_per_block": 1, "norm_num_groups": 8, "time_cond_proj_dim": None, "addition_embed_type": None,
        "timestep_input": {"dtype": "float32", "shape": "[timestep_batch] (1 or batch_size)"},
        "easel_arch": {"class": "UNet (models/training/easel_common.py)", **u, "ctx_dim": D}})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), SCHEDULER_CONFIG)
    write_json(os.path.join(out, "tokenizer", "tokenizer.json"), tok.to_tokenizer_json())
    write_json(os.path.join(out, "tokenizer", "tokenizer_config.json"), {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": tok.max_length, "padding_side": "right",
        "truncation_side": "right", "pad_token": C.PAD, "unk_token": C.UNK, "bos_token": C.BOS, "eos_token": C.EOS,
        "do_lower_case": True, "clean_up_tokenization_spaces": True})
    write_json(os.path.join(out, "tokenizer", "special_tokens_map.json"), {
        "pad_token": C.PAD, "unk_token": C.UNK, "bos_token": C.BOS, "eos_token": C.EOS})
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None], "safety_checker": [None, None], "requires_safety_checker": False,
        "scheduler": ["diffusers", "EulerDiscreteScheduler"],
        "text_encoder": ["diffusers", "OnnxRuntimeModel"], "tokenizer": ["transformers", "PreTrainedTokenizerFast"],
        "unet": ["diffusers", "OnnxRuntimeModel"], "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
        "vae_encoder": ["diffusers", "OnnxRuntimeModel"],
        "easel": {
            "model_id": MODEL_ID, "version": VERSION, "default_width": 64, "default_height": 64,
            "max_width": 256, "max_height": 256, "pixel_stride": 8, "default_steps": 20, "default_guidance_scale": 5.0,
            "default_scheduler": "euler",
            "schedulers": ["euler", "euler_ancestral", "ddim", "dpmpp_2m", "dpmpp_2m_karras", "lcm"],
            "latent_channels": zc, "vae_scale_factor": 8, "vae_scaling_factor": scale,
            "max_token_length": tok.max_length, "languages": ["en", "zh"], "prediction_type": "epsilon",
            "timestep_dtype": "float32", "input_ids_dtype": "int64",
            "kinds": ["text-to-image", "image-to-image", "inpaint", "outpaint"],
        }})
    write_token_fixtures(tok, out)
    sizes = {k: os.path.getsize(os.path.join(out, k, "model.onnx"))
             for k in ("text_encoder", "unet", "vae_encoder", "vae_decoder")}
    print("exported", out, sizes, "total MB %.2f" % (sum(sizes.values()) / 2 ** 20), flush=True)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--ckpt", default=os.path.join(here, "checkpoints", "tiny-shapes.pt"))
    ap.add_argument("--out", default=os.path.join(here, "..", "tiny-shapes"))
    a = ap.parse_args()
    export_package(a.ckpt, a.out)


if __name__ == "__main__":
    main()
