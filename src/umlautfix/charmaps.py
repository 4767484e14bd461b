"""Code-page tables: which single-byte encodings German text passes through.

Everything here is derived from Python's codecs (and ftfy's "sloppy" variants,
which decode the five undefined cp125x bytes to C1 controls instead of failing),
so no byte table is typed by hand.
"""

from __future__ import annotations

from functools import lru_cache

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs)

# Encodings that UTF-8 is mistakenly read as, most common first. The order is
# the tie-break when two of them give equally German repairs.
MOJIBAKE_CODECS: tuple[str, ...] = (
    "sloppy-windows-1252",
    "latin-1",
    "sloppy-windows-1254",
    "iso-8859-15",
    "sloppy-windows-1250",
    "mac_roman",
    "cp850",
    "cp437",
)

# UTF-8 read as one of these is common enough that a reading giving plain German
# punctuation ("â€ž" -> "„") needs no further evidence.
COMMON_MOJIBAKE_CODECS: frozenset[str] = frozenset(
    {"sloppy-windows-1252", "latin-1", "sloppy-windows-1254", "iso-8859-15"}
)

# Code pages that agree on almost every byte German mojibake is made of: a layer
# read in one and the next in another is still one consistent history.
CODEC_FAMILY: dict[str, str] = {
    "sloppy-windows-1252": "windows",
    "latin-1": "windows",
    "sloppy-windows-1254": "windows",
}


def family(codec: str) -> str:
    return CODEC_FAMILY.get(codec, codec)


# The 8-bit code pages a German file is saved in and opened as by mistake.
MIXUP_CODECS: tuple[str, ...] = (
    "sloppy-windows-1252",
    "latin-1",
    "iso-8859-15",
    "cp850",
    "cp437",
    "mac_roman",
    "sloppy-windows-1250",
)

# Python codec name -> the name we report to users.
REPORT_NAMES: dict[str, str] = {
    "sloppy-windows-1252": "cp1252",
    "sloppy-windows-1254": "cp1254",
    "sloppy-windows-1250": "cp1250",
    "latin-1": "latin-1",
    "iso-8859-15": "iso-8859-15",
    "mac_roman": "mac-roman",
    "cp850": "cp850",
    "cp437": "cp437",
}

# The 8-bit code pages German files are saved in (detection candidates and
# the "saved as one, opened as another" mix-ups).
GERMAN_8BIT: tuple[str, ...] = (
    "cp1252",
    "latin-1",
    "iso-8859-15",
    "cp850",
    "cp437",
    "mac_roman",
    "cp1250",
)

_UPPER = bytes(range(0x80, 0x100))


def upper_half(codec: str) -> str:
    """The 128 characters bytes 0x80-0xFF decode to."""
    return _UPPER.decode(codec)


def _lead_and_continuation_chars() -> tuple[str, str]:
    """Characters that stand for a UTF-8 lead byte / continuation byte in any codec."""
    leads: set[str] = set()
    conts: set[str] = set()
    for codec in MOJIBAKE_CODECS:
        half = upper_half(codec)
        conts.update(half[: 0xC0 - 0x80])
        leads.update(half[0xC2 - 0x80 : 0xF5 - 0x80])
    return "".join(sorted(leads)), "".join(sorted(conts))


LEAD_CHARS, CONTINUATION_CHARS = _lead_and_continuation_chars()


def _strong_lead_chars() -> str:
    """Lead characters of the sequences German mojibake is made of: bytes C2/C3
    (Latin-1 letters), C5 (Latin Extended-A), E2 (punctuation, €) and F0 (emoji),
    in every codec, with their case partners."""
    chars: set[str] = set()
    for codec in MOJIBAKE_CODECS:
        for byte in (0xC2, 0xC3, 0xC5, 0xE2, 0xF0):
            ch = bytes([byte]).decode(codec)
            chars.update(c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1)
    return "".join(sorted(chars))


STRONG_LEAD_CHARS = _strong_lead_chars()


def lead_pairs(byte: int) -> list[tuple[str, str]]:
    """(lead characters, continuation characters) of each code page for sequences that
    start with `byte`, with case partners: only a lead and a continuation of the same code
    page make a sequence ("Ä±" is "ı" in cp1252; "äß" is none in any code page)."""
    pairs: dict[str, set[str]] = {}
    for codec in MOJIBAKE_CODECS:
        half = upper_half(codec)
        lead = bytes([byte]).decode(codec)
        leads = "".join(sorted({c for c in (lead, lead.lower(), lead.upper()) if len(c) == 1}))
        conts = pairs.setdefault(leads, set())
        for ch in half[: 0xC0 - 0x80]:
            conts.update(c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1)
    return [(leads, "".join(sorted(conts))) for leads, conts in pairs.items()]


@lru_cache(maxsize=32)
def case_variant_bytes(codec: str) -> dict[str, tuple[int, ...]]:
    """For each character of the codec's upper half, the bytes of it and its case partners.

    Mojibake that was lower- or upper-cased afterwards ("kã¤mpfen", "ÃŒBER") is
    read back by allowing each character to stand for the byte of its other case.
    Case partners outside the code page ("Ƒ", the capital of cp1252's "ƒ") stand
    for their partner's byte.
    """
    half = upper_half(codec)
    byte_of = {ch: 0x80 + i for i, ch in enumerate(half)}
    variants: dict[str, tuple[int, ...]] = {}
    for ch, byte in byte_of.items():
        options = [byte]
        for partner in (ch.upper(), ch.lower()):
            if partner != ch and partner in byte_of and byte_of[partner] not in options:
                options.append(byte_of[partner])
        variants[ch] = tuple(options)
    for ch, byte in byte_of.items():
        for partner in (ch.upper(), ch.lower()):
            if len(partner) == 1 and partner not in byte_of:
                variants[partner] = (*variants.get(partner, ()), byte)
    return variants
