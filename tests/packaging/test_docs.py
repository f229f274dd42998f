"""The user documentation matches the code: every flag the parsers define, every status, exit code
and environment variable is in docs/cli.md; and nothing in the repository reaches outside it."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

import pytest

from telecrm_desktop import cli
from telecrm_desktop.cli import output
from telecrm_desktop.core.send import outcomes

ROOT = Path(__file__).resolve().parents[2]
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def section(heading_start: str) -> str:
    """The text of the `## ...` section of docs/cli.md whose heading starts with `heading_start`."""
    match = re.search(rf"^## {re.escape(heading_start)}.*?(?=^## |\Z)", CLI_DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section '## {heading_start}'"
    return match.group(0)


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(subparsers.choices)


COMMON = {"-h", "--help"}


def test_every_command_has_a_section():
    assert set(subcommand_parsers()) == set(cli.COMMANDS)
    for name in cli.COMMANDS:
        section(f"`{name}")


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_every_flag_of_a_command_is_documented_in_its_section(command):
    flags = option_strings(subcommand_parsers()[command]) - COMMON
    text = section(f"`{command}")
    missing = sorted(flag for flag in flags if f"`{flag}" not in text)
    assert not missing, f"docs/cli.md, section `{command}`, lacks {missing}"


def test_the_common_flags_are_documented():
    text = section("Options of every command")
    for flag in option_strings(cli.build_parser()) | COMMON:
        assert f"`{flag}" in text or f"{flag}`" in text, flag


def test_every_flag_of_the_desktop_app_is_documented(monkeypatch):
    from telecrm_desktop.gui import app

    seen = []
    parse = argparse.ArgumentParser.parse_args

    def record(self, *args, **kwargs):
        seen.append(self)
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", record)
    app._parse([])
    text = section("The desktop app")
    missing = sorted(f for f in option_strings(seen[0]) - COMMON if f"`{f}`" not in text)
    assert not missing, f"docs/cli.md, section 'The desktop app's own flags', lacks {missing}"


def documented_statuses() -> set[str]:
    return set(re.findall(r"^\| `([a-z]+)` \|", section("Statuses"), re.M))


def test_every_status_the_code_reports_is_documented():
    in_code = set(outcomes.REPORT_ORDER) | set(output.STATUS_ORDER)
    missing = in_code - documented_statuses()
    assert not missing, f"docs/cli.md lacks the statuses {sorted(missing)}"


def test_every_exit_code_is_documented():
    codes = {int(c) for c in re.findall(r"^\| (\d+) \|", section("Exit status"), re.M)}
    assert {cli.EXIT_OK, cli.EXIT_ROWS_NEED_ATTENTION, cli.EXIT_USAGE, cli.EXIT_NO_TOKEN_LEFT, 130} <= codes


def test_every_report_column_is_documented():
    from telecrm_desktop.core.check.report import REPORT_COLUMNS

    columns = set(re.findall(r"^\| `([a-z_]+)` \|", section("The report"), re.M))
    assert set(REPORT_COLUMNS) <= columns


def test_every_environment_variable_the_code_reads_is_documented():
    names = set()
    for path in (ROOT / "telecrm_desktop").rglob("*.py"):
        names |= set(re.findall(r"[\"'](TELECRM_[A-Z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert "TELECRM_DESKTOP_HOME" in names  # the scan finds them at all
    documented = set(re.findall(r"^\| `(TELECRM_[A-Z_]+)` \|", section("Environment variables"), re.M))
    assert not names - documented, f"docs/cli.md lacks {sorted(names - documented)}"


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    wanted = {".py", ".md", ".sh", ".toml", ".spec", ".iss", ".ps1", ".json", ".desktop", ".c", ".txt", ""}
    return [ROOT / name for name in listed if name and Path(name).suffix in wanted and (ROOT / name).is_file()]


def test_nothing_reads_or_links_outside_the_repository():
    # a user's clone has only the repository: no sibling folders next to it
    outside = re.compile(r"\.\./" + "shared" + r"|/work/" + "shared" + r"|\bshared/" + "spec")
    offenders = [str(p.relative_to(ROOT)) for p in tracked_text_files()
                 if outside.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"these files point outside the repository: {offenders}"


def test_links_between_the_docs_resolve():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to {target}, which is missing"
