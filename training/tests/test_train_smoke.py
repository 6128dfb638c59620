import json
from dataclasses import replace

import pytest
import torch

from training.model import CONFIGS, Generator, base_of
from training.train import base_config_name, parse_args, train

from .conftest import REPO


def test_twenty_steps_checkpoint_resume_and_learn(tiny_cache, tmp_path):
    out = tmp_path / "run"
    common = ["--config", "tiny", "--data", str(tiny_cache), "--out", str(out), "--batch", "8",
              "--log-every", "2", "--ckpt-every", "5", "--sample-every", "10", "--adv-start", "6",
              "--lr", "5e-3", "--threads", "1"]
    first = train(parse_args(common + ["--steps", "10"]))
    assert first["step"] == 10
    ck = torch.load(out / "ckpt.pt")
    assert ck["step"] == 10
    assert (out / "samples/0000010.png").exists()
    second = train(parse_args(common + ["--steps", "20", "--resume"]))
    assert second["step"] == 20
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log] == list(range(2, 21, 2))  # resumed, not restarted
    first_losses = [r["rec"] for r in log[:2]]
    last_losses = [r["rec"] for r in log[-2:]]
    assert sum(last_losses) < sum(first_losses)


def test_a_run_file_sets_the_flags_and_the_command_line_wins(tmp_path):
    run = tmp_path / "tiny-probe.toml"
    run.write_text('config = "tiny"\ndata = ["a", "b"]\nlr-decay-from = 40\nmse_weight = 10\nresume = true\n')
    a = parse_args(["--run", str(run)])
    assert (a.config, a.lr_decay_from, a.mse_weight, a.resume) == ("tiny", 40, 10, True)
    assert [str(p) for p in a.data] == ["a", "b"] and str(a.out) == "training/runs/tiny-probe"
    assert parse_args(["--run", str(run), "--lr-decay-from", "7", "--out", "x"]).lr_decay_from == 7
    run.write_text('config = "tiny"\ndata = ["a"]\nlearning-rate = 1\n')
    with pytest.raises(SystemExit, match="unknown setting 'learning-rate'"):
        parse_args(["--run", str(run)])
    for path in sorted((REPO / "training/configs").glob("*.toml")):  # the committed runs all parse
        assert parse_args(["--run", str(path)]).config in CONFIGS


def test_learning_rate_holds_then_anneals_to_the_floor():
    from training.train import lr_factor
    assert lr_factor(50, None, 100, 0.02) == 1.0
    assert lr_factor(60, 60, 100, 0.02) == 1.0
    assert abs(lr_factor(80, 60, 100, 0.02) - 0.51) < 1e-9  # half-way down the cosine
    assert abs(lr_factor(100, 60, 100, 0.02) - 0.02) < 1e-12
    assert abs(lr_factor(500, 60, 100, 0.02) - 0.02) < 1e-12  # past the end it stays at the floor
    f = [lr_factor(s, 60, 100, 0.02) for s in range(60, 101)]
    assert all(a >= b for a, b in zip(f, f[1:]))


def test_profile_times_every_phase(tiny_cache):
    from training.probes.profile import profile
    r = profile("tiny", batch=4, steps=3, data=tiny_cache, style=None)
    assert set(r["ms_per_step"]) == {"data", "g_forward", "rec_loss", "g_backward_step", "ema", "d_step",
                                     "g_adv_forward", "g_backward_step_gan"}
    assert all(v > 0 for v in r["ms_per_step"].values())
    # Which phases each figure adds up (a comparison of the two would time the machine, not test the code).
    ms = r["ms_per_step"]
    common = ms["data"] + ms["g_forward"] + ms["rec_loss"] + ms["ema"]
    recon = 4000 / (common + ms["g_backward_step"])
    gan = 4000 / (common + ms["d_step"] + ms["g_adv_forward"] + ms["g_backward_step_gan"])
    assert abs(r["images_per_s_reconstruction_only"] - recon) <= 0.01 * recon + 0.1  # ms are rounded to 0.01
    assert abs(r["images_per_s_with_gan_terms"] - gan) <= 0.01 * gan + 0.1


def test_overfit_probe_gets_closer_to_its_faces(tiny_cache):
    from training.probes.overfit import overfit
    r = overfit("tiny", tiny_cache, faces=4, steps=40, lr=1e-2, head_channels=[8, 8], report=20)
    assert r["head_channels"] == [8, 8] and r["faces"] == 4
    assert r["curve"][-1]["psnr"] > r["curve"][0]["psnr"]


def test_alpha_l1_sees_the_silhouette_and_not_the_colours():
    import torch
    from training.losses import alpha_l1
    a = torch.zeros(2, 4, 8, 8)
    recoloured = a.clone()
    recoloured[:, :3] = 0.7
    assert alpha_l1(recoloured, a).item() == 0
    shrunk = a.clone()
    shrunk[:, 3, :, :2] = -1.0  # a quarter of the silhouette goes transparent
    assert abs(alpha_l1(shrunk, a).item() - 0.25) < 1e-6


def test_grey_mse_is_the_error_that_evaluate_reports_as_psnr():
    from training.evaluate import psnr
    from training.losses import grey_mse
    from training.visual import composite_grey
    g = torch.Generator().manual_seed(0)
    a, b = (torch.rand(1, 4, 16, 16, generator=g) * 2 - 1 for _ in range(2))
    a[:, :3] = torch.minimum(a[:, :3], a[:, 3:])  # premultiplied: colour <= alpha, so nothing clamps
    b[:, :3] = torch.minimum(b[:, :3], b[:, 3:])
    expected = float(psnr(composite_grey(a), composite_grey(b)).mean())
    assert abs(-10 * torch.log10(grey_mse(a, b)).item() - expected) < 1e-4


def test_two_caches_train_as_one_and_the_mse_term_is_logged(tiny_cache, tmp_path):
    from training.data import TeacherCache, build_cache
    extra = tmp_path / "extra"
    build_cache("toon", 32, 32, range(64, 80), extra, chunk=16)
    both = TeacherCache([tiny_cache, extra])
    assert len(both) == 80
    assert (both.z[64:] == TeacherCache(extra).z).all() and (both.img[:64] == TeacherCache(tiny_cache).img).all()
    out = tmp_path / "run"
    train(parse_args(["--config", "tiny", "--data", str(tiny_cache), str(extra), "--out", str(out), "--batch", "4",
                      "--steps", "4", "--log-every", "2", "--adv-start", "100", "--mse-weight", "10",
                      "--alpha-weight", "1", "--threads", "1"]))
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert all(0 < r["mse"] < 1 for r in log)


def test_caches_of_different_styles_or_sizes_are_refused(tiny_cache, tmp_path):
    import pytest
    from training.data import TeacherCache, build_cache
    other = tmp_path / "other"
    build_cache("toon", 16, 32, range(0, 4), other, chunk=4)
    with pytest.raises(ValueError, match="disagree"):
        TeacherCache([tiny_cache, other])


def test_init_starts_a_new_run_from_another_runs_weights(tiny_cache, tmp_path):
    common = ["--config", "tiny", "--data", str(tiny_cache), "--batch", "4", "--adv-start", "100", "--threads", "1"]
    train(parse_args(common + ["--out", str(tmp_path / "a"), "--steps", "3"]))
    a = torch.load(tmp_path / "a/ckpt.pt")
    train(parse_args(common + ["--out", str(tmp_path / "b"), "--steps", "0", "--init", str(tmp_path / "a/ckpt.pt")]))
    b = torch.load(tmp_path / "b/ckpt.pt")
    assert b["step"] == 0
    assert all(torch.equal(a["G_ema"][k], v) for k, v in b["G_ema"].items())


def test_init_grows_a_trained_run_into_a_larger_config(tiny_cache, tmp_path):
    from training.data import build_cache
    common = ["--batch", "4", "--adv-start", "100", "--threads", "1"]
    train(parse_args(common + ["--config", "tiny", "--data", str(tiny_cache), "--out", str(tmp_path / "a"),
                               "--steps", "3"]))
    build_cache("toon", 64, 32, range(0, 8), tmp_path / "cache64", chunk=8)
    big = ["--config", "tiny64", "--data", str(tmp_path / "cache64"), "--out", str(tmp_path / "b")]
    train(parse_args(common + big + ["--steps", "2", "--init", str(tmp_path / "a/ckpt.pt")]))
    a, b = torch.load(tmp_path / "a/ckpt.pt"), torch.load(tmp_path / "b/ckpt.pt")
    assert b["step"] == 2 and b["config"] == "tiny64"
    assert set(a["G_ema"]) < set(b["G_ema"])
    assert not torch.equal(a["G"]["heads.1.conv2.weight"], b["G"]["heads.1.conv2.weight"])  # the grown run trained it


def test_freeze_grown_trains_only_the_added_block(tiny_cache, tmp_path):
    from training.data import build_cache
    common = ["--batch", "4", "--adv-start", "100", "--threads", "1"]
    train(parse_args(common + ["--config", "tiny", "--data", str(tiny_cache), "--out", str(tmp_path / "a"),
                               "--steps", "2"]))
    build_cache("toon", 64, 32, range(0, 8), tmp_path / "cache64", chunk=8)
    big = common + ["--config", "tiny64", "--data", str(tmp_path / "cache64"), "--out", str(tmp_path / "b"),
                    "--steps", "3", "--init", str(tmp_path / "a/ckpt.pt"), "--freeze-grown", "--log-every", "1"]
    out = train(parse_args(big))
    a, b = torch.load(tmp_path / "a/ckpt.pt"), torch.load(tmp_path / "b/ckpt.pt")
    for key in ("G", "G_ema"):  # both keep the exported (EMA) weights of the smaller model
        for name, value in b[key].items():
            if name in a["G_ema"] and name != "mapping.w_avg":  # w_avg is a running mean, not a trained weight
                assert torch.equal(a["G_ema"][name], value), (key, name)
    assert not torch.equal(Generator(CONFIGS["tiny64"]).state_dict()["heads.2.conv2.bias"], b["G"]["heads.2.conv2.bias"])
    assert all(len(r["heads"]) == 1 for r in out["history"])  # only the last head's loss
    assert b["frozen_config"] == "tiny"
    with pytest.raises(ValueError, match="--freeze-grown needs a smaller config"):
        train(parse_args(big[:-5] + ["--out", str(tmp_path / "c"), "--freeze-grown"]))
    # Fine-tuning the grown run (same config) names the frozen config; resuming finds it in the checkpoint.
    tune = common + ["--config", "tiny64", "--data", str(tmp_path / "cache64"), "--out", str(tmp_path / "d"),
                     "--init", str(tmp_path / "b/ckpt.pt")]
    train(parse_args(tune + ["--steps", "2", "--freeze-grown", "tiny"]))
    train(parse_args(tune + ["--steps", "3", "--resume", "--freeze-grown"]))
    d = torch.load(tmp_path / "d/ckpt.pt")
    assert d["step"] == 3 and d["frozen_config"] == "tiny"
    for name, value in d["G"].items():
        if name in a["G_ema"] and name != "mapping.w_avg":
            assert torch.equal(a["G_ema"][name], value), name
    assert not torch.equal(b["G"]["heads.2.conv2.bias"], d["G"]["heads.2.conv2.bias"])


def test_init_trunk_puts_a_retrained_base_under_a_grown_models_head(tiny_cache, tmp_path):
    from training.data import build_cache
    common = ["--batch", "4", "--adv-start", "100", "--threads", "1"]
    small = common + ["--config", "tiny", "--data", str(tiny_cache)]
    train(parse_args(small + ["--out", str(tmp_path / "a"), "--steps", "2"]))
    build_cache("toon", 64, 32, range(0, 8), tmp_path / "cache64", chunk=8)
    grown = common + ["--config", "tiny64", "--data", str(tmp_path / "cache64")]
    train(parse_args(grown + ["--out", str(tmp_path / "b"), "--steps", "2", "--init", str(tmp_path / "a/ckpt.pt"),
                              "--freeze-grown"]))
    # The base trained on alone, then put back under b's head.
    train(parse_args(small + ["--out", str(tmp_path / "a2"), "--steps", "2", "--init", str(tmp_path / "a/ckpt.pt")]))
    train(parse_args(grown + ["--out", str(tmp_path / "c"), "--steps", "1", "--init", str(tmp_path / "b/ckpt.pt"),
                              "--init-trunk", str(tmp_path / "a2/ckpt.pt"), "--freeze-grown", "tiny", "--lr", "1e-3"]))
    a2, b, c = (torch.load(tmp_path / f"{x}/ckpt.pt") for x in ("a2", "b", "c"))
    changed = [n for n in a2["G_ema"] if n != "mapping.w_avg" and not torch.equal(a2["G_ema"][n], b["G_ema"][n])]
    assert changed  # the base did move, so the checks below can tell the two apart
    for name in a2["G_ema"]:
        if name != "mapping.w_avg":
            assert torch.equal(c["G"][name], a2["G_ema"][name]), name  # frozen at the new base's EMA weights
    # The added block and head came from b: one Adam step (lr 1e-3) moves each weight by about 1e-3 at most.
    added = [n for n in b["G"] if n not in a2["G"]]
    assert added
    for name in added:
        assert (c["G"][name] - b["G"][name]).abs().max() <= 2e-3, name
    with pytest.raises(ValueError, match="--init-trunk needs --init"):
        train(parse_args(grown + ["--out", str(tmp_path / "d"), "--init-trunk", str(tmp_path / "a2/ckpt.pt")]))


def test_d_warmup_starts_the_discriminator_before_the_generators_gan_terms(tiny_cache, tmp_path):
    from training.train import parse_args, train
    out = tmp_path / "warm"
    train(parse_args(["--config", "tiny", "--data", str(tiny_cache), "--out", str(out), "--batch", "4", "--steps", "6",
                      "--log-every", "1", "--adv-start", "4", "--d-warmup", "2", "--threads", "1"]))
    log = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    # A record's step counts the steps done: the step begun at 2 is logged as 3.
    assert [r["d"] != 0 for r in log] == [False, False, True, True, True, True]
    assert [r["adv"] != 0 for r in log] == [False, False, False, False, True, True]


def test_release_checkpoint_keeps_the_ema_alone_halved_and_resumes(tiny_cache, tmp_path):
    from training.release_ckpt import release
    common = ["--config", "tiny", "--data", str(tiny_cache), "--batch", "4", "--threads", "1"]
    train(parse_args(common + ["--out", str(tmp_path / "run"), "--steps", "2"]))
    full = torch.load(tmp_path / "run/ckpt.pt")
    kept = release(tmp_path / "run/ckpt.pt", tmp_path / "tiny.pt")
    assert not {"G", "D", "opt_g", "opt_d"} & set(kept) and kept["step"] == 2 and kept["config"] == "tiny"
    for name, value in kept["G_ema"].items():
        want = torch.float32 if name == "mapping.w_avg" else torch.float16
        assert value.dtype == want, name
        assert torch.allclose(value.float(), full["G_ema"][name], rtol=1e-3, atol=1e-4), name
    assert (tmp_path / "tiny.pt").stat().st_size < 0.2 * (tmp_path / "run/ckpt.pt").stat().st_size
    # A run resumes from it (float16 loads into float32 parameters): G from the EMA, D and the optimiser fresh.
    (tmp_path / "again").mkdir()
    (tmp_path / "tiny.pt").rename(tmp_path / "again/ckpt.pt")
    out = train(parse_args(common + ["--out", str(tmp_path / "again"), "--steps", "3", "--resume", "--log-every", "1"]))
    assert out["step"] == 3 and len(out["history"]) == 1


def test_a_base_is_read_from_its_grown_checkpoint(tiny_cache, tmp_path):
    """Each style keeps one checkpoint, the grown one: a run at the base's size starts from the base inside it."""
    from training.data import build_cache
    from training.release_ckpt import release
    from training.seeds import seeds_to_z
    common = ["--threads", "1", "--adv-start", "100"]
    train(parse_args(common + ["--config", "tiny", "--data", str(tiny_cache), "--out", str(tmp_path / "base"),
                               "--batch", "4", "--steps", "2"]))
    build_cache("toon", 64, 32, range(0, 8), tmp_path / "cache64", chunk=8)
    train(parse_args(common + ["--config", "tiny64", "--data", str(tmp_path / "cache64"), "--out",
                               str(tmp_path / "grown"), "--batch", "2", "--steps", "2", "--init",
                               str(tmp_path / "base/ckpt.pt"), "--freeze-grown"]))
    grown = release(tmp_path / "grown/ckpt.pt", tmp_path / "tiny64.pt")
    base = Generator(CONFIGS["tiny"]).eval()
    base.load_state_dict({k: v.float() for k, v in base_of(grown["G_ema"], CONFIGS["tiny"]).items()})
    z = torch.from_numpy(seeds_to_z(range(3), 32))
    for config in ("tiny", "tinyc"):  # the base itself, and the base given the teacher's z steps
        out = tmp_path / f"from-grown-{config}"
        train(parse_args(common + ["--config", config, "--data", str(tiny_cache), "--out", str(out), "--batch", "4",
                                   "--steps", "0", "--init", str(tmp_path / "tiny64.pt")]))
        G = Generator(CONFIGS[config]).eval()
        G.load_state_dict(torch.load(out / "ckpt.pt")["G_ema"])
        with torch.no_grad():
            assert torch.allclose(G(z)[-1], base(z)[-1], atol=5e-4), config  # steps: the fan-in rescale rounds
    with pytest.raises(ValueError, match="no 32 px base"):  # a config the grown model holds no base of
        base_config_name({"config": "tiny64"}, replace(CONFIGS["tiny"], channels=[32, 8]))
    # and that base is the one the grown model was grown from (frozen, so unchanged)
    first = Generator(CONFIGS["tiny"]).eval()
    first.load_state_dict(torch.load(tmp_path / "base/ckpt.pt")["G_ema"])
    with torch.no_grad():
        assert torch.allclose(first(z)[-1], base(z)[-1], atol=2e-2)


def test_the_edge_term_joins_at_edge_start(tiny_cache, tmp_path):
    common = ["--config", "tiny", "--data", str(tiny_cache), "--batch", "4", "--steps", "2", "--adv-start", "100",
              "--threads", "1"]

    def weights(name, *flags):
        train(parse_args(common + ["--out", str(tmp_path / name), *flags]))
        return torch.load(tmp_path / name / "ckpt.pt", map_location="cpu")["G"]

    plain = weights("plain")
    later = weights("later", "--edge-weight", "10", "--edge-start", "100")
    now = weights("now", "--edge-weight", "10")
    assert all(torch.equal(plain[k], later[k]) for k in plain)
    assert not all(torch.equal(plain[k], now[k]) for k in plain)
