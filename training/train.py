"""Distil a BlazeStyleGAN student from a teacher's cached renders.

    python3 -m training.train --run training/configs/toon128-probe-steps.toml   # a named run: its settings in one file
    python3 -m training.train --config toon128 --data .cache/toon128 --out training/runs/toon128
    python3 -m training.train ... --resume            # continue from the run's last checkpoint
    python3 -m training.train ... --init other/ckpt.pt # start from another run's weights (a new style)
    torchrun --nproc_per_node=2 -m training.train ...           # DistributedDataParallel (gloo on CPU)

Writes <out>/ckpt.pt every --ckpt-every steps (and on SIGTERM/SIGINT), <out>/samples/<step>.png, and a
progress line (images/s, losses, ETA) every --log-every steps.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import signal
import time
import tomllib
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP

from .data import TeacherCache
from .detail import part_box_fraction
from .losses import (Discriminator, alpha_l1, arc_neighbour, discriminator_loss, edge_chamfer, generator_gan_terms,
                     grey_mse, part_loss, pyramid_loss, step_excess)
from .model import (CONFIGS, Generator, add_steps_from, base_of, can_add_steps, can_grow, can_widen, grow_from, load_trunk,
                    widen_from)
from .teachers import make_teacher
from .visual import save_grid


def to_model_space(img_u8: np.ndarray) -> torch.Tensor:
    """uint8 premultiplied RGBA [N, H, W, 4] -> float [-1, 1] NCHW."""
    return torch.from_numpy(np.ascontiguousarray(img_u8)).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


def setup_distributed():
    if "WORLD_SIZE" in os.environ and int(os.environ["WORLD_SIZE"]) > 1:
        if torch.cuda.is_available():
            # one GPU per process, by its rank on this node (torchrun sets LOCAL_RANK); NCCL wants it set first
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)) % torch.cuda.device_count())
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def amp_context(device: torch.device, enabled: bool):
    """Mixed precision for the generator's forward pass: bfloat16 autocast (no loss scaling needed, so the R1
    penalty's double backward stays as it is). On a GPU without bfloat16 it refuses rather than train in float16
    without a scaler."""
    if enabled and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ValueError("--amp uses bfloat16, which this GPU does not support; train without --amp")
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=enabled)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Distil a BlazeStyleGAN student from cached teacher renders.")
    p.add_argument("--run", type=Path, default=None, metavar="TOML",
                   help="a named run (training/configs/<name>.toml): every setting below by its flag name, flags on "
                        "the command line win; --out defaults to training/runs/<name>")
    p.add_argument("--config", default="toon128", choices=sorted(CONFIGS))
    p.add_argument("--data", type=Path, nargs="+", help="one or more caches of the same style (required)")
    p.add_argument("--out", type=Path)
    p.add_argument("--steps", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=16, help="per process")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--d-lr", type=float, default=2e-3)
    p.add_argument("--lr-decay-from", type=int, default=None,
                   help="from this step, both learning rates follow a cosine down to --lr-end-frac of their "
                        "value at --steps (hold-then-anneal; a function of the step, so resuming stays on it)")
    p.add_argument("--lr-end-frac", type=float, default=0.02)
    p.add_argument("--beta1", type=float, default=0.0, help="Adam beta1 (0 as in StyleGAN2; 0.9 suits pure reconstruction)")
    p.add_argument("--grad-weight", type=float, default=1.0)
    p.add_argument("--mse-weight", type=float, default=0.0,
                   help="weight of the last head's MSE on grey (the evaluated PSNR's error) beside the L1 pyramid")
    p.add_argument("--part-weight", type=float, default=0.0,
                   help="weight of the losses again inside the nose-and-mouth box (training/detail.py part_box, from "
                        "the teacher's canonical points), where the whole-image losses barely reward drawing the parts")
    p.add_argument("--edge-weight", type=float, default=0.0,
                   help="weight of the last head's edge term that tolerates a pixel's displacement (losses.edge_chamfer)")
    p.add_argument("--edge-start", type=int, default=0,
                   help="steps before the edge term joins (a fresh last head under it settles on drawing nothing)")
    p.add_argument("--edge-part-weight", type=float, default=1.0,
                   help="the edge term's weight inside the nose-and-mouth box, relative to elsewhere")
    p.add_argument("--edge-spurious", type=float, default=1.0,
                   help="the edge term's weight on student edges that the teacher lacks, relative to the missed ones")
    p.add_argument("--alpha-weight", type=float, default=0.0,
                   help="weight of an extra L1 on the last head's alpha (losses.alpha_l1), to hold the silhouette's IoU")
    p.add_argument("--smooth-weight", type=float, default=0.0,
                   help="weight of the flicker penalty (losses.step_excess): a face's change over one latent step "
                        "beyond --smooth-ratio times the batch median. Costs one more forward and backward of the "
                        "generator (last head only) per step")
    p.add_argument("--smooth-ratio", type=float, default=2.0)
    p.add_argument("--smooth-angle", type=float, default=math.pi / 48,
                   help="the latent step in radians (default: one frame of the demo's 24-frame quarter circle)")
    p.add_argument("--adv-weight", type=float, default=0.02)
    p.add_argument("--fm-weight", type=float, default=0.5)
    p.add_argument("--adv-start", type=int, default=2000, help="steps of pure reconstruction before the GAN terms")
    p.add_argument("--d-warmup", type=int, default=0,
                   help="the discriminator starts this many steps before --adv-start, so that the generator's first "
                        "GAN gradients come from a discriminator that has learnt something (a fresh one beside "
                        "trained generator weights, as in a fine-tune)")
    p.add_argument("--r1-gamma", type=float, default=1.0)
    p.add_argument("--r1-every", type=int, default=16)
    p.add_argument("--ema-beta", type=float, default=0.999)
    p.add_argument("--w-avg-beta", type=float, default=0.995)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--sample-every", type=int, default=1000)
    p.add_argument("--ckpt-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: all cores / processes)")
    p.add_argument("--amp", action="store_true",
                   help="mixed precision: the generator's forward in bfloat16 autocast (GPUs with bfloat16; on a CPU "
                        "it runs, slowly unless the CPU has bfloat16 instructions)")
    p.add_argument("--resume", action="store_true")
    p.add_argument("--init", type=Path, default=None,
                   help="start from another run's weights: the same architecture (e.g. a new style from a trained one) or "
                        "a smaller config that this one grows by blocks at the end (e.g. toon256 from toon128); the "
                        "step and the optimizer start fresh. Ignored when --resume finds a checkpoint")
    p.add_argument("--init-trunk", type=Path, default=None, metavar="CKPT",
                   help="with --init: then replace the part that CKPT's smaller config has (mapping, blocks, heads) "
                        "by CKPT's weights, keeping --init's added blocks and head: a retrained base under a grown "
                        "model, e.g. --init toon256.pt --init-trunk <toon128 run>/ckpt.pt --freeze-grown toon128")
    p.add_argument("--freeze-grown", nargs="?", const=INIT_CONFIG, default=None, metavar="CONFIG",
                   help="train only the blocks and head that the smaller config CONFIG lacks (from the last head's "
                        "loss); the rest keeps its exported (EMA) weights. CONFIG defaults to --init's config (growing); "
                        "naming it fine-tunes an already grown run, e.g. --init sketch256.pt --freeze-grown sketch128. "
                        "Give it again with --resume")
    run = p.parse_known_args(argv)[0].run
    if run is not None:
        p.set_defaults(**run_settings(p, run))
    args = p.parse_args(argv)
    for name in ("data", "out"):
        if getattr(args, name) is None:
            p.error(f"--{name} is required (on the command line or in the --run file)")
    return args


def run_settings(p: argparse.ArgumentParser, path: Path) -> dict:
    """A run file's settings as argparse defaults, typed as their flags would be."""
    with open(path, "rb") as f:
        table = tomllib.load(f)
    actions = {a.dest: a for a in p._actions}
    out = {"out": Path("training/runs") / path.stem}
    for key, value in table.items():
        dest = key.replace("-", "_")
        action = actions.get(dest)
        if action is None or dest == "run":
            raise SystemExit(f"{path}: unknown setting {key!r}; expected one of train's flags (see --help)")
        if action.type is Path:
            value = [Path(v) for v in value] if isinstance(value, list) else Path(value)
        out[dest] = value
    return out


INIT_CONFIG = "<--init's config>"


def generator_states(ck: dict) -> tuple[dict, dict]:
    """A checkpoint's (G, EMA) weights. A release's checkpoint keeps the EMA alone (training.release_ckpt), and a run
    started from it trains G on from the EMA."""
    return ck.get("G", ck["G_ema"]), ck["G_ema"]


def base_config_name(ck: dict, cfg) -> str:
    """The config of the base inside a grown checkpoint that `cfg` is, or extends by z steps or a wider fine end: the
    checkpoint's frozen config where it names one, else the first config in CONFIGS that fits."""
    grown = CONFIGS[ck["config"]]
    fits = lambda name: (name in CONFIGS and CONFIGS[name].resolution == cfg.resolution and can_grow(CONFIGS[name], grown)
                         and (CONFIGS[name] == cfg or can_add_steps(CONFIGS[name], cfg) or can_widen(CONFIGS[name], cfg)))
    for name in (ck.get("frozen_config"), *CONFIGS):
        if fits(name):
            return name
    raise ValueError(f"--init holds a {ck['config']} model, which has no {cfg.resolution} px base that "
                     f"{cfg} is or extends")


def lr_factor(step: int, decay_from: int | None, end: int, end_frac: float) -> float:
    """Learning-rate multiplier at `step`: 1 until `decay_from`, then a half cosine to `end_frac` at `end`."""
    if decay_from is None or step <= decay_from or end <= decay_from:
        return 1.0
    t = min(1.0, (step - decay_from) / (end - decay_from))
    return end_frac + (1 - end_frac) * 0.5 * (1 + math.cos(math.pi * t))


def train(args) -> dict:
    rank, world = setup_distributed()
    torch.set_num_threads(args.threads or max(1, (os.cpu_count() or 1) // world))
    device = torch.device(f"cuda:{torch.cuda.current_device()}" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(args.seed + rank)
    rng = np.random.default_rng(args.seed + 1000 * rank)

    cfg = CONFIGS[args.config]
    data = TeacherCache(args.data)
    parts = None
    if args.part_weight or args.edge_part_weight != 1.0:
        if data.style is None:
            raise ValueError("--part-weight and --edge-part-weight need the cache's style (its meta.txt) for the "
                             "teacher's canonical points")
        parts = part_box_fraction(make_teacher(data.style, cfg.resolution).landmarks, cfg.resolution)
    if data.z.shape[1] != cfg.z_dim or data.img.shape[1] != cfg.resolution:
        raise ValueError(f"cache holds z_dim {data.z.shape[1]} at {data.img.shape[1]} px; config {args.config} "
                         f"expects z_dim {cfg.z_dim} at {cfg.resolution} px")
    G = Generator(cfg).to(device)
    D = Discriminator(cfg.resolution).to(device)
    G_ema = copy.deepcopy(G).eval().requires_grad_(False)
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(args.beta1, 0.99))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.d_lr, betas=(args.beta1, 0.99))
    step = 0
    args.out.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.out / "ckpt.pt"
    def load_weights(ck):
        g, ema = generator_states(ck)
        G.load_state_dict(g); G_ema.load_state_dict(ema)
        if "D" in ck:  # a release's checkpoint has none: D starts fresh
            D.load_state_dict(ck["D"])

    # The smaller config whose weights stay frozen: named, or --init's (read below), or on --resume the checkpoint's.
    frozen_config = None if args.freeze_grown == INIT_CONFIG else args.freeze_grown
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location=device)
        load_weights(ck)
        if args.freeze_grown == INIT_CONFIG:
            frozen_config = ck.get("frozen_config")
        if "opt_g" in ck:  # absent after a reparameterisation (training/probes/reparam.py)
            opt_g.load_state_dict(ck["opt_g"]); opt_d.load_state_dict(ck["opt_d"])
            for opt, lr in ((opt_g, args.lr), (opt_d, args.d_lr)):  # this run's settings win over the saved ones
                for group in opt.param_groups:
                    group["lr"], group["betas"] = lr, (args.beta1, 0.99)
        step = ck["step"]
        rng = np.random.default_rng(args.seed + 1000 * rank + step)
        if rank == 0:
            print(f"resumed from {ckpt_path} at step {step}", flush=True)
    elif args.init:
        if not Path(args.init).exists():  # a run file pins the release it started from (training/README.md)
            raise FileNotFoundError(f"--init {args.init} does not exist; a run file's comment says which git commit "
                                    "holds that checkpoint")
        ck = torch.load(args.init, map_location=device)
        small = CONFIGS[ck["config"]]
        if args.freeze_grown == INIT_CONFIG:
            frozen_config = ck["config"]
        how_base = ""
        g, ema = generator_states(ck)
        if small.resolution > cfg.resolution:
            # A grown checkpoint holds its base: each style keeps one checkpoint, the grown one.
            base_name = base_config_name(ck, cfg)
            g, ema = (base_of(state, CONFIGS[base_name]) for state in (g, ema))
            ck = {**ck, "config": base_name, "G": g, "G_ema": ema}
            ck.pop("D", None)
            small = CONFIGS[base_name]
            how_base = f" (its {base_name} base)"
        if small == cfg:
            load_weights(ck)
            how = "initialised"
        elif can_add_steps(small, cfg):
            # The teacher's z steps into the mapping: the trained model carried over as the same function.
            add_steps_from(G, g, small)
            add_steps_from(G_ema, ema, small)
            how = f"given the teacher's z steps ({G.mapping.step_index.numel()} of them, same output)"
        elif can_widen(small, cfg):
            # A wider fine end: the trained model carried over as the same function, new channels fresh.
            widened = widen_from(G, g, small)
            widen_from(G_ema, ema, small)
            how = f"widened from {ck['config']} ({len(widened)} tensors widened, same output)"
        elif can_grow(small, cfg):
            # Progressive growing: the trained blocks carry over, the added ones and the discriminator start fresh.
            fresh = grow_from(G, g, small)
            grow_from(G_ema, ema, small)
            how = f"grown from {small.resolution} px ({len(fresh)} fresh tensors: blocks and head above it)"
        else:
            raise ValueError(f"--init {args.init} is a {ck['config']} checkpoint, whose architecture neither equals "
                             f"{args.config}'s nor grows into it")
        if rank == 0:
            print(f"{how} from {args.init}{how_base} (its step {ck['step']}); training from step 0", flush=True)
        if args.init_trunk:
            trunk = torch.load(args.init_trunk, map_location=device)
            for model, state in zip((G, G_ema), generator_states(trunk)):
                load_trunk(model, state, CONFIGS[trunk["config"]])
            if rank == 0:
                print(f"its {trunk['config']} part from {args.init_trunk} (its step {trunk['step']})", flush=True)
    elif args.init_trunk:
        raise ValueError("--init-trunk needs --init (the grown model whose added blocks and head it keeps)")
    frozen = set()
    if args.freeze_grown:
        small = CONFIGS.get(frozen_config)
        if small is None or not can_grow(small, cfg):
            raise ValueError(f"--freeze-grown needs a smaller config that grows into {args.config} (from --init, or "
                             f"named); got {frozen_config or args.init}")
        # The grown model's trained part stays the shipped model, bit for bit (its latent-space behaviour too);
        # only the added blocks and head learn, from the last head's loss alone. G takes the EMA's values there,
        # or the EMA would drift towards G's.
        frozen = set(Generator(small).state_dict())
        ema = dict(G_ema.named_parameters())
        with torch.no_grad():
            for name, p in G.named_parameters():
                p.requires_grad_(name not in frozen)
                if name in frozen:
                    p.copy_(ema[name])
    # G trains under DistributedDataParallel. D does not: R1 needs a double backward, which DDP does not
    # support, so D's gradients are averaged by hand (after its parameters are broadcast from rank 0).
    G_train = G
    if world > 1 and args.smooth_weight:
        # The penalty runs G a second time before backward, which DistributedDataParallel does not support.
        raise ValueError("--smooth-weight is for single-process training; it is not supported under torchrun")
    if world > 1:
        G_train = DDP(G, device_ids=[device.index] if device.type == "cuda" else None)
        for p in D.parameters():
            dist.broadcast(p.data, 0)

    def save(path=ckpt_path):
        if rank != 0:
            return
        tmp = path.with_suffix(".tmp")
        torch.save({"G": G.state_dict(), "D": D.state_dict(), "G_ema": G_ema.state_dict(),
                    "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(), "step": step,
                    "config": args.config, "frozen_config": frozen_config, "args": {k: str(v) for k, v in vars(args).items()}}, tmp)
        os.replace(tmp, path)  # atomic: an interrupted save never corrupts the last checkpoint

    stop = {"now": False}
    def on_signal(signum, frame):
        stop["now"] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    fixed_idx = np.arange(min(16, len(data)))
    history = []
    t_start, t_log, n_log = time.time(), time.time(), 0
    start_step = step
    while step < args.steps and not stop["now"]:
        idx = np.sort(rng.integers(0, len(data), args.batch))
        z = torch.from_numpy(data.z[idx]).to(device)
        real = to_model_space(data.img[idx]).to(device)
        gan = args.adv_weight > 0 or args.fm_weight > 0
        use_adv = gan and step >= args.adv_start
        train_d = gan and step >= args.adv_start - args.d_warmup
        f = lr_factor(step, args.lr_decay_from, args.steps, args.lr_end_frac)
        for opt, lr in ((opt_g, args.lr), (opt_d, args.d_lr)):
            for group in opt.param_groups:
                group["lr"] = lr * f

        # --- discriminator: teacher renders are the real images ---
        if train_d:
            with torch.no_grad(), amp_context(device, args.amp):
                fake = G(z)[-1].float()
            loss_d = discriminator_loss(D, fake, real, args.r1_gamma, args.r1_every, step % args.r1_every == 0)
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            if world > 1:
                for p in D.parameters():
                    dist.all_reduce(p.grad)
                    p.grad /= world
            opt_d.step()
        else:
            loss_d = torch.zeros(())

        # --- generator: multi-scale reconstruction on every head + adversarial on the last ---
        with amp_context(device, args.amp):
            outs = G_train(z, all_heads=not frozen)
        outs = [o.float() for o in outs]  # the losses in float32
        loss_rec, per_head = pyramid_loss(outs, real, args.grad_weight)
        loss_g = loss_rec
        loss_mse = None
        if args.mse_weight:
            loss_mse = grey_mse(outs[-1], real)
            loss_g = loss_g + args.mse_weight * loss_mse
        if args.alpha_weight:
            loss_g = loss_g + args.alpha_weight * alpha_l1(outs[-1], real)
        if args.edge_weight and step >= args.edge_start:
            loss_g = loss_g + args.edge_weight * edge_chamfer(outs[-1], real, spurious=args.edge_spurious,
                                                              box=parts, box_weight=args.edge_part_weight)
        if args.part_weight:
            loss_g = loss_g + args.part_weight * part_loss(outs, real, parts, args.grad_weight)
        loss_smooth, steps = None, None
        if args.smooth_weight:
            with amp_context(device, args.amp):
                nxt = G(arc_neighbour(z, args.smooth_angle))[-1].float()
            loss_smooth, steps = step_excess(outs[-1], nxt, args.smooth_ratio)
            loss_g = loss_g + args.smooth_weight * loss_smooth
        loss_adv = torch.zeros(())
        if use_adv:
            loss_adv, loss_fm = generator_gan_terms(D, outs[-1], real)
            loss_g = loss_g + args.adv_weight * loss_adv + args.fm_weight * loss_fm
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()

        with torch.no_grad():
            w_mean = G.mapping(z).mean(0)
            if world > 1:
                dist.all_reduce(w_mean); w_mean /= world
            G.mapping.w_avg.lerp_(w_mean, 1 - args.w_avg_beta)
            beta = min(args.ema_beta, (1 + step) / (10 + step))
            for pe, p in zip(G_ema.parameters(), G.parameters()):
                pe.lerp_(p, 1 - beta)
            for be, b in zip(G_ema.buffers(), G.buffers()):
                be.copy_(b)
        step += 1
        n_log += args.batch * world

        if rank == 0 and step % args.log_every == 0:
            now = time.time()
            ips = n_log / (now - t_log)
            eta = (args.steps - step) * args.batch * world / max(ips, 1e-9)
            if loss_mse is None:  # not a loss term: measured for the log only, on logged steps only
                loss_mse = grey_mse(outs[-1].detach(), real)
            rec = dict(step=step, ips=round(ips, 1), lr=float(f"{args.lr * f:.3g}"),
                       rec=round(float(loss_rec), 4),
                       heads=[round(v, 4) for v in per_head], mse=round(float(loss_mse), 5), adv=round(float(loss_adv), 4),
                       d=round(float(loss_d), 4), elapsed_s=round(now - t_start))
            if loss_smooth is not None:  # the penalty, and the batch's largest step over its median step
                rec.update(smooth=round(float(loss_smooth), 4),
                           step_ratio=round(float(steps.max() / steps.median().clamp_min(1e-6)), 2))
            history.append(rec)
            print(f"step {step}/{args.steps} {ips:.1f} img/s rec {rec['rec']:.4f} heads {rec['heads']} "
                  f"mse {rec['mse']:.5f} smooth {rec.get('smooth', 0):.3f} adv {rec['adv']:.3f} d {rec['d']:.3f} ETA {eta / 3600:.2f} h", flush=True)
            with open(args.out / "log.jsonl", "a") as f:
                f.write(json.dumps(rec) + "\n")
            t_log, n_log = now, 0
        if rank == 0 and step % args.sample_every == 0:
            with torch.no_grad():
                zf = torch.from_numpy(data.z[fixed_idx]).to(device)
                pred = G_ema(zf)[-1].cpu()
            save_grid(args.out / "samples" / f"{step:07d}.png", to_model_space(data.img[fixed_idx]), pred)
        if step % args.ckpt_every == 0:
            save()
    save()
    if world > 1:
        dist.destroy_process_group()
    if rank == 0:
        print(f"stopped at step {step} ({step - start_step} steps this run, {time.time() - t_start:.0f} s)",
              flush=True)
    return {"step": step, "history": history}


def main(argv=None):
    train(parse_args(argv))


if __name__ == "__main__":
    main()
