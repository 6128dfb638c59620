"""The StyleGAN2 teacher: the rosinality layout, our forward pass, the teacher's frame and matte, and a random
checkpoint taken end to end to an exported style."""
import argparse
import json
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from training.seeds import seeds_to_z
from training.stylegan2 import (Arch, LayoutError, StyleGAN2, _upsample2x, blur_kernel, check_layout, expected_layout,
                                infer_arch, load_checkpoint, random_state_dict, save_random_checkpoint,
                                standard_channels)
from training.teachers.stylegan2 import FFHQ_CANONICAL, soft_matte, write_descriptor, z_to_teacher
from training.teachers import make_teacher

SMALL = Arch(size=32, style_dim=64, n_mlp=2, channels=(16, 16, 8, 8))


@pytest.fixture(scope="module")
def small_ckpt(tmp_path_factory):
    return save_random_checkpoint(tmp_path_factory.mktemp("sg2") / "small.pt", SMALL, seed=3)


@pytest.fixture(scope="module")
def descriptor(small_ckpt):
    return write_descriptor(small_ckpt.parent / "teacher.json", small_ckpt, "small", "Apache-2.0", "random weights")


def desc_path(small_ckpt):
    return str(small_ckpt.parent / "teacher.json")


# --- the layout ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size,n_latent", [(256, 14), (512, 16), (1024, 18)])
def test_public_sizes_have_the_public_layout(size, n_latent):
    arch = Arch(size, 512, 8, standard_channels(size))
    layout = expected_layout(arch)
    assert arch.n_latent == n_latent and arch.num_layers == n_latent - 1
    levels = n_latent // 2 - 1
    top = 32 * 1024 // size  # 16 * channel_multiplier 2 at 1024 px, doubling per halving
    assert layout[f"convs.{2 * levels - 1}.conv.weight"] == (1, top, top, 3, 3)
    assert layout[f"to_rgbs.{levels - 1}.upsample.kernel"] == (4, 4)
    assert layout[f"noises.noise_{n_latent - 2}"] == (1, 1, size, size)
    assert f"convs.{2 * levels}.conv.weight" not in layout and "to_rgb1.upsample.kernel" not in layout
    # what a checkpoint of that size claims, read from shapes alone (meta tensors: no memory), and checked in full
    sd = {k: torch.empty(v, device="meta") for k, v in layout.items()}
    assert infer_arch(sd) == arch
    check_layout(sd, arch)
    if size == 1024:  # the parameter count NVIDIA's StyleGAN2 reports for its 1024 px config-f generator
        params = sum(np.prod(v) for k, v in layout.items() if not k.startswith("noises.") and "kernel" not in k)
        assert params == 30_370_060


def test_a_random_checkpoint_loads_as_written(small_ckpt):
    sd, avg, arch = load_checkpoint(small_ckpt)
    assert arch == SMALL
    assert avg.shape == (64,)
    assert set(sd) == set(expected_layout(SMALL))


def _rewrite(path, tmp_path, change):
    ck = torch.load(path)
    change(ck)
    out = tmp_path / "changed.pt"
    torch.save(ck, out)
    return out


def _pop(key):
    return lambda ck: ck["g_ema"].pop(key)


def _set(key, value):
    return lambda ck: ck["g_ema"].__setitem__(key, value)


MISMATCHES = [
    ("a missing key", _pop("convs.3.activate.bias"), "missing key 'convs.3.activate.bias' (expected shape [8])"),
    ("a wrong shape", _set("to_rgbs.1.conv.modulation.weight", torch.zeros(8, 32)),
     "to_rgbs.1.conv.modulation.weight: expected shape [8, 64], got [8, 32]"),
    ("an extra key", _set("convs.0.conv.bias", torch.zeros(16)), "unexpected key 'convs.0.conv.bias' (shape [16])"),
    ("another blur filter", _set("convs.2.conv.blur.kernel", torch.ones(4, 4) / 4),
     "convs.2.conv.blur.kernel: expected the [1, 3, 3, 1] resampling filter"),
    ("no g_ema", lambda ck: ck.pop("g_ema"), "expected a dict with 'g_ema'"),
    ("NVIDIA's layout", lambda ck: ck.__setitem__("g_ema", {"mapping.fc0.weight": torch.zeros(2, 2)}),
     "expected key 'style.1.weight'"),
    ("a latent_avg of another size", lambda ck: ck.__setitem__("latent_avg", torch.zeros(1, 32)),
     "latent_avg: expected shape [64] or [1, 64], got [1, 32]"),
]


@pytest.mark.parametrize("what,change,message", MISMATCHES, ids=[m[0] for m in MISMATCHES])
def test_a_mismatching_checkpoint_names_the_first_difference(small_ckpt, tmp_path, what, change, message):
    with pytest.raises(LayoutError, match=re.escape(message)):
        load_checkpoint(_rewrite(small_ckpt, tmp_path, change))


def test_nvidia_keys_get_a_hint():
    with pytest.raises(LayoutError, match="NVIDIA's stylegan2-ada-pytorch layout"):
        infer_arch({"mapping.fc0.weight": torch.zeros(2, 2), "synthesis.b4.const": torch.zeros(1)})


def test_a_training_checkpoint_with_pickled_args_needs_trust(small_ckpt, tmp_path):
    path = _rewrite(small_ckpt, tmp_path, lambda ck: ck.__setitem__("args", argparse.Namespace(size=32)))
    with pytest.raises(LayoutError, match="--trust-pickle"):
        load_checkpoint(path)
    assert load_checkpoint(path, trust_pickle=True)[2] == SMALL


# --- the forward pass ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_gen(small_ckpt):
    sd, avg, arch = load_checkpoint(small_ckpt)
    return StyleGAN2(sd, arch, avg).eval()


@pytest.mark.parametrize("layer,up", [("convs.1.conv", False), ("convs.2.conv", True)])
def test_modulated_conv_is_the_papers_formula(small_gen, layer, up):
    """Per sample: w' = s * w, w'' = w' / sqrt(sum w'^2 + 1e-8), then the conv (transposed, stride 2, and the
    blur when upsampling) with w''; our batched form scales the input and the output instead."""
    g = torch.Generator().manual_seed(0)
    x, w = torch.randn(3, 16, 8, 8, generator=g), torch.randn(3, 64, generator=g)
    weight = small_gen.t(f"{layer}.weight")[0] / np.sqrt(16 * 9)
    aw, ab = small_gen.t(f"{layer}.modulation.weight"), small_gen.t(f"{layer}.modulation.bias")
    refs = []
    for n in range(3):
        s = w[n] @ (aw / np.sqrt(64)).t() + ab
        wm = weight * s[None, :, None, None]
        wm = wm / torch.sqrt(wm.pow(2).sum((1, 2, 3), keepdim=True) + 1e-8)
        if up:
            y = F.conv_transpose2d(x[n:n + 1], wm.transpose(0, 1), stride=2)
            k = blur_kernel()[None, None].expand(y.shape[1], 1, 4, 4)
            refs.append(F.conv2d(F.pad(y, [1, 1, 1, 1]), k, groups=y.shape[1]))
        else:
            refs.append(F.conv2d(x[n:n + 1], wm, padding=1))
    with torch.no_grad():
        out = small_gen._modconv(layer, x, w, demodulate=True, up=up)
    assert out.shape == (3, weight.shape[0], 16 if up else 8, 16 if up else 8)
    assert torch.allclose(out, torch.cat(refs), atol=1e-4)


def test_upsampling_is_bilinear_with_half_pixel_centres(small_gen):
    """The [1, 3, 3, 1] filter after zero insertion (the skip path), and after a stride-2 transposed 3x3 conv
    whose kernel is a centred delta (the conv path): both are bilinear 2x upsampling away from the border. An
    off-by-one in either padding would shift every face by a pixel."""
    x = torch.randn(1, 16, 8, 8, generator=torch.Generator().manual_seed(1))
    bilinear = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    inner = (slice(None), slice(None), slice(1, -1), slice(1, -1))
    assert torch.allclose(_upsample2x(x, blur_kernel())[inner], bilinear[inner], atol=1e-5)
    sd = dict(random_state_dict(SMALL))
    delta = torch.zeros(1, 16, 16, 3, 3)
    delta[0, range(16), range(16), 1, 1] = 1
    sd["convs.0.conv.weight"] = delta
    sd["convs.0.conv.modulation.weight"] = torch.zeros(16, 64)  # style 1 everywhere
    gen = StyleGAN2(sd, SMALL)
    with torch.no_grad():
        out = gen._modconv("convs.0.conv", x, torch.zeros(1, 64), demodulate=True, up=True)
    assert torch.allclose(out[inner], bilinear[inner], atol=1e-5)


def test_generator_is_deterministic_and_truncates_in_w(small_gen):
    z = torch.from_numpy(seeds_to_z(range(4), 64))
    with torch.no_grad():
        a, b = small_gen(z), small_gen(z)
        assert a.shape == (4, 3, 32, 32) and torch.equal(a, b)
        assert not torch.allclose(a[0], a[1])
        t0 = small_gen(z, truncation=0.0)
        assert torch.allclose(t0, t0[:1].expand_as(t0), atol=1e-6)  # every z gives the average w's face
        ws = small_gen.latent_avg.expand(1, SMALL.n_latent, -1)
        assert torch.allclose(t0[:1], small_gen.synthesis(ws), atol=1e-6)
        noise = small_gen.t("noises.noise_3")
        noise.mul_(-1)  # the stored noise images are used (and no fresh ones)
        c = small_gen(z)
        noise.mul_(-1)
    assert not torch.allclose(a, c)


# --- the teacher --------------------------------------------------------------------------------------------------

def test_z_map_is_identity_at_equal_size_and_pads_otherwise():
    z = seeds_to_z(range(3), 8)
    assert np.array_equal(z_to_teacher(z, 8), z)
    zt = z_to_teacher(z, 32)
    assert zt.shape == (3, 32) and np.allclose(zt[:, :8], z * 2) and not zt[:, 8:].any()
    big = z_to_teacher(seeds_to_z(range(2000), 16), 64)
    assert abs((big ** 2).sum(1).mean() - 64) < 3  # the teacher's expected |z|^2
    with pytest.raises(ValueError, match="at most the teacher's 8"):
        z_to_teacher(seeds_to_z(range(1), 16), 8)


def test_matte_covers_the_head_and_fades_out():
    m = soft_matte(64, FFHQ_CANONICAL)[0, 0]

    def at(p):
        return m[int(p[1] * 64), int(p[0] * 64)]
    for k in ("leftEye", "rightEye", "mouth"):
        assert at(FFHQ_CANONICAL[k]) == 1
    assert at([0.5, 0.9]) > 0.9  # the chin
    assert m[0, 0] == 0 and m[-1, -1] == 0 and m[32, 0] == 0 and m[0, 32] < 0.1  # corners, sides, crown's edge
    assert 0 < m[32, 10] < 1  # soft, not cut
    moved = {k: [v[0] + 0.125, v[1]] for k, v in FFHQ_CANONICAL.items()}
    assert torch.allclose(soft_matte(64, moved)[0, 0, :, 8:], m[:, :-8], atol=1e-5)  # follows the canonical points


def test_teacher_renders_premultiplied_faces_deterministically(small_ckpt, descriptor):
    t = make_teacher(desc_path(small_ckpt), 32, workers=1)
    assert t.label == "small" and t.licence == "Apache-2.0"
    assert t.landmarks == {k: [v[0] * 32, v[1] * 32] for k, v in FFHQ_CANONICAL.items()}
    z = seeds_to_z(range(5), 32)  # a 32-d student under a 64-d teacher
    a, b = t.render(z), t.render(z)
    assert a.shape == (5, 32, 32, 4) and a.dtype == np.uint8 and a.tobytes() == b.tobytes()
    assert (a[..., :3] <= a[..., 3:]).all()
    assert (a[:, 16, 16, 3] == 255).all() and (a[:, 0, 0, 3] == 0).all()
    assert not np.array_equal(a[0], a[1])
    with torch.no_grad():  # the student's z, padded, is the teacher's z
        rgb = t.gen(torch.from_numpy(z_to_teacher(z[:1], 64)))
    want = torch.floor(((rgb + 1) / 2).clamp(0, 1) * soft_matte(32, FFHQ_CANONICAL) * 255 + 0.5)
    assert np.array_equal(a[0, ..., :3], want[0].permute(1, 2, 0).numpy().astype(np.uint8))


def test_teacher_area_downsamples_to_the_students_size(small_ckpt, descriptor):
    z = seeds_to_z(range(3), 64)
    full = make_teacher(desc_path(small_ckpt), 32).render(z).astype(np.float32)
    half = make_teacher(desc_path(small_ckpt), 16).render(z).astype(np.float32)
    area = full.reshape(3, 16, 2, 16, 2, 4).mean((2, 4))
    assert np.abs(half - area).max() <= 1  # the area average (of unrounded values)
    assert np.abs(half - full[:, ::2, ::2]).max() > 8  # and not a subsample
    for bad in (64, 24):
        with pytest.raises(ValueError, match="power of two"):
            make_teacher(desc_path(small_ckpt), bad)


def test_teacher_truncation_and_a_changed_checkpoint(small_ckpt, tmp_path):
    d = write_descriptor(tmp_path / "t0.json", small_ckpt, "t0", "Apache-2.0", "random", truncation=0.0)
    assert d["checkpoint"].endswith("small.pt") and not d["checkpoint"].startswith("/")
    img = make_teacher(str(tmp_path / "t0.json"), 16).render(seeds_to_z(range(3), 64))
    assert np.array_equal(img[0], img[1]) and np.array_equal(img[0], img[2])
    spec = json.loads((tmp_path / "t0.json").read_text())
    spec["sha256"] = "0" * 64
    (tmp_path / "other.json").write_text(json.dumps(spec))
    with pytest.raises(ValueError, match="expected sha256 0000"):
        make_teacher(str(tmp_path / "other.json"), 16)
    with pytest.raises(ValueError, match="expected a licence"):
        write_descriptor(tmp_path / "t1.json", small_ckpt, "t1", "", "random")


# --- end to end: .pt -> cache -> a few training steps -> export -> evaluate ----------------------------------------

@pytest.fixture(scope="module")
def style(tmp_path_factory):
    from training.from_stylegan2 import make_test_style
    root = tmp_path_factory.mktemp("style")
    return root, make_test_style(root)


def test_a_random_checkpoint_becomes_a_style(style):
    from training.modelfile import load_generator
    from training.stylegan2 import load_generator as load_sg2
    root, r = style
    assert load_sg2(root / "random64.pt").arch.style_dim == 512  # the public z and w size
    m = json.loads((root / "model/model.json").read_text())
    assert m["name"] == "stylegan2-random64" and m["resolution"] == 32 and m["config"] == "tiny"
    assert m["canonical"]["leftEye"] == [0.375 * 32, 0.475 * 32]
    assert m["data"]["licence"] == "Apache-2.0" and m["data"]["layout"].startswith("rosinality")
    assert m["training"]["steps"] == 12
    log = [json.loads(line) for line in (root / "work/run/log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == [6, 12] and log[-1]["rec"] < log[0]["rec"]  # it learned something
    gold = json.loads((root / "model/goldens/goldens.json").read_text())
    g = load_generator(root / "model")
    z = torch.from_numpy(seeds_to_z([gold["cases"][0]["seed"]], 32))
    from training.export import to_rgba8
    raw = np.frombuffer((root / "model" / gold["cases"][0]["file"]).read_bytes(), np.uint8)
    assert np.array_equal(to_rgba8(g(z))[0].reshape(-1), raw)
    # model.json names a teacher that evaluate can build again: the descriptor
    assert make_teacher(m["data"]["teacher"], 32).label == "stylegan2-random64"
    ev = json.loads((root / "model/eval.json").read_text())
    assert ev["n"] == 8 and ev["weights_sha256"] == m["weightFiles"][0]["sha256"]


def test_a_rerun_reuses_the_cache_and_a_changed_teacher_is_refused(style):
    from training.from_stylegan2 import fixture_args, make_style
    root, _ = style
    img = root / "work/cache/img.npy"
    before = img.stat().st_mtime_ns
    assert make_style(**fixture_args(root), until="cache") == {"descriptor": str(root / "work/teacher.json"),
                                                               "cache": str(root / "work/cache")}
    assert img.stat().st_mtime_ns == before  # not rendered again
    with pytest.raises(ValueError, match="remove them or use another --work"):
        make_style(**{**fixture_args(root), "truncation": 0.5})
    assert json.loads((root / "work/teacher.json").read_text())["truncation"] == 1.0  # the old one is kept


def test_amp_trains_in_bfloat16_on_a_cpu(tiny_cache, tmp_path):
    from training.train import parse_args, train
    out = train(parse_args(["--config", "tiny", "--data", str(tiny_cache), "--out", str(tmp_path / "amp"), "--batch",
                            "4", "--steps", "2", "--log-every", "1", "--adv-start", "1", "--threads", "1",
                            "--amp"]))
    assert out["step"] == 2 and all(np.isfinite(r["rec"]) for r in out["history"])
