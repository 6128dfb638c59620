"""training/device/run.sh, the one command a lent GPU machine runs, end to end on a tiny run here (the Node on PATH
renders; on the device it is the one pack.sh carried)."""
import json
import os
import subprocess
import sys

import torch

from .conftest import REPO


def test_the_device_run_trains_measures_and_leaves_what_comes_back(tmp_path):
    run = tmp_path / "tiny-device.toml"
    run.write_text('config = "tiny"\ndata = ["unused"]\nbatch = 4\nsteps = 6\nlr-decay-from = 3\nadv-start = 1000000\n'
                   'threads = 1\nckpt-every = 2\nlog-every = 2\nsample-every = 100000\nresume = true\n')
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "OUT": str(out), "RUN": str(run), "TRAIN_SECONDS": "120", "FACES": "16",
           "VAL_SEEDS": "900000:900004", "PAIRS": "2", "CACHE": str(tmp_path / "cache"),
           "RUN_DIR": str(tmp_path / "run"), "PY": sys.executable}
    done = subprocess.run(["bash", "training/device/run.sh"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == ["ckpt.pt", "latent.json", "log.jsonl", "run.log", "val-grid.png",
                                                      "val.json"]
    ck = torch.load(out / "ckpt.pt")
    assert ck["step"] == 6 and set(ck) >= {"G_ema", "config"} and "D" not in ck
    val = json.loads((out / "val.json").read_text())
    assert val["seeds"] == "900000:900004" and val["resolution"] == 32 and 0 <= val["edge_recall"] <= 1
    assert json.loads((out / "latent.json").read_text())["path"]["pairs"] == 2
    assert "trained to step 6" in (out / "run.log").read_text()
    # Every file is within what the device tool brings back (16 MiB a file).
    assert all(p.stat().st_size < 16 * 2**20 for p in out.iterdir())
