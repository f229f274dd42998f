"""Tables of the results: plain text for the terminal, Markdown for docs/benchmarks.md.

`python -m bench.report` prints the Markdown table of the last bench/out/results.json.
"""

from __future__ import annotations

import json

from bench import data

HEADER = ("benchmark", "result", "baseline (same run)", "ratio", "goal", "met")


def cell(value, unit: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value} {unit}".strip()


def lines(rows: list[dict]) -> list[tuple[str, ...]]:
    out = []
    for r in rows:
        unit = r["unit"] if r.get("baseline_unit") is None else r["baseline_unit"]
        baseline = f"{r['baseline_name']}: {cell(r['baseline'], unit)}" if r["baseline_name"] else ""
        met = {True: "yes", False: "NO", None: ""}[r["met"]]
        out.append((r["benchmark"], cell(r["result"], r["unit"]), baseline, r["ratio"], r["goal"], met))
    return out


def text_table(rows: list[dict]) -> str:
    body = lines(rows)
    widths = [max(len(x) for x in column) for column in zip(HEADER, *body)]
    return "\n".join(" | ".join(x.ljust(w) for x, w in zip(line, widths)).rstrip()
                     for line in (HEADER, tuple("-" * w for w in widths), *body))


def markdown(results: dict) -> str:
    m = results["machine"]
    head = (f"{results['when']}, commit {m.get('commit', '?')}{' (--quick)' if results['quick'] else ''}: "
            f"{m['cpus']} x {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}, "
            f"load average {m['load_before']:.1f} before and {m.get('load_after', 0):.1f} after.\n\n")
    rows = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    rows += ["| " + " | ".join(x.replace("|", "/") for x in line) + " |" for line in lines(results["rows"])]
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads((data.OUT / "results.json").read_text(encoding="utf-8"))))
