"""Replaces the contributed phonenumbers hook, which collects every submodule (48 MB of source).

phonenumbers loads each region's metadata module by name when a number of that region is first
parsed, so all of `phonenumbers.data` (and `shortdata`, which the package imports) is collected.
The geocoder, carrier and time-zone lookups (geodata alone is 40 MB) are not used by the app; if
the app ever imports `phonenumbers.geocoder`, `.carrier` or `.timezone`, drop that name from
UNUSED below.
"""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = ("geodata", "geocoder", "carrierdata", "carrier", "tzdata", "timezone")


def _used(name: str) -> bool:
    parts = name.split(".")
    return len(parts) < 2 or parts[1] not in UNUSED


hiddenimports = collect_submodules("phonenumbers", filter=_used)
excludedimports = [f"phonenumbers.{name}" for name in UNUSED]
