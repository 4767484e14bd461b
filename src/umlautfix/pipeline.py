"""The whole pipeline on streams: bytes in, repaired text out, in bounded memory.

`fix_stream` never holds a whole file. Its steps:

1. detect: the encoding is decided from a leading sample (`IncrementalDetector`),
   unless the caller names one (then decoding is strict and nothing is guessed);
2. decode: the bytes are cut into blocks of whole lines, so a character split
   between two reads is joined before it is decoded; a line longer than
   `max_line_bytes` is cut into pieces, never inside a character. A line that
   contradicts the detected encoding (cp1252 bytes in a UTF-8 file, a UTF-8 line
   in a cp1252 file) is decoded on its own, and watchers are told;
3. repair: only lines the repair stage would look at (`repair.find_suspect`) go through
   `repair()`, one line at a time; everything else passes as whole blocks. A line that
   repair() returns as it was stays in its block, which then goes out whole, and the reads
   are small (`SMALL_CHUNK_BYTES`); only the verdict's sample (`validate=True`) is still fed
   1 MiB reads cut at every line repair() saw, the cut its excerpts are chosen from;
4. write: unchanged text in the output's own encoding is written as the input
   bytes themselves, so clean UTF-8 comes out byte for byte.

Byte-order mark and line endings: line endings are text like any other and are
never touched (CRLF, LF, CR, a missing final newline). A byte-order mark is kept
as a byte-order mark: written again in the output encoding when that is a
Unicode encoding (UTF-8 in, UTF-8 out: the same three bytes), dropped when it is
not (cp1252 has none).

`Watcher`s see the stream as it goes (changes, fallback lines, bytes read,
segments of text), so `--explain`, `--diff` and a progress bar need no list of a
whole file; `FileResult` keeps counts and only the first `keep_changes` changes.
The verdict (`validate`) is taken on a bounded `TextSample` of the output, and
only when asked for (`validate=True`). Only asked-for work is done: with no sink
and `first_difference_only` (`--check` alone) the stream stops at the first
difference, as the answer is then known.

Where the time goes on clean UTF-8: decoding costs less than a plain Python
read-decode-encode-write loop (one decode per block, no encode: the input bytes
are written); on top of that come the first look (`repair.find_suspect`, once
over each block, a `re` scan that costs more than the decoding) and `repair()`
of the lines it points at (clean lines with "é", "→" or "ı" among them). Those
two live in repair.py. Past the head of a long stream they are shared with
worker processes forked from this one (`StreamConfig.workers`, the CLI's `-j`;
`_looked_in_parallel`): jobs of blocks go to them in order and their results come
back in order, while this process reads, decodes and writes, and does a job
itself rather than wait.

`fix_file` adds files: the output goes to a temporary file beside the target,
which is fsynced and renamed over it (`AtomicWriter`), keeping its mode; a
process killed half-way leaves the target as it was.
"""

from __future__ import annotations

import codecs
import os
import random
import re
import shutil
import signal
import stat
import sys
import tempfile
import warnings
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from . import repair as repair_stage
from .detect import (
    SAMPLE_BYTES,
    Detection,
    IncrementalDetector,
    UndecodableBytesWarning,
    check_binary,
    decode,
    decode_mixed,
)
from .repair import Change, Repair, repair
from .validate import Finding, Validation, validate

if TYPE_CHECKING:  # (imported where worker processes are started: most runs start none)
    from concurrent.futures import Future, ProcessPoolExecutor

CHUNK_BYTES = 1 << 20  # one read
# One read, unless the verdict's sample is taken (it keeps the cut of 1 MiB reads). A block's
# text takes up to 4 bytes a character: small ones (under glibc's 128 KiB mmap threshold) reuse
# freed memory, while each 1 MiB block took fresh pages from the kernel (a page fault per KiB
# read, a third of the decoding time on clean German).
SMALL_CHUNK_BYTES = 1 << 15
MAX_LINE_BYTES = 1 << 20  # longer lines are decoded and repaired in pieces
KEPT_CHANGES = 10_000  # FileResult keeps the first ones; watchers see all
SAMPLE_HEAD_CHARS = 1 << 17  # validate sees the whole output when it is this short ...
SAMPLE_SLOTS = 64  # ... and otherwise the head plus this many later excerpts
SAMPLE_PIECE_CHARS = 1 << 11
# Past this many bytes, a stream is looked at (first look and repair()) by worker processes
# too (StreamConfig.workers), in jobs of PARALLEL_JOB_BYTES, with at most
# PARALLEL_JOBS_PER_WORKER jobs per worker in flight (and PARALLEL_JOBS_AHEAD more done here
# while waiting for them): memory stays bounded.
PARALLEL_AFTER_BYTES = 1 << 22
PARALLEL_JOB_BYTES = 1 << 19
PARALLEL_JOBS_PER_WORKER = 3
PARALLEL_JOBS_AHEAD = 3  # jobs this process does itself ahead of the oldest one a worker has
DIFF_CONTEXT = 3
DIFF_MAX_HUNK_LINES = 2_000  # a longer run of changed lines is split into several hunks

# A multi-byte UTF-8 sequence: in a file read as an 8-bit code page, a line holding one
# and decoding as UTF-8 as a whole is UTF-8 (German 8-bit text almost never forms one).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Output encodings that hold U+FEFF and do not write a byte-order mark of their own.
_BOM_AS_CHARACTER = frozenset({"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})
# Input codecs whose decoder consumes the byte-order mark itself, and the marks they take.
_BOM_CONSUMING = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def fix_bytes(data: bytes, *, encoding: str | None = None) -> str:
    """Decode (detecting the encoding unless given) and repair: the whole pipeline in memory."""
    return repair(decode(data, encoding=encoding)).text


# ---------------------------------------------------------------------------- results


class UndecodableError(UnicodeDecodeError):
    """The input is not valid in the encoding it was told (or found) to be in; `line` says where."""

    def __init__(self, encoding: str, data: bytes, start: int, end: int, reason: str, line: int) -> None:
        bad = data[start:end]
        super().__init__(encoding, bad, 0, len(bad), reason)
        self.line = line

    def __str__(self) -> str:
        shown = " ".join(f"0x{b:02x}" for b in self.object[:4])
        return f"line {self.line}: not decodable as {self.encoding} ({shown}: {self.reason})"


class UnencodableError(ValueError):
    """The repaired text holds a character the output encoding cannot write."""

    def __init__(self, encoding: str, character: str, line: int) -> None:
        super().__init__(f"line {line}: {character!r} cannot be written in {encoding}")
        self.encoding = encoding
        self.character = character
        self.line = line


class RefusedSymlinkError(ValueError):
    """Rewriting a symbolic link would replace the link by a file; done only when asked."""


@dataclass(frozen=True)
class LineChange:
    """A change located by line (1-based) and column (1-based, in characters) in the decoded input."""

    line: int
    column: int
    change: Change


@dataclass(frozen=True)
class LocatedFinding:
    """A validate finding located by line and column (1-based) in the file."""

    line: int
    column: int
    finding: Finding


@dataclass(frozen=True)
class Segment:
    """A stretch of text as read (`before`, decoded) and as written (`after`), and where it starts.

    `raw` holds the exact input bytes of `before` when the decoder has them, so
    unchanged text can be written without encoding it again.
    """

    line: int
    column: int  # 0-based: characters of the line before this segment (a long line cut in pieces)
    before: str
    after: str
    raw: bytes | None = None


@dataclass
class FileResult:
    """What fix_stream did to one input: counts for everything, the first changes in full."""

    detection: Detection
    changes: list[LineChange] = field(default_factory=list)
    unresolved: list[LineChange] = field(default_factory=list)
    fallback_lines: list[int] = field(default_factory=list)
    change_count: int = 0
    unresolved_count: int = 0
    fallback_count: int = 0
    lines: int = 0
    bytes_read: int = 0
    identical: bool = False  # the output bytes are the input bytes
    validation: Validation | None = None
    findings: list[LocatedFinding] = field(default_factory=list)
    sampled: bool = False  # validation saw a sample of the output, not all of it
    partial: bool = False  # stopped at the first difference (first_difference_only): counts cover what was read

    @property
    def changed(self) -> bool:
        """The output differs from the input: a repair, a fallback line, or another encoding."""
        return not self.identical

    @property
    def repaired(self) -> bool:
        return self.change_count > 0


# ---------------------------------------------------------------------------- config and watchers


@dataclass(frozen=True)
class StreamConfig:
    """How fix_stream works; immutable, override per call with keywords (`fix_stream(..., encoding="cp1252")`)."""

    encoding: str | None = None  # given: no detection, strict decoding
    output_encoding: str = "utf-8"
    allow_binary: bool = False
    decode_only: bool = False  # no repair (for validate)
    validate: bool = False  # judge a bounded sample of the output: FileResult.validation
    # with no sink (--check alone): stop at the first difference, when nothing later could fail
    # (detected encoding: lenient decoding never raises); FileResult.partial says it stopped
    first_difference_only: bool = False
    chunk_bytes: int = CHUNK_BYTES
    max_line_bytes: int = MAX_LINE_BYTES
    keep_changes: int = KEPT_CHANGES
    # processes that look at a long stream (PARALLEL_AFTER_BYTES) in parallel: this one and ones
    # forked from it (on Linux only); 1 is this one alone. The output is the same either way. Not
    # by default: forking a program that runs threads is unsafe. The CLI, which runs none, takes
    # one per CPU core (`cpu_cores`).
    workers: int = 1


class Watcher:
    """Sees one stream being fixed, as it happens. Subclass and override what you need."""

    def read(self, nbytes: int) -> None:
        """`nbytes` more input bytes were read."""

    def segment(self, segment: Segment) -> None:
        """A stretch of text was read and its output is known (output order, all of it). Where the
        stream cuts is its own choice: a changed segment is one whole line (or a piece of a long
        one), while an unchanged one may hold many lines, suspect ones that repair() left alone too."""

    def change(self, located: LineChange) -> None:
        """A repair changed something."""

    def unresolved(self, located: LineChange) -> None:
        """Damage was found and left as it is (`before == after`, the reason says why)."""

    def fallback(self, line: int, why: str) -> None:
        """A line did not fit the detected encoding and was decoded on its own."""

    def close(self) -> None:
        """The stream ended."""


# ---------------------------------------------------------------------------- decoding


@dataclass(frozen=True)
class _Block:
    """Decoded text of whole lines (or one piece of a long line), where it starts, how it was decoded."""

    line: int
    column: int
    text: str
    raw: bytes | None = None
    fallback: str = ""  # why this line was decoded other than with the detected encoding


class _Cursor:
    """Line and column of the next character to come."""

    def __init__(self, line: int = 1, column: int = 0) -> None:
        self.line = line
        self.column = column

    def advance(self, text: str) -> None:
        newlines = text.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(text) - text.rfind("\n") - 1
        else:
            self.column += len(text)

    def skip(self, data: bytes) -> None:
        """Move past whole lines of input that are not decoded here (`data` ends with b"\\n")."""
        self.line += data.count(b"\n")
        self.column = 0

    def block(self, text: str, raw: bytes | None = None, fallback: str = "") -> _Block:
        block = _Block(self.line, self.column, text, raw, fallback)
        self.advance(text)
        return block


def _line_blocks(chunks: Iterable[bytes], max_line_bytes: int) -> Iterator[bytes]:
    """Cut a byte stream into blocks that end at a line end ('\\n'); a line longer than
    `max_line_bytes` comes in pieces cut by `_safe_cut`. The reads that end inside a line
    are kept apart until the line ends (or grows too long): joining them on each read
    copied a long line again for every read."""
    pending: list[bytes] = []  # reads since the last line end, none holding a '\n'
    size = 0
    for chunk in chunks:
        cut = chunk.rfind(b"\n") + 1
        if cut:
            yield b"".join([*pending, memoryview(chunk)[:cut]]) if pending or cut < len(chunk) else chunk
            pending, size = [chunk[cut:]] if cut < len(chunk) else [], len(chunk) - cut
        else:
            pending.append(chunk)
            size += len(chunk)
        if size > max_line_bytes:
            long_line = b"".join(pending)
            while len(long_line) > max_line_bytes:
                at = _safe_cut(long_line, max_line_bytes)
                yield long_line[:at]
                long_line = long_line[at:]
            pending, size = [long_line] if long_line else [], len(long_line)
    if pending:
        yield b"".join(pending)


def _safe_cut(data: bytes, near: int) -> int:
    """A cut point at or before `near`: after a CR or a space in the second half if there is one,
    and never inside a UTF-8 character (8-bit codecs are indifferent to that)."""
    near = min(near, len(data) - 1)
    mark = max(data.rfind(b"\r", 0, near), data.rfind(b" ", 0, near))
    cut = mark + 1 if mark >= near // 2 else near
    start = cut
    while cut > 0 and 0x80 <= data[cut] <= 0xBF and start - cut < 3:
        cut -= 1
    return cut if cut > 0 else start


def _lines(data: bytes) -> Iterator[bytes]:
    """The lines of `data`, each with its '\\n' (the last may lack one)."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start) + 1 or len(data)
        yield data[start:end]
        start = end


@lru_cache(maxsize=64)
def _is_ascii_compatible_single_byte(codec: str) -> bool:
    """One byte, one character, ASCII as ASCII: lines can be cut at b'\\n' and anywhere else."""
    try:
        ascii_ok = bytes(range(128)).decode(codec) == "".join(map(chr, range(128)))
        return ascii_ok and len(bytes(range(256)).decode(codec, errors="replace")) == 256
    except (UnicodeDecodeError, LookupError):
        return False


class _ByteLineDecoder:
    """UTF-8 and the 8-bit code pages: bytes are cut at line ends first, then decoded.

    Lenient (detected encoding): a line that fails the codec is decoded run by run
    (`decode_mixed`); in a file read as an 8-bit code page, a line that is valid
    multi-byte UTF-8 is read as UTF-8. Strict (encoding given): the first bad byte
    raises UndecodableError.
    """

    def __init__(
        self, codec: str, head: bytes, *, strict: bool, max_line_bytes: int, single_byte: str | None = None
    ) -> None:
        self.codec = codec
        self.strict = strict
        self.single_byte = single_byte  # the code page of a mixed file's 8-bit lines, when detection saw them
        self.max_line_bytes = max_line_bytes
        self.eight_bit = codec != "utf-8"
        self.cursor = _Cursor()
        self.had_bom = codec == "utf-8" and head.startswith(codecs.BOM_UTF8)
        self.head = head[len(codecs.BOM_UTF8) :] if self.had_bom else head

    def blocks(self, chunks: Iterable[bytes]) -> Iterator[_Block]:
        for data in self.line_blocks(chunks):
            yield from self.decode(data)

    def line_blocks(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """The input cut into blocks of whole lines (or pieces of a long one), not yet decoded."""
        return _line_blocks(_prepend(self.head, chunks), self.max_line_bytes)

    def decode(self, data: bytes) -> Iterator[_Block]:
        """The blocks of text in one block of input lines (several where some lines do not fit the codec)."""
        if data.isascii():
            yield self.cursor.block(data.decode("ascii"), data)
            return
        try:
            text = data.decode(self.codec)
        except UnicodeDecodeError as err:
            if self.strict:
                raise UndecodableError(
                    self.codec, data, err.start, err.end, err.reason, self.cursor.line + data.count(b"\n", 0, err.start)
                ) from None
            yield from self._decode_lines(data)
            return
        if self.eight_bit and not self.strict and _UTF8_MULTIBYTE.search(data):
            yield from self._decode_lines(data)
            return
        yield self.cursor.block(text, data)

    def _decode_lines(self, data: bytes) -> Iterator[_Block]:
        """Line by line; runs of lines that fit the codec still come as one block."""
        fitting: list[bytes] = []
        for line in _lines(data):
            text, why = self._decode_line(line)
            if not why:
                fitting.append(line)
                continue
            if fitting:
                good = b"".join(fitting)
                yield self.cursor.block(good.decode(self.codec), good)
                fitting = []
            yield self.cursor.block(text, None, why)
        if fitting:
            good = b"".join(fitting)
            yield self.cursor.block(good.decode(self.codec), good)

    def _decode_line(self, line: bytes) -> tuple[str, str]:
        if self.eight_bit and not line.isascii():
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return text, f"valid UTF-8 in a file read as {self.codec}: read as UTF-8"
        try:
            return line.decode(self.codec), ""
        except UnicodeDecodeError:
            how = self.single_byte or "the German code page that reads it best"
            return decode_mixed(line, self.single_byte), f"not valid {self.codec}: read as UTF-8 with runs in {how}"


class _TextLineDecoder:
    """Other codecs (UTF-16, UTF-32, multi-byte Asian ones): an incremental decoder joins
    characters split between reads; the text is then cut at line ends. Strict when the
    caller named the encoding; a detected one turns undecodable bytes into U+FFFD with
    an UndecodableBytesWarning, as `decode` does."""

    def __init__(self, codec: str, head: bytes, *, max_line_chars: int, strict: bool = True) -> None:
        self.codec = codec
        self.strict = strict
        self.max_line_chars = max_line_chars
        self.cursor = _Cursor()
        self._decoder = codecs.getincrementaldecoder(codec)("strict")
        self.had_bom = any(head.startswith(bom) for bom in _BOM_CONSUMING.get(codec, ()))
        self._first = self._decode(head)
        if self._first.startswith("\ufeff"):  # a mark the codec did not consume (utf-16-le given)
            self._first = self._first[1:]
            self.had_bom = True

    def _decode(self, data: bytes, final: bool = False) -> str:
        try:
            return self._decoder.decode(data, final)
        except UnicodeDecodeError as err:
            if self.strict:
                raise UndecodableError(self.codec, data, err.start, err.end, err.reason, self.cursor.line) from None
            warnings.warn(
                UndecodableBytesWarning(f"bytes not decodable as {self.codec} near line {self.cursor.line}: U+FFFD"),
                stacklevel=2,
            )
            self._decoder = codecs.getincrementaldecoder(self.codec)("replace")
            return self._decoder.decode(data, final)

    def blocks(self, chunks: Iterable[bytes]) -> Iterator[_Block]:
        pending = self._first
        for chunk in chunks:
            data = pending + self._decode(chunk)
            cut = data.rfind("\n") + 1
            if cut:
                yield self.cursor.block(data[:cut])
            pending = data[cut:]
            while len(pending) > self.max_line_chars:
                at = pending.rfind(" ", self.max_line_chars // 2, self.max_line_chars) + 1 or self.max_line_chars
                yield self.cursor.block(pending[:at])
                pending = pending[at:]
        pending += self._decode(b"", final=True)
        if pending:
            yield self.cursor.block(pending)


def _prepend(head: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from chunks


def _decoder_for(detection: Detection, head: bytes, config: StreamConfig) -> _ByteLineDecoder | _TextLineDecoder:
    strict = config.encoding is not None
    if not strict and (detection.mixed or detection.encoding == "ascii"):
        codec = "utf-8"
    else:
        codec = codecs.lookup(detection.encoding).name
    if codec == "utf-8-sig":
        codec = "utf-8"  # the mark is taken off (and written back) by the pipeline, not the codec
    if codec == "utf-8" or _is_ascii_compatible_single_byte(codec):
        return _ByteLineDecoder(
            codec, head, strict=strict, max_line_bytes=config.max_line_bytes, single_byte=detection.single_byte
        )
    return _TextLineDecoder(codec, head, max_line_chars=config.max_line_bytes, strict=strict)


# ---------------------------------------------------------------------------- repair and output


class _Repairer:
    """Hands the lines that need a look to repair(), one at a time, and records what it did."""

    def __init__(self, result: FileResult, watchers: Sequence[Watcher], keep: int) -> None:
        self.result = result
        self.watchers = watchers
        self.keep = keep

    def segments(self, block: _Block, *, merge: bool = False, looked: Looked | None = None) -> Iterator[Segment]:
        """The block as one unchanged segment when the first look finds nothing in it; otherwise
        unchanged stretches around the lines it points at, each of which goes to repair()
        (`looked`: what a worker process found, the same as `_looked_lines` would).
        With `merge`, a line that repair() returns as it was stays in the unchanged stretch
        around it, so a block whose suspect lines all come back unchanged (clean text the first
        look points at) goes out whole, as its input bytes, and its lines are not counted."""
        text = block.text
        if looked is None:
            found = repair_stage.find_suspect(text)
            if found is None:
                yield Segment(block.line, block.column, text, text, block.raw)
                return
            lines: Iterable[tuple[int, int, Repair | None]] = _looked_lines(text, found)
        else:
            lines = looked
        cursor = _Cursor(block.line, block.column)
        raw = _RawCursor(text, block.raw)
        written = 0  # text before `written` went out
        for start, end, fixed in lines:
            if fixed is None and merge:
                continue
            if start > written:
                yield self._unchanged(cursor, text[written:start], raw)
            line = text[start:end]
            yield self._record(cursor, line, Repair(line) if fixed is None else fixed, raw)
            written = end
        if written == 0:  # nothing changed, or nothing was looked at
            yield Segment(block.line, block.column, text, text, block.raw)
        elif written < len(text):
            yield self._unchanged(cursor, text[written:], raw)

    @staticmethod
    def _unchanged(cursor: _Cursor, text: str, raw: _RawCursor) -> Segment:
        line, column = cursor.line, cursor.column
        cursor.advance(text)
        return Segment(line, column, text, text, raw.take(len(text), cursor.line - line))

    def _record(self, cursor: _Cursor, text: str, fixed: Repair, raw: _RawCursor) -> Segment:
        """Tell what repair() did to `text`, which starts at `cursor`, and move past it."""
        line, column = cursor.line, cursor.column
        for change in fixed.changes:
            self._change(LineChange(line, column + change.start + 1, change))
        for change in fixed.unresolved:
            self._unresolved(LineChange(line, column + change.start + 1, change))
        cursor.advance(text)
        return Segment(line, column, text, fixed.text, raw.take(len(text), cursor.line - line))

    def _change(self, located: LineChange) -> None:
        self.result.change_count += 1
        if len(self.result.changes) < self.keep:
            self.result.changes.append(located)
        for watcher in self.watchers:
            watcher.change(located)

    def _unresolved(self, located: LineChange) -> None:
        self.result.unresolved_count += 1
        if len(self.result.unresolved) < self.keep:
            self.result.unresolved.append(located)
        for watcher in self.watchers:
            watcher.unresolved(located)

    def fallback(self, block: _Block) -> None:
        """Record a line decoded other than with the detected encoding."""
        line, why = block.line, block.fallback
        self.result.fallback_count += 1
        if len(self.result.fallback_lines) < self.keep:
            self.result.fallback_lines.append(line)
        for watcher in self.watchers:
            watcher.fallback(line, why)


class _RawCursor:
    """The input bytes of the stretches a block is cut into, so that unchanged text is written as it
    came instead of being encoded again. Each stretch ends at a line start or at the block's end; in
    the bytes it ends after as many line ends as the text holds. Each character is one byte or more,
    so a stretch of n characters ends n bytes on or further: the line ends up to there are counted
    in C, and only those after it (few: a few multi-byte characters per line) are looked for."""

    def __init__(self, text: str, raw: bytes | None) -> None:
        self.chars_left = len(text)
        self.raw = raw
        self.byte = 0

    def take(self, chars: int, newlines: int) -> bytes | None:
        """The bytes of the next `chars` characters, which hold `newlines` line ends (None without bytes)."""
        self.chars_left -= chars
        raw = self.raw
        if raw is None:
            return None
        if self.chars_left == 0:
            end = len(raw)
        else:
            end = self.byte + chars
            seen = raw.count(b"\n", self.byte, end)
            while seen < newlines:
                end = raw.index(b"\n", end) + 1
                seen += 1
        piece = raw[self.byte : end]
        self.byte = end
        return piece


# (start, end, what repair() made of text[start:end]; None: it came back as it was) for each line
# the first look points at, in order
Looked = list[tuple[int, int, Repair | None]]


def _looked_lines(text: str, found: tuple[int, int]) -> Iterator[tuple[int, int, Repair | None]]:
    """The lines of `text` the first look points at (`found`: its first find), each with what
    repair() made of it."""
    for start, end in repair_stage.suspect_lines(text, found):
        line = text[start:end]
        fixed = repair(line)
        yield start, end, (fixed if fixed.changes or fixed.unresolved or fixed.text != line else None)


# ---------------------------------------------------------------------------- worker processes


def cpu_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _worker_count(config: StreamConfig) -> int:
    """The processes that look at a long stream, this one included."""
    if not sys.platform.startswith("linux"):
        return 1  # workers are forked: elsewhere there is no fork (Windows), or it is unsafe (macOS)
    return max(1, config.workers)


def _looked_in_parallel(
    decoder: _ByteLineDecoder, chunks: Iterable[bytes], workers: int, *, merge: bool, skip_clean: bool = False
) -> Iterator[tuple[_Block | bytes, Looked | None]]:
    """The stream's blocks in order, each with what the first look and repair() found in it
    (`Looked`; with `merge`, only the lines repair() changed or reported on), as worked out by
    `workers` processes, this one included, once the stream is long (PARALLEL_AFTER_BYTES); None
    where the caller works it out itself (the head of the stream, a line that does not fit the
    codec, a job whose worker died). With `skip_clean`, a block of whole lines of valid UTF-8 in
    which a worker found nothing to change comes as its bytes, not decoded here: it is its own
    output.

    The others are forked from this process, so they start at once with its modules and caches.
    Jobs of input bytes go to them in order (at most PARALLEL_JOBS_PER_WORKER each at a time);
    they decode and look, and their results come back in order. While the oldest job is not
    back, this process does the next ones itself (up to PARALLEL_JOBS_AHEAD): on a machine whose
    other cores are busy it does most of the work, and loses little to the hand-over. The jobs in
    flight are bounded, so the memory is, however long the stream."""
    pieces = decoder.line_blocks(chunks)
    seen = 0
    for data in pieces:
        yield from ((block, None) for block in decoder.decode(data))
        seen += len(data)
        if seen >= PARALLEL_AFTER_BYTES:
            break
    else:
        return
    others = workers - 1
    try:
        pool = _start_workers(others)
    except (OSError, ValueError):  # no processes to be had: the caller looks itself
        for data in pieces:
            yield from ((block, None) for block in decoder.decode(data))
        return
    jobs = _jobs(pieces, decoder.codec, merge)
    pending: deque[_Job] = deque()
    at_workers = others * PARALLEL_JOBS_PER_WORKER
    most = at_workers + PARALLEL_JOBS_AHEAD  # jobs held at once: in flight, done here ahead, or given up on
    more = True
    try:
        while True:
            while more and len(pending) < most and sum(job.at_a_worker() for job in pending) < at_workers:
                job = next(jobs, None)
                if job is None:
                    more = False
                else:
                    job.hand_to(pool)
                    pending.append(job)
            if not pending:
                return
            oldest = pending[0]
            if more and not oldest.done() and len(pending) < most:
                job = next(jobs, None)
                if job is None:
                    more = False
                else:
                    job.do_here()
                    pending.append(job)
                continue
            pending.popleft()
            for data, looked in zip(oldest.pieces, oldest.results(), strict=True):
                yield from _decoded_with(decoder, data, looked, skip_clean)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _decoded_with(
    decoder: _ByteLineDecoder, data: bytes, looked: Looked | None, skip_clean: bool
) -> Iterator[tuple[_Block | bytes, Looked | None]]:
    """A block of input lines, decoded here, with what a worker found in it (None: the caller looks)."""
    if looked is not None and not looked and skip_clean and data.endswith(b"\n"):
        decoder.cursor.skip(data)
        yield data, None
        return
    blocks = list(decoder.decode(data))
    if looked is not None and len(blocks) == 1 and blocks[0].raw is data:  # (decoded as the worker did)
        yield blocks[0], looked
    else:
        yield from ((block, None) for block in blocks)


def _start_workers(count: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fork = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(count, mp_context=fork, initializer=_start_worker, initargs=(os.getpid(),))


class _Job:
    """Blocks of input lines looked at together, by a worker process or by this one."""

    def __init__(self, pieces: list[bytes], codec: str, merge: bool) -> None:
        self.pieces = pieces
        self.codec = codec
        self.merge = merge
        self.future: Future[list[Looked | None]] | None = None
        self.looked: Sequence[Looked | None] | None = None  # when done here (None per block: by the caller)

    def hand_to(self, pool: ProcessPoolExecutor) -> None:
        from concurrent.futures.process import BrokenProcessPool

        try:
            self.future = pool.submit(_look_in_worker, self.pieces, self.codec, self.merge)
        except BrokenProcessPool:  # the workers died: the caller looks itself
            self.looked = [None] * len(self.pieces)

    def at_a_worker(self) -> bool:
        return self.future is not None and not self.future.done()

    def done(self) -> bool:
        return self.looked is not None or self.future is None or self.future.done()

    def do_here(self) -> None:
        self.looked = _look_in_worker(self.pieces, self.codec, self.merge)

    def results(self) -> Sequence[Looked | None]:
        from concurrent.futures.process import BrokenProcessPool

        if self.looked is not None:
            return self.looked
        assert self.future is not None
        try:
            return self.future.result()
        except BrokenProcessPool:  # a worker died (killed, out of memory): the caller looks itself
            return [None] * len(self.pieces)


def _jobs(pieces: Iterator[bytes], codec: str, merge: bool) -> Iterator[_Job]:
    """Blocks of input lines in jobs of PARALLEL_JOB_BYTES or more (the last may have fewer)."""
    job: list[bytes] = []
    size = 0
    for data in pieces:
        job.append(data)
        size += len(data)
        if size >= PARALLEL_JOB_BYTES:
            yield _Job(job, codec, merge)
            job, size = [], 0
    if job:
        yield _Job(job, codec, merge)


def _look_in_worker(pieces: list[bytes], codec: str, merge: bool) -> list[Looked | None]:
    """A worker's job: for each block of input lines, the lines the first look points at and what
    repair() made of them, as `_Repairer.segments` would find them; with `merge`, only those it
    changed or reported on (None: the block does not decode as `codec` as a whole; the main
    process reads it line by line)."""
    results: list[Looked | None] = []
    for data in pieces:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            results.append(None)
            continue
        found = repair_stage.find_suspect(text)
        looked = [] if found is None else _looked_lines(text, found)
        results.append([line for line in looked if line[2] is not None] if merge else list(looked))
    return results


def _start_worker(parent: int) -> None:
    """A worker ignores Ctrl-C, which reaches the whole process group: the main process alone
    stops, and stops the workers. If the main process is killed outright, the worker goes too:
    the kernel sends it SIGKILL (Linux's PR_SET_PDEATHSIG), as it could wait for jobs forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # (killed before the line above)
        os._exit(1)


class _Output:
    """Encodes segments to the sink; unchanged text whose bytes are already right goes as it came."""

    def __init__(self, sink: BinaryIO | None, encoding: str, *, passthrough: bool, had_bom: bool) -> None:
        self.sink = sink
        self.encoding = codecs.lookup(encoding).name
        self.passthrough = passthrough
        self._encoder = codecs.getincrementalencoder(encoding)("strict")
        if sink is not None and had_bom and self.encoding in _BOM_AS_CHARACTER:
            sink.write(self._encoder.encode("\ufeff"))

    def write_bytes(self, data: bytes) -> None:
        """Input bytes that are their own output (clean, in the output's encoding)."""
        if self.sink is not None:
            self.sink.write(data)

    def write(self, segment: Segment) -> None:
        if self.sink is None:
            return
        if self.passthrough and segment.raw is not None and segment.after is segment.before:
            self.sink.write(segment.raw)
            return
        try:
            self.sink.write(self._encoder.encode(segment.after))
        except UnicodeEncodeError as err:
            line = segment.line + segment.after.count("\n", 0, err.start)
            raise UnencodableError(self.encoding, err.object[err.start : err.end], line) from None

    def close(self) -> None:
        if self.sink is not None:
            tail = self._encoder.encode("", final=True)
            if tail:
                self.sink.write(tail)


# ---------------------------------------------------------------------------- the sample validate sees


class TextSample:
    """A bounded sample of a long text for `validate`: its head, then excerpts of later text
    chosen by reservoir sampling (seeded: the same file gives the same sample), in file order.
    A text shorter than the head limit is kept whole."""

    def __init__(
        self, head_chars: int = SAMPLE_HEAD_CHARS, slots: int = SAMPLE_SLOTS, piece_chars: int = SAMPLE_PIECE_CHARS
    ) -> None:
        self._head: list[tuple[int, int, str]] = []
        self._room = head_chars
        self._slots: list[tuple[int, int, int, str]] = []
        self._slot_count = slots
        self._piece_chars = piece_chars
        self._seen = 0
        self._rng = random.Random(0)
        self.sampled = False
        self._offsets: list[int] = []
        self._starts: list[tuple[int, int]] = []

    def add(self, line: int, column: int, text: str) -> None:
        if not text:
            return
        if self._room > 0:
            piece = _excerpt(text, self._room)
            self._head.append((line, column, piece))
            self._room -= len(piece)
            if len(piece) == len(text):
                return
            self._room = 0
        self.sampled = True
        self._seen += 1
        excerpt = (self._seen, line, column, _excerpt(text, self._piece_chars))
        if len(self._slots) < self._slot_count:
            self._slots.append(excerpt)
        else:
            slot = self._rng.randrange(self._seen)
            if slot < self._slot_count:
                self._slots[slot] = excerpt

    def text(self) -> str:
        """The sample as one text (pieces that do not end a line are separated by a newline)."""
        pieces = self._head + [(line, column, piece) for _, line, column, piece in sorted(self._slots)]
        parts: list[str] = []
        offset = 0
        self._offsets, self._starts = [], []
        for line, column, piece in pieces:
            self._offsets.append(offset)
            self._starts.append((line, column))
            if not piece.endswith("\n"):
                piece += "\n"
            parts.append(piece)
            offset += len(piece)
        self._joined = "".join(parts)
        return self._joined

    def locate(self, offset: int) -> tuple[int, int]:
        """Line and column (1-based) in the file of an offset into `text()`."""
        index = bisect_right(self._offsets, offset) - 1
        line, column = self._starts[index]
        begin = self._offsets[index]
        newlines = self._joined.count("\n", begin, offset)
        if newlines:
            return line + newlines, offset - self._joined.rfind("\n", begin, offset)
        return line, column + offset - begin + 1


def _excerpt(text: str, limit: int) -> str:
    """At most `limit` characters from the start of `text`, ending at a line end if one is near."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit) + 1
    return text[: cut if cut > limit // 2 else limit]


class _SampleWatcher(Watcher):
    def __init__(self, sample: TextSample) -> None:
        self.sample = sample

    def segment(self, segment: Segment) -> None:
        self.sample.add(segment.line, segment.column, segment.after)


# ---------------------------------------------------------------------------- the stream


def _read_head(source: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes; a pipe may deliver them in several reads."""
    parts: list[bytes] = []
    missing = size
    while missing > 0:
        part = source.read(missing)
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _chunks(source: BinaryIO, size: int, watchers: Sequence[Watcher], result: FileResult) -> Iterator[bytes]:
    while chunk := source.read(size):
        result.bytes_read += len(chunk)
        for watcher in watchers:
            watcher.read(len(chunk))
        yield chunk


def _detection(head: bytes, config: StreamConfig) -> Detection:
    if config.encoding is None:
        detector = IncrementalDetector(allow_binary=config.allow_binary)
        detector.feed(head)
        return detector.close()
    codec = codecs.lookup(config.encoding).name
    if not config.allow_binary and not codec.startswith(("utf-16", "utf-32")):
        check_binary(head)
    return Detection(codec, 1.0, [f"given by the caller ({config.encoding})"])


def detect_stream(source: BinaryIO, *, allow_binary: bool = False) -> Detection:
    """The encoding of a stream, from its leading sample only (reads at most SAMPLE_BYTES)."""
    return _detection(_read_head(source, SAMPLE_BYTES), StreamConfig(allow_binary=allow_binary))


def _configured(config: StreamConfig | None, overrides: dict[str, Any]) -> StreamConfig:
    config = config or StreamConfig()
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given) if given else config


def fix_stream(
    source: BinaryIO,
    sink: BinaryIO | None,
    config: StreamConfig | None = None,
    *,
    watchers: Sequence[Watcher] = (),
    **overrides: Any,
) -> FileResult:
    """Repair a binary stream into another (or only look at it when `sink` is None).

    Keyword overrides change single fields of `config` (`encoding="cp1252"`). Raises
    BinaryInputError before writing anything, UndecodableError (strict decoding
    only) and UnencodableError part-way.
    """
    config = _configured(config, overrides)
    head = _read_head(source, SAMPLE_BYTES)
    detection = _detection(head, config)
    result = FileResult(detection, bytes_read=len(head))
    for watcher in watchers:
        watcher.read(len(head))
    decoder = _decoder_for(detection, head, config)
    passthrough = isinstance(decoder, _ByteLineDecoder) and decoder.codec == codecs.lookup(config.output_encoding).name
    output = _Output(sink, config.output_encoding, passthrough=passthrough, had_bom=decoder.had_bom)
    sample = TextSample() if config.validate else None
    observers = [*watchers, _SampleWatcher(sample)] if sample is not None else list(watchers)
    repairer = _Repairer(result, watchers, config.keep_changes)
    stop_early = config.first_difference_only and sink is None and config.encoding is None
    # The sample's excerpts are chosen among the segments: it keeps the cut it was built on.
    # Everything else takes fewer segments from smaller reads (see SMALL_CHUNK_BYTES).
    sample_cut = sample is not None
    read_size = config.chunk_bytes if sample_cut else min(config.chunk_bytes, SMALL_CHUNK_BYTES)
    chunks = _chunks(source, read_size, watchers, result)
    workers = 1 if config.decode_only or stop_early else _worker_count(config)
    if workers > 1 and isinstance(decoder, _ByteLineDecoder):
        # clean UTF-8 that a worker looked at goes out as it came, undecoded here, when nobody watches
        skip_clean = decoder.codec == "utf-8" and passthrough and not observers and not sample_cut
        looked_blocks = _looked_in_parallel(decoder, chunks, workers, merge=not sample_cut, skip_clean=skip_clean)
    else:
        looked_blocks = ((b, None) for b in decoder.blocks(chunks))
    try:
        for block, looked in looked_blocks:
            if isinstance(block, bytes):  # (skip_clean)
                output.write_bytes(block)
                continue
            if block.fallback:
                repairer.fallback(block)
            if config.decode_only:
                segments: Iterable[Segment] = [Segment(block.line, block.column, block.text, block.text, block.raw)]
            else:
                segments = repairer.segments(block, merge=not sample_cut, looked=looked)
            for segment in segments:
                output.write(segment)
                for observer in observers:
                    observer.segment(segment)
            if stop_early and (not passthrough or result.change_count or result.fallback_count):
                result.partial = True
                break
    finally:
        looked_blocks.close()  # (stops the worker processes, if any)
    output.close()
    for watcher in watchers:
        watcher.close()
    cursor = decoder.cursor
    result.lines = cursor.line - 1 + (1 if cursor.column else 0)
    result.identical = passthrough and not result.change_count and not result.fallback_count
    if sample is not None:
        _judge(result, sample, config.keep_changes)
    return result


def _judge(result: FileResult, sample: TextSample, keep: int) -> None:
    verdict = validate(sample.text())
    result.validation = verdict
    result.sampled = sample.sampled
    result.findings = [LocatedFinding(*sample.locate(f.start), f) for f in verdict.findings[:keep]]


# ---------------------------------------------------------------------------- files


PathLike = str | os.PathLike[str]


def fix_file(
    src: PathLike | BinaryIO,
    dst: PathLike | BinaryIO | None = None,
    config: StreamConfig | None = None,
    *,
    check: bool = False,
    backup_suffix: str | None = None,
    follow_symlinks: bool = False,
    watchers: Sequence[Watcher] = (),
    **overrides: Any,
) -> FileResult:
    """Repair a file or binary file object, streaming.

    `dst` is a path (written atomically) or a binary file object; None means in
    place (`src` must be a path): the file is rewritten atomically, only when the
    output differs, keeping its mode, with a backup `src + backup_suffix` if asked.
    A symbolic link is rewritten (its target) only with `follow_symlinks`. With
    `check=True` nothing is written; `result.changed` says whether anything would.
    """
    config = _configured(config, overrides)
    if not isinstance(src, (str, os.PathLike)):
        if dst is None and not check:
            raise ValueError("fix_file needs dst when src is a file object")
        return _fix_opened(src, None if check else dst, config, backup_suffix, follow_symlinks, watchers)
    with open(src, "rb") as source:
        if check:
            return fix_stream(source, None, config, watchers=watchers)
        if dst is None:
            target = _target(Path(src), follow_symlinks)
            with AtomicWriter(target, backup_suffix=backup_suffix) as writer:
                result = fix_stream(source, writer.file, config, watchers=watchers)
                if result.identical:
                    writer.abandon()
                return result
        return _fix_opened(source, dst, config, None, follow_symlinks, watchers)


def _fix_opened(
    source: BinaryIO,
    dst: PathLike | BinaryIO | None,
    config: StreamConfig,
    backup_suffix: str | None,
    follow_symlinks: bool,
    watchers: Sequence[Watcher],
) -> FileResult:
    if dst is None or not isinstance(dst, (str, os.PathLike)):
        return fix_stream(source, dst, config, watchers=watchers)
    with AtomicWriter(_target(Path(dst), follow_symlinks), backup_suffix=backup_suffix) as writer:
        return fix_stream(source, writer.file, config, watchers=watchers)


def _target(path: Path, follow_symlinks: bool) -> Path:
    """The file to replace for `path`: refuses a symbolic link unless asked to follow it."""
    if not path.is_symlink():
        return path
    if not follow_symlinks:
        raise RefusedSymlinkError("is a symbolic link; rewriting it would replace the link (--follow-symlinks)")
    return Path(os.path.realpath(path))


class AtomicWriter:
    """A file that is written in full or not at all.

    The bytes go to a temporary file beside the target; leaving the `with` block
    normally fsyncs it, gives it the target's mode (and owner, where allowed; a
    new file gets 0666 less the umask), makes the backup if asked, renames it over
    the target and fsyncs the directory. Leaving with an error or Ctrl-C, or after
    `abandon()`, deletes the temporary file and leaves the target as it was; a
    SIGKILL leaves the target as it was and a temporary file `.NAME.*.umlautfix`.
    """

    def __init__(self, path: Path, *, backup_suffix: str | None = None) -> None:
        self.path = path
        self.backup_suffix = backup_suffix
        self._abandoned = False
        self._tmp_name = ""
        self.file: BinaryIO

    def __enter__(self) -> AtomicWriter:
        try:
            fd, self._tmp_name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".umlautfix", dir=self.path.parent
            )
        except OSError as err:  # name the file the user asked for, not the temporary one
            raise type(err)(err.errno, err.strerror, str(self.path)) from None
        self.file = os.fdopen(fd, "wb")
        return self

    def abandon(self) -> None:
        """Keep the target as it is (nothing changed): the temporary file goes."""
        self._abandoned = True

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None and not self._abandoned:
                self._commit()
        finally:
            if not self.file.closed:
                self.file.close()
            if os.path.exists(self._tmp_name):
                os.unlink(self._tmp_name)

    def _commit(self) -> None:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            os.chmod(self._tmp_name, 0o666 & ~_umask())
        else:
            os.chmod(self._tmp_name, stat.S_IMODE(st.st_mode))
            _copy_owner(self._tmp_name, st)
            if self.backup_suffix:
                _backup(self.path, self.backup_suffix)
        os.replace(self._tmp_name, self.path)
        _fsync_dir(self.path.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _copy_owner(name: str, st: os.stat_result) -> None:
    try:
        if (os.stat(name).st_uid, os.stat(name).st_gid) != (st.st_uid, st.st_gid):
            os.chown(name, st.st_uid, st.st_gid)
    except OSError:
        pass  # not ours to give away: the new file keeps our ownership


def _backup(path: Path, suffix: str) -> None:
    """`path + suffix` becomes the original, atomically (a hard link, or a copy where links fail)."""
    backup = path.with_name(path.name + suffix)
    fd, tmp = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".umlautfix", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        os.link(path, tmp)
    except OSError:
        shutil.copy2(path, tmp)
    os.replace(tmp, backup)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------- unified diff


class UnifiedDiff(Watcher):
    """Writes a unified diff of the input text against the output as the stream goes.

    Lines are paired in order (repair works line by line), so a hunk can be
    written as soon as 2 * DIFF_CONTEXT unchanged lines follow it; a run of
    changed lines is shown as difflib shows it (all '-', then all '+'). A hunk is
    also cut after DIFF_MAX_HUNK_LINES lines, so memory stays bounded.
    """

    def __init__(self, name: str, write: Callable[[str], None], context: int = DIFF_CONTEXT) -> None:
        self.name = name
        self.write = write
        self.context = context
        self._before: deque[str] = deque(maxlen=context)  # unchanged lines that may lead a hunk
        self._open = False
        self._hunk: list[tuple[str, str]] = []
        self._removed: list[tuple[str, str]] = []  # the current run of changed lines
        self._added: list[tuple[str, str]] = []
        self._trailing = 0  # unchanged lines since the last change of the open hunk
        self._a_line = self._b_line = 0  # lines of input and output before the current one
        self._hunk_a = self._hunk_b = 0
        self._pending_a = self._pending_b = ""
        self._header_written = False

    def segment(self, segment: Segment) -> None:
        if segment.after is segment.before or segment.after == segment.before:
            self._unchanged(_text_lines(segment.before))
        else:
            self._feed(segment.before, segment.after)

    def _unchanged(self, lines: list[str]) -> None:
        """Unchanged lines one by one while they may close a hunk or end a pending line; of the
        rest only the last `context` whole lines can lead a later hunk, the others are counted."""
        index = 0
        while index < len(lines) and (self._open or self._pending_a or self._pending_b):
            self._feed(lines[index], lines[index])
            index += 1
        whole = len(lines) - index - (1 if lines and not lines[-1].endswith("\n") else 0)
        skipped = max(whole - self.context, 0)
        self._a_line += skipped
        self._b_line += skipped
        for line in lines[index + skipped :]:
            self._feed(line, line)

    def close(self) -> None:
        if self._pending_a or self._pending_b:
            self._pair(self._pending_a, self._pending_b)
            self._pending_a = self._pending_b = ""
        self._end_run()
        if self._trailing > self.context:
            del self._hunk[len(self._hunk) - self._trailing + self.context :]
        self._flush()

    def _feed(self, a: str, b: str) -> None:
        self._pending_a += a
        self._pending_b += b
        if self._pending_a.endswith("\n"):
            a, b = self._pending_a, self._pending_b
            self._pending_a = self._pending_b = ""
            self._pair(a, b)

    def _pair(self, a: str, b: str) -> None:
        if a == b:
            self._same(a)
        else:
            self._differ(a, b)
        self._a_line += _count_lines(a)
        self._b_line += _count_lines(b)

    def _same(self, line: str) -> None:
        if not self._open:
            self._before.append(line)
            return
        self._end_run()
        self._hunk.append((" ", line))
        self._trailing += 1
        if self._trailing > 2 * self.context:
            leading_next = [text for _, text in self._hunk[len(self._hunk) - self.context :]] if self.context else []
            del self._hunk[len(self._hunk) - self._trailing + self.context :]
            self._flush()
            self._before.extend(leading_next)

    def _differ(self, a: str, b: str) -> None:
        if not self._open:
            self._open = True
            self._hunk_a = self._a_line - len(self._before)
            self._hunk_b = self._b_line - len(self._before)
            self._hunk = [(" ", line) for line in self._before]
            self._before.clear()
        self._removed.extend(("-", line) for line in _text_lines(a))
        self._added.extend(("+", line) for line in _text_lines(b))
        self._trailing = 0
        if len(self._hunk) + len(self._removed) + len(self._added) >= DIFF_MAX_HUNK_LINES:
            self._end_run()
            self._flush()

    def _end_run(self) -> None:
        self._hunk.extend(self._removed)
        self._hunk.extend(self._added)
        self._removed, self._added = [], []

    def _flush(self) -> None:
        if not self._open:
            return
        if not self._header_written:
            self.write(f"--- {self.name}\t(before umlautfix)\n+++ {self.name}\t(after umlautfix)\n")
            self._header_written = True
        a_count = sum(1 for kind, _ in self._hunk if kind != "+")
        b_count = sum(1 for kind, _ in self._hunk if kind != "-")
        parts = [f"@@ -{_range(self._hunk_a, a_count)} +{_range(self._hunk_b, b_count)} @@\n"]
        for kind, line in self._hunk:
            parts.append(kind + line if line.endswith("\n") else f"{kind}{line}\n\\ No newline at end of file\n")
        self.write("".join(parts))
        self._open = False
        self._hunk = []
        self._trailing = 0


def _range(before: int, count: int) -> str:
    """A unified-diff range as difflib writes it: 1-based start, ',count' unless 1, the line before when empty."""
    if count == 1:
        return str(before + 1)
    return f"{before + 1 if count else before},{count}"


def _text_lines(text: str) -> list[str]:
    """Lines split at '\\n' only, each keeping it (the last may lack one)."""
    lines = text.split("\n")
    last = lines.pop()
    out = [line + "\n" for line in lines]
    if last:
        out.append(last)
    return out


def _count_lines(text: str) -> int:
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)
