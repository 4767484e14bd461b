"""Stage 1, detect: bytes to text.

Evidence, strongest first: a byte-order mark; a declared charset (XML
declaration, HTML meta) that the bytes honour and that reads as German; strict
UTF-8; UTF-16/32 without a BOM; UTF-8 with runs of single-byte text pasted in;
otherwise the German 8-bit code pages (and chardet's candidates) ranked by the
German profile. Binary data is refused, never "decoded".
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import chardet

from .charmaps import GERMAN_8BIT
from .profile import cost

SAMPLE_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "ELF executable"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
)
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
    rb"""|<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""",
    re.IGNORECASE,
)
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")


class BinaryInputError(ValueError):
    """The input is binary data (NUL bytes, an image or archive signature), not text."""


@dataclass(frozen=True)
class Detection:
    """The encoding of some bytes (a Python codec name), how sure, and why."""

    encoding: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    mixed: bool = False  # UTF-8 with single-byte runs: decode with `decode`, not the codec


def check_binary(data: bytes) -> None:
    """Raise BinaryInputError when `data` is not text."""
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise BinaryInputError(f"binary input ({kind})")
    if b"\x00" in data[:SAMPLE_BYTES] and not _looks_utf16_or_32(data[:SAMPLE_BYTES]):
        raise BinaryInputError("binary input (NUL bytes)")


def _looks_utf16_or_32(sample: bytes) -> str | None:
    """UTF-16/32 without a BOM: ASCII-range text has NULs in a regular pattern."""
    even = sample[: len(sample) - len(sample) % 4]
    if len(even) < 8:
        return None
    for enc, stride, pos in (("utf-32-le", 4, (1, 2, 3)), ("utf-32-be", 4, (0, 1, 2))):
        if all(even[p::stride].count(0) >= 0.9 * (len(even) // stride) for p in pos):
            return enc
    half = sample[: len(sample) - len(sample) % 2]
    zeros_odd = half[1::2].count(0)
    zeros_even = half[0::2].count(0)
    n = len(half) // 2
    if zeros_odd >= 0.6 * n and zeros_even <= 0.1 * n:
        return "utf-16-le"
    if zeros_even >= 0.6 * n and zeros_odd <= 0.1 * n:
        return "utf-16-be"
    return None


def detect(data: bytes, *, allow_binary: bool = False) -> Detection:
    """Guess the encoding of `data`; see the module docstring for the evidence order."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Detection(name, 1.0, [f"byte-order mark for {name}"])
    if not allow_binary:
        check_binary(data)
    if data.isascii():
        return Detection("ascii", 1.0, ["all bytes are ASCII"])
    declared = _declared_charset(data)
    if declared is not None:
        return declared
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            return Detection("utf-8", 0.99, ["valid UTF-8 up to a character cut off at the end"])
    else:
        return Detection("utf-8", 1.0, ["valid UTF-8 with non-ASCII characters"])
    wide = _looks_utf16_or_32(data[:SAMPLE_BYTES])
    if wide is not None:
        return Detection(wide, 0.9, [f"NUL bytes in the pattern of {wide} without a BOM"])
    if _is_mostly_utf8(data):
        return Detection("utf-8", 0.9, ["UTF-8 with runs of single-byte text"], mixed=True)
    return _rank_single_byte(data)


def _declared_charset(data: bytes) -> Detection | None:
    m = _DECLARED.search(data[:4096])
    if m is None:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii").lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    ranked = _rank_single_byte(data)
    if codec != ranked.encoding and _text_cost(text) > _text_cost(data.decode(ranked.encoding, "replace")):
        return None  # the declaration is wrong: another code page reads more German
    return Detection(codec, 0.99, [f"declared charset {name}, and the bytes read as German under it"])


def _is_mostly_utf8(data: bytes) -> bool:
    """True when most high-byte runs are valid UTF-8 (a UTF-8 file with pasted 8-bit lines)."""
    valid = invalid = 0
    for m in _HIGH_BYTES.finditer(data):
        try:
            m.group().decode("utf-8")
        except UnicodeDecodeError:
            invalid += 1
        else:
            valid += 1
    return valid >= 2 and valid >= invalid


def _text_cost(text: str) -> float:
    return cost(text) / max(1, sum(1 for ch in text if ch >= "\x80"))


def _candidates(data: bytes) -> list[str]:
    names = list(GERMAN_8BIT)
    guess = chardet.detect(data[:SAMPLE_BYTES]).get("encoding")
    if guess:
        try:
            name = codecs.lookup(guess).name
        except LookupError:
            name = ""
        if name and name not in names and not name.startswith("utf"):
            names.append(name)
    return names


def _rank_single_byte(data: bytes) -> Detection:
    """Decode with each 8-bit candidate and keep the one that reads most German."""
    sample = data[:SAMPLE_BYTES]
    runs = b" ".join(m.group() for m in _HIGH_BYTES.finditer(sample))
    scored: list[tuple[float, int, str]] = []
    for order, name in enumerate(_candidates(sample)):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        scored.append((_context_cost_of_runs(text, runs, name), order, name))
    if not scored:
        return Detection("latin-1", 0.1, ["no candidate decodes the bytes; latin-1 maps every byte"])
    scored.sort()
    best_cost, _, best = scored[0]
    best = _most_specific(sample, best, [name for c, _, name in scored if c == best_cost])
    runner_up = next((c for c, _, n in scored if c > best_cost), best_cost + 10.0)
    margin = runner_up - best_cost
    confidence = round(min(0.99, 0.5 + margin / 10.0), 2)
    return Detection(best, confidence, [f"reads most German as {best} (next best costs {margin:.1f} more per character)"])


def _context_cost_of_runs(text: str, runs: bytes, name: str) -> float:
    return _text_cost(text)


def _most_specific(sample: bytes, best: str, tied: list[str]) -> str:
    """Among code pages that decode the sample identically, name the most specific honest one."""
    if "cp1252" in tied and not re.search(rb"[\x80-\x9f]", sample):
        return "latin-1" if "latin-1" in tied else best
    return best


def decode(data: bytes, *, encoding: str | None = None, allow_binary: bool = False) -> str:
    """Bytes to text: detect (unless `encoding` is given) and decode, mixed-encoding aware."""
    if encoding is not None:
        return data.decode(encoding)
    det = detect(data, allow_binary=allow_binary)
    if det.mixed:
        return decode_mixed(data)
    return data.decode(det.encoding, errors="replace")


def decode_mixed(data: bytes) -> str:
    """UTF-8 with single-byte runs: valid UTF-8 stays, each invalid run is decoded
    by the German code page that reads it most German."""
    out: list[str] = []
    pos = 0
    while pos < len(data):
        try:
            out.append(data[pos:].decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            out.append(data[pos : pos + err.start].decode("utf-8"))
            bad_start = pos + err.start
            bad_end = pos + err.end
            # extend over the whole run of undecodable high bytes
            while bad_end < len(data) and data[bad_end] >= 0x80:
                try:
                    data[bad_end : bad_end + 4].decode("utf-8")
                    break
                except UnicodeDecodeError as inner:
                    if inner.start == 0:
                        bad_end += 1
                    else:
                        break
            chunk = data[bad_start:bad_end]
            out.append(min((chunk.decode(n, "replace") for n in GERMAN_8BIT), key=cost))
            pos = bad_end
    return "".join(out)


class IncrementalDetector:
    """Feed chunks, then close: detection from a leading sample, so a large file
    need not be held in memory. `close()` returns the Detection."""

    def __init__(self, sample_bytes: int = SAMPLE_BYTES, allow_binary: bool = False) -> None:
        self._sample = bytearray()
        self._limit = sample_bytes
        self._allow_binary = allow_binary
        self.result: Detection | None = None

    @property
    def done(self) -> bool:
        return len(self._sample) >= self._limit

    def feed(self, chunk: bytes) -> None:
        if not self.done:
            self._sample.extend(chunk[: self._limit - len(self._sample)])

    def close(self) -> Detection:
        self.result = detect(bytes(self._sample), allow_binary=self._allow_binary)
        return self.result
