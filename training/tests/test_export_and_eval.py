import json

import numpy as np
import pytest
import torch

from training.evaluate import evaluate
from training.export import export, write_goldens
from training.model import CONFIGS, Generator
from training.modelfile import ModelFormatError, load_generator, load_model
from training.seeds import seeds_to_z

from .conftest import REPO


def _checkpoint(tmp_path, G, config="tiny"):
    path = tmp_path / "ckpt.pt"
    torch.save({"G_ema": G.state_dict(), "step": 0, "config": config}, path)
    return path


@pytest.fixture()
def tiny_generator():
    torch.manual_seed(0)
    G = Generator(CONFIGS["tiny"]).eval()
    G.mapping.w_avg.normal_()
    return G


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float16", 2e-2)])
def test_export_load_gives_the_same_output(tmp_path, tiny_generator, dtype, tol):
    export(_checkpoint(tmp_path, tiny_generator), "toon", tmp_path / "m", dtype)
    g = load_generator(tmp_path / "m")
    z = torch.from_numpy(seeds_to_z(range(3), 32))
    with torch.no_grad():
        ref = tiny_generator(z, truncation=0.7)[-1]
    assert (g(z, truncation=0.7) - ref).abs().max() < tol


def test_a_skip_model_exports_both_heads_and_runs_them(tmp_path):
    torch.manual_seed(1)
    G = Generator(CONFIGS["tiny64"]).eval()
    with torch.no_grad():
        G.heads[-2].conv2.bias.fill_(0.3)  # the skip head must visibly count
    m = export(_checkpoint(tmp_path, G, "tiny64"), "toon", tmp_path / "m", "float32")
    assert m["architecture"]["skip"] is True
    names = {t["name"] for t in m["tensors"]}
    assert {"skip.mod.pointwise", "skip.conv1.weight", "skip.conv2.bias"} <= names
    g = load_generator(tmp_path / "m")
    z = torch.from_numpy(seeds_to_z(range(3), 32))
    mix = torch.from_numpy(seeds_to_z(range(5, 8), 32))
    with torch.no_grad():
        ref = G.synthesis(G.ws_from(z, 0.7, mix, 4))[-1]
    assert (g(z, 0.7, mix, 4) - ref).abs().max() < 1e-5
    g.t["skip.conv2.bias"] = g.t["skip.conv2.bias"] - 0.3  # the loader adds the skip head: it moves the output
    assert torch.allclose(g(z, 0.7, mix, 4), ref - 0.3, atol=1e-5)


def test_model_json_records_what_the_browser_needs(tmp_path, tiny_generator):
    export(_checkpoint(tmp_path, tiny_generator), "toon", tmp_path / "m")
    m = json.loads((tmp_path / "m/model.json").read_text())
    assert m["dtype"] == "float16" and m["resolution"] == 32
    assert m["architecture"]["zDim"] == 32 and len(m["tensors"]) > 0
    assert set(m["canonical"]) == {"leftEye", "rightEye", "mouth"}
    assert m["data"]["licence"] == "Apache-2.0"
    gold = json.loads((tmp_path / "m/goldens/goldens.json").read_text())
    assert len(gold["cases"]) >= 3
    raw = (tmp_path / "m" / gold["cases"][0]["file"]).read_bytes()
    assert len(raw) == 32 * 32 * 4


def test_a_corrupted_weight_file_is_refused(tmp_path, tiny_generator):
    export(_checkpoint(tmp_path, tiny_generator), "toon", tmp_path / "m")
    w = bytearray((tmp_path / "m/weights.bin").read_bytes())
    w[100] ^= 0xFF
    (tmp_path / "m/weights.bin").write_bytes(bytes(w))
    with pytest.raises(ModelFormatError, match="sha256"):
        load_model(tmp_path / "m")


def test_evaluate_on_a_tiny_model(tmp_path, tiny_generator):
    export(_checkpoint(tmp_path, tiny_generator), "toon", tmp_path / "m")
    r = evaluate(tmp_path / "m", range(1_000_000, 1_000_008), grid=tmp_path / "grid.png")
    assert r["n"] == 8 and r["resolution"] == 32
    assert 0 < r["psnr"] < 40 and -1 <= r["ssim"] <= 1 and 0 <= r["alpha_iou"] <= 1
    assert (tmp_path / "grid.png").stat().st_size > 0
    up = evaluate(tmp_path / "m", range(1_000_000, 1_000_008), res=64)  # the faces scaled 2x, the teacher at 64
    assert up["resolution"] == 64 and up["model_resolution"] == 32 and sorted(up["psnr_by_scale"]) == ["16", "32", "64"]
    assert abs(up["psnr_by_scale"]["32"] - r["psnr"]) < 0.5  # the same faces, compared again at 32 px


def test_evaluate_scores_a_perfect_copy_as_perfect():
    from training.evaluate import alpha_iou, psnr, ssim
    x = torch.rand(2, 4, 32, 32)
    assert torch.isinf(psnr(x[:, :3], x[:, :3])).all() or (psnr(x[:, :3], x[:, :3]) >= 99).all()
    assert torch.allclose(ssim(x[:, :3], x[:, :3]), torch.ones(2))
    assert torch.allclose(alpha_iou(x, x), torch.ones(2))


def test_sharpness_is_one_for_a_copy_and_falls_with_blur():
    from training.evaluate import sharpness
    x = torch.rand(4, 3, 64, 64)
    assert abs(sharpness(x, x) - 1.0) < 1e-6
    blurred = torch.nn.functional.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
    assert sharpness(blurred, x) < 0.6
    assert sharpness(x, blurred) > 1.5  # sharper than the teacher scores above 1


SHIPPED = sorted(p.parent for p in (REPO / "models").glob("*/model.json"))


@pytest.mark.parametrize("model_dir", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_goldens_are_reproduced(model_dir, tmp_path):
    """The committed goldens come from the committed weights (no stale goldens)."""
    import shutil
    copy = tmp_path / model_dir.name
    shutil.copytree(model_dir, copy)
    write_goldens(copy)
    gold = json.loads((model_dir / "goldens/goldens.json").read_text())
    for case in gold["cases"]:
        a = np.frombuffer((model_dir / case["file"]).read_bytes(), np.uint8).astype(int)
        b = np.frombuffer((copy / case["file"]).read_bytes(), np.uint8).astype(int)
        assert np.abs(a - b).max() <= 1, case


@pytest.mark.parametrize("model_dir", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_eval_json_is_reproduced(model_dir, tmp_path):
    """The committed eval.json belongs to the committed weights and the eval command reproduces it."""
    from training.data import parse_seeds
    committed = json.loads((model_dir / "eval.json").read_text())
    manifest = json.loads((model_dir / "model.json").read_text())
    assert committed["weights_sha256"] == manifest["weightFiles"][0]["sha256"]
    again = evaluate(model_dir, parse_seeds(committed["seeds"]), grid=tmp_path / "grid.png")
    assert again["n"] == committed["n"] and again["resolution"] == committed["resolution"]
    assert abs(again["psnr"] - committed["psnr"]) < 0.02
    assert abs(again["ssim"] - committed["ssim"]) < 0.001
    assert abs(again["alpha_iou"] - committed["alpha_iou"]) < 0.001
    assert abs(again["sharpness"] - committed["sharpness"]) < 0.001


def test_reparam_changes_the_mapping_lr_multiplier_but_not_the_output(tmp_path, tiny_generator):
    from dataclasses import replace

    from training import model as model_module
    from training.probes.reparam import reparam

    ckpt = _checkpoint(tmp_path, tiny_generator)
    ck = torch.load(ckpt)
    ck["G"] = dict(ck["G_ema"])  # a separate dict, as in real checkpoints
    torch.save(ck, ckpt)
    reparam(ckpt, old=CONFIGS["tiny"].mapping_lr_mul, new=1.0)
    G = Generator(replace(CONFIGS["tiny"], mapping_lr_mul=1.0)).eval()
    G.load_state_dict(torch.load(ckpt)["G_ema"])
    z = torch.from_numpy(seeds_to_z(range(3), 32))
    with torch.no_grad():
        assert torch.allclose(G(z)[-1], tiny_generator(z)[-1], atol=1e-5)
    assert model_module.CONFIGS["tiny"].mapping_lr_mul != 1.0  # the test really changed the multiplier


def test_latent_figures_mix_and_truncate(tmp_path, tiny_generator):
    from PIL import Image
    from training.figures import main as figures
    export(_checkpoint(tmp_path, tiny_generator), "toon", tmp_path / "m", "float32")
    figures(["--model", str(tmp_path / "m"), "--out", str(tmp_path / "docs"), "--coarse", "1,2", "--fine", "3,4,5",
             "--truncation-seeds", "6,7", "--mix-layer", "2"])
    mixing = np.asarray(Image.open(tmp_path / "docs/toon-mixing.png"))
    trunc = np.asarray(Image.open(tmp_path / "docs/toon-truncation.png"))
    cell = 32 + 4
    assert mixing.shape == (3 * cell + 4, 4 * cell + 4, 3)  # header row + 2 rows, header column + 3 columns
    assert trunc.shape == (5 * cell + 4, 2 * cell + 4, 3)
    t0 = trunc[4:36]  # truncation 0: both seeds give the average face
    assert np.array_equal(t0[:, 4:36], t0[:, 40:72])
    with pytest.raises(ValueError, match="held-out"):
        figures(["--model", str(tmp_path / "m"), "--out", str(tmp_path / "docs"), "--fine", "1000001"])
    figures(["--model", str(tmp_path / "m"), "--out", str(tmp_path / "docs"), "--compare-with", str(tmp_path / "m"),
             "--detail-seeds", "8,9"])
    detail = np.asarray(Image.open(tmp_path / "docs/toon-detail.png"))
    assert detail.shape == (2 * cell + 4, 6 * cell + 4, 3)  # teacher, other, this; the same three zoomed
    cells = [detail[4:36, 4 + j * cell:36 + j * cell] for j in range(6)]
    assert np.array_equal(cells[1], cells[2]) and np.array_equal(cells[4], cells[5])  # compared with itself
    assert not np.array_equal(cells[0], cells[2])  # an untrained model is not its teacher


def test_blurred_teacher_yardstick_improves_with_resolution():
    from training.probes.ceiling import ceiling
    r = ceiling("toon", 32, range(0, 4), z_dim=32)["blurred"]
    assert r["1/8"]["psnr"] < r["1/4"]["psnr"] < r["1/2"]["psnr"]
    assert r["1/2"]["px"] == 16


def test_a_widened_model_exports_its_narrower_skip_head(tmp_path):
    torch.manual_seed(2)
    G = Generator(CONFIGS["tiny64w"]).eval()
    m = export(_checkpoint(tmp_path, G, "tiny64w"), "toon", tmp_path / "m", "float32")
    assert m["architecture"]["headChannels"] == [12, 6] and m["architecture"]["skipHeadChannels"] == [8, 4]
    g = load_generator(tmp_path / "m")
    z = torch.from_numpy(seeds_to_z(range(3), 32))
    with torch.no_grad():
        ref = G(z)[-1]
    assert (g(z) - ref).abs().max() < 1e-5
    manifest = json.loads((tmp_path / "m" / "model.json").read_text())
    del manifest["architecture"]["skipHeadChannels"]  # then the skip head's tensors have the wrong shapes
    (tmp_path / "m" / "model.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFormatError, match="skip.mod.pointwise"):
        load_model(tmp_path / "m")


def test_edge_scores_are_perfect_for_a_copy_and_fall_with_blur():
    from training.detail import blurred, edge_scores, part_box
    yy, xx = torch.meshgrid(torch.arange(128), torch.arange(128), indexing="ij")
    # a 16 px checkerboard of greys 0.35 and 0.65: a sharp step is an edge (0.15), the step spread over 4 px is not
    x = (0.35 + 0.3 * (((yy // 16) + (xx // 16)) % 2)).float().expand(2, 3, 128, 128).contiguous()
    assert edge_scores(x, x) == {"edge_recall": 1.0, "edge_precision": 1.0, "edge_f1": 1.0}
    soft = edge_scores(blurred(x, 32), x)
    assert soft["edge_recall"] < 0.5
    shifted = torch.roll(x, 1, dims=-1)  # one pixel off is within the tolerance
    assert edge_scores(shifted, x)["edge_recall"] > 0.95
    assert edge_scores(torch.roll(x, (3, 3), dims=(-1, -2)), x)["edge_recall"] < 0.35  # three pixels off is not (but where the lines cross)
    box = part_box({"leftEye": [40, 50], "rightEye": [88, 50], "mouth": [64, 90]}, 128)
    assert box == (40, 50, 88, 104)  # between the eyes' x, from the eyes down past the mouth by 0.35 of 40 px
