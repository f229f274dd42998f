"""The type names: the ones a mapping template uses, and every other spelling of them (telecrm's
documentation, its Sync API, its schema). The one table the template, the converters and the
workspace rules read.
"""

from __future__ import annotations

import re

# The type names a mapping template may use (mapping-format.md).
KNOWN_TYPES = frozenset(
    {"text", "email", "phone", "number", "money", "date", "dropdown", "tags", "rating",
     "status", "lost_reason", "user", "website", "medialink"}
)
# Names telecrm's own documentation and schema use for the same types; a template may use them.
TYPE_ALIASES = {"lostReason": "lost_reason", "activeUsers": "user", "assignee": "user"}

# telecrm's type names, upper case with separators removed -> mapping type names.
TELECRM_TYPE_NAMES = {
    "TEXT": "text", "TEXTAREA": "text", "STRING": "text", "LONGTEXT": "text", "PARAGRAPH": "text",
    "NUMBER": "number", "INTEGER": "number", "DECIMAL": "number",
    "EMAIL": "email",
    "PHONE": "phone", "PHONENUMBER": "phone", "MOBILE": "phone",
    "DATE": "date", "DATETIME": "date", "TIMESTAMP": "date",
    "DROPDOWN": "dropdown", "SELECT": "dropdown", "SINGLESELECT": "dropdown",
    "TAGS": "tags", "TAG": "tags", "MULTISELECT": "tags",
    "MONEY": "money", "CURRENCY": "money", "AMOUNT": "money",
    "RATING": "rating",
    "STATUS": "status", "LEADSTATUS": "status",
    "LOSTREASON": "lost_reason", "LEADLOSTREASON": "lost_reason",
    "ACTIVEUSERS": "user", "ACTIVEUSER": "user", "USER": "user", "USERS": "user", "ASSIGNEE": "user",
    "WEBSITE": "website", "URL": "website", "LINK": "website",
    "MEDIALINK": "medialink", "MEDIA": "medialink", "FILE": "medialink",
}


def normal_type(name: str | None) -> str | None:
    """A type name as this project spells it (`lostReason` -> `lost_reason`); None and "" stay."""
    return TYPE_ALIASES.get(name, name) if name else name


def mapping_type(telecrm_type: object) -> str | None:
    """The mapping type name for one of telecrm's type names; None when it is not known."""
    if not isinstance(telecrm_type, str):
        return None
    if telecrm_type in KNOWN_TYPES:  # already ours (a hand-written schema file)
        return telecrm_type
    return TELECRM_TYPE_NAMES.get(re.sub(r"[^A-Z]", "", telecrm_type.upper()))
