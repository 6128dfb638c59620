"""One-off measurements behind training/EXPERIMENTS.md: capacity and speed probes, yardsticks, and checkpoint
surgery. Each is a `python3 -m training.probes.<name>` command; the library (`training/`) never imports them."""
