"""The streaming pipeline (pipeline.py), in process: tables of cases (input, expected, why).

Expected bytes were written by hand from the inputs (what a reader sees in the
text), never copied from the pipeline's output.
"""

from __future__ import annotations

import codecs
import difflib
import io
import multiprocessing
import os
import re
import sys
import tracemalloc
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import umlautfix.pipeline as pipeline_module
from umlautfix.detect import SAMPLE_BYTES, BinaryInputError
from umlautfix.pipeline import (
    AtomicWriter,
    LineChange,
    RefusedSymlinkError,
    Segment,
    TextSample,
    UndecodableError,
    UnencodableError,
    UnifiedDiff,
    Watcher,
    _line_blocks,
    _RawCursor,
    detect_stream,
    fix_file,
    fix_stream,
)

ROOT = Path(__file__).resolve().parent.parent
GERMAN = b"".join(p.read_bytes() for p in sorted((ROOT / "fixtures" / "text" / "de").glob("*.txt")))
BOM = codecs.BOM_UTF8


def run(data: bytes, **options: object) -> tuple[bytes, object]:
    sink = io.BytesIO()
    result = fix_stream(io.BytesIO(data), sink, **options)  # type: ignore[arg-type]
    return sink.getvalue(), result


def mojibake(text: str) -> str:
    """UTF-8 read as cp1252: what the repair stage undoes."""
    return text.encode("utf-8").decode("cp1252")


# ---------------------------------------------------------------------------- clean input passes byte for byte

CLEAN_CASES = [
    # (input bytes, why)
    (b"", "empty input: empty output, no byte-order mark invented"),
    (b"plain ASCII\n", "ASCII fast path"),
    ("Grüße aus Köln\n".encode(), "German UTF-8"),
    ("Grüße aus Köln\r\nZeile zwei\r\n".encode(), "CRLF line ends stay CRLF"),
    ("alte Mac-Zeilen\rGrüße\rohne LF".encode(), "CR-only line ends: one long 'line', untouched"),
    ("kein Zeilenende am Schluss: Straße".encode(), "no final newline: none added"),
    (BOM + "Grüße\r\nÄrger\r\n".encode(), "UTF-8 byte-order mark with CRLF: kept"),
    (BOM, "only a byte-order mark"),
    (BOM + b"ascii after a BOM", "a BOM and ASCII without final newline"),
    (b"\n\n\n", "only newlines"),
    ("Feuer 🔥 und „Anführung“ – 5 €\n".encode(), "4-byte and 3-byte characters"),
    (GERMAN, "the project's German fixture text (all four files)"),
    (GERMAN.replace(b"\n", b"\r\n"), "the same with CRLF"),
]


@pytest.mark.parametrize(("data", "why"), CLEAN_CASES, ids=[c[1][:40] for c in CLEAN_CASES])
@pytest.mark.parametrize("chunk", [1, 3, 4096, 1 << 20])
def test_clean_utf8_comes_out_byte_for_byte(data: bytes, why: str, chunk: int) -> None:
    if chunk == 1 and len(data) > 20_000:
        data = data[:20_000]  # byte-at-a-time reads of the whole fixture would only cost time
        data = data[: data.rfind(b"\n") + 1]
    output, result = run(data, chunk_bytes=chunk)
    assert output == data, why
    assert result.identical and not result.changed, why


@pytest.mark.parametrize("max_line", [4, 5, 7, 64])
def test_long_lines_are_cut_between_characters(max_line: int) -> None:
    # every character here is 2, 3 or 4 bytes: a cut inside one would break the decoding
    data = ("äöü€🔥ß" * 40 + "\n" + "ÄÖÜ" * 30).encode()
    output, result = run(data, chunk_bytes=3, max_line_bytes=max_line)
    assert output == data
    assert result.fallback_count == 0  # no piece failed to decode: no character was split
    assert result.lines == 2


@given(
    st.lists(st.sampled_from(["a", "ä", "€", "🔥", " ", "\r", "\n", "\r\n", "Zeile\n"]), max_size=80),
    st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=5),
    st.integers(min_value=4, max_value=12),
)
def test_line_blocks_end_at_line_ends_or_cut_long_lines(pieces: list[str], reads: list[int], max_line: int) -> None:
    data = "".join(pieces).encode()
    chunks, start, turn = [], 0, 0
    while start < len(data):  # reads of the sizes drawn, in turn
        chunks.append(data[start : start + reads[turn % len(reads)]])
        start += reads[turn % len(reads)]
        turn += 1
    blocks = list(_line_blocks(chunks, max_line))
    assert b"".join(blocks) == data
    assert all(blocks)
    assert all(len(block) <= max_line + max(reads) for block in blocks)  # bounded memory: no whole long line
    line_start = 0  # where the line holding the current block starts in `data`
    offset = 0
    for block in blocks[:-1]:
        offset += len(block)
        if block.endswith(b"\n"):
            line_start = offset
            continue
        # a piece of a long line: no line end in it, and its line is longer than max_line
        assert b"\n" not in block
        assert len(block) <= max_line
        line_end = data.find(b"\n", line_start) + 1 or len(data)
        assert line_end - line_start > max_line


# ---------------------------------------------------------------------------- a character split between two reads


SPLIT_CASES = [
    # (input, expected output, why)
    ("Grüße\n".encode(), "Grüße\n".encode(), "2-byte ü and ß"),
    ("5 € und 🔥\n".encode(), "5 € und 🔥\n".encode(), "3-byte € and 4-byte emoji"),
    (
        mojibake("Sie kämpfen für Größe\n").encode(),
        "Sie kämpfen für Größe\n".encode(),
        "mojibake whose every character is 2 bytes in UTF-8: repaired the same whatever the reads",
    ),
]


@pytest.mark.parametrize(("data", "expected", "why"), SPLIT_CASES, ids=[c[2][:30] for c in SPLIT_CASES])
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7])
def test_a_character_split_between_reads_is_joined(data: bytes, expected: bytes, why: str, chunk: int) -> None:
    output, result = run(data, chunk_bytes=chunk)
    assert output == expected, why
    assert result.fallback_count == 0


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5])
def test_utf16_split_between_reads(chunk: int) -> None:
    # UTF-16 has no byte-level line ends: the incremental decoder joins code units and surrogate pairs
    data = "Grüße 🔥\nzweite Zeile\n".encode("utf-16")  # with its byte-order mark
    output, result = run(data, chunk_bytes=chunk)
    assert output == BOM + "Grüße 🔥\nzweite Zeile\n".encode()  # the mark stays a mark, now UTF-8's
    assert result.detection.encoding == "utf-16"


# ---------------------------------------------------------------------------- encodings, fallbacks, strictness


def test_eight_bit_input_becomes_utf8() -> None:
    output, result = run("Schöne Grüße aus Köln, die Äpfel sind für Sie\n".encode("cp1252"))
    assert output == "Schöne Grüße aus Köln, die Äpfel sind für Sie\n".encode()
    assert result.changed and not result.repaired  # the bytes change, the text does not


def test_a_cp1252_line_after_the_sample_in_a_utf8_file() -> None:
    # the sample (first 64 KiB) is clean UTF-8; a later line contradicts it
    head = "Grüße aus Köln\n".encode() * (SAMPLE_BYTES // 16 + 10)
    late = "Äpfel für Günther\n".encode("cp1252")
    output, result = run(head + late + b"Ende\n")
    assert output == head + "Äpfel für Günther\n".encode() + b"Ende\n"
    lines_before = head.count(b"\n")
    assert result.fallback_lines == [lines_before + 1]
    assert result.changed


def test_a_utf8_line_in_a_cp1252_file_is_read_as_utf8() -> None:
    # 1500 cp1252 lines fill the sample (47 bytes each, 64 KiB in all): detection says cp1252
    head = "Schöne Grüße aus Köln, die Äpfel sind für Sie\n".encode("cp1252") * 1500
    late = "Straße in München\n".encode()
    output, result = run(head + late)
    assert result.detection.encoding in ("cp1252", "latin-1", "iso-8859-15")  # they read these bytes alike
    assert output == ("Schöne Grüße aus Köln, die Äpfel sind für Sie\n" * 1500 + "Straße in München\n").encode()
    assert result.fallback_lines == [1501]


def test_given_encoding_is_strict_and_says_where() -> None:
    data = b"erste\nzweite\nGr\xfc\xdfe\n"  # latin-1 bytes, called UTF-8
    with pytest.raises(UndecodableError) as caught:
        run(data, encoding="utf-8", chunk_bytes=4)
    assert caught.value.line == 3
    assert "line 3" in str(caught.value) and "0xfc" in str(caught.value)


def test_given_encoding_skips_detection() -> None:
    # these bytes read as cp1252 'Grüße'; told cp850, they are 'Gr³▀e' (decode only: the
    # repair stage would take that for a code-page mix-up and give 'Grüße' back)
    output, result = run(b"Gr\xfc\xdfe\n", encoding="cp850", decode_only=True)
    assert result.detection.encoding == "cp850"
    assert output == "Gr³▀e\n".encode()


BOM_POLICY = [
    # (input, output encoding, expected output, why)
    (BOM + "Grüße\n".encode(), "utf-8", BOM + "Grüße\n".encode(), "UTF-8 to UTF-8: the same three bytes"),
    (BOM + "Grüße\n".encode(), "cp1252", "Grüße\n".encode("cp1252"), "cp1252 has no byte-order mark"),
    (BOM + "Grüße\n".encode(), "utf-16-le", "\ufeffGrüße\n".encode("utf-16-le"), "written as U+FEFF"),
    (BOM + "Grüße\n".encode(), "utf-16", "Grüße\n".encode("utf-16"), "utf-16 writes its own mark, once"),
    ("Grüße\n".encode(), "utf-8-sig", BOM + "Grüße\n".encode(), "asked for by the output encoding"),
    ("Grüße\n".encode(), "cp1252", "Grüße\n".encode("cp1252"), "no mark in, none out"),
]


@pytest.mark.parametrize(("data", "encoding", "expected", "why"), BOM_POLICY, ids=[c[3][:30] for c in BOM_POLICY])
def test_byte_order_mark_policy(data: bytes, encoding: str, expected: bytes, why: str) -> None:
    output, _ = run(data, output_encoding=encoding)
    assert output == expected, why


def test_output_encoding_that_cannot_write_a_character() -> None:
    with pytest.raises(UnencodableError) as caught:
        run("Grüße\nFeuer 🔥\n".encode(), output_encoding="latin-1")
    assert caught.value.line == 2 and caught.value.character == "🔥"


def test_binary_input_is_refused_before_anything_is_written() -> None:
    sink = io.BytesIO()
    with pytest.raises(BinaryInputError):
        fix_stream(io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256))), sink)
    assert sink.getvalue() == b""


def test_detection_reads_only_the_leading_sample() -> None:
    source = io.BytesIO("Grüße\n".encode() * 100_000)
    detection = detect_stream(source)
    assert detection.encoding == "utf-8"
    assert source.tell() == SAMPLE_BYTES


# ---------------------------------------------------------------------------- changes, located


def test_changes_are_located_by_line_and_column() -> None:
    data = ("Zeile eins\n" + mojibake("Im Krieg kämpfen sie\n")).encode()
    output, result = run(data)
    assert output == "Zeile eins\nIm Krieg kämpfen sie\n".encode()
    [located] = result.changes
    # 'Im Krieg k' is 10 characters: the mojibake 'Ã¤' starts in column 11 of line 2
    assert (located.line, located.column) == (2, 11)
    assert (located.change.before, located.change.after) == ("Ã¤", "ä")


def test_columns_count_on_across_the_pieces_of_a_long_line() -> None:
    line = "aaaa bbbb cccc dddd eeee " + mojibake("kämpfen") + "\n"
    _, result = run(line.encode(), max_line_bytes=12)
    [located] = result.changes
    assert located.line == 1
    assert located.column == len("aaaa bbbb cccc dddd eeee k") + 1


def test_kept_changes_are_bounded_but_all_are_counted() -> None:
    data = (mojibake("Grüße aus Köln\n") * 40).encode()
    output, result = run(data, keep_changes=5)
    assert output == ("Grüße aus Köln\n" * 40).encode()
    assert len(result.changes) == 5
    assert result.change_count >= 40  # at least one change per line, all of them counted


def test_memory_stays_bounded_on_a_long_stream() -> None:
    # 8 MB of ASCII lines with a mojibake line now and then; reads of 64 KiB
    block = b"just a plain line of ASCII text, nothing to repair here.\n" * 1000 + mojibake("Grüße\n").encode()
    count = 8_000_000 // len(block)
    source = io.BytesIO(block * count)

    class Discard(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:  # type: ignore[override]
            return len(data)

    run(block[-200:])  # load the repair stage's lexicon first: it is data, not the stream's memory
    tracemalloc.start()
    try:
        result = fix_stream(source, Discard(), chunk_bytes=1 << 16, keep_changes=100)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.change_count >= count
    assert peak < 2_000_000, f"peak {peak} bytes for a {len(block) * count} byte stream"


# ---------------------------------------------------------------------------- only suspect lines go to repair

FIRST_LOOK_LINES = [
    # (line, goes to repair, why)
    ("Grüße aus Köln, schöne Straße\n", False, "clean German: umlauts and ß are not suspect"),
    ("plain ASCII without marks\n", False, "ASCII without '?' or '&' is skipped on its bytes"),
    (mojibake("Im Krieg kämpfen sie\n"), True, "UTF-8 read as cp1252"),
    ("„Anführung“ – 5 €\n", False, "German typography"),
    ("f\ufffdr alle\n", True, "a replacement character: a lost letter"),
    ("Gr??e\n", True, "question marks inside a word: lost letters"),
]


def _spy_on_repair(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[tuple[str, int]]]:
    """Record the texts handed to repair() and every (text, pos) the first look is asked about
    (calls from inside repair() included: they look at the line repair was given, not at a block)."""
    repaired: list[str] = []
    looks: list[tuple[str, int]] = []
    real_repair, real_find = pipeline_module.repair, pipeline_module.repair_stage.find_suspect
    real_might = pipeline_module.repair_stage.might_need_repair

    def spy_repair(text: str):  # type: ignore[no-untyped-def]
        repaired.append(text)
        return real_repair(text)

    def spy_find(text: str, pos: int = 0) -> tuple[int, int] | None:
        looks.append((text, pos))
        return real_find(text, pos)

    def spy_might(text: str) -> bool:
        looks.append((text, 0))
        return real_might(text)

    monkeypatch.setattr(pipeline_module, "repair", spy_repair)
    monkeypatch.setattr(pipeline_module.repair_stage, "find_suspect", spy_find)
    monkeypatch.setattr(pipeline_module.repair_stage, "might_need_repair", spy_might)
    return repaired, looks


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_repair_sees_the_suspect_lines_once_each_and_nothing_else(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    lines = [line for line, _, _ in FIRST_LOOK_LINES] * 3
    repaired, _ = _spy_on_repair(monkeypatch)
    run("".join(lines).encode(), chunk_bytes=chunk)
    expected = [line for line, suspect, _ in FIRST_LOOK_LINES if suspect] * 3
    assert repaired == expected


def test_the_first_look_runs_over_each_block_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 KB of clean German, one broken line in the middle, another at the end: one block
    clean = "Grüße aus Köln, schöne Straße\n" * 10_000
    data = (clean + mojibake("Im Krieg kämpfen sie\n") + clean + mojibake("Größe\n")).encode()
    _, looks = _spy_on_repair(monkeypatch)
    output, result = run(data)
    assert output == (clean + "Im Krieg kämpfen sie\n" + clean + "Größe\n").encode()
    assert result.change_count >= 2
    # in each block, the first look starts once at 0 and then only where the last broken line ended
    # (the short lines repair() itself looks at are left out: they are not blocks)
    block_looks = [(text, pos) for text, pos in looks if len(text) > 1000]
    by_block: dict[int, list[int]] = {}
    for text, pos in block_looks:
        by_block.setdefault(id(text), []).append(pos)
    for positions in by_block.values():
        assert positions[0] == 0
        assert positions == sorted(set(positions))
    # a look per block, plus one after the first broken line (the second ends the text)
    assert len(block_looks) == len(by_block) + 1


# ---------------------------------------------------------------------------- unchanged text is written as it came

LINE_PIECES = [
    "plain ASCII",
    "Grüße aus Köln",
    "„Anführung“ – 5 €",
    "Feuer 🔥",
    mojibake("kämpfen"),  # a suspect: this line goes to repair()
    "Café",
    "Gr??e",
    "",
]


@given(
    st.lists(st.tuples(st.sampled_from(LINE_PIECES), st.sampled_from(["\n", "\r\n"])), max_size=30),
    st.booleans(),
    st.sampled_from([1, 5, 64, 1 << 20]),
)
def test_written_bytes_are_the_encoded_output_text(lines: list[tuple[str, str]], final_end: bool, chunk: int) -> None:
    # unchanged stretches between suspect lines go out as their input bytes; those must be
    # exactly the bytes of the text the segments say was written
    text = "".join(line + end for line, end in lines)
    if not final_end:
        text = text.rstrip("\r\n")
    written: list[str] = []

    class Collect(Watcher):
        def segment(self, segment: Segment) -> None:
            written.append(segment.after)

    sink = io.BytesIO()
    fix_stream(io.BytesIO(text.encode()), sink, watchers=[Collect()], chunk_bytes=chunk)
    assert sink.getvalue() == "".join(written).encode()


# ---------------------------------------------------------------------------- either cut: the same result

# Lines of every kind the stream handles differently: clean, clean but suspect to the first look
# ("Café", "→"), repaired, damage found and left alone ("x\ufffdy": no word fits), a cp1252 line in
# a UTF-8 file (decoded on its own), CR-only line ends (one long "line").
WATCH_PIECES = [
    *LINE_PIECES,
    "Pfeil → hier",
    "x\ufffdy bleibt",
    mojibake("Größe") + " und Café",
    "ß" * 40,
    "alt\rMac\rZeilen",
]


def _stream_both_ways(data: bytes, **options: object) -> tuple[tuple[bytes, object], tuple[bytes, object]]:
    """fix_stream as it cuts the stream (small reads, unchanged suspect lines kept in their block), and
    with the verdict's sample taken (1 MiB reads, cut at every line repair() saw; its verdict is extra)."""
    return run(data, **options), run(data, validate=True, **options)


RESULT_FACTS = ("changes", "unresolved", "fallback_lines", "change_count", "unresolved_count", "lines", "identical")


def _result_facts(result: object) -> tuple[object, ...]:
    return tuple(getattr(result, name) for name in RESULT_FACTS)


@given(
    st.lists(st.tuples(st.sampled_from(WATCH_PIECES), st.sampled_from(["\n", "\r\n"])), max_size=30),
    st.sampled_from([b"", "ä\n".encode("cp1252"), mojibake("für\n").encode("cp1252")]),
    st.sampled_from([1, 5, 64, 1 << 20]),
    st.sampled_from([6, 1 << 20]),
)
def test_either_cut_gives_the_same_bytes_and_result(
    lines: list[tuple[str, str]], eight_bit_line: bytes, chunk: int, max_line: int
) -> None:
    # unless it takes the verdict's sample, the stream reads smaller blocks and keeps lines that
    # repair() returns unchanged inside the stretch around them; what is written and reported must not change
    data = "".join(line + end for line, end in lines).encode()
    half = data.find(b"\n", len(data) // 2) + 1
    data = data[:half] + eight_bit_line + data[half:]
    (out_a, result_a), (out_b, result_b) = _stream_both_ways(data, chunk_bytes=chunk, max_line_bytes=max_line)
    assert out_a == out_b
    assert _result_facts(result_a) == _result_facts(result_b)


class _Record(Watcher):
    """Everything a watcher is told but the cut itself: what --diff, --explain and a progress bar see."""

    def __init__(self) -> None:
        self.diff: list[str] = []
        self.differ = UnifiedDiff("f", self.diff.append)
        self.events: list[object] = []
        self.written = 0  # input bytes of the segments (the progress bar's measure)

    def segment(self, segment: Segment) -> None:
        self.differ.segment(segment)
        self.written += len(segment.raw) if segment.raw is not None else len(segment.before.encode())

    def change(self, located: LineChange) -> None:
        self.events.append(("change", located))

    def unresolved(self, located: LineChange) -> None:
        self.events.append(("unresolved", located))

    def fallback(self, line: int, why: str) -> None:
        self.events.append(("fallback", line, why))

    def close(self) -> None:
        self.differ.close()


@given(
    st.lists(st.tuples(st.sampled_from(WATCH_PIECES), st.sampled_from(["\n", "\r\n"])), max_size=30),
    st.sampled_from([b"", mojibake("für\n").encode("cp1252")]),
    st.sampled_from([1, 5, 64, 1 << 20]),
)
def test_watchers_are_told_the_same_whichever_cut(
    lines: list[tuple[str, str]], eight_bit_line: bytes, chunk: int
) -> None:
    data = "".join(line + end for line, end in lines).encode()
    half = data.find(b"\n", len(data) // 2) + 1
    data = data[:half] + eight_bit_line + data[half:]
    told = []
    for options in ({}, {"validate": True}):
        record = _Record()
        fix_stream(io.BytesIO(data), io.BytesIO(), watchers=[record], chunk_bytes=chunk, **options)  # type: ignore[arg-type]
        told.append(("".join(record.diff), record.events, record.written))
    assert told[0] == told[1]


# ---------------------------------------------------------------------------- worker processes

# German fixture paragraphs with every third one broken, clean lines the first look points at,
# damage left alone, a cp1252 line in the UTF-8 stream, CRLF and a missing final line end
PARALLEL_INPUT = b"".join(
    (line.encode().decode("sloppy-windows-1252") if index % 3 == 0 else line).encode()
    + (b"\r\n" if index % 5 == 0 else b"\n")
    for index, line in enumerate(GERMAN.decode().splitlines() + ["Pfeil → hier", "x\ufffdy bleibt"] * 20)
)
PARALLEL_INPUT = PARALLEL_INPUT[:40_000] + "Grüße aus Köln\n".encode("cp1252") + PARALLEL_INPUT[40_000:] + b"Ende"


class _CountingPool(ProcessPoolExecutor):
    """The worker pool, counting the jobs handed to it (so a test knows the workers did work)."""

    jobs = 0

    def submit(self, *args: object, **kwargs: object) -> Future[object]:
        _CountingPool.jobs += 1
        return super().submit(*args, **kwargs)  # type: ignore[arg-type]


def _counting_pool(count: int) -> _CountingPool:
    return _CountingPool(
        count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=pipeline_module._start_worker,
        initargs=(os.getpid(),),
    )


@pytest.fixture
def small_jobs(monkeypatch: pytest.MonkeyPatch) -> type[_CountingPool]:
    """Worker processes after 5,000 characters, in jobs of 3,000: on 100 KB, the head, the jobs and
    the window of jobs in flight all come into play."""
    monkeypatch.setattr(pipeline_module, "PARALLEL_AFTER_BYTES", 5_000)
    monkeypatch.setattr(pipeline_module, "PARALLEL_JOB_BYTES", 3_000)
    monkeypatch.setattr(pipeline_module, "_start_workers", _counting_pool)
    _CountingPool.jobs = 0
    return _CountingPool


def _run_watched(data: bytes, **options: object) -> tuple[bytes, tuple[object, ...], tuple[object, ...]]:
    record = _Record()
    sink = io.BytesIO()
    result = fix_stream(io.BytesIO(data), sink, watchers=[record], **options)  # type: ignore[arg-type]
    return sink.getvalue(), _result_facts(result), ("".join(record.diff), record.events, record.written)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
@pytest.mark.parametrize(
    "options",
    [{"chunk_bytes": 500}, {"chunk_bytes": 500, "validate": True}, {"max_line_bytes": 200}, {}],
    ids=["jobs of several blocks", "with the verdict's sample", "long lines in pieces", "a job per block"],
)
def test_worker_processes_change_nothing_in_what_is_written_or_told(
    small_jobs: type[_CountingPool], options: dict[str, object]
) -> None:
    alone = _run_watched(PARALLEL_INPUT, **options)
    assert small_jobs.jobs == 0
    with_workers = _run_watched(PARALLEL_INPUT, workers=2, **options)
    assert small_jobs.jobs >= 2
    assert with_workers == alone
    # unwatched, clean blocks a worker found nothing in go out undecoded
    output, result = run(PARALLEL_INPUT, workers=2, **options)
    assert (output, _result_facts(result)) == alone[:2]
    assert alone[1][RESULT_FACTS.index("change_count")] > 100  # (the input has work to do)
    assert multiprocessing.active_children() == []  # the workers are gone


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
@pytest.mark.parametrize("given", [None, "cp1252"], ids=["detected", "given"])
def test_worker_processes_read_cp1252_alike(small_jobs: type[_CountingPool], given: str | None) -> None:
    # 2,000 copies: past the leading sample for detection, which is read as one block
    lines = [line for line in LINE_PIECES if "Ã" not in line] + ["Stra\u00dfe \u00e0 la carte"]
    data = "".join(line + "\n" for line in lines * 2_000).encode("cp1252", errors="replace")
    assert detect_stream(io.BytesIO(data)).encoding == "cp1252"
    with_workers = _run_watched(data, workers=2, chunk_bytes=500, encoding=given)
    assert small_jobs.jobs > 5
    assert with_workers == _run_watched(data, chunk_bytes=500, encoding=given)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
def test_an_undecodable_line_stops_the_stream_where_it_is_with_workers_too(small_jobs: type[_CountingPool]) -> None:
    data = "Grüße aus Köln\n".encode() * 20_000 + "Grüße\n".encode("cp1252") + b"more\n" * 20_000
    with pytest.raises(UndecodableError, match="line 20001"):
        run(data, workers=2, chunk_bytes=500, encoding="utf-8")
    assert small_jobs.jobs > 0
    assert multiprocessing.active_children() == []


TEST_PROCESS = os.getpid()
LOOK_IN_WORKER = pipeline_module._look_in_worker


def _die(items: list[bytes], codec: str, merge: bool) -> list[object]:
    """A worker killed half-way (out of memory, a signal); the main process looks as ever."""
    if os.getpid() != TEST_PROCESS:
        os._exit(3)
    return LOOK_IN_WORKER(items, codec, merge)  # type: ignore[return-value]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
def test_a_dead_worker_leaves_its_work_to_the_main_process(
    monkeypatch: pytest.MonkeyPatch, small_jobs: type[_CountingPool]
) -> None:
    alone = _run_watched(PARALLEL_INPUT)
    monkeypatch.setattr(pipeline_module, "_look_in_worker", _die)
    assert _run_watched(PARALLEL_INPUT, workers=2) == alone
    assert small_jobs.jobs > 0
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
def test_an_error_while_writing_stops_the_workers(small_jobs: type[_CountingPool]) -> None:
    data = b"plain ASCII line\n" * 20_000 + "Grüße\n".encode() + b"more ASCII\n" * 20_000
    with pytest.raises(UnencodableError, match="line 20001"):
        run(data, workers=2, output_encoding="ascii", chunk_bytes=500)
    assert small_jobs.jobs > 0
    assert multiprocessing.active_children() == []


MERGED_CASES = [
    # (text, expected output, (line, column, before, after) of each change, why)
    ("Café\nPfeil → hier\n" * 3, "Café\nPfeil → hier\n" * 3, [], "clean lines the first look points at: unchanged"),
    (
        "Café\n" + mojibake("Größe") + "\nPfeil → hier\n",
        "Café\nGröße\nPfeil → hier\n",
        [(2, 3, "Ã¶ÃŸ", "öß")],  # "GrÃ¶ÃŸe": the run of mojibake starts at the third character
        "a repaired line between two suspect clean ones: located in its own line",
    ),
    ("a\nx\ufffdy\n", "a\nx\ufffdy\n", [], "damage left alone: unchanged, reported as unresolved"),
]


@pytest.mark.parametrize(("text", "expected", "where", "why"), MERGED_CASES, ids=[c[3][:30] for c in MERGED_CASES])
def test_merged_cut_writes_and_locates_as_expected(
    text: str, expected: str, where: list[tuple[int, int, str, str]], why: str
) -> None:
    output, result = run(text.encode())
    assert output == expected.encode(), why
    changes = [(c.line, c.column, c.change.before, c.change.after) for c in result.changes]  # type: ignore[attr-defined]
    assert changes == where, why
    if "\ufffd" in expected:
        assert [(u.line, u.column) for u in result.unresolved] == [(2, 1)], why  # type: ignore[attr-defined]


@given(st.lists(st.sampled_from([*LINE_PIECES, "ß" * 40, "x" * 40]), min_size=1, max_size=20), st.data())
def test_raw_cursor_cuts_the_bytes_where_the_text_is_cut(lines: list[str], data: st.DataObject) -> None:
    # cuts at line starts, then at the end: each piece of bytes is the piece of text, encoded
    text = "".join(line + "\n" for line in lines)
    line_starts = [len("".join(line + "\n" for line in lines[:k])) for k in range(1, len(lines))]
    cuts = sorted(data.draw(st.sets(st.sampled_from(line_starts)))) if line_starts else []
    cursor = _RawCursor(text, text.encode())
    previous = 0
    for cut in [*cuts, len(text)]:
        piece = text[previous:cut]
        assert cursor.take(len(piece), piece.count("\n")) == piece.encode()
        previous = cut


# ---------------------------------------------------------------------------- --check stops at the first difference

EARLY_STOP_CASES = [
    # (input, options, stops early, why)
    (mojibake("Grüße\n").encode() + b"clean ASCII line\n" * 200_000, {}, True, "mojibake first: the answer is known"),
    (b"clean ASCII line\n" * 200_000, {}, False, "clean: every byte must be seen to say so"),
    (
        mojibake("Grüße\n").encode() + b"clean ASCII line\n" * 200_000,
        {"encoding": "utf-8"},
        False,
        "a given encoding is strict: a bad byte later must still be found",
    ),
    ("Grüße aus Köln\n".encode("cp1252") * 200_000, {}, True, "cp1252 becomes UTF-8: differs from the start"),
]


@pytest.mark.parametrize(
    ("data", "options", "stops", "why"), EARLY_STOP_CASES, ids=[c[3][:30] for c in EARLY_STOP_CASES]
)
def test_first_difference_only_reads_no_further_than_needed(
    data: bytes, options: dict[str, str], stops: bool, why: str
) -> None:
    source = io.BytesIO(data)
    result = fix_stream(source, None, first_difference_only=True, chunk_bytes=1 << 16, **options)  # type: ignore[arg-type]
    assert result.partial is stops, why
    assert (result.bytes_read < len(data)) is stops, why
    full = fix_stream(io.BytesIO(data), None, chunk_bytes=1 << 16, **options)  # type: ignore[arg-type]
    assert result.changed == full.changed, why  # the same answer either way
    assert not full.partial


def test_first_difference_only_is_ignored_when_writing() -> None:
    data = mojibake("Grüße\n").encode() + b"clean ASCII line\n" * 100_000
    output, result = run(data, first_difference_only=True, chunk_bytes=1 << 16)
    assert output == "Grüße\n".encode() + b"clean ASCII line\n" * 100_000
    assert not result.partial


# ---------------------------------------------------------------------------- the verdict on a bounded sample


def test_verdict_on_a_short_output_sees_all_of_it() -> None:
    _, result = run(
        mojibake("Schöne Grüße aus Köln, die Äpfel sind für Sie und die Straße ist breit.\n").encode(), validate=True
    )
    assert result.validation is not None and result.validation.verdict == "clean"
    assert not result.sampled


def test_verdict_finds_damage_left_in_the_output_and_locates_it() -> None:
    # decode_only: the validator judges the input as it is; the mojibake is on line 3, column 9
    text = "Schöne Grüße aus Köln.\nDie Äpfel sind für Sie.\nUnd die kÃ¤mpfen und kÃ¤mpfen weiter.\n"
    _, result = run(text.encode(), decode_only=True, validate=True)
    assert result.validation is not None and result.validation.verdict == "mojibake"
    mojibake_findings = [f for f in result.findings if f.finding.kind == "mojibake"]
    assert (mojibake_findings[0].line, mojibake_findings[0].column) == (3, 10)


LOCATE_CASES = [
    # (pieces added as (line, column, text), offset into the sample text, expected (line, column), why)
    ([(1, 0, "ab\ncd\n")], 0, (1, 1), "the first character"),
    ([(1, 0, "ab\ncd\n")], 4, (2, 2), "'d' on the second line"),
    ([(5, 3, "xyz")], 1, (5, 5), "a piece that starts in column 4 of line 5: 'y' is column 5"),
    ([(1, 0, "ab\n"), (9, 0, "hello\n")], 5, (9, 3), "second piece starts at offset 3: offset 5 is 'l'"),
]


@pytest.mark.parametrize(("pieces", "offset", "expected", "why"), LOCATE_CASES, ids=[c[3][:30] for c in LOCATE_CASES])
def test_sample_locates_offsets_in_the_file(
    pieces: list[tuple[int, int, str]], offset: int, expected: tuple[int, int], why: str
) -> None:
    sample = TextSample()
    for line, column, text in pieces:
        sample.add(line, column, text)
    sample.text()
    assert sample.locate(offset) == expected, why


def test_sample_of_a_long_text_is_bounded_and_deterministic() -> None:
    def build() -> str:
        sample = TextSample(head_chars=1000, slots=8, piece_chars=100)
        for line in range(1, 20_001):
            sample.add(line, 0, f"Zeile {line} mit etwas Text darin\n")
        return sample.text()

    text = build()
    assert len(text) <= 1000 + 8 * 101
    assert text == build()  # seeded: the same sample every time
    assert "Zeile 1 " in text


# ---------------------------------------------------------------------------- unified diff


def diff_of(before: list[str], after: list[str]) -> str:
    out: list[str] = []
    differ = UnifiedDiff("f", out.append)
    for number, (a, b) in enumerate(zip(before, after, strict=True), start=1):
        differ.segment(Segment(number, 0, a, b))
    differ.close()
    return "".join(out)


@given(st.integers(min_value=1, max_value=40), st.sets(st.integers(min_value=0, max_value=39), max_size=8))
def test_diff_matches_difflib(length: int, changed: set[int]) -> None:
    # the same hunks as difflib's (context 3, changes up to 6 lines apart in one hunk); the lines
    # are all different, so difflib's alignment is the line-by-line one
    lines = [f"line {i}\n" for i in range(length)]
    after = [line.upper() if i in changed else line for i, line in enumerate(lines)]
    expected = difflib.unified_diff(lines, after, "f", "f", "(before umlautfix)", "(after umlautfix)", n=3)
    ours = diff_of(lines, after)
    assert ours == "".join(expected)
    assert apply_diff(lines, ours) == after


@given(
    st.integers(min_value=1, max_value=60),
    st.sets(st.integers(min_value=0, max_value=59), max_size=8),
    st.integers(min_value=0, max_value=400),
)
def test_diff_of_unchanged_runs_given_as_blocks_matches_difflib(length: int, changed: set[int], cut: int) -> None:
    # the pipeline hands a run of unchanged lines over as one segment (or a few: a long line comes
    # in pieces); the diff must be the same as for line-by-line segments
    lines = [f"line {i}\n" for i in range(length)]
    after = [line.upper() if i in changed else line for i, line in enumerate(lines)]
    segments: list[tuple[str, str]] = []
    run_of_same = ""
    for a, b in zip(lines, after, strict=True):
        if a == b:
            run_of_same += a
            continue
        segments.extend(_cut_in_two(run_of_same, cut))
        run_of_same = ""
        segments.append((a, b))
    segments.extend(_cut_in_two(run_of_same, cut))
    out: list[str] = []
    differ = UnifiedDiff("f", out.append)
    for a, b in segments:
        differ.segment(Segment(1, 0, a, b))
    differ.close()
    expected = difflib.unified_diff(lines, after, "f", "f", "(before umlautfix)", "(after umlautfix)", n=3)
    assert "".join(out) == "".join(expected)


def _cut_in_two(text: str, at: int) -> list[tuple[str, str]]:
    """An unchanged stretch as one or two segments, cut anywhere (even inside a line)."""
    pieces = [text[:at], text[at:]] if 0 < at < len(text) else [text]
    return [(piece, piece) for piece in pieces if piece]


def apply_diff(before: list[str], diff: str) -> list[str]:
    """A small `patch`: replay the hunks of a unified diff on `before`, checking the counts and context."""
    out: list[str] = []
    at = 0  # lines of `before` used so far
    lines = diff.splitlines(keepends=True)[2:]
    i = 0
    while i < len(lines):
        header = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", lines[i])
        assert header, lines[i]
        start, count = int(header[1]), int(header[2] or 1)
        out.extend(before[at : start - 1])
        at = start - 1
        i += 1
        seen = 0
        while i < len(lines) and not lines[i].startswith("@@"):
            kind, text = lines[i][0], lines[i][1:]
            if kind in " -":
                assert before[at] == text, (at, text)
                at += 1
                seen += 1
            if kind in " +":
                out.append(text)
            i += 1
        assert seen == count
    return out + before[at:]


def test_a_long_run_of_changes_is_cut_into_hunks_that_still_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("umlautfix.pipeline.DIFF_MAX_HUNK_LINES", 10)
    lines = [f"line {i}\n" for i in range(60)]
    after = [line.upper() if 5 <= i < 45 else line for i, line in enumerate(lines)]
    diff = diff_of(lines, after)
    assert diff.count("@@ -") >= 8  # 80 changed lines in hunks of about 10
    assert apply_diff(lines, diff) == after


def test_diff_of_unchanged_text_is_empty() -> None:
    assert diff_of(["a\n", "b\n"], ["a\n", "b\n"]) == ""


def test_diff_marks_a_missing_final_newline() -> None:
    assert diff_of(["a\n", "kÃ¤mpfen"], ["a\n", "kämpfen"]) == (
        "--- f\t(before umlautfix)\n+++ f\t(after umlautfix)\n@@ -1,2 +1,2 @@\n a\n"
        "-kÃ¤mpfen\n\\ No newline at end of file\n+kämpfen\n\\ No newline at end of file\n"
    )


# ---------------------------------------------------------------------------- files


def test_atomic_writer_leaves_the_target_alone_on_error(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_bytes(b"original\n")
    with pytest.raises(RuntimeError), AtomicWriter(target) as writer:
        writer.file.write(b"half of the new")
        raise RuntimeError("disk full, say")
    assert target.read_bytes() == b"original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_atomic_writer_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        with AtomicWriter(tmp_path / "new.txt") as writer:
            writer.file.write(b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o640  # 0666 less 027


def test_in_place_keeps_mode_and_makes_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    broken = mojibake("Grüße aus Köln\r\n").encode()
    path.write_bytes(broken)
    path.chmod(0o604)
    result = fix_file(path, backup_suffix=".bak")
    assert result.changed
    assert path.read_bytes() == "Grüße aus Köln\r\n".encode()
    assert path.stat().st_mode & 0o777 == 0o604
    assert (tmp_path / "a.txt.bak").read_bytes() == broken
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "a.txt.bak"]


def test_in_place_leaves_an_unchanged_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "clean.txt"
    path.write_bytes("Grüße\n".encode())
    before = path.stat()
    result = fix_file(path, backup_suffix=".bak")
    after = path.stat()
    assert not result.changed
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.txt"]  # no backup of nothing


def test_symlinks_are_refused_unless_followed(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_bytes(mojibake("Grüße\n").encode())
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    with pytest.raises(RefusedSymlinkError):
        fix_file(link)
    assert link.is_symlink() and target.read_bytes() == mojibake("Grüße\n").encode()
    fix_file(link, follow_symlinks=True)
    assert link.is_symlink()
    assert target.read_bytes() == "Grüße\n".encode()
