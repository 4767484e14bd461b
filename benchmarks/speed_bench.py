"""Speed of umlautfix against its peers, as ratios measured in one process on the same inputs.

Why ratios: the machine is shared and noisy, so absolute MB/s drift from run to
run, while the ratio of two functions timed back to back on the same input is
stable. Every figure is the best of N repeats (timeit-style: a short call is
looped until one sample lasts at least 0.2 s; the garbage collector is off
while timing). Throughput is in MB (10^6 bytes) of the input as given: its
UTF-8 size for text, its length for bytes.

Inputs, all built from the project's own German fixtures (fixtures/text/de/*.txt,
one paragraph per line), copied up to --size MB with each copy's lines numbered, so
that no line repeats within an input (the same input is passed again for each
repeat, so a cache keyed on whole inputs would be measured as a hit: there is none):
- clean German;
- pure ASCII: the same text transliterated (ä -> ae, „ -> ", ...), leftovers dropped;
- German mojibake: the clean text as UTF-8, read as cp1252 (ftfy's sloppy-windows-1252);
- mixed documents: every other paragraph mojibake, the rest clean;
- many short documents: each paragraph, and each sentence, as its own call (call overhead);
- bytes for detection: the clean text as UTF-8, as cp1252 (characters cp1252 lacks
  become '?'), ASCII, UTF-8 with every other paragraph pasted in as cp1252, and short
  paragraphs as UTF-8 and as cp1252.

Peers: ftfy.fix_encoding, ftfy.fix_text, plsfix.fix_text (when installed) for text;
chardet.detect (max_bytes=len(data), so it reads as much as we do) and
charset_normalizer.from_bytes(data).best() (when installed) for bytes. The floors
(UTF-8 decode, a `re` scan for cp1252 lead/continuation pairs, cp1252 -> UTF-8
transcoding, one whole-text mojibake reversal) say what one clean pass costs.

The CLI part writes a large clean German file to a temporary directory (deleted
afterwards; 200 MB, or less so that one run takes about 40 s at the per-paragraph
speed measured in-process, since the CLI repairs line by line), runs
`python -m umlautfix FILE > /dev/null` and a plain Python loop (binary lines read,
decoded, encoded, written to /dev/null) as child processes,
and reports wall time and peak RSS of each (through a small wrapper process, so that
the peak RSS is the child's own and not inherited from this large process). umlautfix's
modules are compiled to bytecode first, as an installed copy has them.

Run from the repository root:
    python benchmarks/speed_bench.py            # full run, several minutes
    python benchmarks/speed_bench.py --quick    # smoke run, well under a minute
    python benchmarks/speed_bench.py --profile  # cProfile of umlautfix.fix_text instead
    python benchmarks/speed_bench.py --quick --text-only  # the repair rows and their targets only
    python benchmarks/speed_bench.py --cli-only --cli-size 50  # the large-file CLI run alone
"""

from __future__ import annotations

import argparse
import compileall
import cProfile
import gc
import json
import math
import pstats
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import chardet
import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-1252 codec

import umlautfix
from umlautfix.pipeline import cpu_cores

try:
    import plsfix
except ImportError:  # optional peer
    plsfix = None
try:
    import charset_normalizer
except ImportError:  # optional peer
    charset_normalizer = None

REPO = Path(__file__).resolve().parent.parent
GERMAN_FIXTURES = REPO / "fixtures" / "text" / "de"
MB = 1_000_000
MIN_SAMPLE_SECONDS = 0.2
CLI_MAX_MB = 200.0
CLI_MIN_MB = 5.0
CLI_SECONDS_PER_RUN = 40.0  # the automatic CLI file size aims at this wall time per run

# German typography and letters -> the ASCII a German writer falls back to.
TRANSLITERATION = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
        "„": '"', "“": '"', "”": '"', "»": '"', "«": '"', "‚": "'", "‘": "'", "’": "'",
        "–": "-", "—": "-", "…": "...", "€": "EUR", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_CP1252_HALF = bytes(range(0x80, 0x100)).decode("sloppy-windows-1252")
# The floor scan: a cp1252 character standing for a UTF-8 lead byte, then one for a continuation byte.
MOJIBAKE_PAIR_SCAN = re.compile(f"[{re.escape(_CP1252_HALF[0x42:0x75])}][{re.escape(_CP1252_HALF[:0x40])}]")
# Each timed child is started by this small wrapper, so that its peak RSS is its own: a child forked
# straight from this (large) process would inherit our peak RSS across exec.
CHILD_WRAPPER = (
    "import os, resource, sys, time\n"
    "start = time.perf_counter()\n"
    "pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, status = os.waitpid(pid, 0)\n"
    "seconds = time.perf_counter() - start\n"
    "peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(f'{seconds} {peak_kib} {os.waitstatus_to_exitcode(status)}')\n"
)
PLAIN_LOOP = (
    "import sys\n"
    "out = sys.stdout.buffer\n"
    "with open(sys.argv[1], 'rb') as src:\n"
    "    for line in src:\n"
    "        out.write(line.decode('utf-8').encode('utf-8'))\n"
)
# One in-process run of what the CLI runs (fix_file to /dev/null, nobody watching), with repair()
# timed apart: how much of the CLI's time is repair() of the lines the first look points at.
CLI_SPLIT = (
    "import json, os, sys, time\n"
    "from umlautfix import pipeline\n"
    "real_repair = pipeline.repair\n"
    "spent = [0.0, 0]\n"
    "def timed_repair(text, **options):\n"
    "    start = time.perf_counter()\n"
    "    try:\n"
    "        return real_repair(text, **options)\n"
    "    finally:\n"
    "        spent[0] += time.perf_counter() - start\n"
    "        spent[1] += 1\n"
    "pipeline.repair = timed_repair\n"
    "start = time.perf_counter()\n"
    "with open(os.devnull, 'wb') as sink:\n"
    "    result = pipeline.fix_file(sys.argv[1], sink)\n"
    "seconds = time.perf_counter() - start\n"
    "print(json.dumps({'seconds': seconds, 'repair_seconds': spent[0], 'repaired_lines': spent[1],\n"
    "                  'lines': result.lines, 'changes': result.change_count}))\n"
)


# --- inputs ---------------------------------------------------------------------------


def german_paragraphs() -> list[str]:
    """The fixture paragraphs (one per line), in a fixed order."""
    paragraphs: list[str] = []
    for path in sorted(GERMAN_FIXTURES.glob("*.txt")):
        paragraphs.extend(line for line in path.read_text("utf-8").splitlines() if line.strip())
    return paragraphs


def sentences(paragraphs: Sequence[str]) -> list[str]:
    return [s for p in paragraphs for s in SENTENCE_END.split(p) if s]


def to_ascii(text: str) -> str:
    return text.translate(TRANSLITERATION).encode("ascii", "ignore").decode("ascii")


def to_mojibake(text: str) -> str:
    """UTF-8 read as cp1252: the most common German mojibake."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def numbered_copies(paragraphs: Sequence[str], size_mb: float) -> list[str]:
    """Lines of as many copies of `paragraphs` as make about `size_mb` MB of UTF-8 (at least one).

    Each line starts with its copy's number ("3. Der Stadtrat ..."), so that no line
    repeats: a cache keyed on lines or documents cannot make a large input look fast.
    """
    one_copy = sum(len(p.encode("utf-8")) + 1 for p in paragraphs)
    copies = max(1, round(size_mb * MB / one_copy))
    return [f"{k}. {p}\n" for k in range(1, copies + 1) for p in paragraphs]


@dataclass(frozen=True)
class Inputs:
    """Every input the benchmark times, built once."""

    texts: dict[str, str | list[str]]  # label -> one document, or a list of short documents
    blobs: dict[str, bytes | list[bytes]]
    clean: str
    clean_utf8: bytes
    clean_cp1252: bytes
    mojibake: str


def build_inputs(size_mb: float) -> Inputs:
    paragraphs = german_paragraphs()
    mixed_paragraphs = [to_mojibake(p) if i % 2 == 0 else p for i, p in enumerate(paragraphs)]
    clean_lines = numbered_copies(paragraphs, size_mb)
    clean = "".join(clean_lines)
    mojibake = to_mojibake(clean)
    mixed = "".join(numbered_copies(mixed_paragraphs, size_mb))
    ascii_text = to_ascii(clean)
    assert ascii_text.isascii() and mojibake != clean
    clean_utf8 = clean.encode("utf-8")
    clean_cp1252 = clean.encode("cp1252", "replace")
    pasted = b"".join(
        line.encode("cp1252", "replace") if i % 2 == 0 else line.encode("utf-8") for i, line in enumerate(clean_lines)
    )
    short_docs = [p + "\n" for p in paragraphs]
    texts: dict[str, str | list[str]] = {
        "clean German": clean,
        "pure ASCII": ascii_text,
        "German mojibake (cp1252)": mojibake,
        "mixed documents (1/2 mojibake)": mixed,
        "short: paragraphs, clean": short_docs,
        "short: sentences, clean": sentences(paragraphs),
        "short: paragraphs, 1/2 mojibake": [p + "\n" for p in mixed_paragraphs],
    }
    blobs: dict[str, bytes | list[bytes]] = {
        "clean German, UTF-8": clean_utf8,
        "clean German, cp1252": clean_cp1252,
        "pure ASCII": ascii_text.encode("ascii"),
        "UTF-8 + pasted cp1252 lines": pasted,
        "short: paragraphs, UTF-8": [d.encode("utf-8") for d in short_docs],
        "short: paragraphs, cp1252": [d.encode("cp1252", "replace") for d in short_docs],
    }
    return Inputs(texts, blobs, clean, clean_utf8, clean_cp1252, mojibake)


def size_of(payload: str | bytes | Sequence[str] | Sequence[bytes]) -> int:
    items = [payload] if isinstance(payload, (str, bytes)) else list(payload)
    return sum(len(x.encode("utf-8")) if isinstance(x, str) else len(x) for x in items)


# --- the contenders ---------------------------------------------------------------------


def text_contenders() -> dict[str, Callable[[str], object]]:
    funcs: dict[str, Callable[[str], object]] = {
        "umlautfix.fix_text": umlautfix.fix_text,
        "ftfy.fix_encoding": ftfy.fix_encoding,
        "ftfy.fix_text": ftfy.fix_text,
    }
    if plsfix is not None:
        funcs["plsfix.fix_text"] = plsfix.fix_text
    return funcs


def _charset_normalizer_best(data: bytes) -> object:
    assert charset_normalizer is not None
    return charset_normalizer.from_bytes(data).best()


def bytes_contenders() -> dict[str, Callable[[bytes], object]]:
    funcs: dict[str, Callable[[bytes], object]] = {
        "umlautfix.detect": umlautfix.detect,
        "umlautfix.decode": umlautfix.decode,
        "chardet.detect": lambda data: chardet.detect(data, max_bytes=len(data)),
    }
    if charset_normalizer is not None:
        funcs["charset_normalizer"] = _charset_normalizer_best
    return funcs


# --- timing ---------------------------------------------------------------------------


def call_on(func: Callable[[object], object], payload: object) -> Callable[[], object]:
    """A zero-argument call: one document, or every short document in turn."""
    if isinstance(payload, list):
        return lambda: [func(item) for item in payload]
    return lambda: func(payload)


def _loop_seconds(call: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return time.perf_counter() - start


def best_seconds(call: Callable[[], object], repeat: int) -> float:
    """Best time of one call over `repeat` samples, the collector off (as timeit does).

    A first call that already lasts MIN_SAMPLE_SECONDS counts as a sample (warm-up
    of lazily loaded data happens before, on small inputs); a shorter call is looped
    until one sample lasts that long, so timer noise stays small.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        first = _loop_seconds(call, 1)
        samples = [first] if first >= MIN_SAMPLE_SECONDS else []
        number = 1 if samples else max(1, math.ceil(MIN_SAMPLE_SECONDS / max(first, 1e-9)))
        while len(samples) < repeat:
            samples.append(_loop_seconds(call, number) / number)
        return min(samples)
    finally:
        if gc_was_enabled:
            gc.enable()


def rate(call: Callable[[], object], nbytes: int, repeat: int) -> float:
    """Best-of-`repeat` throughput in MB/s."""
    return nbytes / MB / best_seconds(call, repeat)


def warm_up(inputs: Inputs) -> None:
    """Load every lazily built table (profile, lexicon, codecs) before any timing."""
    sample = "Grüße aus Köln, schöne Fähre. " + to_mojibake("Übermäßig schön: „Straße“ für 5 €.")
    for func in text_contenders().values():
        func(sample)
    for func in bytes_contenders().values():
        func(sample.encode("utf-8"))
        func(sample.encode("cp1252", "replace"))


# --- report -----------------------------------------------------------------------------


def render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain fixed-width table, first column left-aligned, the rest right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        parts = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in pairs]
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def ratio(ours: float | None, peer: float | None) -> str:
    if ours is None or peer is None:
        return "n/a"
    return times(ours / peer)


def times(value: float) -> str:
    """A ratio with two decimals, or two significant digits when it is below 0.1."""
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.2g}x"


def mbps(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


@dataclass(frozen=True)
class Target:
    """A goal from issue 8: umlautfix at least `minimum` times the peer's speed on `row`."""

    label: str
    row: str
    peer: str
    minimum: float
    strict: bool = False  # "ahead of": strictly more than `minimum`


TARGETS: tuple[Target, ...] = (
    Target("clean German >= 25x ftfy.fix_encoding", "clean German", "ftfy.fix_encoding", 25.0),
    Target("clean German ahead of plsfix", "clean German", "plsfix.fix_text", 1.0, strict=True),
    Target("cp1252 mojibake >= 10x ftfy.fix_encoding", "German mojibake (cp1252)", "ftfy.fix_encoding", 10.0),
    Target("cp1252 mojibake ahead of plsfix", "German mojibake (cp1252)", "plsfix.fix_text", 1.0, strict=True),
    Target("short paragraphs >= 10x ftfy.fix_encoding", "short: paragraphs, clean", "ftfy.fix_encoding", 10.0),
    Target("short sentences >= 10x ftfy.fix_encoding", "short: sentences, clean", "ftfy.fix_encoding", 10.0),
)
CLI_TARGET = 0.6  # the CLI on a large clean file >= 0.6x the plain loop


def verdict(value: float | None, minimum: float, strict: bool) -> str:
    if value is None:
        return "n/a"
    return "PASS" if (value > minimum if strict else value >= minimum) else "MISS"


def bench_texts(inputs: Inputs, repeat: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for label, payload in inputs.texts.items():
        nbytes = size_of(payload)
        results[label] = {}
        for name, func in text_contenders().items():
            results[label][name] = rate(call_on(func, payload), nbytes, repeat)
            print(f"  timed {name} on {label}: {results[label][name]:.2f} MB/s", file=sys.stderr, flush=True)
    return results


def bench_bytes(inputs: Inputs, repeat: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    for label, payload in inputs.blobs.items():
        nbytes = size_of(payload)
        results[label] = {}
        for name, func in bytes_contenders().items():
            results[label][name] = rate(call_on(func, payload), nbytes, repeat)
            print(f"  timed {name} on {label}: {results[label][name]:.2f} MB/s", file=sys.stderr, flush=True)
    return results


def bench_floors(inputs: Inputs, repeat: int) -> dict[str, float]:
    """One clean pass in CPython over the same document: what the fast path is up against."""
    clean, utf8, cp1252, mojibake = inputs.clean, inputs.clean_utf8, inputs.clean_cp1252, inputs.mojibake
    calls: dict[str, tuple[Callable[[], object], int]] = {
        "UTF-8 decode (clean German bytes)": (lambda: utf8.decode("utf-8"), len(utf8)),
        "re scan for cp1252 lead+continuation pairs (clean German)": (
            lambda: MOJIBAKE_PAIR_SCAN.findall(clean),
            len(utf8),
        ),
        "cp1252 -> UTF-8 transcoding (clean German, cp1252 bytes)": (
            lambda: cp1252.decode("cp1252").encode("utf-8"),
            len(cp1252),
        ),
        "whole-text mojibake reversal (encode cp1252, decode UTF-8)": (
            lambda: mojibake.encode("sloppy-windows-1252").decode("utf-8"),
            size_of(mojibake),
        ),
    }
    return {label: rate(call, nbytes, repeat) for label, (call, nbytes) in calls.items()}


def print_text_report(results: dict[str, dict[str, float]], inputs: Inputs) -> None:
    peers = [name for name in text_contenders() if name != "umlautfix.fix_text"]
    print("\n## Repair (str -> str): speed ratio umlautfix.fix_text / peer (higher is better)\n")
    headers = ["input", "MB", *(f"/ {p}" for p in peers), "umlautfix MB/s"]
    if plsfix is None:
        headers.insert(-1, "/ plsfix.fix_text")
    rows = []
    for label, by_func in results.items():
        ours = by_func["umlautfix.fix_text"]
        cells = [ratio(ours, by_func[p]) for p in peers]
        if plsfix is None:
            cells.append("n/a (not installed)")
        rows.append([label, f"{size_of(inputs.texts[label]) / MB:.2f}", *cells, mbps(ours)])
    print(render(headers, rows))
    print("\nContext, absolute MB/s on this run:\n")
    names = list(text_contenders())
    print(render(["input", *names], [[label, *(mbps(r[n]) for n in names)] for label, r in results.items()]))


def print_bytes_report(results: dict[str, dict[str, float]], inputs: Inputs) -> None:
    peers = [n for n in bytes_contenders() if not n.startswith("umlautfix")]
    print("\n## Detection (bytes): speed ratio umlautfix / peer (higher is better)\n")
    headers = ["input", "MB", *(f"detect / {p}" for p in peers), *(f"decode / {p}" for p in peers)]
    rows = []
    for label, r in results.items():
        rows.append(
            [
                label,
                f"{size_of(inputs.blobs[label]) / MB:.2f}",
                *(ratio(r["umlautfix.detect"], r[p]) for p in peers),
                *(ratio(r["umlautfix.decode"], r[p]) for p in peers),
            ]
        )
    print(render(headers, rows))
    if charset_normalizer is None:
        print("(charset_normalizer is not installed: its columns are left out)")
    print("\nContext, absolute MB/s on this run:\n")
    names = list(bytes_contenders())
    print(render(["input", *names], [[label, *(mbps(r[n]) for n in names)] for label, r in results.items()]))


def print_floor_report(floors: dict[str, float], text_results: dict[str, dict[str, float]]) -> None:
    ours_clean = text_results["clean German"]["umlautfix.fix_text"]
    ours_mojibake = text_results["German mojibake (cp1252)"]["umlautfix.fix_text"]
    print("\n## Floors: one clean pass in CPython (context)\n")
    rows = [[label, mbps(value)] for label, value in floors.items()]
    print(render(["pass", "MB/s"], rows))
    scan = floors["re scan for cp1252 lead+continuation pairs (clean German)"]
    reversal = floors["whole-text mojibake reversal (encode cp1252, decode UTF-8)"]
    print(f"\numlautfix.fix_text on clean German runs at {ratio(ours_clean, scan)} the re-scan floor;")
    print(f"on German mojibake at {ratio(ours_mojibake, reversal)} the whole-text reversal floor.")


# --- the CLI on a large file ---------------------------------------------------------


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stderr: str


def run_child(argv: Sequence[str]) -> ChildRun:
    """Run one child (stdout to /dev/null) through CHILD_WRAPPER: its wall time and peak RSS."""
    with tempfile.TemporaryDirectory(prefix="umlautfix-child-") as tmp:
        report = Path(tmp) / "report"
        err = Path(tmp) / "stderr"
        with open(err, "wb") as err_out:
            subprocess.run(
                [sys.executable, "-S", "-c", CHILD_WRAPPER, str(report), *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err_out,
                check=True,
            )
        seconds, peak_kib, returncode = report.read_text().split()
        stderr = err.read_text("utf-8", "replace")
    return ChildRun(float(seconds), int(peak_kib) / 1024, int(returncode), stderr)  # ru_maxrss: KiB on Linux


def write_large_file(path: Path, paragraphs: Sequence[str], size_mb: float) -> int:
    """Write numbered copies of `paragraphs` until the file holds about `size_mb` MB; returns its size.

    Written one copy at a time, so that a 200 MB file never sits in memory here.
    """
    written = 0
    copy = 0
    with open(path, "wb") as out:
        while written < size_mb * MB:
            copy += 1
            block = "".join(f"{copy}. {p}\n" for p in paragraphs).encode("utf-8")
            out.write(block)
            written += len(block)
    return written


@dataclass(frozen=True)
class CliSplit:
    """Where the time of one in-process fix_file run goes: repair() of the suspect lines, and the rest."""

    seconds: float
    repair_seconds: float
    repaired_lines: int
    lines: int
    changes: int


@dataclass(frozen=True)
class CliResult:
    """Runs of the CLI, of the plain loop over the same file, and of the bare import (in that order)."""

    nbytes: int
    runs: dict[str, list[ChildRun]]
    failure: str = ""  # a child's exit code and stderr when one failed
    split: CliSplit | None = None

    def best_seconds(self, name: str) -> float:
        return min(r.seconds for r in self.runs[name])

    @property
    def speed_ratio(self) -> float | None:
        """CLI speed / plain-loop speed = loop time / CLI time (None when a run failed)."""
        if self.failure:
            return None
        cli_name, loop_name = list(self.runs)[:2]
        return self.best_seconds(loop_name) / self.best_seconds(cli_name)


def automatic_cli_size(paragraph_rate: float) -> float:
    """The CLI file size: CLI_MAX_MB, or less so that one CLI run (which repairs line by line,
    like the per-paragraph calls timed in-process) takes about CLI_SECONDS_PER_RUN."""
    return round(min(CLI_MAX_MB, max(CLI_MIN_MB, paragraph_rate * CLI_SECONDS_PER_RUN)), 1)


def compile_bytecode() -> None:
    """Compile umlautfix's modules to bytecode beside their sources, as `pip install` does.

    An editable install run with PYTHONDONTWRITEBYTECODE=1 (as on the project's build
    machine) has none, and would compile its sources at every start (~80 ms of the
    CLI's start-up) — a cost no installed copy has. A no-op when the bytecode is there."""
    if not compileall.compile_dir(Path(umlautfix.__file__).parent, quiet=1):
        raise RuntimeError("could not compile umlautfix's modules")


def bench_cli(size_mb: float, repeat: int) -> CliResult:
    compile_bytecode()
    paragraphs = german_paragraphs()
    with tempfile.TemporaryDirectory(prefix="umlautfix-speed-") as tmp:
        path = Path(tmp) / "large_clean_german.txt"
        nbytes = write_large_file(path, paragraphs, size_mb)
        commands = {
            "python -m umlautfix FILE": [sys.executable, "-m", "umlautfix", str(path)],
            "plain loop (read, decode, encode, write)": [sys.executable, "-c", PLAIN_LOOP, str(path)],
        }
        # context: the CLI in one process (the default is one per CPU core past the first 4 MiB)
        commands["python -m umlautfix -j 1 FILE"] = [sys.executable, "-m", "umlautfix", "-j", "1", str(path)]
        commands["startup only: python -c 'import umlautfix'"] = [sys.executable, "-c", "import umlautfix"]
        runs: dict[str, list[ChildRun]] = {name: [] for name in commands}
        for _ in range(repeat):  # interleaved, so both see the same noise
            for name, argv in commands.items():
                run = run_child(argv)
                if run.returncode != 0:
                    return CliResult(nbytes, runs, failure=f"{name} exited {run.returncode}:\n{run.stderr}")
                runs[name].append(run)
                print(f"  ran {name}: {run.seconds:.1f} s", file=sys.stderr, flush=True)
        # the fastest of `repeat` in-process runs, as the best of the timed commands is shown
        split = min((measure_cli_split(path) for _ in range(repeat)), key=lambda run: run.seconds)
    return CliResult(nbytes, runs, split=split)


def measure_cli_split(path: Path) -> CliSplit:
    """One run of CLI_SPLIT in a child process (a fresh interpreter, as the CLI's)."""
    done = subprocess.run([sys.executable, "-c", CLI_SPLIT, str(path)], capture_output=True, text=True, check=True)
    return CliSplit(**json.loads(done.stdout))


def print_cli_report(cli: CliResult) -> None:
    print(f"\n## CLI on one large clean German file ({cli.nbytes / MB:.1f} MB), stdout to /dev/null\n")
    print("(umlautfix's bytecode is compiled first, as pip compiles it on install: see compile_bytecode;")
    print(f" {cpu_cores()} CPU cores here: past its first 4 MiB the CLI repairs in as many processes)\n")
    if cli.failure:
        print(f"FAILED, no figures: {cli.failure}")
        return
    rows = []
    for name, child_runs in cli.runs.items():
        best = cli.best_seconds(name)
        rss = max(r.peak_rss_mb for r in child_runs)
        speed = "-" if name.startswith("startup") else mbps(cli.nbytes / MB / best)
        rows.append([name, f"{best:.2f}", speed, f"{rss:.0f}"])
    print(render(["command", "best wall s", "MB/s", "peak RSS MiB"], rows))
    ratio_text = "n/a" if cli.speed_ratio is None else times(cli.speed_ratio)
    print(f"\nspeed ratio CLI / plain loop: {ratio_text} (target >= {CLI_TARGET}x)")
    split = cli.split
    if split is not None:
        rest = split.seconds - split.repair_seconds
        print(
            f"\nthe fastest in-process run of the same in one process (fix_file, no startup): {split.seconds:.2f} s; "
            f"repair() of the {split.repaired_lines:,} lines the first look points at "
            f"(of {split.lines:,}; {split.changes:,} changes): {split.repair_seconds:.2f} s "
            f"({split.repair_seconds / split.seconds:.0%}); the rest (read, decode, first look, write): {rest:.2f} s"
        )


# --- targets ------------------------------------------------------------------------------


def print_targets(text_results: dict[str, dict[str, float]], cli: CliResult | None) -> None:
    print("\n## Targets from issue 8\n")
    rows = []
    for t in TARGETS:
        row = text_results[t.row]
        value = row["umlautfix.fix_text"] / row[t.peer] if t.peer in row else None
        needed = f"> {t.minimum:g}x" if t.strict else f">= {t.minimum:g}x"
        shown = "n/a (peer not installed)" if value is None else times(value)
        rows.append([t.label, shown, needed, verdict(value, t.minimum, t.strict)])
    cli_ratio = None if cli is None else cli.speed_ratio
    missing = "n/a (--skip-cli)" if cli is None else "n/a (the CLI failed)"
    rows.append(
        [
            "CLI, large clean file >= 0.6x plain loop",
            missing if cli_ratio is None else times(cli_ratio),
            f">= {CLI_TARGET}x",
            verdict(cli_ratio, CLI_TARGET, False),
        ]
    )
    print(render(["target", "measured", "needed", "result"], rows))


# --- profile ------------------------------------------------------------------------------


def profile(inputs: Inputs, top: int = 15) -> None:
    """cProfile of umlautfix.fix_text on the clean German, the mojibake and the ASCII input."""
    for label in ("clean German", "German mojibake (cp1252)", "pure ASCII"):
        payload = inputs.texts[label]
        assert isinstance(payload, str)
        profiler = cProfile.Profile()
        profiler.runcall(umlautfix.fix_text, payload)
        print(f"\n## cProfile: umlautfix.fix_text on {label} ({size_of(payload) / MB:.2f} MB), top {top} cumulative\n")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(top)


def cli_only(size_mb: float, repeat: int) -> int:
    """The CLI part alone (--cli-only): no in-memory inputs are built, no peers are timed."""
    python = sys.version.split()[0]
    print(f"# umlautfix CLI speed, best of {repeat}; Python {python}; umlautfix {umlautfix.__version__}")
    print(f"# umlautfix imported from {Path(umlautfix.__file__).parent}")
    cli = bench_cli(size_mb, repeat)
    print_cli_report(cli)
    return 0 if cli.failure == "" else 1


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small inputs and a small CLI file: a smoke run")
    parser.add_argument("--size", type=float, default=None, help="MB of each large in-memory input (default 2)")
    parser.add_argument(
        "--cli-size",
        type=float,
        default=None,
        help="MB of the CLI file (default: 200, or less to keep a run near 40 s)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="samples per measurement, best kept (at least 3)")
    parser.add_argument("--skip-cli", action="store_true", help="leave out the large-file CLI run")
    parser.add_argument(
        "--cli-only",
        action="store_true",
        help="only the large-file CLI run and its target (the file is --cli-size MB, default 200)",
    )
    parser.add_argument(
        "--text-only",
        action="store_true",
        help="time only the repair (str -> str) rows and print their targets: no detection, floors or CLI",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of umlautfix.fix_text and stop")
    args = parser.parse_args(argv)
    args.size = args.size if args.size is not None else (0.2 if args.quick else 2.0)
    if args.cli_size is None and args.quick:
        args.cli_size = 3.0
    if args.cli_only and (args.skip_cli or args.text_only or args.profile):
        parser.error("--cli-only runs the CLI part alone: it excludes --skip-cli, --text-only and --profile")
    if args.repeat < 3:
        parser.error("--repeat must be at least 3: best of fewer is not a measurement on a noisy machine")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # each table shows up as soon as it is measured
    if args.cli_only:
        return cli_only(args.cli_size or CLI_MAX_MB, args.repeat)
    inputs = build_inputs(args.size)
    warm_up(inputs)
    if args.profile:
        profile(inputs)
        return 0
    versions = [f"umlautfix {umlautfix.__version__}", f"ftfy {ftfy.__version__}", f"chardet {chardet.__version__}"]
    if plsfix is not None:
        versions.append("plsfix installed")
    if charset_normalizer is not None:
        versions.append(f"charset_normalizer {charset_normalizer.__version__}")
    print(f"# umlautfix speed, best of {args.repeat}; Python {sys.version.split()[0]}; " + ", ".join(versions))
    print(f"# umlautfix imported from {Path(umlautfix.__file__).parent}")
    print(f"# inputs built from {GERMAN_FIXTURES.relative_to(REPO)}/*.txt, large ones copied to ~{args.size:g} MB")
    # each section is printed as soon as it is measured; the targets come last, as the summary
    text_results = bench_texts(inputs, args.repeat)
    print_text_report(text_results, inputs)
    if args.text_only:
        print_targets(text_results, None)
        return 0
    print_bytes_report(bench_bytes(inputs, args.repeat), inputs)
    print_floor_report(bench_floors(inputs, args.repeat), text_results)
    cli_size = args.cli_size or automatic_cli_size(text_results["short: paragraphs, clean"]["umlautfix.fix_text"])
    if not args.skip_cli and not args.cli_size:
        print(
            f"\n# CLI file size {cli_size:g} MB, chosen to keep one CLI run near {CLI_SECONDS_PER_RUN:g} s (--cli-size)"
        )
    cli = None if args.skip_cli else bench_cli(cli_size, args.repeat)
    if cli is not None:
        print_cli_report(cli)
    print_targets(text_results, cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
