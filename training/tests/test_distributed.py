import os
import subprocess
import sys

import torch

from .conftest import REPO


def test_two_process_gloo_run(tiny_cache, tmp_path):
    """Two CPU processes on gloo: DDP for G, hand-averaged D. Started with the environment torchrun sets
    (Debian's torch 1.13 torchrun cannot parse its own defaults on Python 3.11; torchrun works on torch 2)."""
    out = tmp_path / "ddp"
    args = ["-m", "training.train", "--config", "tiny", "--data", str(tiny_cache), "--out", str(out),
            "--steps", "6", "--batch", "4", "--adv-start", "2", "--log-every", "2", "--ckpt-every", "3",
            "--threads", "1"]
    procs = []
    for rank in range(2):
        env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29531"}
        procs.append(subprocess.Popen([sys.executable, *args], cwd=REPO, env=env, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out_text, err) in zip(procs, results):
        assert p.returncode == 0, err[-2000:]
    assert "img/s" in results[0][0]      # rank 0 logs
    assert "img/s" not in results[1][0]  # rank 1 stays quiet
    assert torch.load(out / "ckpt.pt")["step"] == 6
