"""The whole pipeline: bytes in, repaired UTF-8 text out, in memory or streamed.

`fix_file` never holds a whole file: it detects from a leading sample, decodes
incrementally (a character split between two reads is joined), repairs line by
line (very long lines in bounded pieces) and writes as it goes. A line that
contradicts the detected encoding (a cp1252 line in a UTF-8 file) is decoded on
its own. Writing a file is atomic: a temporary file beside it, fsync, rename.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .detect import SAMPLE_BYTES, Detection, IncrementalDetector, decode, decode_mixed
from .repair import Change, repair

CHUNK_BYTES = 1 << 20
MAX_LINE_CHARS = 1 << 20  # longer lines are repaired in pieces cut at whitespace


def fix_bytes(data: bytes, *, encoding: str | None = None) -> str:
    """Decode (detecting the encoding unless given) and repair: the whole pipeline."""
    return repair(decode(data, encoding=encoding)).text


@dataclass(frozen=True)
class LineChange:
    """A change located by line (1-based) and column (1-based) in the decoded input."""

    line: int
    column: int
    change: Change


@dataclass
class FileResult:
    """What fix_file did to one input."""

    detection: Detection
    changes: list[LineChange] = field(default_factory=list)
    unresolved: list[LineChange] = field(default_factory=list)
    undecodable_lines: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def iter_fixed_lines(
    source: BinaryIO, result_holder: list[FileResult], *, encoding: str | None = None, allow_binary: bool = False
) -> Iterator[tuple[str, str]]:
    """Yield (input line, repaired line) for a binary stream, recording into result_holder[0]."""
    head = source.read(SAMPLE_BYTES)
    if encoding is None:
        detector = IncrementalDetector(allow_binary=allow_binary)
        detector.feed(head)
        detection = detector.close()
    else:
        detection = Detection(encoding, 1.0, ["given by the caller"])
    result = FileResult(detection)
    result_holder.append(result)
    codec = "utf-8" if detection.mixed or detection.encoding == "ascii" else detection.encoding
    lenient = encoding is None and codec in ("utf-8", "utf-8-sig")
    decoder = _LineDecoder(codec, lenient)
    lineno = 0
    chunk = head
    while chunk:
        for raw_line in decoder.feed(chunk):
            lineno += 1
            yield _fix_line(raw_line, lineno, result, decoder)
        chunk = source.read(CHUNK_BYTES)
    for raw_line in decoder.close():
        lineno += 1
        yield _fix_line(raw_line, lineno, result, decoder)


class _LineDecoder:
    """Split bytes into lines and decode each; lenient UTF-8 decodes invalid lines as mixed."""

    def __init__(self, codec: str, lenient: bool) -> None:
        self.codec = codec
        self.lenient = lenient
        self.pending = b""
        self.mixed_lines: set[int] = set()
        self._count = 0
        wide = codec.replace("-", "").lower().startswith(("utf16", "utf32"))
        self._incremental = codecs_incremental(codec) if wide else None

    def feed(self, chunk: bytes) -> Iterator[str]:
        if self._incremental is not None:
            text = self._incremental.decode(chunk)
            yield from self._split_text(text, final=False)
            return
        data = self.pending + chunk
        lines = data.split(b"\n")
        self.pending = lines.pop()
        while len(self.pending) > MAX_LINE_CHARS * 4:
            cut = _safe_cut(self.pending, MAX_LINE_CHARS)
            yield self._decode(self.pending[:cut])
            self.pending = self.pending[cut:]
        for line in lines:
            yield self._decode(line + b"\n")

    def close(self) -> Iterator[str]:
        if self._incremental is not None:
            yield from self._split_text(self._incremental.decode(b"", final=True), final=True)
            return
        if self.pending:
            yield self._decode(self.pending)
            self.pending = b""

    _text_pending = ""

    def _split_text(self, text: str, final: bool) -> Iterator[str]:
        data = self._text_pending + text
        lines = data.split("\n")
        self._text_pending = lines.pop()
        for line in lines:
            yield line + "\n"
        if final and self._text_pending:
            yield self._text_pending
            self._text_pending = ""

    def _decode(self, line: bytes) -> str:
        self._count += 1
        try:
            return line.decode(self.codec)
        except UnicodeDecodeError:
            if not self.lenient:
                raise
            self.mixed_lines.add(self._count)
            return decode_mixed(line)


def codecs_incremental(codec: str):  # type: ignore[no-untyped-def]
    import codecs

    return codecs.getincrementaldecoder(codec)(errors="strict")


def _safe_cut(data: bytes, near: int) -> int:
    """A cut point at or before `near` that does not split a UTF-8 character, preferably at a space."""
    space = data.rfind(b" ", 0, near)
    cut = space + 1 if space > near // 2 else near
    while cut > 0 and 0x80 <= data[cut] <= 0xBF:
        cut -= 1
    return cut


def _fix_line(line: str, lineno: int, result: FileResult, decoder: _LineDecoder) -> tuple[str, str]:
    if decoder.mixed_lines and lineno in decoder.mixed_lines:
        result.undecodable_lines.append(lineno)
    if line.isascii() and "?" not in line and "&" not in line:
        return line, line
    rep = repair(line)
    for ch in rep.changes:
        result.changes.append(LineChange(lineno, ch.start + 1, ch))
    for ch in rep.unresolved:
        result.unresolved.append(LineChange(lineno, ch.start + 1, ch))
    return line, rep.text


def fix_stream(
    source: BinaryIO,
    sink: BinaryIO | None,
    *,
    encoding: str | None = None,
    output_encoding: str = "utf-8",
    allow_binary: bool = False,
) -> FileResult:
    """Repair a binary stream into another (or only analyse it when `sink` is None)."""
    holder: list[FileResult] = []
    for _before, after in iter_fixed_lines(source, holder, encoding=encoding, allow_binary=allow_binary):
        if sink is not None:
            sink.write(after.encode(output_encoding))
    return holder[0]


def fix_file(
    src: str | os.PathLike[str] | BinaryIO,
    dst: str | os.PathLike[str] | BinaryIO | None = None,
    *,
    encoding: str | None = None,
    output_encoding: str = "utf-8",
    check: bool = False,
    allow_binary: bool = False,
) -> FileResult:
    """Repair a file or binary file object, streaming.

    `dst` is a path or binary file object; None means in place (a path only,
    atomically). With `check=True` nothing is written: the result says whether
    anything would change.
    """
    if isinstance(src, (str, os.PathLike)):
        path = Path(src)
        with open(path, "rb") as fh:
            if check:
                return fix_stream(fh, None, encoding=encoding, allow_binary=allow_binary)
            if dst is None:
                return _fix_in_place(path, fh, encoding, output_encoding, allow_binary)
            return _fix_to(fh, dst, encoding, output_encoding, allow_binary)
    if check:
        return fix_stream(src, None, encoding=encoding, allow_binary=allow_binary)
    if dst is None:
        raise ValueError("fix_file needs dst when src is a file object")
    return _fix_to(src, dst, encoding, output_encoding, allow_binary)


def _fix_to(
    fh: BinaryIO, dst: str | os.PathLike[str] | BinaryIO, encoding: str | None, output_encoding: str, allow_binary: bool
) -> FileResult:
    if isinstance(dst, (str, os.PathLike)):
        with atomic_writer(Path(dst)) as out:
            return fix_stream(fh, out, encoding=encoding, output_encoding=output_encoding, allow_binary=allow_binary)
    return fix_stream(fh, dst, encoding=encoding, output_encoding=output_encoding, allow_binary=allow_binary)


def _fix_in_place(path: Path, fh: BinaryIO, encoding: str | None, output_encoding: str, allow_binary: bool) -> FileResult:
    with atomic_writer(path) as out:
        return fix_stream(fh, out, encoding=encoding, output_encoding=output_encoding, allow_binary=allow_binary)


class atomic_writer:
    """Write to a temporary file beside `path`; on success fsync and rename over it,
    keeping the original's permissions. On any error the original stays untouched."""

    def __init__(self, path: Path, backup_suffix: str | None = None) -> None:
        self.path = path
        self.backup_suffix = backup_suffix
        self._tmp: io.BufferedWriter | None = None
        self._tmp_name = ""

    def __enter__(self) -> io.BufferedWriter:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        fd, self._tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".umlautfix", dir=directory)
        self._tmp = os.fdopen(fd, "wb")
        return self._tmp

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._tmp is not None
        try:
            if exc_type is None:
                self._tmp.flush()
                os.fsync(self._tmp.fileno())
            self._tmp.close()
            if exc_type is not None:
                os.unlink(self._tmp_name)
                return
            if self.path.exists():
                mode = stat.S_IMODE(os.stat(self.path).st_mode)
                os.chmod(self._tmp_name, mode)
                if self.backup_suffix:
                    backup = self.path.with_name(self.path.name + self.backup_suffix)
                    os.link(self.path, backup) if not backup.exists() else None
            os.replace(self._tmp_name, self.path)
            _fsync_dir(self.path.parent)
        except BaseException:
            if os.path.exists(self._tmp_name):
                os.unlink(self._tmp_name)
            raise


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
