"""How well umlautfix.fix_text and ftfy.fix_encoding undo each kind of damage, in one run.

Input: the German paragraphs in fixtures/text/de/*.txt (written for this project),
plus ../shared/corpus/de-lit-sentences.txt when it is present (CC BY-NC-SA, read
here, never copied; the run says whether it was found). Each line is a document.
Every corruption in benchmarks/corrupt.py damages every document; both tools get
the damaged text, and their output is compared with `corrupt.expected`.

Columns: exact = share of documents restored exactly; CER = character error rate
(characters changed, inserted or deleted, per expected character, from a
difflib alignment) after repair; "damaged" = the CER before repair; "cut" = how
much of the damaged CER umlautfix removed. Targets (issue 4): exact >= 99 % on
every non-lossy case, CER cut >= 80 % on lossy cases, and no changed document
among the clean texts (German and fixtures/text/other/*.txt). German documents whose
source already lost a letter ("geheimni?volle" in the corpus) are listed apart, with what
umlautfix made of them, and not counted as clean.

Run:  python benchmarks/repair_bench.py [--quick] [--case SUBSTRING ...]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ftfy

import umlautfix

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corrupt import CORRUPTIONS, expected, is_lossy

ROOT = Path(__file__).resolve().parent.parent
GERMAN_FIXTURES = sorted((ROOT / "fixtures" / "text" / "de").glob("*.txt"))
OTHER_FIXTURES = sorted((ROOT / "fixtures" / "text" / "other").glob("*.txt"))
SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "de-lit-sentences.txt"
EXACT_TARGET = 99.0
CER_CUT_TARGET = 80.0

Tool = Callable[[str], str]
TOOLS: dict[str, Tool] = {"umlautfix": umlautfix.fix_text, "ftfy": ftfy.fix_encoding}


def lines_of(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.strip()]


def german_documents(use_corpus: bool) -> list[str]:
    docs = [line for path in GERMAN_FIXTURES for line in lines_of(path)]
    print(f"German fixtures: {len(docs)} paragraphs from {len(GERMAN_FIXTURES)} files")
    if not use_corpus:
        print(f"{SHARED_CORPUS}: not used (--quick)")
    elif SHARED_CORPUS.exists():
        corpus = lines_of(SHARED_CORPUS)
        print(f"{SHARED_CORPUS}: present, {len(corpus)} sentences added (CC BY-NC-SA, read only)")
        docs += corpus
    else:
        print(f"{SHARED_CORPUS}: absent, skipped")
    return docs


def edit_count(got: str, want: str) -> int:
    """Characters changed, inserted or deleted to turn `got` into `want` (difflib alignment)."""
    if got == want:
        return 0
    matcher = difflib.SequenceMatcher(None, got, want, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")


@dataclass
class Score:
    exact: int = 0
    errors: int = 0
    chars: int = 0

    def add(self, got: str, want: str) -> None:
        self.exact += got == want
        self.errors += edit_count(got, want)
        self.chars += len(want)

    def exact_pct(self, docs: int) -> float:
        return 100.0 * self.exact / docs

    def cer_pct(self) -> float:
        return 100.0 * self.errors / max(self.chars, 1)


def run_case(name: str, docs: list[str]) -> dict[str, Score]:
    damage = CORRUPTIONS[name]
    scores = {"damaged": Score(), **{tool: Score() for tool in TOOLS}}
    for doc in docs:
        want = expected(name, doc)
        broken = damage(doc)
        scores["damaged"].add(broken, want)
        for tool, fix in TOOLS.items():
            scores[tool].add(fix(broken), want)
    return scores


def corruption_table(docs: list[str], cases: list[str]) -> list[str]:
    failures = []
    header = f"{'case':34} {'docs':>5} {'damaged CER':>11} | {'umlautfix exact':>15} {'CER':>7} {'cut':>6}"
    header += f" | {'ftfy exact':>10} {'CER':>7} | target"
    print(header)
    print("-" * len(header))
    for name in cases:
        s = run_case(name, docs)
        damaged = s["damaged"].cer_pct()
        ours, theirs = s["umlautfix"], s["ftfy"]
        cut = 100.0 * (1 - ours.cer_pct() / damaged) if damaged else 100.0
        if is_lossy(name):
            met = cut >= CER_CUT_TARGET
            target = f"cut >= {CER_CUT_TARGET:.0f} %: {'met' if met else 'MISSED'}"
        else:
            met = ours.exact_pct(len(docs)) >= EXACT_TARGET
            target = f"exact >= {EXACT_TARGET:.0f} %: {'met' if met else 'MISSED'}"
        if not met:
            failures.append(name)
        print(
            f"{name + (' (lossy)' if is_lossy(name) else ''):34} {len(docs):5} {damaged:10.2f}% |"
            f" {ours.exact_pct(len(docs)):14.1f}% {ours.cer_pct():6.3f}% {cut:5.1f}% |"
            f" {theirs.exact_pct(len(docs)):9.1f}% {theirs.cer_pct():6.3f}% | {target}"
        )
    return failures


# Damage already in a source (the 1797-98 corpus has a few printer's or scanner's "?" for a
# lost letter): such a document is no clean text, and a repair of it no false positive.
SOURCE_DAMAGE = re.compile(r"[^\W\d_]\?[^\W\d_]|\ufffd")


def clean_table(german: list[str]) -> list[str]:
    """Documents that a tool changed although they were clean (the target is none)."""
    damaged = [doc for doc in german if SOURCE_DAMAGE.search(doc)]
    if damaged:
        print(f"\nleft out of the clean German row: {len(damaged)} document(s) with a lost letter in the source:")
        for doc in damaged:
            fixed = umlautfix.fix_text(doc)
            print(f"  {_first_difference(doc, fixed) if fixed != doc else repr(doc[:60]) + ' (left alone)'}")
    german = [doc for doc in german if not SOURCE_DAMAGE.search(doc)]
    sets = [("German", german)] + [(f"other/{p.stem}", lines_of(p)) for p in OTHER_FIXTURES]
    print(f"\n{'clean text':16} {'docs':>5} | {'umlautfix changed':>17} | {'ftfy changed':>12}")
    failures = []
    shown: list[str] = []
    for label, docs in sets:
        changed = {tool: sum(fix(doc) != doc for doc in docs) for tool, fix in TOOLS.items()}
        if changed["umlautfix"]:
            failures.append(label)
            shown += [
                f"  {label}: {_first_difference(doc, umlautfix.fix_text(doc))}"
                for doc in docs
                if umlautfix.fix_text(doc) != doc
            ]
        print(f"{label:16} {len(docs):5} | {changed['umlautfix']:17} | {changed['ftfy']:12}")
    if shown:
        print("changed by umlautfix:\n" + "\n".join(shown))
    return failures


def _first_difference(before: str, after: str) -> str:
    """The first place two texts differ, with a little context."""
    i = next((k for k, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), min(len(before), len(after)))
    return f"{before[max(0, i - 20) : i + 20]!r} -> {after[max(0, i - 20) : i + 20]!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the project's fixtures only, not the shared corpus")
    parser.add_argument("--case", nargs="*", default=[], help="only cases whose name contains one of these")
    parser.add_argument("--no-clean", action="store_true", help="skip the clean-text row")
    args = parser.parse_args(argv)
    docs = german_documents(use_corpus=not args.quick)
    cases = [n for n in CORRUPTIONS if not args.case or any(c in n for c in args.case)]
    print(f"umlautfix {umlautfix.__version__}, ftfy {ftfy.__version__} (fix_encoding)\n")
    failures = corruption_table(docs, cases)
    if not args.no_clean:
        failures += clean_table(docs)
    print("\ntargets missed: " + (", ".join(failures) if failures else "none"))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
