"""The benchmark harness itself: its data is deterministic and fits the pipeline, and its
figures are computed as docs/benchmarks.md says."""

from __future__ import annotations

import csv

import pytest

from bench import data
from bench.measure import run_worker
from bench.report import markdown, text_table
from bench.sending import max_in_window, steady_rate


def test_sheets_are_deterministic_per_seed():
    first = list(data.lead_rows(50, seed=1))
    assert first == list(data.lead_rows(50, seed=1))
    assert first != list(data.lead_rows(50, seed=2))
    assert all(len(row) == len(data.HEADERS) for row in first)


def test_every_generated_row_becomes_a_ready_request(tmp_path):
    sheet = data.write_csv(tmp_path / "leads.csv", 300, seed=5)
    mapping = data.write_mapping(tmp_path / "mapping.json")
    with sheet.open(newline="", encoding="utf-8") as handle:
        assert sum(1 for _ in csv.reader(handle)) == 301
    sample = run_worker("to_requests", sheet, mapping)
    assert (sample.extra["rows"], sample.extra["ready"]) == (300, 300)
    assert sample.extra["leads"] == 300  # phones are unique: no two rows merge
    assert sample.peak_rss_mb > 10 and sample.cpu_seconds > 0


def test_steady_rate_counts_each_token_from_its_first_to_its_last_request():
    # token a: 11 requests 0.1 s apart (10/s); token b: 5 requests 0.5 s apart (2/s)
    accepted = {"a": [i * 0.1 for i in range(11)], "b": [i * 0.5 for i in range(5)], "c": []}
    assert steady_rate(accepted) == pytest.approx(12.0)
    assert max_in_window(accepted, 0.35) == 4  # a: 0.0, 0.1, 0.2, 0.3


def test_tables_show_baseline_in_its_own_unit():
    row = {"benchmark": "journal", "result": 12.5, "unit": "%", "baseline_name": "tmpfs", "baseline": 400.0,
           "baseline_unit": "req/s", "ratio": "350 vs 400 req/s", "goal": "<= 10%", "met": False, "details": {}}
    results = {"when": "now", "quick": True, "rows": [row],
               "machine": {"commit": "abc", "cpus": 2, "cpu": "x", "ram_gb": 1, "python": "3.11",
                           "load_before": 1.0, "load_after": 2.0}}
    assert "| journal | 12.50 % | tmpfs: 400 req/s | 350 vs 400 req/s | <= 10% | NO |" in markdown(results)
    assert "tmpfs: 400 req/s" in text_table([row])


def test_the_self_test_benchmark_reads_the_apps_own_peak_and_each_steps():
    from bench.suite import Sizes, app_self_test

    (row,) = app_self_test(Sizes(rows=300))
    assert row.unit == "MB" and row.result > 30
    assert row.details["rows"] == 300
    steps = row.details["peak_mb_after_step"]
    assert list(steps) == ["workspace", "open", "map", "review", "problems filter", "all rows", "last row",
                           "leave out", "send", "results"]
    assert all(later >= earlier for earlier, later in zip(steps.values(), list(steps.values())[1:]))
    assert row.baseline is None and row.met is None  # the 265 MB is for 100,000 rows only


def test_the_big_sheet_benchmark_runs_the_app_and_the_command_line_on_one_file_and_reads_both():
    from bench.suite import Sizes, big_sheet

    peak, first_screen, check, stall = big_sheet(Sizes(rows=300, sheet_rows=300, runs=1, sheet_kinds=("csv",)))
    assert peak.benchmark == "big sheet, 300 x 20 csv: app walk, peak memory (app + workers)"
    # the app (Qt loaded) against the command line's check of the same file, both measured in this run
    assert peak.unit == "MB" and peak.baseline > 10 and peak.result > peak.baseline
    assert peak.goal == "" and peak.met is None  # the memory goals are for 1,048,576 and 100,000 rows
    (app,) = peak.details["app_runs"]
    assert app["rows"] == 300 and app["tree_peak_mb"] > 30
    assert list(peak.details["steps"]) == ["workspace", "open", "map", "review", "problems filter", "all rows",
                                           "last row", "leave out", "send", "results"]
    assert peak.details["steps"]["all rows"]["said"] == "300 rows shown"
    assert peak.details["cli_runs"][0]["exit"] == 0  # every generated row is ready in the sandbox workspace
    assert peak.details["load_before"] >= 0 and "app_failed" not in peak.details
    assert first_screen.unit == "s" and 0 < first_screen.result == app["first_screen_s"] and first_screen.goal == "<= 1 s"
    assert check.result == app["check_s"] > 0 and check.baseline > 0
    assert check.ratio == f"{check.result / check.baseline:.2f}x CLI" and check.goal == "<= 1.25x CLI"
    assert stall.unit == "ms" and stall.result == app["stall_ms"] >= 4 and stall.goal == "<= 50 ms"



def test_an_app_walk_past_its_timeout_is_stopped_and_the_command_lines_figures_stand():
    from bench.suite import Sizes, big_sheet

    peak, first_screen, check, stall = big_sheet(Sizes(rows=300, sheet_rows=300, runs=1, app_timeout=0.5,
                                                       sheet_kinds=("csv",)))
    assert "was stopped after 0.5 s" in peak.details["app_failed"] and peak.ratio == peak.details["app_failed"]
    assert peak.result is None and peak.baseline > 10 and check.baseline > 0
    assert set(peak.details["app_steps_before_it"]) <= {"workspace", "open", "map"}  # the steps it finished
    assert [r.met for r in (peak, first_screen, check, stall)] == [None] * 4
