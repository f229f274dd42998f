"""encode_value throughput per type on 100,000 values each (a benchmark, not a test).

    python bench/convert_throughput.py [--rows 100000]

CPU time of this process (steady on a busy machine). Values are unique where real sheets have
them unique (phones, e-mails, timestamps), so the parse caches do not flatter the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from telecrm_desktop.core.convert import ValueRejected, encode_value, make_context


def samples(rows: int) -> dict[str, tuple[str, list]]:
    rnd = random.Random(1)
    start = dt.datetime(2026, 1, 1)

    def moment() -> dt.datetime:
        return start + dt.timedelta(seconds=rnd.randint(0, 10**7))

    return {
        "text": ("text", [f"  Lead name {i} " for i in range(rows)]),
        "phone, Indian text": ("phone", [f"+91 {rnd.randint(6 * 10**9, 10**10 - 1)}" for _ in range(rows)]),
        "phone, Excel float": ("phone", [float(rnd.randint(916 * 10**9, 92 * 10**10 - 1)) for _ in range(rows)]),
        "phone, +971 unique": ("phone", [f"+971 50 {rnd.randint(10**6, 10**7 - 1)}" for _ in range(rows)]),
        "phone, 9-digit typos": ("phone", [f"+91 {rnd.randint(10**8, 10**9 - 1)}" for _ in range(rows)]),
        "phone, national US": ("phone", [f"(415) 555-{rnd.randint(1000, 9999)}" for _ in range(rows)]),
        "email": ("email", [f"User.{i}@Example.com" for i in range(rows)]),
        "number, 1,23,456": ("number", [f"{rnd.randint(0, 10**7):,}" for _ in range(rows)]),
        "number, Excel float": ("number", [rnd.random() * 1000 for _ in range(rows)]),
        "money": ("money", [f"{rnd.randint(1, 10**5)}.50" for _ in range(rows)]),
        "date, Excel cell": ("date", [moment() for _ in range(rows)]),
        "date, DD/MM/YYYY hh:mm:ss": ("date", [moment().strftime("%d/%m/%Y %H:%M:%S") for _ in range(rows)]),
        "date, ISO with offset": ("date", [moment().strftime("%Y-%m-%dT%H:%M:%S+05:30") for _ in range(rows)]),
        "date, 05 Nov 2026 02:30 PM": ("date", [moment().strftime("%d %b %Y %I:%M %p") for _ in range(rows)]),
        "tags": ("tags", ["VIP, Returning, Hot" for _ in range(rows)]),
        "rating": ("rating", [str(rnd.randint(1, 5)) for _ in range(rows)]),
        "dropdown": ("dropdown", ["Website" for _ in range(rows)]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    ctx = make_context()
    us_ctx = make_context("US", "America/New_York", "MDY")
    for name, (type_name, values) in samples(rows).items():
        context = us_ctx if "US" in name else ctx
        rejected = 0
        began = time.process_time()
        for value in values:
            try:
                encode_value(value, type_name, context)
            except ValueRejected:
                rejected += 1
        elapsed = time.process_time() - began
        note = f"  ({rejected} rejected)" if rejected else ""
        print(f"{name:28s} {elapsed * 1000:8.1f} ms  {elapsed / rows * 1e6:6.2f} us/value{note}")


if __name__ == "__main__":
    main()
