import json

import torch

from training.train import parse_args, train


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
