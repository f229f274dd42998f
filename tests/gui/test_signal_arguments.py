"""A button's clicked(bool) or an action's triggered(bool) fills the first parameter of the slot it
is connected to. A slot whose first parameter is optional (`path=None`) then gets `False` instead
of its default: Load template… and Export result files… once failed on every click that way."""

import ast
from pathlib import Path

import telecrm_desktop.gui

GUI = Path(telecrm_desktop.gui.__file__).parent
CHECKED_SIGNALS = {"clicked", "triggered", "toggled"}


def _methods_with_optional_first_parameter(cls: ast.ClassDef) -> set[str]:
    found = set()
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            positional = node.args.posonlyargs + node.args.args
            if len(positional) >= 2 and len(node.args.defaults) >= len(positional) - 1:
                found.add(node.name)  # every parameter after self has a default
    return found


def bool_landing_in_optional_parameter(source: str) -> list[str]:
    """`x.clicked.connect(self.method)` where method(self, something=None): the bool lands there."""
    problems = []
    tree = ast.parse(source)
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        optional = _methods_with_optional_first_parameter(cls)
        for call in (n for n in ast.walk(cls) if isinstance(n, ast.Call)):
            func = call.func
            if not (isinstance(func, ast.Attribute) and func.attr == "connect"
                    and isinstance(func.value, ast.Attribute) and func.value.attr in CHECKED_SIGNALS):
                continue
            for arg in call.args:
                if (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)
                        and arg.value.id == "self" and arg.attr in optional):
                    problems.append(f"{cls.name}: {func.value.attr}.connect(self.{arg.attr}) at line {call.lineno}")
    return problems


def test_the_scan_finds_the_mistake():
    source = (
        "class Screen:\n"
        "    def __init__(self):\n"
        "        self.button.clicked.connect(self.load)\n"
        "        self.other.clicked.connect(lambda: self.load())\n"
        "    def load(self, path=None):\n"
        "        pass\n"
    )
    assert bool_landing_in_optional_parameter(source) == ["Screen: clicked.connect(self.load) at line 3"]


def test_no_button_or_action_passes_its_checked_state_into_an_optional_parameter():
    problems = []
    for path in sorted(GUI.rglob("*.py")):
        problems += [f"{path.name}: {p}" for p in bool_landing_in_optional_parameter(path.read_text(encoding="utf-8"))]
    assert problems == []
