"""Detection benchmark: umlautfix.decode against chardet 7 and charset-normalizer.

Our German text (fixtures/text/de/*.txt, and ../shared/corpus/de-lit-sentences.txt
when present: read here, never copied) is encoded in each German code page, in
UTF-8 and in UTF-16-LE without a BOM, at four lengths:

- document: 8 consecutive paragraphs (fixtures) or 40 consecutive lines (corpus);
- sentence: each sentence that has a non-ASCII character;
- phrase: 15-35 characters of whole words around a word with a non-ASCII letter;
- word: each distinct word that has a non-ASCII letter.

A sample is right when the decoded text equals the original. A code page that
cannot carry a character gets the text as it could have been written in it:
typographic quotes and dashes become ASCII (a small table below), other
characters it lacks (emoji, arrows) are left out. Mixed files are documents
whose lines are each UTF-8 or cp1252 (seeded coin), scored per line.

Also: the calibration of Detection.confidence, and the time to detect a 10 MB
input relative to chardet.detect with max_bytes set to the input length.

Calibration is checked honestly: the samples are split in two halves by a hash
of their text (`half_of`). On the fitting half the benchmark fits the one free
parameter of the confidence, umlautfix.detect.COST_SCALE (the value with the
least log loss over a grid, detection re-run for each value); the calibration
table is measured on the held-out half, with the shipped COST_SCALE, and the
fitting half is shown beside it.

    /tmp/venv/bin/python benchmarks/detect_bench.py            # everything
    /tmp/venv/bin/python benchmarks/detect_bench.py --quick    # every 5th sample, no peers' speed
"""

from __future__ import annotations

import argparse
import importlib
import math
import random
import re
import sys
import time
import warnings
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import chardet
import charset_normalizer

import umlautfix
from umlautfix.detect import GERMAN_SINGLE_BYTE, UndecodableBytesWarning

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "text" / "de"
CORPUS = ROOT.parent / "shared" / "corpus" / "de-lit-sentences.txt"

ENCODINGS: tuple[str, ...] = (*GERMAN_SINGLE_BYTE, "utf-8", "utf-16-le")
LENGTHS: tuple[str, ...] = ("document", "sentence", "phrase", "word")
TARGETS = {"document": 1.0, "sentence": 1.0, "phrase": 0.99, "word": 0.95, "mixed lines": 1.0}

# How text is typed in a code page that lacks a character.
ASCII_FALLBACK = {
    "„": '"',
    "“": '"',
    "”": '"',
    "‚": "'",
    "‘": "'",
    "’": "'",
    "»": '"',
    "«": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "€": "EUR",
    "→": "->",
    "×": "x",
    "²": "2",
    "§": "Par.",
}
T = TypeVar("T")
COST_SCALES = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)  # the grid COST_SCALE is fitted on
# Beyond some value the log loss is flat: a larger COST_SCALE only pushes right answers
# to the 0.99 cap. Within FLAT_LOSS of the least loss the smallest (most cautious) value is the fit.
FLAT_LOSS = 0.01
LOG_LOSS_CLIP = 1e-4  # confidences are clipped to [clip, 1 - clip] in the log loss
HALVES = ("fit", "held-out")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„»\"])")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Sample:
    length: str
    source: str
    text: str


# ---------------------------------------------------------------- the samples


def load_paragraphs() -> dict[str, list[str]]:
    files = sorted(FIXTURES.glob("*.txt"))
    sources = {"fixtures": [line for f in files for line in f.read_text("utf-8").splitlines() if line.strip()]}
    if CORPUS.exists():
        print(f"reading {CORPUS.relative_to(ROOT.parent)} (CC BY-NC-SA; read only, not copied)")
        sources["corpus"] = [line for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    else:
        print(f"{CORPUS} is absent: skipped, fixtures only")
    return sources


def has_non_ascii_letter(text: str) -> bool:
    return any(ch >= "\x80" and ch.isalpha() for ch in text)


def make_samples(sources: dict[str, list[str]]) -> list[Sample]:
    samples: list[Sample] = []
    for source, paragraphs in sources.items():
        group = 8 if source == "fixtures" else 40
        for i in range(0, len(paragraphs), group):
            samples.append(Sample("document", source, "\n".join(paragraphs[i : i + group]) + "\n"))
        sentences = [s for p in paragraphs for s in SENTENCE_END.split(p) if not s.isascii()]
        samples += [Sample("sentence", source, s) for s in sentences]
        samples += [Sample("phrase", source, p) for s in sentences if (p := phrase_of(s))]
        seen: set[str] = set()
        for p in paragraphs:
            for w in WORD.findall(p):
                if has_non_ascii_letter(w) and w not in seen:
                    seen.add(w)
                    samples.append(Sample("word", source, w))
    return samples


def phrase_of(sentence: str) -> str | None:
    """15-35 characters of whole words around the first word with a non-ASCII letter."""
    words = sentence.split()
    centre = next((i for i, w in enumerate(words) if has_non_ascii_letter(w)), None)
    if centre is None:
        return None
    lo = hi = centre
    phrase = words[centre]
    while len(phrase) < 15:
        if hi + 1 < len(words) and (hi - centre <= centre - lo or lo == 0):
            hi += 1
        elif lo > 0:
            lo -= 1
        else:
            return None
        phrase = " ".join(words[lo : hi + 1])
    return phrase if len(phrase) <= 35 else None


def as_written_in(text: str, encoding: str) -> str:
    """The text as it could be typed in `encoding`: missing characters replaced or left out."""
    out = []
    for ch in text:
        if _encodable(ch, encoding):
            out.append(ch)
        elif all(_encodable(c, encoding) for c in ASCII_FALLBACK.get(ch, "\x00")):
            out.append(ASCII_FALLBACK[ch])
    return "".join(out)


def _encodable(ch: str, encoding: str) -> bool:
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return ch != "\x00"


def half_of(sample: Sample) -> str:
    """The calibration half of a sample: a hash of its text, the same on every run."""
    return HALVES[zlib.crc32(sample.text.encode("utf-8")) % 2]


# ---------------------------------------------------------------- the decoders


def decode_umlautfix(data: bytes) -> tuple[str | None, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndecodableBytesWarning)
        try:
            det = umlautfix.detect(data)
            return umlautfix.decode(data), det.confidence
        except (UnicodeDecodeError, umlautfix.BinaryInputError):
            return None, 0.0


def decode_chardet(data: bytes) -> tuple[str | None, float]:
    guess = chardet.detect(data)
    return _decode_as(data, guess["encoding"]), guess["confidence"] or 0.0


def decode_charset_normalizer(data: bytes) -> tuple[str | None, float]:
    best = charset_normalizer.from_bytes(data).best()
    return (str(best), 1.0 - best.chaos) if best is not None else (None, 0.0)


def _decode_as(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


DECODERS: dict[str, Callable[[bytes], tuple[str | None, float]]] = {
    "umlautfix": decode_umlautfix,
    "chardet 7": decode_chardet,
    "charset-normalizer": decode_charset_normalizer,
}


# ---------------------------------------------------------------- accuracy


def encoded_samples(samples: list[Sample], step: int) -> Iterator[tuple[Sample, str, str, bytes]]:
    for n, sample in enumerate(samples):
        if n % step:
            continue
        for encoding in ENCODINGS:
            if encoding == "utf-16-le" and sample.length in ("phrase", "word"):
                continue  # UTF-16 without a BOM is a file format, not a word-level one
            original = as_written_in(sample.text, encoding)
            if original.isascii():
                continue  # nothing to detect once the code page dropped the non-ASCII
            yield sample, encoding, original, original.encode(encoding)


def accuracy(samples: list[Sample], step: int, calibration: list[tuple[float, bool, str, str]]) -> None:
    right: dict[tuple[str, str, str], int] = defaultdict(int)
    total: dict[tuple[str, str], int] = defaultdict(int)
    utf8_wrong = 0
    failures: list[str] = []
    for sample, encoding, original, data in encoded_samples(samples, step):
        total[(sample.length, encoding)] += 1
        for name, decoder in DECODERS.items():
            text, confidence = decoder(data)
            ok = text == original
            right[(name, sample.length, encoding)] += ok
            if name == "umlautfix":
                calibration.append((confidence, ok, f"{sample.length} {encoding}", half_of(sample)))
                if not ok:
                    utf8_wrong += encoding == "utf-8"
                    if len(failures) < 60:
                        det = umlautfix.detect(data)
                        failures.append(
                            f"  {sample.length:8} {encoding:11} {original[:40]!r} -> {det.encoding} {det.confidence}"
                        )
    print("\n## Accuracy: decoded text == original (% of samples)\n")
    header = f"| {'length':8} | {'encoding':11} | {'n':>5} | " + " | ".join(f"{n:>18}" for n in DECODERS) + " |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for length in LENGTHS:
        for encoding in ENCODINGS:
            n = total[(length, encoding)]
            if n:
                cells = " | ".join(f"{100 * right[(d, length, encoding)] / n:>17.2f}%" for d in DECODERS)
                print(f"| {length:8} | {encoding:11} | {n:>5} | {cells} |")
        n = sum(total[(length, e)] for e in ENCODINGS)
        cells = " | ".join(f"{100 * sum(right[(d, length, e)] for e in ENCODINGS) / n:>17.2f}%" for d in DECODERS)
        target = f"(target {100 * TARGETS[length]:.0f} %)"
        print(f"| **{length}** | all {target:>15} | {n:>5} | {cells} |".replace("all (", "all("))
    print(f"\nvalid UTF-8 decoded as something else by umlautfix: {utf8_wrong}")
    if failures:
        print("\numlautfix's wrong answers (first 60):")
        print("\n".join(failures))


def mixed_files(sources: dict[str, list[str]], step: int) -> None:
    """Documents whose lines are UTF-8 or cp1252 at random (seeded); % of lines right."""
    rng = random.Random(5)
    right: dict[str, int] = defaultdict(int)
    lines_total = files = 0
    for paragraphs in sources.values():
        for i in range(0, len(paragraphs), 8 * step):
            lines = [as_written_in(p, "cp1252") for p in paragraphs[i : i + 8]]
            encodings = [rng.choice(("utf-8", "cp1252")) for _ in lines]
            if len(set(encodings)) < 2:
                encodings[0], encodings[-1] = "utf-8", "cp1252"
            data = b"".join((line + "\n").encode(enc) for line, enc in zip(lines, encodings, strict=True))
            files += 1
            lines_total += len(lines)
            for name, decoder in DECODERS.items():
                text, _ = decoder(data)
                got = (text or "").split("\n")
                right[name] += sum(1 for a, b in zip(lines, got, strict=False) if a == b)
    print(f"\n## Mixed files: UTF-8 and cp1252 lines ({files} files, {lines_total} lines)")
    print("% of lines right, target 100 %\n")
    print("| " + " | ".join(f"{n:>18}" for n in DECODERS) + " |")
    print("|" + "|".join("-" * 20 for _ in DECODERS) + "|")
    print("| " + " | ".join(f"{100 * right[n] / lines_total:>17.2f}%" for n in DECODERS) + " |")


# Other languages in the legacy code page they were usually saved in (not a target:
# shows what the chardet fallback gives text that is not German).
OTHER_LANGUAGES: dict[str, tuple[str, ...]] = {
    "fr": ("cp1252",),
    "pt": ("cp1252",),
    "es": ("cp1252",),
    "nl": ("cp1252",),
    "da": ("cp1252",),
    "sv": ("cp1252",),
    "is": ("cp1252",),
    "en": ("cp1252",),
    "tr": ("cp1254",),
    "pl": ("cp1250", "iso-8859-2"),
    "cs": ("cp1250", "iso-8859-2"),
}


def other_languages(step: int) -> None:
    """Each paragraph of fixtures/text/other in its legacy code page: % decoded right."""
    right: dict[tuple[str, str], int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for lang, encodings in OTHER_LANGUAGES.items():
        lines = (FIXTURES.parent / "other" / f"{lang}.txt").read_text("utf-8").splitlines()
        for line in lines[::step]:
            for encoding in encodings:
                original = as_written_in(line, encoding)
                if original.isascii():
                    continue
                total[f"{lang} {encoding}"] += 1
                for name, decoder in DECODERS.items():
                    right[(name, f"{lang} {encoding}")] += decoder(original.encode(encoding))[0] == original
    print("\n## Other languages, paragraphs in their legacy code page (% right; no target: the chardet fallback)\n")
    print(f"| {'language':16} | {'n':>3} | " + " | ".join(f"{n:>18}" for n in DECODERS) + " |")
    print("|" + "-" * 18 + "|" + "-" * 5 + "|" + "|".join("-" * 20 for _ in DECODERS) + "|")
    for key, n in total.items():
        print(f"| {key:16} | {n:>3} | " + " | ".join(f"{100 * right[(d, key)] / n:>17.1f}%" for d in DECODERS) + " |")


def calibration_table(calibration: list[tuple[float, bool, str, str]]) -> None:
    print("\n## Calibration of umlautfix's Detection.confidence (target: >= 99 % right at >= 0.9)\n")
    print(f"shipped COST_SCALE = {_detect_module().COST_SCALE}; halves split by a hash of the sample text\n")
    print("| confidence  | held-out n |   right | fitting n |   right |")
    print("|-------------|-----------:|--------:|----------:|--------:|")
    for lo, hi in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01)):
        cells = [_bucket_cells(calibration, lo, hi, half) for half in HALVES[::-1]]
        print(f"| {lo:.2f} - {min(hi, 1.0):.2f} | {cells[0]} | {cells[1]} |")
    cells = [_bucket_cells(calibration, 0.9, 1.01, half) for half in HALVES[::-1]]
    print(f"| **>= 0.90**  | {cells[0]} | {cells[1]} |")
    for half in HALVES[::-1]:
        wrong_sure = [what for c, ok, what, h in calibration if c >= 0.9 and not ok and h == half]
        if wrong_sure:
            print(f"{half}: wrong at >= 0.9: {len(wrong_sure)}: {sorted(set(wrong_sure))}")


def _bucket_cells(calibration: list[tuple[float, bool, str, str]], lo: float, hi: float, half: str) -> str:
    bucket = [ok for c, ok, _, h in calibration if lo <= c < hi and h == half]
    width = 10 if half == "held-out" else 9
    if not bucket:
        return f"{0:>{width}} | {'-':>7}"
    return f"{len(bucket):>{width}} | {100 * sum(bucket) / len(bucket):6.2f}%"


def _detect_module() -> ModuleType:
    """The module umlautfix.detect (the package attribute of that name is the function)."""
    return importlib.import_module("umlautfix.detect")


def fit_cost_scale(samples: list[Sample], step: int) -> None:
    """Fit COST_SCALE on the fitting half only: umlautfix re-run for each value of
    the grid; the smallest value whose log loss there (confidence against
    right/wrong) is within FLAT_LOSS of the least is the fit. Each value's figures on the held-out half are shown
    beside it, but play no part in the choice."""
    module = _detect_module()
    shipped = module.COST_SCALE
    print("\n## Fitting COST_SCALE on the fitting half (umlautfix re-run per value)\n")
    print("| COST_SCALE | fitting: log loss | >= 0.9: n | right   | held-out: log loss | >= 0.9: n | right   |")
    print("|-----------:|------------------:|----------:|--------:|-------------------:|----------:|--------:|")
    losses: dict[float, float] = {}
    try:
        for scale in COST_SCALES:
            module.COST_SCALE = scale
            figures = {half: [0.0, 0, 0, 0] for half in HALVES}  # log loss, n, n at >= 0.9, right at >= 0.9
            for sample, _, original, data in encoded_samples(samples, step):
                text, confidence = decode_umlautfix(data)
                ok = text == original
                p = min(1 - LOG_LOSS_CLIP, max(LOG_LOSS_CLIP, confidence))
                f = figures[half_of(sample)]
                f[0] -= math.log(p if ok else 1 - p)
                f[1] += 1
                f[2] += confidence >= 0.9
                f[3] += confidence >= 0.9 and ok
            losses[scale] = figures["fit"][0] / max(1, figures["fit"][1])
            cells = [
                f"{f[0] / max(1, f[1]):.5f} | {f[2]:>9} | {100 * f[3] / max(1, f[2]):6.2f}%"
                for f in (figures["fit"], figures["held-out"])
            ]
            print(f"| {scale:10.2f} | {cells[0].rjust(37)} | {cells[1].rjust(38)} |")
    finally:
        module.COST_SCALE = shipped
    least = min(losses.values())
    best = min(scale for scale, loss in losses.items() if loss <= least * (1 + FLAT_LOSS))
    verdict = "the shipped value" if best == shipped else f"differs from the shipped {shipped}"
    print(f"\nfitted COST_SCALE: {best}, the smallest within {FLAT_LOSS:.0%} of the least log loss on the fitting half")
    print(f"({verdict})")


# ---------------------------------------------------------------- throughput


def throughput(sources: dict[str, list[str]]) -> None:
    text = "\n".join(sources["fixtures"]) + "\n"
    print("\n## Throughput on 10 MB inputs, and per call on short inputs")
    print("time of chardet.detect(max_bytes=len) / time of umlautfix.detect (decode: chardet + bytes.decode")
    print("/ umlautfix.decode); best of 3 runs each; higher is better, target >= 1\n")
    print("| input                      | umlautfix answer | chardet answer | ratio detect | ratio decode |")
    print("|----------------------------|------------------|----------------|-------------:|-------------:|")
    inputs: dict[str, bytes | list[bytes]] = {}
    for encoding in ("utf-8", "cp1252", "mac-roman", "cp850"):
        inputs[f"{encoding} 10 MB"] = _ten_megabytes(as_written_in(text, encoding).encode(encoding))
    pasted = b"".join(
        (line + "\n").encode("cp1252" if i % 2 else "utf-8")
        for i, line in enumerate(as_written_in(text, "cp1252").splitlines())
    )
    inputs["UTF-8 + cp1252 lines 10 MB"] = _ten_megabytes(pasted)
    paragraphs = sources["fixtures"]
    inputs["paragraphs, UTF-8 (calls)"] = [(p + "\n").encode("utf-8") for p in paragraphs]
    inputs["paragraphs, cp1252 (calls)"] = [(as_written_in(p, "cp1252") + "\n").encode("cp1252") for p in paragraphs]
    for label, payload in inputs.items():
        items = payload if isinstance(payload, list) else [payload]
        ours, dets = _best_time(lambda items=items: [umlautfix.detect(d) for d in items])
        ours_decode, _ = _best_time(lambda items=items: [umlautfix.decode(d) for d in items])
        theirs, guesses = _best_time(lambda items=items: [chardet.detect(d, max_bytes=len(d)) for d in items])
        their_decode, _ = _best_time(
            lambda items=items, guesses=guesses: [
                d.decode(g["encoding"] or "latin-1", "replace") for d, g in zip(items, guesses, strict=True)
            ]
        )
        ours_name = dets[0].encoding + (f"+{dets[0].single_byte}" if dets[0].mixed else "")
        if len(items) > 1:
            ours_name, theirs_name = "(per call)", "(per call)"
        else:
            theirs_name = str(guesses[0]["encoding"])
        print(
            f"| {label:26} | {ours_name:16} | {theirs_name:14} | {theirs / ours:12.1f} "
            f"| {(theirs + their_decode) / ours_decode:12.1f} |"
        )


def _ten_megabytes(data: bytes) -> bytes:
    """`data` repeated to 10 MB, cut after a line end."""
    data = (data * (10_000_000 // len(data) + 1))[:10_000_000]
    return data[: data.rfind(b"\n") + 1]


def _best_time(fn: Callable[[], T], runs: int = 3) -> tuple[float, T]:
    best, result = float("inf"), fn()
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 5th sample, no throughput")
    parser.add_argument("--no-peers", action="store_true", help="umlautfix only (while developing)")
    parser.add_argument("--no-fit", action="store_true", help="leave out the fit of COST_SCALE (re-runs umlautfix)")
    parser.add_argument("--throughput-only", action="store_true", help="only the throughput table")
    ns = parser.parse_args(argv)
    if ns.no_peers:
        for name in list(DECODERS)[1:]:
            del DECODERS[name]
    step = 5 if ns.quick else 1
    versions = f"chardet {chardet.__version__}, charset-normalizer {charset_normalizer.__version__}"
    print(f"umlautfix {umlautfix.__version__}, {versions}")
    sources = load_paragraphs()
    if ns.throughput_only:
        throughput(sources)
        return 0
    samples = make_samples(sources)
    calibration: list[tuple[float, bool, str, str]] = []
    accuracy(samples, step, calibration)
    mixed_files(sources, step)
    other_languages(step)
    calibration_table(calibration)
    if not ns.no_fit:
        fit_cost_scale(samples, step)
    if not ns.quick:
        throughput(sources)
    return 0


if __name__ == "__main__":
    sys.exit(main())
