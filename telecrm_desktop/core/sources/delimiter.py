"""Which character separates the fields of a CSV file.

csv.Sniffer guesses wrong on short or messy files, so each candidate is tried with the csv
module itself (quotes respected) on the first lines, and the one that splits them into the same
number of fields most consistently wins. Title rows above the header and blank lines have one
field with every candidate, so they do not vote.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

CANDIDATES = (",", ";", "\t", "|")
_LINES_TO_TRY = 60


def detect_delimiter(text: str, *, default: str = ",") -> str:
    """The delimiter of a CSV whose beginning is `text` (`default` when nothing splits it)."""
    best, best_score = default, (0.0, 0)
    for candidate in CANDIDATES:
        counts = _field_counts(text, candidate)
        split = [n for n in counts if n > 1]
        if not split:
            continue
        width, agreeing = Counter(split).most_common(1)[0]
        score = (agreeing / len(counts), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _field_counts(text: str, delimiter: str) -> list[int]:
    """Fields per non-blank record, the last (possibly cut) record left out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    counts = []
    try:
        for record in reader:
            if len(counts) >= _LINES_TO_TRY:
                break
            if any(cell.strip() for cell in record):
                counts.append(len(record))
    except csv.Error:
        pass
    if len(counts) > 1 and len(counts) < _LINES_TO_TRY:
        counts.pop()  # the sample may end in the middle of this record
    return counts
