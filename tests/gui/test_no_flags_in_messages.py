"""Messages in the app never mention command-line flags: no string the app can show, in gui/ or in
the core modules whose sentences it shows, holds a `--flag` (docstrings and the app's own argument
parser aside)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import telecrm_desktop

PACKAGE = Path(telecrm_desktop.__file__).parent
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
# the core modules whose sentences reach the app's message bar, event log or results
CORE_SHOWN = ["core/workspace/sync_client.py", "core/workspace/landed.py", "core/send/engine.py", "core/send/client.py",
              "core/refusals.py", "core/secrets.py", "core/addresses.py", "core/workspace/schema_rules.py",
              "core/workspace/schema_io.py", "core/template/mapping.py", "core/check/pipeline.py", "core/send/journal.py", "core/send/results.py"]


def shown_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    parser_args = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
                   and getattr(node.func, "attr", "") == "add_argument" for arg in ast.walk(node)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and id(node) not in parser_args]


def test_no_message_the_app_shows_names_a_command_line_flag():
    files = sorted((PACKAGE / "gui").rglob("*.py")) + [PACKAGE / p for p in CORE_SHOWN]
    found = [f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
             for path in files for line, text in shown_strings(path) if FLAG.search(text)]
    assert found == []
