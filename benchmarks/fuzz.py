"""Fuzz umlautfix: random and mutated inputs through the library and the CLI.

The full run (issue 9; at least 10^5 inputs, about ten minutes on one core):

    /tmp/venv/bin/python benchmarks/fuzz.py --count 100000

A quick smoke run while developing:

    /tmp/venv/bin/python benchmarks/fuzz.py --count 3000 --cli 100 --skip-long

What goes in (a fixed --seed makes every run the same inputs):
- random text: any code point (controls, lone surrogates, astral), mojibake debris
  (the characters UTF-8 lead and continuation bytes become in eight code pages,
  '?', U+FFFD, entity pieces), random bytes, and ASCII text with high bytes in it;
- mutated real mojibake: paragraphs of our German fixtures (fixtures/text/de) and
  lines of the seed (fixtures/seed), turned into mojibake in one of the eight code
  pages the repair stage handles, one or two layers deep, then mutated: sequences
  truncated, bytes dropped, case changed (lower, upper, swapped, one word), umlauts
  lost to '?' or U+FFFD, no-break spaces turned into spaces, HTML entities, clean
  and broken text spliced, debris inserted; and the same paragraphs as bytes in a
  legacy code page, with bytes dropped or UTF-8 lines mixed in.

What is checked, each call under a CPU-time bound (--bound, default 2 s; inputs are
at most a few hundred characters, so a legitimate call takes milliseconds):
- text: repair/fix_text/validate raise nothing; replaying `Repair.changes` on the
  input gives the output, each change's `before` is the input at its offsets, the
  changes are sorted and do not overlap, none deletes an ASCII letter or digit
  (outside HTML entities); fix_text is idempotent; each finding's text is the
  input at its offsets;
- bytes: detect/decode/fix_bytes raise nothing but BinaryInputError; decode
  drops no byte (ASCII bytes survive in order, every run of high bytes becomes
  at least one character); fix_file (streaming) raises nothing but
  BinaryInputError and does not hang;
- the CLI (`python -m umlautfix`, a subprocess per batch of files): a sample of
  the inputs written to files, repaired in place (`-i`), then `validate` and
  `detect` on them; exit codes are documented ones, no traceback, and each
  repaired file equals what `fix_file` makes of it in-process;
- long lines: 1 MB adversarial lines ('?', '&', U+FFFD runs, mojibake pairs,
  a long word then a lone mark) through fix_text and validate, with their times.

Exact restorations of unmutated one-layer mojibake are counted as information
(not a failure): the accuracy benchmark is repair_bench.py.

Prints counts per input kind, per check, the slowest inputs, the CLI tally and
the first (shortest) example of each failure. Exit status 1 if anything failed.
Linux only (CPU-time timers, a memory cap of --memory-gb for the process). The CLI
runs at the end, from the source tree as it is then: in a tree being edited during
the run it may run newer code than the library loaded at the start, and count the
difference as "-i output != fix_file".
"""

from __future__ import annotations

import argparse
import codecs
import html
import io
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs)

import umlautfix
from umlautfix.charmaps import GERMAN_8BIT, MOJIBAKE_CODECS  # the library's own lists
from umlautfix.detect import BinaryInputError, UndecodableBytesWarning
from umlautfix.pipeline import Watcher
from umlautfix.repair import apply_changes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the invariant checks the test suite uses
from invariants import TooSlow, ascii_alnum_kept, ascii_transparent, cpu_limit, skeleton  # noqa: E402

GERMAN_FIXTURES = ROOT / "fixtures" / "text" / "de"
SEED_FIXTURES = ROOT / "fixtures" / "seed"

LEGACY_CODECS = GERMAN_8BIT  # the code pages German files are saved in
UMLAUTS = "äöüÄÖÜß"
# What mojibake is made of: each code page's reading of the UTF-8 of German letters and typography.
DEBRIS = (
    "".join(sorted({c for codec in MOJIBAKE_CODECS for c in "äöüÄÖÜß„“”–€»«é\u00a0".encode().decode(codec)}))
    + "?\ufffd&;#x0aAeEfFrRsSuU \n"
)
CLI_EXIT_CODES = {0, 1, 4}  # ok, found (validate), binary input (README)


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Input:
    kind: str
    payload: str | bytes
    expected: str | None = None  # the text an exact repair gives back, where known


def load_sources() -> list[str]:
    """German paragraphs of the fixtures and the lines of the seed's expected output."""
    paragraphs = [
        line
        for path in sorted(GERMAN_FIXTURES.glob("*.txt"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    for path in sorted(SEED_FIXTURES.glob("*.expected.txt")):
        paragraphs.extend(line for line in path.read_text("utf-8").splitlines() if line.strip())
    return paragraphs


class Generator:
    """Draws inputs; one method per kind of input, one per mutation."""

    def __init__(self, rng: random.Random, sources: list[str]) -> None:
        self.rng = rng
        self.sources = sources
        self.kinds: list[tuple[Callable[[], Input], int]] = [
            (self.random_unicode, 6),
            (self.random_debris, 8),
            (self.random_bytes, 4),
            (self.text_with_high_bytes, 4),
            (self.mojibake, 10),
            (self.mutated_mojibake, 50),
            (self.legacy_bytes, 10),
            (self.mutated_legacy_bytes, 8),
        ]
        self._weights = [w for _, w in self.kinds]

    def __iter__(self) -> Iterator[Input]:
        while True:
            (make,) = self.rng.choices([k for k, _ in self.kinds], self._weights)
            yield make()

    # random ------------------------------------------------------------------------------

    def random_unicode(self) -> Input:
        n = self.rng.randint(0, 80)
        ranges = ((0, 0x80), (0x80, 0x250), (0x2000, 0x2070), (0xD800, 0xE000), (0xFFF0, 0x10000), (0x1F300, 0x1FAFF))
        chars = []
        for _ in range(n):
            low, high = self.rng.choice(ranges)
            chars.append(chr(self.rng.randrange(low, high)))
        return Input("random unicode", "".join(chars))

    def random_debris(self) -> Input:
        n = self.rng.randint(1, 80)
        return Input("random debris", "".join(self.rng.choice(DEBRIS) for _ in range(n)))

    def random_bytes(self) -> Input:
        return Input("random bytes", self.rng.randbytes(self.rng.randint(0, 120)))

    def text_with_high_bytes(self) -> Input:
        data = bytearray(self.paragraph().encode("ascii", "replace"))
        for _ in range(self.rng.randint(1, 8)):
            data.insert(self.rng.randint(0, len(data)), self.rng.randint(0x80, 0xFF))
        return Input("ascii text + high bytes", bytes(data))

    # mojibake ----------------------------------------------------------------------------

    def paragraph(self) -> str:
        text = self.rng.choice(self.sources)
        if len(text) > 200 and self.rng.random() < 0.5:  # a window of it
            start = self.rng.randrange(0, len(text) - 100)
            text = text[start : start + self.rng.randint(20, 200)]
        return text

    def mojibake(self) -> Input:
        original = self.paragraph()
        codec = self.rng.choice(MOJIBAKE_CODECS)
        return Input(f"mojibake {codec}", original.encode("utf-8").decode(codec), original)

    def mutated_mojibake(self) -> Input:
        """Damage in three stages: on the text (umlauts lost), in making the mojibake
        (one layer, sequences truncated, bytes dropped, two layers), on the mojibake
        (case, spaces, entities, splices, debris). At least one mutation."""
        text = self.paragraph()
        names = []
        if self.rng.random() < 0.2:
            text = lose_umlauts(self, text)
            names.append("lost umlauts")
        making = self.rng.choices(list(MAKERS), (4, 2, 2, 2))[0]
        text = MAKERS[making](self, text, self.rng.choice(MOJIBAKE_CODECS))
        if making != "one layer":
            names.append(making)
        count = self.rng.randint(0 if names else 1, 2)
        for name in self.rng.sample(list(AFTERWARDS), count):
            text = AFTERWARDS[name](self, text)
            names.append(name)
        return Input("mutated: " + "+".join(names), text)

    def legacy_bytes(self) -> Input:
        original = self.paragraph()
        codec = self.rng.choice(LEGACY_CODECS)
        return Input(f"bytes {codec}", original.encode(codec, errors="replace"), None)

    def mutated_legacy_bytes(self) -> Input:
        original = self.paragraph()
        codec = self.rng.choice(LEGACY_CODECS)
        data = bytearray(original.encode(codec, errors="replace"))
        how = self.rng.choice(("drop bytes", "utf-8 line mixed in", "truncated utf-8", "high byte runs"))
        if how == "drop bytes":
            for _ in range(self.rng.randint(1, 5)):
                if data:
                    del data[self.rng.randrange(len(data))]
        elif how == "utf-8 line mixed in":
            data = bytearray(self.paragraph().encode() + b"\n" + bytes(data) + b"\n" + self.paragraph().encode())
        elif how == "truncated utf-8":
            utf8 = original.encode()
            cut = [i for i, b in enumerate(utf8) if b >= 0xC0] or [len(utf8)]
            data = bytearray(utf8[: self.rng.choice(cut) + 1])
        else:
            at = self.rng.randint(0, len(data))
            data[at:at] = bytes(self.rng.randint(0x80, 0xFF) for _ in range(self.rng.randint(2, 12)))
        return Input(f"bytes {codec}, {how}", bytes(data))


def lose_umlauts(g: Generator, text: str) -> str:
    mark = g.rng.choice("?\ufffd")
    return "".join(mark if c in UMLAUTS and g.rng.random() < 0.7 else c for c in text)


def one_layer(g: Generator, text: str, codec: str) -> str:
    return text.encode().decode(codec)


def truncate_sequences(g: Generator, text: str, codec: str) -> str:
    """A continuation byte after some lead bytes is gone: the sequence is cut short."""
    data = bytearray(text.encode())
    leads = [i for i, b in enumerate(data) if b >= 0xC0]
    for i in sorted(g.rng.sample(leads, min(len(leads), g.rng.randint(1, 3))), reverse=True):
        del data[i + 1]
    return bytes(data).decode(codec)


def drop_bytes(g: Generator, text: str, codec: str) -> str:
    data = bytearray(text.encode())
    for _ in range(g.rng.randint(1, 4)):
        if data:
            del data[g.rng.randrange(len(data))]
    return bytes(data).decode(codec)


def double_layer(g: Generator, text: str, codec: str) -> str:
    return text.encode().decode(codec).encode().decode(g.rng.choice(MOJIBAKE_CODECS))


def change_case(g: Generator, text: str) -> str:
    how = g.rng.choice(("lower", "upper", "swapcase", "one word"))
    if how == "one word":
        words = text.split(" ")
        i = g.rng.randrange(len(words))
        words[i] = words[i].upper() if g.rng.random() < 0.5 else words[i].lower()
        return " ".join(words)
    return getattr(text, how)()


def nbsp_to_space(g: Generator, text: str) -> str:
    return text.replace("\u00a0", " ")


def entities(g: Generator, text: str) -> str:
    """Non-ASCII characters as HTML entities (named where HTML has a name)."""
    return "".join(html.escape(c).encode("ascii", "xmlcharrefreplace").decode() for c in text)


def splice_clean(g: Generator, text: str) -> str:
    at = g.rng.randint(0, len(text))
    return text[:at] + " " + g.paragraph() + " " + text[at:]


def insert_debris(g: Generator, text: str) -> str:
    for _ in range(g.rng.randint(1, 4)):
        at = g.rng.randint(0, len(text))
        text = text[:at] + g.rng.choice(DEBRIS) + text[at:]
    return text


MAKERS: dict[str, Callable[[Generator, str, str], str]] = {
    "one layer": one_layer,
    "truncated sequences": truncate_sequences,
    "dropped bytes": drop_bytes,
    "doubled layers": double_layer,
}
AFTERWARDS: dict[str, Callable[[Generator, str], str]] = {
    "case changed": change_case,
    "nbsp became space": nbsp_to_space,
    "entities": entities,
    "clean spliced in": splice_clean,
    "debris inserted": insert_debris,
}


# --- bounded calls -------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the run found: counts per kind and check, failures with their shortest example."""

    kinds: Counter[str] = field(default_factory=Counter)
    checks_run: Counter[str] = field(default_factory=Counter)
    checks_failed: Counter[str] = field(default_factory=Counter)
    examples: dict[str, Input] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str, str, Input]] = field(default_factory=list)
    restored: Counter[str] = field(default_factory=Counter)
    info: Counter[str] = field(default_factory=Counter)

    def fail(self, check: str, problem: str, item: Input) -> None:
        key = f"{check}: {re.sub(r'[0-9]+', 'N', problem)}"  # one example per kind of failure
        self.checks_failed[check] += 1
        best = self.examples.get(key)
        if best is None or len(item.payload) < len(best.payload):
            self.examples[key] = item

    def timing(self, seconds: float, function: str, item: Input) -> None:
        self.times.append(seconds)
        self.slowest.append((seconds, function, item.kind, item))
        if len(self.slowest) > 50:
            self.slowest.sort(key=lambda s: -s[0])
            del self.slowest[10:]


def call(tally: Tally, check: str, item: Input, bound: float, function: Callable[[], object]) -> tuple[bool, object]:
    """Run `function` under the bound; record time, exceptions and hangs. (ok, result)."""
    tally.checks_run[check] += 1
    start = time.process_time()
    try:
        with cpu_limit(bound):
            result = function()
    except TooSlow:
        tally.fail(check, f"over {bound:.0f} s of CPU", item)
        tally.timing(bound, check, item)
        return False, None
    except BinaryInputError as err:
        tally.timing(time.process_time() - start, check, item)
        return True, err
    except Exception as err:  # every exception is a finding, recorded with its input
        tally.fail(check, f"{type(err).__name__}: {str(err)[:80]}", item)
        return False, None
    tally.timing(time.process_time() - start, check, item)
    return True, result


def expect(tally: Tally, check: str, item: Input, condition: bool, problem: str) -> None:
    tally.checks_run[check] += 1
    if not condition:
        tally.fail(check, problem, item)


# --- checks ------------------------------------------------------------------------------------


def check_text(tally: Tally, item: Input, bound: float) -> None:
    text = item.payload
    assert isinstance(text, str)
    ok, result = call(tally, "repair raises nothing", item, bound, lambda: umlautfix.repair(text))
    if ok and isinstance(result, umlautfix.Repair):
        check_changes(tally, item, text, result)
        ok2, again = call(
            tally, "fix_text raises nothing (2nd pass)", item, bound, lambda: umlautfix.fix_text(result.text)
        )
        if ok2:
            expect(tally, "idempotent", item, again == result.text, "fix_text(fix_text(x)) != fix_text(x)")
        if item.expected is not None:
            tally.restored["exact" if result.text == item.expected else "not exact"] += 1
    ok, verdict = call(tally, "validate raises nothing", item, bound, lambda: umlautfix.validate(text))
    if ok and isinstance(verdict, umlautfix.Validation):
        positions = all(text[f.start : f.end] == f.text for f in verdict.findings)
        expect(tally, "findings at their offsets", item, positions, "a finding's text is not the input there")


def check_changes(tally: Tally, item: Input, text: str, result: umlautfix.Repair) -> None:
    expect(
        tally,
        "changes replay to the output",
        item,
        apply_changes(text, result.changes) == result.text,
        "replay differs",
    )
    spans_ok = all(text[c.start : c.end] == c.before for c in [*result.changes, *result.unresolved])
    expect(tally, "before == input[start:end]", item, spans_ok, "a change's before is not the input")
    ordered = all(a.end <= b.start for a, b in zip(result.changes, result.changes[1:], strict=False))
    expect(tally, "changes sorted, no overlap", item, ordered, "changes overlap or are unsorted")
    kept = all(ascii_alnum_kept(c.before, c.after) for c in result.changes)
    expect(tally, "no ASCII letter/digit deleted", item, kept, "a change deleted ASCII letters or digits")


def check_bytes(tally: Tally, item: Input, bound: float) -> None:
    data = item.payload
    assert isinstance(data, bytes)
    ok, det = call(tally, "detect raises nothing", item, bound, lambda: umlautfix.detect(data))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok, text = call(tally, "decode raises nothing", item, bound, lambda: umlautfix.decode(data))
    warned = any(issubclass(w.category, UndecodableBytesWarning) for w in caught)
    tally.info["decode warned of undecodable bytes"] += warned
    if ok and isinstance(text, str) and isinstance(det, umlautfix.Detection):
        genuine = data.decode("utf-8" if det.mixed else det.encoding, "ignore").count("\ufffd")
        surfaced = warned or text.count("\ufffd") <= genuine
        expect(tally, "undecodable bytes surfaced", item, surfaced, "new U+FFFD without an UndecodableBytesWarning")
        if ascii_transparent(det.encoding):
            body = data.removeprefix(codecs.BOM_UTF8) if codecs.lookup(det.encoding).name == "utf-8-sig" else data
            same = skeleton(body) == skeleton([ord(c) for c in text])
            expect(tally, "decode drops no bytes", item, same, "ASCII bytes or a high-byte run went missing")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndecodableBytesWarning)
        call(tally, "fix_bytes raises nothing", item, bound, lambda: umlautfix.fix_bytes(data))
    call(tally, "fix_file raises nothing", item, bound, lambda: _fix_file(data))


class EndlessStream(Exception):
    """The pipeline handed over more pieces of text than the input can make."""


class SegmentCounter(Watcher):
    """Stops a stream that makes no progress at once: more segments than twice the
    input's bytes (plus a few) cannot all carry text."""

    def __init__(self, input_size: int) -> None:
        self.count = 0
        self.limit = 2 * input_size + 8

    def segment(self, segment: object) -> None:
        self.count += 1
        if self.count > self.limit:
            raise EndlessStream(f"over {self.limit} segments for {self.limit // 2 - 4} bytes: no progress")


def _fix_file(data: bytes) -> bytes:
    out = io.BytesIO()
    umlautfix.fix_file(io.BytesIO(data), out, watchers=[SegmentCounter(len(data))])
    return out.getvalue()


# --- the CLI -------------------------------------------------------------------------------------


@dataclass
class CliTally:
    files: int = 0
    batches: int = 0
    exit_codes: Counter[str] = field(default_factory=Counter)
    tracebacks: int = 0
    differs: int = 0
    hangs: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)


def run_cli(items: list[Input], batch: int, timeout: float, single_timeout: float, bound: float) -> CliTally:
    """Files in place through `python -m umlautfix -i`, then validate and detect; compare
    each repaired file with fix_file in-process. A batch that runs over `timeout` is
    run again file by file (`single_timeout` each) to name the inputs that hang."""
    cli = CliTally()
    with tempfile.TemporaryDirectory(prefix="umlautfix-fuzz-") as tmp:
        for b in range(0, len(items), batch):
            originals = [_as_bytes(item.payload) for item in items[b : b + batch]]
            paths = [Path(tmp) / f"in{b + i:05d}.txt" for i in range(len(originals))]
            for path, data in zip(paths, originals, strict=True):
                path.write_bytes(data)
            cli.batches += 1
            cli.files += len(paths)
            for command in (["-i", "-q"], ["validate"], ["detect"]):
                if not _run_batch(cli, command, paths, timeout):
                    for path, data in zip(paths, originals, strict=True):
                        path.write_bytes(data)
                        if not _run_batch(cli, command, [path], single_timeout):
                            cli.hangs += 1
                            cli.examples.append(f"{command[0]}: over {single_timeout:.0f} s on {data[:80]!r}")
            for path, original in zip(paths, originals, strict=True):
                expected = _in_process(original, bound)
                if expected is not None and path.read_bytes() != expected:
                    cli.differs += 1
                    cli.examples.append(f"-i output differs from fix_file for {original[:80]!r}")
                path.unlink(missing_ok=True)
    return cli


def _as_bytes(payload: str | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogatepass")


def _run_batch(cli: CliTally, command: list[str], paths: list[Path], timeout: float) -> bool:
    """Run one CLI process over `paths`; False when it ran over `timeout` (it is killed)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "umlautfix", *command, *map(str, paths)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    finally:
        cli.seconds += time.perf_counter() - start
    cli.exit_codes[f"{command[0]} -> {done.returncode}"] += 1
    stderr = done.stderr.decode("utf-8", "replace")
    if "Traceback" in stderr:
        cli.tracebacks += 1
        cli.examples.append(f"{' '.join(command)}: traceback: {stderr[-300:]!r}")
    elif done.returncode not in CLI_EXIT_CODES:
        cli.examples.append(f"{' '.join(command)}: exit {done.returncode}: {stderr[-200:]!r}")
    return True


def _in_process(data: bytes, bound: float) -> bytes | None:
    """What -i should leave in the file: fix_file's output, or the file as it was when refused
    (None when fix_file fails in-process: the library checks report that)."""
    try:
        with cpu_limit(bound):
            return _fix_file(data)
    except BinaryInputError:
        return data
    except (Exception, TooSlow):  # recorded by the library checks already
        return None


# --- long lines ----------------------------------------------------------------------------------

LONG_SHAPES: list[tuple[str, str, str]] = [
    ("'?' run", "?", ""),
    ("'&' run", "&", ""),
    ("U+FFFD run", "\ufffd", ""),
    ("'a?' alternation", "a?", ""),
    ("'Ã¤' mojibake pairs", "Ã¤", ""),
    ("'Ã¤ ' pairs and spaces", "Ã¤ ", ""),
    ("'├ñ' cp437 pairs", "├ñ", ""),
    ("C1 controls", "\x85", ""),
    ("'&amp' without ';'", "&amp", ""),
    ("long word, then ' \\ufffd'", "a", " \ufffd"),
    ("long word, then ' ?'", "a", " ?"),
]


def run_long_lines(size: int, bound: float) -> list[tuple[str, str, str]]:
    rows = []
    for name, unit, tail in LONG_SHAPES:
        line = (unit * (size // len(unit) + 1))[: size - len(tail)] + tail
        cells = []
        for function in (umlautfix.fix_text, umlautfix.validate):
            start = time.process_time()
            try:
                with cpu_limit(bound):
                    function(line)
                cells.append(f"{time.process_time() - start:.2f}")
            except TooSlow:
                cells.append(f"> {bound:.0f}")
            except Exception as err:  # reported in the table
                cells.append(type(err).__name__)
        rows.append((name, *cells))
    return rows


# --- report ---------------------------------------------------------------------------------------


def report(
    tally: Tally, cli: CliTally | None, long_rows: list[tuple[str, str, str]], args: argparse.Namespace, wall: float
) -> int:
    total = sum(tally.kinds.values())
    print(f"umlautfix fuzz: seed {args.seed}, {total} inputs, bound {args.bound:.0f} s CPU per call, {wall:.0f} s wall")
    print()
    print(f"{'input kind':<48} {'count':>8}")
    for kind, n in _grouped_kinds(tally.kinds):
        print(f"{kind:<48} {n:>8}")
    print()
    print(f"{'check':<40} {'run':>9} {'failed':>8}")
    for check in sorted(tally.checks_run):
        print(f"{check:<40} {tally.checks_run[check]:>9} {tally.checks_failed[check]:>8}")
    print()
    for note, n in sorted(tally.info.items()):
        print(f"{note}: {n} (information)")
    if tally.restored:
        exact, total_known = tally.restored["exact"], sum(tally.restored.values())
        print(f"unmutated one-layer mojibake restored exactly: {exact} / {total_known} (information)")
    times = sorted(tally.times)
    if times:
        pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
        print(f"CPU per call: median {pick(0.5) * 1e6:.0f} µs, p99 {pick(0.99) * 1000:.1f} ms, max {times[-1]:.3f} s")
    print("slowest calls:")
    for seconds, function, kind, item in sorted(tally.slowest, key=lambda s: -s[0])[:3]:
        print(f"  {seconds:.3f} s  {function}  [{kind}, {len(item.payload)} long]  {_show(item.payload)}")
    if cli is not None:
        print()
        codes = dict(sorted(cli.exit_codes.items()))
        print(f"CLI: {cli.files} files in {cli.batches} batches ({cli.seconds:.0f} s), exit codes {codes}")
        print(f"CLI: tracebacks {cli.tracebacks}, hangs {cli.hangs}, -i output != fix_file {cli.differs}")
        for line in cli.examples[:5]:
            print(f"  {line}")
    if long_rows:
        print()
        print(f"{f'{args.long_size // 1024} KB line':<30} {'fix_text s':>11} {'validate s':>11}")
        for name, a, b in long_rows:
            print(f"{name:<30} {a:>11} {b:>11}")
    print()
    failures = sum(tally.checks_failed.values()) + (cli.tracebacks + cli.hangs + cli.differs if cli else 0)
    print(f"failures: {failures}")
    for key in sorted(tally.examples):
        item = tally.examples[key]
        print(f"  {key}\n      [{item.kind}] {_show(item.payload, 160)}")
    return 1 if failures else 0


def _grouped_kinds(kinds: Counter[str]) -> list[tuple[str, int]]:
    """Mutated inputs counted per mutation (an input with two mutations counts for both)."""
    grouped: Counter[str] = Counter()
    for kind, n in kinds.items():
        if kind.startswith("mutated: "):
            grouped["mutated mojibake (all)"] += n
            for name in kind.removeprefix("mutated: ").split("+"):
                grouped[f"  with {name}"] += n
        elif kind.startswith("mojibake "):
            grouped["mojibake, one layer (all codecs)"] += n
        elif kind.startswith("bytes ") and "," in kind:
            grouped[f"legacy bytes, {kind.split(', ', 1)[1]}"] += n
        elif kind.startswith("bytes "):
            grouped["legacy bytes (all code pages)"] += n
        else:
            grouped[kind] += n
    return sorted(grouped.items(), key=lambda kv: (kv[0].startswith("  "), kv[0]))


def _show(payload: str | bytes, limit: int = 80) -> str:
    shown = repr(payload)
    return shown if len(shown) <= limit else shown[:limit] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs through the library (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bound", type=float, default=2.0, help="CPU seconds per call before it counts as a hang")
    parser.add_argument("--cli", type=int, default=300, help="inputs also run through the CLI (0: none)")
    parser.add_argument("--batch", type=int, default=50, help="files per CLI process")
    parser.add_argument("--batch-timeout", type=float, default=60.0, help="wall seconds per CLI process")
    parser.add_argument("--single-timeout", type=float, default=10.0, help="wall seconds per file when a batch hangs")
    parser.add_argument("--skip-long", action="store_true", help="skip the 1 MB adversarial lines")
    parser.add_argument("--long-size", type=int, default=1 << 20)
    parser.add_argument("--long-bound", type=float, default=30.0, help="CPU seconds per 1 MB line")
    parser.add_argument("--memory-gb", type=float, default=4.0, help="address-space cap for this process")
    args = parser.parse_args(argv)

    cap = int(args.memory_gb * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    rng = random.Random(args.seed)
    generator = iter(Generator(rng, load_sources()))
    tally = Tally()
    cli_sample: list[Input] = []
    sampler = random.Random(args.seed + 1)  # apart from `rng`: the inputs do not depend on --cli
    wall = time.perf_counter()
    for n in range(args.count):
        item = next(generator)
        tally.kinds[item.kind] += 1
        if isinstance(item.payload, str):
            check_text(tally, item, args.bound)
        else:
            check_bytes(tally, item, args.bound)
        if len(cli_sample) < args.cli and sampler.random() < max(0.01, 2 * args.cli / max(1, args.count)):
            cli_sample.append(item)
        if (n + 1) % 1000 == 0:
            print(f"... {n + 1} inputs, {time.perf_counter() - wall:.0f} s", file=sys.stderr, flush=True)
    cli = run_cli(cli_sample, args.batch, args.batch_timeout, args.single_timeout, args.bound) if cli_sample else None
    long_rows = [] if args.skip_long else run_long_lines(args.long_size, args.long_bound)
    return report(tally, cli, long_rows, args, time.perf_counter() - wall)


if __name__ == "__main__":
    sys.exit(main())
