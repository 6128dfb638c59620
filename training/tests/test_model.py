import pytest
import torch

from training.model import CONFIGS, Generator, GeneratorConfig, can_grow, can_widen, depth_to_space, grow_from, widen_from


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_every_head_has_the_right_shape(name):
    cfg = CONFIGS[name]
    g = Generator(cfg).eval()
    with torch.no_grad():
        outs = g(torch.randn(1, cfg.z_dim), all_heads=True)
    assert len(outs) == cfg.num_blocks
    for i, o in enumerate(outs):
        r = 4 * cfg.block_resolution(i)  # each head works at 4x its block
        assert o.shape == (1, 4, r, r)
    assert outs[-1].shape[-1] == cfg.resolution
    assert cfg.block_resolution(cfg.num_blocks - 1) == cfg.resolution // 4  # blocks at 1/4 resolution


def test_inference_runs_only_the_last_head():
    cfg = CONFIGS["tiny"]
    g = Generator(cfg).eval()
    calls = []
    for i, h in enumerate(g.heads):
        h.register_forward_hook(lambda m, inp, out, i=i: calls.append(i))
    with torch.no_grad():
        outs = g(torch.randn(2, cfg.z_dim))
    assert calls == [cfg.num_blocks - 1]
    assert len(outs) == 1
    calls.clear()
    with torch.no_grad():
        g(torch.randn(2, cfg.z_dim), all_heads=True)
    assert calls == list(range(cfg.num_blocks))


def test_depth_to_space_uses_tensorflow_channel_order():
    # channel (i*r + j)*C + c lands at pixel offset (i, j) of channel c
    x = torch.arange(8.0).view(1, 8, 1, 1)  # C = 2, r = 2
    y = depth_to_space(x)
    assert y[0, 0].tolist() == [[0.0, 2.0], [4.0, 6.0]]
    assert y[0, 1].tolist() == [[1.0, 3.0], [5.0, 7.0]]


def test_truncation_zero_gives_the_average_style():
    cfg = CONFIGS["tiny"]
    g = Generator(cfg).eval()
    g.mapping.w_avg.normal_()
    with torch.no_grad():
        ws = g.ws_from(torch.randn(3, cfg.z_dim), truncation=0.0)
    assert torch.allclose(ws, g.mapping.w_avg.expand_as(ws))


def test_style_mixing_switches_at_the_layer():
    cfg = CONFIGS["tiny"]
    g = Generator(cfg).eval()
    z1, z2 = torch.randn(1, cfg.z_dim), torch.randn(1, cfg.z_dim)
    with torch.no_grad():
        ws = g.ws_from(z1, mix_z=z2, mix_layer=2)
        w1, w2 = g.mapping(z1), g.mapping(z2)
    assert torch.allclose(ws[0, :2], w1.expand(2, -1))
    assert torch.allclose(ws[0, 2:], w2.expand(cfg.num_ws - 2, -1))


def test_flops_command_counts_inference_only():
    g = Generator(CONFIGS["toon128"])
    f = g.inference_flops()
    assert f["total"] == f["mapping"] + f["synthesis"] + f["head"]
    assert g.inference_parameters() < sum(p.numel() for p in g.parameters())


def test_growing_keeps_every_trained_head_and_adds_only_the_new_block():
    small_cfg, big_cfg = CONFIGS["tiny"], CONFIGS["tiny64"]
    small, big = Generator(small_cfg).eval(), Generator(big_cfg).eval()
    small.mapping.w_avg.normal_()
    fresh = grow_from(big, small.state_dict(), small_cfg)
    assert sorted({".".join(n.split(".")[:2]) for n in fresh}) == ["convs.4", "convs.5", "heads.2"]
    assert torch.equal(big.mapping.w_avg, small.mapping.w_avg)
    z = torch.randn(3, small_cfg.z_dim)
    with torch.no_grad():
        a, b = small(z, all_heads=True), big(z, all_heads=True)
    for x, y in zip(a, b):  # the grown model's first heads are the trained model, bit for bit
        assert torch.equal(x, y)
    # and its new head (skip) starts at zero: the grown model's face is the trained one's, scaled up
    up = torch.nn.functional.interpolate(a[-1], scale_factor=2, mode="bilinear", align_corners=False)
    assert b[-1].shape[-1] == 64 and torch.equal(b[-1], up)
    with torch.no_grad():
        big.heads[-1].conv2.bias.fill_(0.25)
        assert torch.allclose(big(z)[0], up + 0.25, atol=1e-6)  # inference adds the two heads too
    other = GeneratorConfig(resolution=64, z_dim=small_cfg.z_dim, w_dim=small_cfg.w_dim,
                            mapping_layers=small_cfg.mapping_layers, channels=[32, 32, 8],
                            head_channels=small_cfg.head_channels)
    assert can_grow(small_cfg, big_cfg) and not can_grow(small_cfg, other) and not can_grow(big_cfg, small_cfg)
    with pytest.raises(ValueError, match="add blocks at the end"):
        grow_from(Generator(other), small.state_dict(), small_cfg)


def test_widening_keeps_the_output_and_the_new_channels_learn():
    small_cfg, wide_cfg = CONFIGS["tiny64"], CONFIGS["tiny64w"]
    torch.manual_seed(3)
    small, wide = Generator(small_cfg).eval(), Generator(wide_cfg).eval()
    for p in small.parameters():  # trained-looking weights: every head and bias away from its initial value
        p.data.add_(0.1 * torch.randn_like(p))
    widened = widen_from(wide, small.state_dict(), small_cfg)
    assert {".".join(n.split(".")[:2]) for n in widened} == {"convs.4", "convs.5", "heads.2"}
    assert wide.heads[-1].conv1.in_c == 12 and wide.heads[-2].conv1.in_c == 8  # the skip head keeps its width
    z = torch.randn(4, small_cfg.z_dim)
    with torch.no_grad():
        a, b = small(z, all_heads=True), wide(z, all_heads=True)
    for x, y in zip(a, b):
        assert torch.allclose(x, y, atol=1e-5)
    wide.train()
    wide(z)[-1].square().mean().backward()
    # the weights from new channels into old ones start at zero but get a gradient, so the new channels count
    new_in = wide.heads[-1].conv2.weight.grad[:, 4:]
    assert new_in.abs().sum() > 0
    assert can_widen(small_cfg, wide_cfg) and not can_widen(wide_cfg, small_cfg) and not can_grow(wide_cfg, small_cfg)
    with pytest.raises(ValueError, match="cannot widen"):
        widen_from(Generator(CONFIGS["tiny"]), small.state_dict(), small_cfg)
