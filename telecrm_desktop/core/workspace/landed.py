"""After a send: did the queued leads land, with the values sent? (lead/search is the only way to see.)

telecrm answers QUEUED and validates later, dropping what does not fit without a word. This looks
the sent leads up by their identifier and compares every sent field with what telecrm stored.
Actions cannot be seen through lead/search and are not compared. Pure core: the caller chooses
the sample (`choose_sample`) and the delay; `verify_landed` does no waiting unless asked to.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Iterable

from telecrm_desktop.core.workspace.sync_client import SyncError

SEARCH_BATCH = 50  # identifiers per lead/search request
ALL_UP_TO = 200  # a run with up to this many queued leads is checked whole
SAMPLE_SIZE = 100  # else this many, picked at random
RECHECK_MINUTES = 5
# telecrm's 200 QUEUED means "in the queue": a lead not found yet is most often still there
QUEUE_NOTE = (
    "telecrm writes queued leads in the background, so leads sent in the last minutes may not be "
    f"there yet: check again in about {RECHECK_MINUTES} minutes. A lead still missing an hour after "
    "the send was dropped by telecrm (most often for an identifier it could not read)"
)
_PHONE_LIKE = re.compile(r"\+?[0-9][0-9 ()-]{5,}")


@dataclass(frozen=True)
class FieldDifference:
    field: str
    sent: object
    found: object  # None: telecrm did not keep the field

    def describe(self) -> str:
        if self.found is None:
            return f"{self.field} sent {_show(self.sent)}, not stored"
        return f"{self.field} sent {_show(self.sent)}, telecrm has {_show(self.found)}"


@dataclass(frozen=True)
class LeadCheck:
    identifier: str
    found: bool
    differences: tuple[FieldDifference, ...] = ()

    @property
    def landed(self) -> bool:
        return self.found and not self.differences


@dataclass
class LandedReport:
    checked: int = 0
    landed: int = 0
    different: list[LeadCheck] = field(default_factory=list)  # found, some values differ
    missing: list[str] = field(default_factory=list)  # identifiers not found
    error: str | None = None  # the Sync API failed part-way: the counts cover what was checked

    def summary(self, details: int = 3) -> str:
        """'48 of 50 leads checked landed with the values sent; 1 has different values (...); 1 was not found (...)'."""
        if self.checked == 0 and self.error:
            return f"the post-import check could not run: {self.error}"
        noun = "lead" if self.checked == 1 else "leads"
        parts = [f"{self.landed} of {self.checked} {noun} checked landed with the values sent"]
        if self.different:
            shown = "; ".join(
                f"{c.identifier}: " + ", ".join(d.describe() for d in c.differences[:3])
                for c in self.different[:details]
            )
            more = f" and {len(self.different) - details} more" if len(self.different) > details else ""
            verb = "has" if len(self.different) == 1 else "have"
            parts.append(f"{len(self.different)} {verb} different values ({shown}{more})")
        if self.missing:
            shown = ", ".join(self.missing[:details])
            more = f" and {len(self.missing) - details} more" if len(self.missing) > details else ""
            verb = "was" if len(self.missing) == 1 else "were"
            parts.append(f"{len(self.missing)} {verb} not found ({shown}{more})")
        if self.error:
            parts.append(f"the check stopped early: {self.error}")
        text = "; ".join(parts)
        if self.missing and not self.error:
            text += ". " + QUEUE_NOTE
        return text

    def to_dict(self) -> dict:
        """Plain data for the journal and result files."""
        return {
            "checked": self.checked,
            "landed": self.landed,
            "different": [
                {"identifier": c.identifier,
                 "differences": [{"field": d.field, "sent": d.sent, "found": d.found} for d in c.differences]}
                for c in self.different
            ],
            "missing": list(self.missing),
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "LandedReport":
        """The report again from `to_dict()`'s data (as the journal keeps it)."""
        different = [
            LeadCheck(str(c.get("identifier")), True,
                      tuple(FieldDifference(d.get("field"), d.get("sent"), d.get("found"))
                            for d in c.get("differences", [])))
            for c in data.get("different", [])
        ]
        return cls(checked=int(data.get("checked", 0)), landed=int(data.get("landed", 0)), different=different,
                   missing=[str(m) for m in data.get("missing", [])], error=data.get("error"))


def choose_sample(leads: list, *, all_up_to: int = ALL_UP_TO, sample_size: int = SAMPLE_SIZE,
                  seed: int | None = None) -> list:
    """Every lead of a small run, else a random sample (in the original order)."""
    if len(leads) <= all_up_to:
        return list(leads)
    picked = sorted(random.Random(seed).sample(range(len(leads)), sample_size))
    return [leads[i] for i in picked]


def _sent(item) -> tuple[str, dict]:
    """(identifier, fields) from a pipeline Lead, a payloads line dict, or an (identifier, body) pair."""
    if isinstance(item, dict):
        identifier, body = item.get("identifier"), item.get("body", item)
    elif isinstance(item, tuple):
        identifier, body = item
    else:
        identifier, body = item.identifier, item.body
    fields = body.get("fields", {}) if isinstance(body, dict) else {}
    return str(identifier), fields


def verify_landed(sync_client, leads_sample: Iterable, identifier_field: str, *,
                  recheck_after: float = 0.0) -> LandedReport:
    """Looks up each sent lead with lead/search and compares the sent fields with telecrm's.

    `recheck_after` > 0: leads missing or different at first are looked up once more after that
    many seconds (telecrm processes its queue in the background).
    """
    sent = {}
    for item in leads_sample:
        identifier, fields = _sent(item)
        value = fields.get(identifier_field, identifier)
        sent[_key(value)] = (identifier, value, fields)
    report = LandedReport()
    results = _check(sync_client, sent, identifier_field, report)
    if recheck_after > 0 and report.error is None and any(not r.landed for r in results.values()):
        time.sleep(recheck_after)
        again = {k: sent[k] for k, r in results.items() if not r.landed}
        results.update(_check(sync_client, again, identifier_field, report))
    for check in results.values():
        report.checked += 1
        if check.landed:
            report.landed += 1
        elif check.found:
            report.different.append(check)
        else:
            report.missing.append(check.identifier)
    return report


def _check(client, sent: dict, identifier_field: str, report: LandedReport) -> dict[str, LeadCheck]:
    results: dict[str, LeadCheck] = {}
    keys = list(sent)
    for start in range(0, len(keys), SEARCH_BATCH):
        batch = keys[start:start + SEARCH_BATCH]
        try:
            found = client.search_leads({identifier_field: [sent[k][1] for k in batch]})
        except SyncError as exc:
            report.error = str(exc)
            break
        stored: dict[str, list[dict]] = {}
        for lead in found:
            fields = lead.get("fields") if isinstance(lead.get("fields"), dict) else {}
            if identifier_field in fields:
                stored.setdefault(_key(fields[identifier_field]), []).append(fields)
        for key in batch:
            identifier, _, fields = sent[key]
            candidates = stored.get(key, [])
            if not candidates:
                results[key] = LeadCheck(identifier, False)
                continue
            # Several leads with one identifier should not exist; judge by the closest.
            best = min((_differences(fields, c) for c in candidates), key=len)
            results[key] = LeadCheck(identifier, True, tuple(best))
    return results


def _differences(sent: dict, stored: dict) -> list[FieldDifference]:
    return [FieldDifference(name, value, stored.get(name))
            for name, value in sent.items() if not _same(value, stored.get(name))]


def _key(value: object) -> str:
    text = str(value).strip()
    if _PHONE_LIKE.fullmatch(text):
        return re.sub(r"\D", "", text)
    return text.casefold()


def _same(sent: object, found: object) -> bool:
    if found is None:
        return sent is None
    if isinstance(sent, list):
        # tags: telecrm may keep tags the lead already had, so every sent tag being there is enough
        have = {_key(v) for v in found} if isinstance(found, list) else set()
        return {_key(v) for v in sent} <= have
    if sent == found:
        return True
    sent_number, found_number = _number(sent), _number(found)
    if sent_number is not None and found_number is not None:
        if sent_number == found_number:
            return True
        found_epoch = None
    else:
        found_epoch = _epoch_ms(found)
    if isinstance(sent, int) and found_epoch is not None:  # a date sent as epoch ms, stored as text
        return abs(found_epoch - sent) < 1000
    if isinstance(sent, str) and isinstance(found, str):
        return _key(sent) == _key(found) if ("@" in sent or _PHONE_LIKE.fullmatch(sent.strip())) \
            else sent.strip() == found.strip()
    return False


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _epoch_ms(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None  # no zone: cannot be compared honestly
    return int(when.timestamp() * 1000)


def _show(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return f'"{text[:40]}..."' if len(text) > 43 else f'"{text}"'
