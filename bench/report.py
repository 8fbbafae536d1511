"""One line of the benchmark table: scripts print these, bench/run_all.py gathers them."""

from __future__ import annotations


def row(
    figure: str, ours: str, baseline: str = "", ratio: float | None = None, aim: str = ""
) -> None:
    """Print a ``ROW`` line: figure, qltimer's value, the baseline's, their ratio, the aim."""
    print("ROW\t" + "\t".join([figure, ours, baseline, f"{ratio:.2f}x" if ratio else "", aim]))
