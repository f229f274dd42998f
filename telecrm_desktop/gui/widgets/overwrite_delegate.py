"""The Map step's "Existing leads" cell: a choice of the field's overwrite rule (Update, Only if empty,
Keep telecrm's), committed as soon as it is picked."""

from __future__ import annotations

from telecrm_desktop.gui.models.mapping_model import OVERWRITE_TIPS, OVERWRITE_WORDS
from telecrm_desktop.gui.widgets.delegates import ChoiceDelegate


class OverwriteDelegate(ChoiceDelegate):
    default = "always"
    accessible_name = "What an existing lead gets"

    def choices(self) -> list[tuple[str, str, str]]:
        return [(words, rule, OVERWRITE_TIPS[rule]) for rule, words in OVERWRITE_WORDS.items()]
