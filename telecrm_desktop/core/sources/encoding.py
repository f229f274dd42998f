"""Which text encoding a CSV file uses, decided from its first bytes.

UTF-8 is tried first because it is both the commonest and the only check that is quick and
certain; charset-normalizer is slow, so it only runs on a sample that is not valid UTF-8.
Bytes that do not fit the chosen encoding later in the file are read as Windows-1252 by the
"telecrm-cp1252" error handler, so a file that is mostly UTF-8 with one stray Excel byte keeps
every row instead of crashing.
"""

from __future__ import annotations

import codecs


FALLBACK_ERRORS = "telecrm-cp1252"

# What charset-normalizer may pick over cp1252: scripts cp1252 cannot write. For Latin text it
# often guesses an unusual code page (cp775, mac_latin2) on small samples; cp1252 is then right.
_NON_LATIN = {
    "cp1251", "koi8_r", "koi8_u", "iso8859_5", "mac_cyrillic", "cp866", "cp855",
    "cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620",
    "shift_jis", "cp932", "euc_jp", "iso2022_jp", "gb2312", "gbk", "gb18030", "big5",
    "big5hkscs", "cp950", "euc_kr", "cp949", "johab",
}

_ASCII = bytes(range(128))
_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Read undecodable bytes as Windows-1252 (Latin-1 for its five unused bytes)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(_byte_as_cp1252(b) for b in bad), error.end


def _byte_as_cp1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


codecs.register_error(FALLBACK_ERRORS, _cp1252_fallback)


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file whose first bytes are `sample` (a Python codec name)."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    utf16 = utf16_without_bom(sample)
    if utf16:
        return utf16
    if _is_utf8(sample):
        return "utf-8"
    return _guess_legacy(sample)


def utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of Latin letters has a NUL in every other byte."""
    head = sample[:4096]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    if odd_nuls > 0.6 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.6 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _is_utf8(sample: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)  # a character cut at the sample's end is fine
    except UnicodeDecodeError:
        return False
    return True


def _guess_legacy(sample: bytes) -> str:
    import charset_normalizer  # only for files that are not UTF-8 (0.03 s to import)

    sample = sample[:256 * 1024]
    best = charset_normalizer.from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best else None
    # cp1252 also stands for Latin-1: it only differs in 0x80-0x9F, which Latin-1 spends on
    # control characters no sheet holds; its five unused bytes are read as Latin-1 anyway.
    return guess if guess in _NON_LATIN and _mostly_non_ascii_letters(sample) else "cp1252"


def _mostly_non_ascii_letters(sample: bytes) -> bool:
    """Cyrillic, Greek or CJK text is written almost only in bytes above 127; accented Latin
    text has a few among many ASCII letters. This keeps charset-normalizer from reading a short
    "René" file as Chinese."""
    high = len(sample.translate(None, _ASCII))
    ascii_letters = len(sample) - len(sample.translate(None, _ASCII_LETTERS))
    return high >= 0.3 * (high + ascii_letters)
