"""Stage 1, detect: bytes to text.

Evidence, strongest first:

1. a byte-order mark (utf-8-sig, utf-16/32 LE/BE);
2. a declared charset (XML declaration, HTML meta) — trusted only when the bytes
   decode under it and no other reading is more German, since wrong
   declarations are common;
3. strict UTF-8 (the fast path for most input);
4. UTF-16/32 without a BOM (NUL bytes in a regular pattern; this is checked
   before 3 when NUL bytes occur, because ASCII in UTF-16 is also valid UTF-8);
5. UTF-8 with runs of single-byte text (a UTF-8 file with cp1252 lines pasted
   in), each such line decoded by the code page that reads most German;
6. the German 8-bit code pages ranked by the German profile
   (`umlautfix.profile.cost`); when none of them reads as German, chardet's
   candidates and its ranking decide (text in another language).

Binary data is refused with `BinaryInputError`, never "decoded", unless the
caller forces it with `allow_binary=True`.

`decode` never drops a byte silently: the detected encoding is chosen among
those that decode every byte, and where that cannot hold (a UTF-8 character cut
off at the end, a broken UTF-16 file) each undecodable byte becomes U+FFFD and
an `UndecodableBytesWarning` says how many and where (or, with
`errors="strict"`, a UnicodeDecodeError is raised).
"""

from __future__ import annotations

import codecs
import math
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from .lexicon import zipf
from .profile import cost

SAMPLE_BYTES = 64 * 1024  # what IncrementalDetector and the CLI read before deciding
CONTEXT_BYTES = 16  # ASCII context kept on each side of a high-byte run in the ranking sample
RANKING_BUDGET = 8 * 1024  # bytes of high-byte runs with context that the ranking reads
QUICK_BUDGET = 1024  # read first; enough when one reading leads by DECISIVE_MARGIN nats
DECISIVE_MARGIN = 30.0

# The German 8-bit code pages, in the order that breaks ties between code pages
# that decode the bytes to the same text: a variant is named only when the
# bytes where it differs from its base occur. latin-1 before cp1252 (cp1252 adds
# 0x80-0x9F) and iso-8859-15 (replaces eight symbols); cp1252 before cp1250 (they
# share the German letters, quotes and dashes; German Windows is cp1252); cp850
# before cp437 (they share the German letters; cp850 is German DOS's code page,
# cp437 keeps box and Greek glyphs where cp850 has Latin-1 letters).
GERMAN_SINGLE_BYTE: tuple[str, ...] = (
    "latin-1",
    "cp1252",
    "iso-8859-15",
    "cp1250",
    "cp850",
    "cp437",
    "mac-roman",
)

# Per non-ASCII character, a reading above this does not read as German
# (clean German costs about 2-3 per umlaut, ß or quote; mojibake 6 and more).
GERMAN_COST_PER_CHAR = 4.5
# Confidence: how much less likely a reading gets per nat of German cost (see
# `_confidence`); fitted by log loss on one half of benchmarks/detect_bench.py's
# samples (2026-11-25: 1.5; 1.0 and 3.0 fit worse), calibration measured on the
# other half. A valid-UTF-8 input that reads more German in a code page by
# UTF8_DOUBT_MARGIN nats gets a low confidence.
COST_SCALE = 1.5
UTF8_DOUBT_MARGIN = 6.0
UTF8_SURE_SEQUENCES = 8
MIXED_CODEC_LINES = 200  # invalid lines of the ranking sample that choose a mixed file's code page
UTF8_PIECE_BYTES = 1 << 20  # strict UTF-8 is checked a piece at a time (see `_utf8_valid_quickly`)
MAX_GUESS_CONFIDENCE = 0.99
NOT_GERMAN_CONFIDENCE_CAP = 0.8  # chardet's fallback: not measured to 99 %
CHARDET_MIN_EVIDENCE = 4  # non-ASCII bytes before chardet's choice may cost more than ours
CHARDET_TIE = 0.01  # chardet confidences this close are a tie that the German cost breaks
CHARDET_TOLERANCE = 2.0  # nats per non-ASCII byte chardet's choice may cost more than ours

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures (matched at the start); the short ASCII ones with the bytes
# that follow them, so that a text starting "ID3 tags" or "BZh" is not refused.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (rb"\x89PNG\r\n\x1a\n", "PNG image"),
    (rb"\xff\xd8\xff", "JPEG image"),
    (rb"GIF8[79]a", "GIF image"),
    (rb"II\*\x00|MM\x00\*", "TIFF image"),
    (rb"RIFF....WEBP", "WebP image"),
    (rb"RIFF....WAVE", "WAV audio"),
    (rb"RIFF....AVI ", "AVI video"),
    (rb"\x00\x00\x01\x00", "ICO image"),
    (rb"%PDF-\d", "PDF document"),
    (rb"PK\x03\x04", "ZIP archive (or docx/xlsx/odt/jar)"),
    (rb"PK\x05\x06", "empty ZIP archive"),
    (rb"\x1f\x8b", "gzip data"),
    (rb"BZh[1-9]1AY&SY", "bzip2 data"),
    (rb"\xfd7zXZ\x00", "xz data"),
    (rb"\(\xb5/\xfd", "zstd data"),
    (rb"7z\xbc\xaf'\x1c", "7-Zip archive"),
    (rb"Rar!\x1a\x07", "RAR archive"),
    (rb"\x7fELF", "ELF executable"),
    (rb"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (doc/xls)"),
    (rb"SQLite format 3\x00", "SQLite database"),
    (rb"OggS\x00", "Ogg media"),
    (rb"fLaC[\x00\x80]", "FLAC audio"),
    (rb"ID3[\x02-\x04]\x00", "MP3 audio"),
    (rb"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (rb"wOFF(?:\x00\x01\x00\x00|OTTO|true)", "WOFF font"),
    (rb"\x00asm", "WebAssembly module"),
)
# All of them in one pattern (one match call per input): group i+1 is signature i.
_ANY_BINARY_SIGNATURE = re.compile(b"|".join(b"(" + pattern + b")" for pattern, _ in _BINARY_SIGNATURES), re.DOTALL)
# C0 controls that text never uses (not tab, newline, vertical tab, form feed, CR, ESC);
# counted by deleting every other byte (one C pass, several times faster than a regex).
_BINARY_CONTROLS = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_NOT_BINARY_CONTROLS = bytes(b for b in range(256) if b not in _BINARY_CONTROLS)
BINARY_CONTROL_SHARE = 0.05

_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
    rb"""|<meta[^>]{0,300}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""",
    re.IGNORECASE,
)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_HIGH_SET_RE = re.compile(rb"[\x80-\xff]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class BinaryInputError(ValueError):
    """The input is binary data (NUL bytes, an image or archive signature), not text."""


class UndecodableBytesWarning(UserWarning):
    """Some bytes could not be decoded and were replaced by U+FFFD (see `decode`)."""


@dataclass(frozen=True)
class Detection:
    """The encoding of some bytes (a Python codec name), how sure, and why.

    `confidence` is calibrated: among answers of 0.9 or more, at least 99 % decode
    to the original text (benchmarks/detect_bench.py: fitted on one half of its
    samples, measured on the other). When `mixed`
    is true the bytes are UTF-8 with lines in the single-byte code page
    `single_byte`: decode them with `decode` / `decode_mixed`, not the codec.
    """

    encoding: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    mixed: bool = False
    single_byte: str | None = None


# --------------------------------------------------------------------------- binary


def check_binary(data: bytes) -> None:
    """Raise BinaryInputError when `data` is not text (a file signature, NUL bytes
    outside a UTF-16/32 pattern, or many control characters)."""
    kind = _binary_kind(data[:SAMPLE_BYTES])
    if kind is not None:
        raise BinaryInputError(f"binary input ({kind})")


def _binary_kind(sample: bytes) -> str | None:
    signature = _ANY_BINARY_SIGNATURE.match(sample)
    if signature is not None:
        assert signature.lastindex is not None
        return _BINARY_SIGNATURES[signature.lastindex - 1][1]
    if b"\x00" in sample and _wide_unicode_without_bom(sample, final=False) is None:
        return "NUL bytes"
    controls = len(sample.translate(None, _NOT_BINARY_CONTROLS))
    if controls > 8 and controls > BINARY_CONTROL_SHARE * len(sample):
        return "control bytes"
    return None


def _wide_unicode_without_bom(data: bytes, *, final: bool) -> str | None:
    """UTF-16/32 without a BOM: NUL bytes sit at one position of each code unit
    (the high byte of Latin text, the top byte of UTF-32), and the bytes decode
    strictly into printable text."""
    usable = data if final else data[: len(data) - len(data) % 4]
    if len(usable) < 4 or b"\x00" not in usable:
        return None
    units32 = len(usable) // 4
    for name, top_byte in (("utf-32-le", 3), ("utf-32-be", 0)):
        # the top byte of every code point is 0 (no code point reaches 2^24)
        if len(usable) % 4 == 0 and usable[top_byte::4].count(0) == units32 and _reads_as_text(usable, name, final):
            return name
    pairs = usable[: len(usable) - len(usable) % 2]
    units = len(pairs) // 2
    zeros_high_le = pairs[1::2].count(0)
    zeros_high_be = pairs[0::2].count(0)
    for name, own, other in (
        ("utf-16-le", zeros_high_le, zeros_high_be),
        ("utf-16-be", zeros_high_be, zeros_high_le),
    ):
        # NULs at the high byte of Latin letters; at the low byte only by chance
        # (U+0100, the low half of some surrogates); enough that it is not chance
        if own >= max(2, units // 16) and other * 20 <= own and _reads_as_text(pairs, name, final):
            return name
    return None


def _reads_as_text(data: bytes, codec: str, final: bool) -> bool:
    """`data` decodes strictly under `codec` into printable text (binary data
    whose NULs happen to fall on one parity does not)."""
    try:
        text = codecs.getincrementaldecoder(codec)().decode(data, final)
    except UnicodeDecodeError:
        return False
    unprintable = sum(1 for ch in text if not ch.isprintable() and ch not in "\t\n\r\f")
    return unprintable <= len(text) // 50


def _decodes(data: bytes, codec: str, *, final: bool = True) -> bool:
    """Whether `data` decodes strictly; with final=False a character cut off at the end is fine."""
    try:
        codecs.getincrementaldecoder(codec)().decode(data, final)
    except UnicodeError:  # UnicodeDecodeError, and the 'undefined' codec's plain UnicodeError
        return False
    return True


# --------------------------------------------------------------------------- readings


@cache
def _undefined_bytes(codec: str) -> frozenset[int]:
    """The bytes a single-byte `codec` cannot decode."""
    return frozenset(b for b in range(256) if not _decodes(bytes([b]), codec))


_ASCII_BYTES = bytes(range(0x80))
_HIGH_BYTES = bytes(range(0x80, 0x100))
# The characters German text is written with beyond ASCII: what cp1252 has (from the codec, not typed).
_GERMAN_TYPOGRAPHY = frozenset(bytes(range(0x80, 0x100)).decode("cp1252", "ignore"))


@cache
def _is_single_byte(codec: str) -> bool:
    try:
        return len(bytes(range(256)).decode(codec, errors="replace")) == 256
    except LookupError:
        return False


def _high_bytes(data: bytes) -> frozenset[int]:
    """The distinct bytes 0x80-0xFF in `data` (one fast pass, whatever its size)."""
    high = data.translate(None, _ASCII_BYTES)
    return frozenset(b for b in range(0x80, 0x100) if b in high)  # 128 memchr, faster than set(high)


@dataclass(frozen=True)
class _Reading:
    """One way to read the ranking sample: the text, its German cost, and every
    candidate codec that produces exactly this text (tie-break order kept)."""

    codecs: tuple[str, ...]
    text: str
    cost: float
    non_ascii: int

    @property
    def cost_per_char(self) -> float:
        return self.cost / max(1, self.non_ascii)


def _ranking_sample(data: bytes, budget: int = RANKING_BUDGET, runs: re.Pattern[bytes] = _HIGH_RUN) -> bytes:
    """The part of `data` the ranking reads: all of it when small, otherwise its
    first high-byte runs (or other `runs`), each with up to CONTEXT_BYTES of
    ASCII on either side, up to `budget` bytes (so a 10 MB file costs as much
    as a small one)."""
    if len(data) <= budget:
        return data
    pieces: list[bytes] = []
    taken = 0
    last_end = 0
    for m in runs.finditer(data):
        left, right = m.start(), m.end()
        floor, ceiling = max(last_end, left - CONTEXT_BYTES), min(len(data), right + CONTEXT_BYTES)
        while left > floor and data[left - 1] < 0x80:
            left -= 1
        while right < ceiling and data[right] < 0x80:
            right += 1
        pieces.append(data[left:right])
        taken += right - left
        last_end = right
        if taken >= budget:
            break
    return b"\n".join(pieces)


def _rank(sample: bytes, candidates: Iterable[str], whole: bytes, present: frozenset[int]) -> list[_Reading]:
    """Readings of `sample` under each candidate that decodes all of `whole`
    (for a single-byte code page: every byte in `present`, the high bytes of
    `whole`), cheapest (most German) first; candidates giving the same text
    share a reading."""
    by_text: dict[str, list[str]] = {}
    for name in candidates:
        if _is_single_byte(name):
            if not present.isdisjoint(_undefined_bytes(name)):
                continue
        elif not _decodes(whole, name):
            continue
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        by_text.setdefault(text, []).append(name)
    non_ascii = len(_HIGH_SET_RE.findall(sample))
    readings = [_Reading(tuple(names), text, _reading_cost(text), non_ascii) for text, names in by_text.items()]
    readings.sort(key=lambda r: r.cost)
    return readings


_C1_CONTROL = re.compile("[\x80-\x9f]")  # what latin-1 makes of cp1252's bytes: never text


# Characters that stand glued before a word (openers) or after one (closers) in
# real text; any other non-ASCII symbol glued to one side of a word is suspect.
_OPENERS = "„‚»«“‘¿¡–—°"  # ° in "5 °C"
_CLOSERS = "“”’‘«»‹›…™®©²³°¹–—"
_GLUED_SYMBOL = re.compile(
    rf"(?<![^\W\d_])[^\x00-\x7f\w{_OPENERS}](?=[^\W\d_])"  # symbol glued before a word only
    rf"|(?<=[^\W\d_])[^\x00-\x7f\w{_CLOSERS}](?![^\W\d_])"  # symbol glued after a word only
)
_CAPITAL_IN_WORD = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f\W\d_](?=[^\W\d_])")
_LONE_CAPITAL = re.compile(r"(?<![^\W\d_])[^\x00-\x7f\W\d_](?![^\W\d_])")
_GERMAN_QUOTES = re.compile("[„“]")
SHAPE_COST = 4.0
KNOWN_WORD_BONUS = 3.0  # nats off for each word with ä ö ü ß that the German lexicon knows ...
ZIPF_BONUS_FROM = 3.0  # ... and one more per Zipf step above this (à, Zipf 4.2, is a frequent German word)
_WORD = re.compile(r"\w+")  # words are filtered for non-ASCII letters in Python: linear on any input


def _reading_cost(text: str) -> float:
    """The German cost of a reading (`profile.cost`) plus the word-shape signal
    that code-page confusions leave and the profile does not see: a non-ASCII
    capital inside a word that goes on in lower case ("MÜhren" for "Möhren"), a
    symbol glued to one side of a word ("™ffnung", "Gru§"), a non-ASCII capital
    standing alone ("180 Ä" for "180 €"), a German opening quote that never
    closes ("„lteren" for "älteren"); less a bonus for each word with a non-ASCII
    letter that the German lexicon knows ("öffnet", not "Üffnet"). The shape
    signal belongs in profile.cost; kept here until it moves (see the report on
    issue 5)."""
    shape = len(_GLUED_SYMBOL.findall(text))
    shape += sum(1 for m in _LONE_CAPITAL.finditer(text) if m.group().isupper())
    shape += sum(1 for m in _CAPITAL_IN_WORD.finditer(text) if m.group().isupper() and _lower_follows(text, m.end()))
    shape += _unclosed_quotes(text)
    return cost(text) + SHAPE_COST * shape - _known_word_bonus(text)


def _known_word_bonus(text: str) -> float:
    """Nats off for the words with a non-ASCII letter that the German lexicon
    knows, more for frequent ones: a letter's cost comes from its frequency
    among letters, which undersells a one-letter word such as "à" ("3 Stück à
    2 €", "à la"): Zipf 4.2, as frequent as "ä" on its own."""
    bonus = 0.0
    for m in _WORD.finditer(text):
        word = m.group()
        if not word.isascii() and (frequency := zipf(word)) is not None:
            bonus += KNOWN_WORD_BONUS + max(0.0, frequency - ZIPF_BONUS_FROM)
    return bonus


def _unclosed_quotes(text: str) -> int:
    """German opening quotes („) not closed by “ before the next one or the end."""
    if "„" not in text:
        return 0
    unclosed = 0
    is_open = False
    for m in _GERMAN_QUOTES.finditer(text):
        if m.group() == "„":
            unclosed += is_open
            is_open = True
        else:
            is_open = False
    return unclosed + is_open


def _lower_follows(text: str, pos: int) -> bool:
    return pos < len(text) and text[pos].islower()


def _confidence(chosen: _Reading, readings: Iterable[_Reading]) -> float:
    """The probability that `chosen` is the right reading: each code page equally
    likely beforehand (a reading shared by n code pages weighs n), and each nat
    of German cost making a reading e^-COST_SCALE times less likely. Capped below 1
    because the profile can be wrong. COST_SCALE was fitted on one half of the
    German samples of benchmarks/detect_bench.py; its calibration table checks
    on the other half that answers of 0.9 or more are at least 99 % right."""
    weight = 0.0
    for reading in readings:
        if reading.text != chosen.text:
            weight += len(reading.codecs) * math.exp(-COST_SCALE * (reading.cost - chosen.cost))
    own = len(chosen.codecs)
    return round(min(MAX_GUESS_CONFIDENCE, own / (own + weight)), 3)


# --------------------------------------------------------------------------- detect


def detect(data: bytes, *, allow_binary: bool = False) -> Detection:
    """Guess the encoding of `data`; see the module docstring for the evidence order."""
    return _detect(bytes(data), allow_binary=allow_binary, final=True)[0]


def _detect(data: bytes, *, allow_binary: bool, final: bool, want_text: bool = False) -> tuple[Detection, str | None]:
    """The detection, and the decoded text when it came for free (`want_text`:
    valid UTF-8 is checked by decoding it whole, so `decode` makes one pass).
    `final` is False for a leading sample of a longer input: a character cut
    off at its end is then expected, and later bytes are unknown."""
    if not data:
        return Detection("ascii", 1.0, ["empty input"]), ""
    bom = _by_bom(data, final)
    if bom is not None:
        return bom, None
    wide = _wide_unicode_without_bom(data[:SAMPLE_BYTES], final=False)
    if wide is not None:
        return _wide_detection(data, wide, final), None
    if not allow_binary:
        check_binary(data)
    if data.isascii():
        return Detection("ascii", 1.0, ["all bytes are ASCII"]), None
    evidence: list[str] = []
    declared = _declared(data, evidence)
    if declared is not None:
        return declared, None
    utf8 = _strict_utf8(data, final, evidence, want_text)
    if utf8 is not None:
        return utf8
    return _single_byte_or_mixed(data, evidence), None


def _by_bom(data: bytes, final: bool) -> Detection | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            body_ok = _decodes(data, name) if final else True
            if body_ok:
                return Detection(name, 1.0, [f"byte-order mark for {name}"])
            return Detection(name, 0.8, [f"byte-order mark for {name}, but some bytes after it do not decode"])
    return None


def _wide_detection(data: bytes, name: str, final: bool) -> Detection:
    evidence = [f"NUL bytes in the pattern of {name} without a byte-order mark"]
    if final and not _decodes(data, name):
        return Detection(name, 0.7, [*evidence, "but not all of the input decodes"])
    return Detection(name, 0.95, evidence)


def _declared(data: bytes, evidence: list[str]) -> Detection | None:
    """A declared charset, trusted only when the bytes decode under it and no
    other reading (UTF-8, the German code pages) is more German."""
    m = _DECLARED.search(data[:4096])
    if m is None:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii")
    codec = _codec_name(name)
    if codec is None:
        evidence.append(f"declared charset {name} is unknown; ignored")
        return None
    if not _decodes(data, codec):
        evidence.append(f"declared charset {name}, but the bytes do not decode under it; ignored")
        return None
    sample = _ranking_sample(data)
    declared_cost = _reading_cost(sample.decode(codec))
    rivals = _rank(sample, GERMAN_SINGLE_BYTE, data, _high_bytes(data))
    if _decodes(data, "utf-8"):
        as_utf8 = sample.decode("utf-8", "replace")
        rivals.append(_Reading(("utf-8",), as_utf8, _reading_cost(as_utf8), 1))
    better = [r for r in rivals if r.cost < declared_cost and codec not in r.codecs]
    if better:
        best = min(better, key=lambda r: r.cost)
        evidence.append(f"declared charset {name} ignored: the bytes read more German as {best.codecs[0]}")
        return None
    why = f"declared charset {name}; the bytes decode under it and no other reading is more German"
    return Detection(codec, 0.99, [why])


def _codec_name(declared: str) -> str | None:
    """The codec for a declared charset name, in the spelling this module reports."""
    if not declared:
        return None
    try:
        info = codecs.lookup(declared)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # rot13, base64, zlib ...: not a charset, whatever the page says
    canonical = info.name
    for ours in (*GERMAN_SINGLE_BYTE, "utf-8", "ascii"):
        if codecs.lookup(ours).name == canonical:
            return ours
    return canonical


def _utf8_valid_quickly(data: bytes) -> bool:
    """Whether `data` is valid UTF-8, checked in pieces of UTF8_PIECE_BYTES:
    decoding 10 MB at once builds one huge string (four bytes a character once
    an emoji occurs), and the incremental decoder's per-call overhead makes
    small pieces slow."""
    view = memoryview(data)
    start = 0
    try:
        while len(data) - start > UTF8_PIECE_BYTES:
            _, consumed = codecs.utf_8_decode(view[start : start + UTF8_PIECE_BYTES], "strict", False)
            start += consumed
        codecs.utf_8_decode(view[start:], "strict", True)
    except UnicodeDecodeError:
        return False
    return True


def _strict_utf8(data: bytes, final: bool, evidence: list[str], want_text: bool) -> tuple[Detection, str | None] | None:
    """UTF-8 when the bytes are valid UTF-8 (but for a character cut off at the
    end), with the text when `want_text` (then the check is the decoding)."""
    try:
        if want_text:
            text = data.decode("utf-8")
            return _utf8_detection(data, evidence), text
        if _utf8_valid_quickly(data):
            return _utf8_detection(data, evidence), None
        data.decode("utf-8")  # for the position and reason of the first error
    except UnicodeDecodeError as err:
        cut_off = err.reason == "unexpected end of data" and err.start >= len(data) - 3
        if not cut_off:
            return None
        if final:
            if not _UTF8_MULTIBYTE.search(data[: err.start]):
                return None  # one high byte at the very end is a code page, not cut-off UTF-8
            return Detection("utf-8", 0.95, [*evidence, "valid UTF-8 except a character cut off at the end"]), None
        if err.start > 0:
            data = data[: err.start]
        else:
            return None
    return _utf8_detection(data, evidence), None


def _utf8_detection(data: bytes, evidence: list[str]) -> Detection:
    """Valid UTF-8 stays UTF-8, without scoring in almost every case: with
    UTF8_SURE_SEQUENCES multi-byte characters in the leading sample, or only
    characters German text is written with, the bytes cannot be a code page's
    by chance (`_utf8_not_by_chance`). Otherwise the confidence drops when a
    single-byte reading is clearly more German (a short cp1252 text that
    happens to be valid UTF-8, "Fuß“" as DF 93)."""
    why_sure = _utf8_not_by_chance(data)
    if why_sure is not None:
        return Detection("utf-8", 1.0, [*evidence, why_sure])
    sample = _ranking_sample(data)
    utf8_cost = _reading_cost(sample.decode("utf-8", "replace"))
    readings = _rank(sample, GERMAN_SINGLE_BYTE, data, _high_bytes(data))
    if readings and readings[0].cost + UTF8_DOUBT_MARGIN < utf8_cost:
        return Detection(
            "utf-8",
            0.5,
            [*evidence, f"valid UTF-8, although it reads more German as {readings[0].codecs[0]}"],
        )
    return Detection("utf-8", 1.0, [*evidence, "valid UTF-8; no code page reads it clearly more German"])


def _utf8_not_by_chance(data: bytes) -> str | None:
    """Why valid UTF-8 `data` cannot be single-byte German text that happens to
    be valid UTF-8 (None when it could). Byte-level evidence: a code page's
    German letters are lone high bytes between ASCII letters, so UTF-8 by
    chance needs a rare pair such as "ß“" (DF 93, which UTF-8 reads as U+07D3);
    it never yields many multi-byte characters, nor only characters of German
    typography (U+00A0 to U+00FF and cp1252's quotes, dashes, €), which a code
    page could produce only as "Ã¤", "â€ž" and the like: mojibake whose UTF-8
    reading is right."""
    high = data[:SAMPLE_BYTES].translate(None, _ASCII_BYTES)
    characters = high.decode("utf-8", "ignore")  # valid UTF-8 less its ASCII is valid UTF-8 (cut at the end)
    if len(characters) >= UTF8_SURE_SEQUENCES:
        return f"valid UTF-8 with {UTF8_SURE_SEQUENCES} or more multi-byte characters"
    if _GERMAN_TYPOGRAPHY.issuperset(characters):
        return "valid UTF-8 whose non-ASCII characters are all German typography"
    return None


def _single_byte_or_mixed(data: bytes, evidence: list[str]) -> Detection:
    present = _high_bytes(data)
    quick = _ranking_sample(data, QUICK_BUDGET)
    if len(quick) < len(data) and not _UTF8_MULTIBYTE.search(quick):
        readings = _rank(quick, GERMAN_SINGLE_BYTE, data, present)
        if _decisive(readings, present):
            return _german_single_byte(readings, evidence)
        disputed = _disputed_bytes(readings, present)
        if disputed is not None:
            # the leader's code pages part ways on bytes further on: read those too
            quick += b"\n" + _ranking_sample(data, QUICK_BUDGET, disputed)
            readings = _rank(quick, GERMAN_SINGLE_BYTE, data, present)
            if _decisive(readings, present):
                return _german_single_byte(readings, evidence)
    sample = _ranking_sample(data)
    has_utf8 = _UTF8_MULTIBYTE.search(sample) is not None
    if has_utf8:
        surely_mixed = _surely_mixed(sample, evidence)
        if surely_mixed is not None:
            return surely_mixed
    readings = _rank(sample, GERMAN_SINGLE_BYTE, data, present)
    if has_utf8:
        mixed = _mixed_detection(data, sample, readings, evidence)
        if mixed is not None:
            return mixed
    best = readings[0]
    if best.cost_per_char > GERMAN_COST_PER_CHAR:
        return _not_german(data, sample, present, readings, evidence)
    return _german_single_byte(readings, evidence)


def _decisive(readings: list[_Reading], present: frozenset[int]) -> bool:
    """A German reading so far ahead that reading more of the input cannot change
    the answer, and whose code pages agree on every high byte of the whole input
    (else a later byte, € at 0xA4 say, decides between latin-1 and iso-8859-15)."""
    if len(readings) < 2 or readings[0].cost_per_char > GERMAN_COST_PER_CHAR:
        return False
    if readings[1].cost - readings[0].cost < DECISIVE_MARGIN:
        return False
    return _disputed_bytes(readings, present) is None


def _disputed_bytes(readings: list[_Reading], present: frozenset[int]) -> re.Pattern[bytes] | None:
    """A pattern for the bytes of the input that the leading reading's code pages
    decode differently (None when they agree on all of them)."""
    if not readings or len(readings[0].codecs) < 2:
        return None
    names = readings[0].codecs
    disputed = [b for b in sorted(present) if len({bytes([b]).decode(name) for name in names}) > 1]
    if not disputed:
        return None
    return re.compile(b"[" + b"".join(re.escape(bytes([b])) for b in disputed) + b"]+")


def _german_single_byte(readings: list[_Reading], evidence: list[str]) -> Detection:
    best = readings[0]
    margin = readings[1].cost - best.cost if len(readings) > 1 else math.inf
    name = best.codecs[0]
    why = f"reads most German as {name}"
    if len(best.codecs) > 1:
        why += f" (identical text under {', '.join(best.codecs[1:])})"
    if len(readings) > 1:
        why += f"; the next reading, {readings[1].codecs[0]}, costs {margin:.1f} more"
    return Detection(name, _confidence(best, readings), [*evidence, why])


def _surely_mixed(sample: bytes, evidence: list[str]) -> Detection | None:
    """A mixed file told by its bytes, with no code page ranked for the whole
    input: the sample's lines that are valid UTF-8 hold multi-byte characters
    that are no code page's accident (`_utf8_not_by_chance`), and some German
    code page reads the other lines as German. The confidence is that of the
    code page chosen for those lines."""
    utf8_lines = [line for line in sample.splitlines() if not line.isascii() and _is_utf8(line)]
    if not utf8_lines or _utf8_not_by_chance(b"\n".join(utf8_lines)) is None:
        return None
    readings = _mixed_codec_readings(sample)
    best = readings[0]
    if best.cost_per_char > GERMAN_COST_PER_CHAR:
        return None
    codec = best.codecs[0]
    why = f"UTF-8 lines whose characters are no code page's accident, and lines that read most German in {codec}"
    return Detection("utf-8", _confidence(best, readings), [*evidence, why], mixed=True, single_byte=codec)


def _mixed_detection(data: bytes, sample: bytes, readings: list[_Reading], evidence: list[str]) -> Detection | None:
    """UTF-8 with single-byte lines: chosen when it reads more German than any
    single code page for the whole input."""
    codec = _mixed_codec(sample)
    mixed_text = decode_mixed(sample, codec)
    mixed_cost = _reading_cost(mixed_text)
    best = readings[0]
    mixed = _Reading(("utf-8",), mixed_text, mixed_cost, best.non_ascii)
    if mixed_cost >= best.cost or mixed.cost_per_char > GERMAN_COST_PER_CHAR:
        return None  # not German either way: CJK double bytes form valid UTF-8 by chance
    margin = best.cost - mixed_cost
    why = f"UTF-8 with lines in {codec}, which reads more German than any single code page (by {margin:.1f})"
    return Detection("utf-8", _confidence(mixed, [mixed, *readings]), [*evidence, why], mixed=True, single_byte=codec)


def _not_german(
    data: bytes, sample: bytes, present: frozenset[int], readings: list[_Reading], evidence: list[str]
) -> Detection:
    """No German code page reads as German by the profile: ask chardet. When it
    hears German (a German text whose only non-ASCII letters are loan letters,
    "echappées"), the German ranking stands. Otherwise chardet's choice decides
    when it reads about as plausibly as the best reading (it knows other
    languages; the German profile does not). With few non-ASCII bytes chardet
    has too little to go on: its choice must then read at least as well."""
    import chardet  # (here: most input never needs it, and its import is a seventh of the CLI's start)

    guesses = chardet.detect_all(sample, max_bytes=len(sample), compat_names=False)
    if guesses and guesses[0]["language"] == "de":
        return _german_single_byte(readings, [*evidence, "chardet hears German"])
    top_confidence = guesses[0]["confidence"] if guesses else 0.0
    names = [_codec_name(g["encoding"]) for g in guesses if g["encoding"]]
    candidates = [n for n in names if n and not n.startswith(("utf", "ascii"))][:5]
    chardet_readings = _rank(sample, candidates, data, present) if candidates else []
    pool = {r.text: r for r in [*chardet_readings, *readings]}  # a German name wins for the same text
    best = min(pool.values(), key=lambda r: r.cost)
    non_ascii = readings[0].non_ascii if readings else 0
    tolerance = CHARDET_TOLERANCE * non_ascii if non_ascii >= CHARDET_MIN_EVIDENCE else 0.0
    # chardet's choice: its top guesses that tie (it cannot tell them apart), cheapest first
    tied = {_codec_name(g["encoding"] or "") for g in guesses if g["confidence"] >= top_confidence - CHARDET_TIE}
    choices = [r for r in chardet_readings if tied & set(r.codecs) and not _C1_CONTROL.search(r.text)]
    top = choices[0] if choices else None
    if top is not None and top.cost <= best.cost + tolerance:
        chosen = pool[top.text]
        language = guesses[0]["language"] or "an unknown language"
        why = f"chardet hears {language} in {chosen.codecs[0]}, which reads about as well as any"
    else:
        chosen, why = best, f"{best.codecs[0]} reads best"
    conf = min(NOT_GERMAN_CONFIDENCE_CAP, _confidence(chosen, pool.values()))
    return Detection(chosen.codecs[0], conf, [*evidence, f"not German under any German code page; {why}"])


# --------------------------------------------------------------------------- decode


def decode(
    data: bytes,
    *,
    encoding: str | None = None,
    allow_binary: bool = False,
    errors: str = "warn",
) -> str:
    """Bytes to text: detect (unless `encoding` is given) and decode, mixed-encoding aware.

    Nothing is dropped silently. With a given `encoding` the decoding is strict
    (UnicodeDecodeError). Otherwise the detected encoding decodes every byte in
    almost all cases; the bytes that still do not decode become U+FFFD and, with
    `errors="warn"` (default), an UndecodableBytesWarning names how many and
    where; `errors="strict"` raises UnicodeDecodeError instead.
    """
    if errors not in ("warn", "strict"):
        raise ValueError(f"errors must be 'warn' or 'strict', not {errors!r}")
    if encoding is not None:
        return data.decode(encoding)
    det, text = _detect(bytes(data), allow_binary=allow_binary, final=True, want_text=True)
    if text is not None:
        return text
    if det.mixed:
        return decode_mixed(data, det.single_byte)
    codec = "utf-8" if det.encoding == "ascii" else det.encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        if errors == "strict":
            raise
        text = data.decode(codec, errors="replace")
        warnings.warn(
            UndecodableBytesWarning(
                f"{text.count(chr(0xFFFD)) - data.decode(codec, 'ignore').count(chr(0xFFFD))} "
                f"undecodable byte sequence(s) as {codec}, the first at byte {err.start}: "
                "replaced by U+FFFD"
            ),
            stacklevel=2,
        )
        return text


def _decode_runs_with(codec: str) -> str:
    """Register (once) a codecs error handler that decodes the bytes UTF-8 rejects with `codec`."""
    handler_name = f"umlautfix-runs-{codec}"
    try:
        codecs.lookup_error(handler_name)
    except LookupError:

        def handler(err: UnicodeError) -> tuple[str, int]:
            assert isinstance(err, UnicodeDecodeError)
            return err.object[err.start : err.end].decode(codec), err.end

        codecs.register_error(handler_name, handler)
    return handler_name


def _mixed_line_readings(line: bytes, codec: str) -> list[str]:
    """The two ways to read a line that is not valid UTF-8 under `codec`: UTF-8
    with the rejected runs in `codec`, and the whole line in `codec`."""
    out: list[str] = []
    for attempt in (
        lambda: line.decode("utf-8", errors=_decode_runs_with(codec)),
        lambda: line.decode(codec),
    ):
        try:
            out.append(attempt())
        except UnicodeDecodeError:
            continue
    return out


def _best_line(line: bytes, codec: str) -> str | None:
    """The more German of a line's two readings (costed only when they differ:
    most pasted lines hold no byte pair that is valid UTF-8 by chance). Without
    a valid UTF-8 sequence the two readings are the same: the line is decoded
    once, in C. (surrogateescape gives one character per byte it rejects, so
    only a multi-byte sequence makes the text shorter than the bytes; tested
    in C, many times faster than a regex search.)"""
    if len(line.decode("utf-8", "surrogateescape")) == len(line):
        try:
            return line.decode(codec)
        except UnicodeDecodeError:
            return None
    readings = _mixed_line_readings(line, codec)
    if not readings:
        return None
    if len(readings) == 1 or readings[0] == readings[1]:
        return readings[0]
    return min(readings, key=_reading_cost)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_codec(data: bytes) -> str:
    """The German code page that reads the non-UTF-8 lines of `data` most German
    (the first in GERMAN_SINGLE_BYTE on a tie)."""
    return _mixed_codec_readings(data)[0].codecs[0]


def _mixed_codec_readings(data: bytes) -> list[_Reading]:
    """The readings of the non-UTF-8 lines of `data` (at most MIXED_CODEC_LINES),
    one per German code page that decodes them all, cheapest first; code pages
    that read the lines alike share one reading (and one costing). latin-1
    decodes every byte, so there is always one."""
    bad_lines = [line for line in data.splitlines() if not _is_utf8(line)][:MIXED_CODEC_LINES]
    non_ascii = sum(len(line) - len(line.translate(None, _HIGH_BYTES)) for line in bad_lines)
    by_text: dict[str, list[str]] = {}
    texts_by_joined: dict[str, list[str]] = {}
    for name in GERMAN_SINGLE_BYTE:
        texts = [_best_line(line, name) for line in bad_lines]
        if None in texts:
            continue
        joined = "\n".join(texts)  # type: ignore[arg-type]
        by_text.setdefault(joined, []).append(name)
        texts_by_joined[joined] = texts  # type: ignore[assignment]
    readings = [
        _Reading(tuple(names), joined, _lines_cost(texts_by_joined[joined], joined), non_ascii)
        for joined, names in by_text.items()
    ]
    readings.sort(key=lambda r: r.cost)  # stable: on a tie the earlier code page stays first
    return readings


def _lines_cost(lines: list[str], joined: str) -> float:
    """The sum of the lines' `_reading_cost`, costed in one call on `joined`
    (the lines joined by newlines): every signal stops at a newline but the
    unclosed-quote count, which is corrected to count per line."""
    per_line_quotes = sum(_unclosed_quotes(line) for line in lines)
    return _reading_cost(joined) + SHAPE_COST * (per_line_quotes - _unclosed_quotes(joined))


def decode_mixed(data: bytes, codec: str | None = None) -> str:
    """UTF-8 with single-byte lines: valid UTF-8 lines stay; each other line is
    read either as UTF-8 with the rejected runs in `codec` or wholly in `codec`,
    whichever reads more German. Without `codec` the German code page that reads
    the invalid lines most German is chosen (per call: pass the file's
    `Detection.single_byte` when decoding line by line). A line `codec` cannot
    decode falls back to the code page that reads that line most German; no
    byte is ever dropped (latin-1 decodes every byte)."""
    if codec is None:
        codec = _mixed_codec(data)
    out: list[str] = []
    for line in data.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(_decode_invalid_line(line, codec))
    return "".join(out)


def _decode_invalid_line(line: bytes, codec: str) -> str:
    """A line that is not valid UTF-8, read by `_best_line` in `codec`, or when
    `codec` cannot decode it, in the German code page that reads it most German."""
    text = _best_line(line, codec)
    if text is None:
        options = [t for name in GERMAN_SINGLE_BYTE if (t := _best_line(line, name)) is not None]
        text = min(options, key=_reading_cost)
    return text


# --------------------------------------------------------------------------- incremental


class IncrementalDetector:
    """Feed chunks, then close: detection from a leading sample of `sample_bytes`,
    so a large file is never held in memory. `done` says when the sample is full;
    `close()` returns the Detection (also kept in `result`)."""

    def __init__(self, sample_bytes: int = SAMPLE_BYTES, allow_binary: bool = False) -> None:
        self._sample = bytearray()
        self._limit = sample_bytes
        self._allow_binary = allow_binary
        self._truncated = False
        self.result: Detection | None = None

    @property
    def done(self) -> bool:
        return len(self._sample) >= self._limit

    def feed(self, chunk: bytes) -> None:
        room = self._limit - len(self._sample)
        if len(chunk) > room:
            self._truncated = True
        if room > 0:
            self._sample.extend(chunk[:room])

    def close(self) -> Detection:
        # a full sample may have more bytes behind it that the caller did not feed
        final = not self._truncated and not self.done
        self.result = _detect(bytes(self._sample), allow_binary=self._allow_binary, final=final)[0]
        return self.result
