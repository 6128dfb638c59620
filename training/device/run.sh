#!/usr/bin/env bash
# One training run on a lent GPU machine, inside one device command (at most 10 minutes; this fits 9 by default):
# unpack Node and the teachers' packages (training/device/pack.sh made them here), render the teacher's faces there,
# train for TRAIN_SECONDS from the run file (SIGTERM checkpoints), then export, measure on validation seeds and leave
# under $OUT what comes back:
#   ckpt.pt      the run's EMA as a release keeps it (float16, 2.6 MB); resume it here, see training/README.md
#   log.jsonl    the training log;  val.json, val-grid.png   training.evaluate on VAL_SEEDS;  latent.json   paths
#   run.log      this script's own output
# Validation seeds only: held-out seeds are for a release, once, here.
#
#   device command:  OUT=$OUT bash training/device/run.sh           (carry: .device)
#   settings (env):  RUN (run file), TRAIN_SECONDS, FACES, STYLE, VAL_SEEDS, PAIRS, EXTRA (more train flags),
#                    CACHE, RUN_DIR (where the cache and the run live: .cache/<style><res>-<faces>, training/runs/<run>)
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${OUT:?set OUT to the folder that comes back}"
RUN=${RUN:-training/configs/gpu-toon256l-whole.toml}
TRAIN_SECONDS=${TRAIN_SECONDS:-330}
FACES=${FACES:-40000}
STYLE=${STYLE:-toon}
VAL_SEEDS=${VAL_SEEDS:-900000:900128}
PAIRS=${PAIRS:-128}
PY=${PY:-python3}
exec > >(tee "$OUT/run.log") 2>&1
t0=$SECONDS
say() { echo "device run [$((SECONDS - t0)) s] $*"; }

# Node: this machine's binary from pack.sh, unpacked outside the tree, and the packages into node_modules. Without
# .device (a test here) the Node on PATH renders.
if [ -f .device/node.xz ]; then
  NODE_DIR=/tmp/blaze-face-node/bin
  if [ ! -x "$NODE_DIR/node" ]; then
    mkdir -p "$NODE_DIR"
    "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      .device/node.xz "$NODE_DIR/node"
    chmod +x "$NODE_DIR/node"
  fi
  [ -d node_modules/facesjs ] || "$PY" -c 'import sys, tarfile
safe = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}  # Python >= 3.11.4: no links out of the tree
tarfile.open(sys.argv[1]).extractall(".", **safe)' .device/node_modules.tar.xz
  export PATH="$NODE_DIR:$PATH"
fi
say "node $(node --version) from $(command -v node); $(nproc) cores; $("$PY" -c 'import torch; print(torch.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")')"

# The run file's model decides the cache's size; the cache is rendered on all cores (kept while the machine is warm).
read -r RES ZDIM NAME < <("$PY" - "$RUN" <<'EOF'
import sys, tomllib
from pathlib import Path
from training.model import CONFIGS
cfg = CONFIGS[tomllib.load(open(sys.argv[1], "rb"))["config"]]
print(cfg.resolution, cfg.z_dim, Path(sys.argv[1]).stem)
EOF
)
[ -n "${NAME:-}" ] || { say "could not read the run file $RUN"; exit 1; }
CACHE=${CACHE:-.cache/$STYLE$RES-$FACES}
RUN_DIR=${RUN_DIR:-training/runs/$NAME}
[ -f "$CACHE/meta.txt" ] || "$PY" -m training.data --style "$STYLE" --res "$RES" --z-dim "$ZDIM" --seeds "0:$FACES" \
  --out "$CACHE" | tail -n 1
say "cache $CACHE ready"

# Training stops at TRAIN_SECONDS with SIGTERM, which checkpoints; --resume continues a run this warm machine began.
status=0
timeout -s TERM "$TRAIN_SECONDS" "$PY" -m training.train --run "$RUN" --data "$CACHE" --out "$RUN_DIR" --resume ${EXTRA:-} \
  || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 124 ] || { say "training failed ($status)"; exit "$status"; }
say "trained to step $("$PY" -c 'import sys, torch; print(torch.load(sys.argv[1], map_location="cpu")["step"])' "$RUN_DIR/ckpt.pt")"

"$PY" -m training.release_ckpt --ckpt "$RUN_DIR/ckpt.pt" --out "$OUT/ckpt.pt"
[ ! -f "$RUN_DIR/log.jsonl" ] || cp "$RUN_DIR/log.jsonl" "$OUT/log.jsonl"  # none before the first --log-every
"$PY" -m training.export --ckpt "$RUN_DIR/ckpt.pt" --style "$STYLE" --out /tmp/blaze-face-model > /dev/null
"$PY" -m training.evaluate --model /tmp/blaze-face-model --seeds "$VAL_SEEDS" --out "$OUT/val.json" \
  --grid "$OUT/val-grid.png" > /dev/null
say "validation: $("$PY" -c 'import json, sys; v = json.load(open(sys.argv[1])); print({k: v[k] for k in ("psnr", "ssim", "alpha_iou", "edge_recall", "edge_precision", "nose_mouth_psnr")})' "$OUT/val.json")"
"$PY" -m training.latent --model /tmp/blaze-face-model --pairs "$PAIRS" > "$OUT/latent.json"
say "done: $(ls "$OUT" | tr '\n' ' ')"
