"""Stage 3, validate: text to a report on how German and how intact it is.

Each finder below catches one kind of damage and reports it with its position;
`validate` turns the findings and the letter statistics of the German profile
(`profile.letter_statistics`) into a score and a verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import lexicon
from .charmaps import CONTINUATION_CHARS, STRONG_LEAD_CHARS
from .profile import letter_statistics

VERDICTS = ("clean", "mojibake", "lossy", "transliterated", "not_german", "too_short")
MIN_LETTERS = 40  # below this, letter statistics say nothing: verdict too_short
# Thresholds on the profile statistics; chosen from benchmarks/validate_bench.py.
MIN_BIGRAM_LOGP = -6.0
MAX_OUTSIDE_RATE = 0.01
TRANSLITERATION_MIN = 2


@dataclass(frozen=True)
class Finding:
    """One sign of damage: what kind, where (offsets into the text), and the text there."""

    kind: str  # mojibake, lost, control, transliteration
    start: int
    end: int
    text: str
    note: str = ""


@dataclass(frozen=True)
class Validation:
    """The verdict on a text; `ok` only for clean German."""

    verdict: str
    score: float  # 0 (not German or badly damaged) .. 1 (clean German)
    findings: list[Finding] = field(default_factory=list)
    letters: int = 0
    bigram_logp: float = 0.0
    umlaut_rate: float = 0.0
    outside_rate: float = 0.0

    @property
    def ok(self) -> bool:
        return self.verdict == "clean"


_MOJIBAKE = re.compile(
    f"[{re.escape(STRONG_LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)}]+"
)
_LOST = re.compile(r"\ufffd+|(?<=[^\W\d_])\?+(?=[^\W\d_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TRANSLIT_WORD = re.compile(r"\b[A-Za-z]*(?:ae|oe|ue|Ae|Oe|Ue|AE|OE|UE)[A-Za-z]*\b")


def find_mojibake(text: str) -> Iterator[Finding]:
    for m in _MOJIBAKE.finditer(text):
        yield Finding("mojibake", m.start(), m.end(), m.group())


def find_lost(text: str) -> Iterator[Finding]:
    for m in _LOST.finditer(text):
        yield Finding("lost", m.start(), m.end(), m.group())


def find_control(text: str) -> Iterator[Finding]:
    for m in _CONTROL.finditer(text):
        yield Finding("control", m.start(), m.end(), m.group(), f"U+{ord(m.group()):04X}")


def find_transliteration(text: str) -> Iterator[Finding]:
    for m in _TRANSLIT_WORD.finditer(text):
        spelling = lexicon.umlaut_spelling(m.group())
        if spelling is not None:
            yield Finding("transliteration", m.start(), m.end(), m.group(), spelling)


FINDERS: tuple[Callable[[str], Iterator[Finding]], ...] = (
    find_mojibake,
    find_lost,
    find_control,
    find_transliteration,
)


def validate(text: str) -> Validation:
    """Judge `text`: clean German, damaged (mojibake, lossy, transliterated), not German, or too short."""
    findings = sorted(
        (f for finder in FINDERS for f in finder(text)), key=lambda f: (f.start, f.kind)
    )
    stats = letter_statistics(text)
    kinds = {f.kind for f in findings}
    translits = sum(f.kind == "transliteration" for f in findings)
    if "mojibake" in kinds or "control" in kinds:
        verdict = "mojibake"
    elif "lost" in kinds:
        verdict = "lossy"
    elif stats.letters < MIN_LETTERS:
        verdict = "too_short"
    elif stats.outside_rate > MAX_OUTSIDE_RATE or stats.bigram_logp < MIN_BIGRAM_LOGP:
        verdict = "not_german"
    elif translits >= TRANSLITERATION_MIN and stats.umlaut_rate == 0.0:
        verdict = "transliterated"
    else:
        verdict = "clean"
    return Validation(
        verdict=verdict,
        score=_score(stats.bigram_logp, stats.outside_rate, len(findings), stats.letters),
        findings=findings,
        letters=stats.letters,
        bigram_logp=round(stats.bigram_logp, 4),
        umlaut_rate=round(stats.umlaut_rate, 5),
        outside_rate=round(stats.outside_rate, 5),
    )


def _score(bigram_logp: float, outside_rate: float, n_findings: int, letters: int) -> float:
    """Map the statistics to 0..1: 1 for text as German as the profile, 0 for none of it."""
    if not letters:
        return 0.0
    germanness = min(1.0, max(0.0, (bigram_logp - MIN_BIGRAM_LOGP + 1.5) / 2.0))
    damage = min(1.0, 20.0 * n_findings / letters + 20.0 * outside_rate)
    return round(germanness * (1.0 - damage), 4)
