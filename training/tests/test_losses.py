"""The edge term (losses.edge_chamfer): it tolerates a stroke moved by a pixel, and weighs lines the teacher has not
drawn by --edge-spurious."""
import pytest
import torch

from training.losses import edge_chamfer


def stroke(col: int, size: int = 16) -> torch.Tensor:
    """An opaque white face with one black vertical line at `col`, in model space [-1, 1]."""
    x = torch.ones(1, 4, size, size)
    x[:, :3, :, col] = -1
    return x


def test_a_stroke_one_pixel_off_costs_nothing_and_a_missing_one_does():
    t = stroke(8)
    assert edge_chamfer(stroke(9), t).item() == 0
    blank = torch.ones(1, 4, 16, 16)
    assert edge_chamfer(blank, t).item() > 0
    assert edge_chamfer(stroke(12), t).item() > 0


def test_spurious_weighs_only_the_lines_the_teacher_lacks():
    t = stroke(8)
    extra = torch.minimum(stroke(8), stroke(2))  # the teacher's line and one more
    missed = torch.ones(1, 4, 16, 16)
    assert edge_chamfer(extra, t).item() > 0
    assert edge_chamfer(extra, t, spurious=3).item() == pytest.approx(3 * edge_chamfer(extra, t).item())
    assert edge_chamfer(missed, t, spurious=3).item() == edge_chamfer(missed, t).item()


def test_the_box_weight_counts_only_inside_the_box():
    blank = torch.ones(1, 4, 16, 16)
    left, right = (0.0, 0.0, 0.5, 1.0), (0.5, 0.0, 1.0, 1.0)
    t = stroke(4)  # a line in the left half: missed entirely by a blank student
    whole = edge_chamfer(blank, t).item()
    assert whole > 0
    assert edge_chamfer(blank, t, box=left, box_weight=0).item() == 0
    assert edge_chamfer(blank, t, box=left, box_weight=0.5).item() == pytest.approx(0.5 * whole)
    assert edge_chamfer(blank, t, box=right, box_weight=0).item() == pytest.approx(whole)
