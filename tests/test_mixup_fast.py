"""The mix-up precheck (`_mixup_cannot_fire` and its helpers, issue 8) is exact.

`fix_encoding` skips the whole-text mix-up decision (`fix_codepage_mixup`) where the
precheck shows it would return nothing. These tests pin that claim:
- wherever the precheck (or `_could_be_mixed_up`, or `_mixup_ruled_out`) says no mix-up
  can be taken, `fix_codepage_mixup` returns nothing, on generated text and on fixtures;
- it rules out at least what the plain version it replaced did (that version is kept
  below as the reference oracle, `plain_mixup_cannot_fire`), and its helpers answer as
  theirs did (`_words_touched_floor`) or bound what they claim (`_cost_ceiling`);
- the rewritten patterns (`_NON_ASCII_RUN`, `_FTFY_CANDIDATE`) match what the plain
  ones matched;
- where `_no_reading_starts` says the runs leave nothing to read, the reading step and
  ftfy find nothing;
- it does let real mix-ups through (a table of cases checked by eye).
"""

from __future__ import annotations

import importlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ftfy.badness
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umlautfix.charmaps import CONTINUATION_CHARS, MIXUP_CODECS, STRONG_LEAD_CHARS, lead_pairs, upper_half
from umlautfix.profile import char_cost, cost

repair_module = importlib.import_module("umlautfix.repair")  # the package exports a function of that name
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import corrupt  # noqa: E402  (the benchmarks' damage functions)

# --- the reference oracle: the plain precheck as it was before issue 8's rewrite -------------
# (copied from src/umlautfix/repair.py at commit bea8b7f; only the names are changed)


@dataclass(frozen=True)
class PlainMixupPair:
    changing: frozenset[str]
    plausible: frozenset[str]
    table: dict[int, str]
    image_cost: dict[str, float]


@lru_cache(maxsize=4096)
def plain_pairs_changing(chars: frozenset[str]) -> tuple[PlainMixupPair, ...]:
    out = []
    for opened, saved in repair_module.MIXUP_PAIRS:
        if chars <= repair_module._encodable(opened) and (
            changing := chars & repair_module._mixup_sources(opened, saved)
        ):
            table = repair_module._mixup_table(opened, saved)
            plausible = frozenset(ch for ch in changing if repair_module._plausible_in_mixup(table[ord(ch)]))
            image_cost = {ch: char_cost(table.get(ord(ch), ch)) for ch in chars}
            out.append(PlainMixupPair(changing, plausible, table, image_cost))
    return tuple(out)


def plain_words_touched_floor(text: str, runs: list[re.Match[str]], changing: frozenset[str]) -> int:
    words = 0
    last_end = -1
    for m in runs:
        if changing.isdisjoint(m.group()):
            continue
        if last_end < 0 or not text[last_end : m.start()].isalpha():
            words += 1
            if words > repair_module.MIXUP_LEXICON_MAX_WORDS:
                return words
        last_end = m.end()
    return words


PLAIN_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def plain_mixup_cannot_fire(text: str) -> bool:
    runs = list(PLAIN_NON_ASCII_RUN.finditer(text))
    counts = Counter("".join(m.group() for m in runs))
    lone: set[tuple[str, str, str]] | None = None
    whole = -1.0
    for pair in plain_pairs_changing(frozenset(counts)):
        swaps = sum(counts[ch] for ch in pair.changing)
        if sum(counts[ch] for ch in pair.plausible) < repair_module.MIXUP_PLAUSIBLE_SHARE * swaps:
            continue
        if lone is None:
            lone = {
                (text[m.start() - 1 : m.start()], m.group(), text[m.end() : m.end() + 1])
                for m in runs
                if m.end() - m.start() == 1
            }
        table = pair.table
        if any(
            ch in pair.changing and repair_module._breaks_its_word(left, table[ord(ch)], right)
            for left, ch, right in lone
        ):
            continue
        if whole < 0:
            whole = cost(text)
        floor = 0.0
        for ch, count in counts.items():
            floor += count * pair.image_cost[ch]
        if floor * (1.0 - 1e-9) < whole * (1.0 + 1e-9):
            return False
        if plain_words_touched_floor(text, runs, pair.changing) <= repair_module.MIXUP_LEXICON_MAX_WORDS:
            return False
    return True


# --- generated text -------------------------------------------------------------------------

GERMAN_WORDS = [
    "und", "nicht", "Größe", "für", "Köln", "Straße", "Übung", "Ärger", "Öl", "müssen", "Hörspiel",
    "Café", "Zoë", "Hämmerle", "Østergaard", "Demirtaş", "Yıldız", "Nováková", "Prés", "à", "Mo–Fr",
    "„Text“", "5 €", "weiß", "Grüße", "Björn", "EZB", "Ölkü", "Eliška", "Schönblick",
]  # fmt: skip
FOREIGN = "éëšşıøàáñçÉØÅåœŒ"
TYPOGRAPHY = "„“”‚‘’–—€…»«°§"
MIXUP_CHARACTERS = "".join(sorted({ch for codec in MIXUP_CODECS for ch in upper_half(codec)}))
SPACING = " .,;:!?-()\n'\"1"
MIXUPS = [damage for name, damage in corrupt.CORRUPTIONS.items() if name.startswith("saved-")]

pieces = st.one_of(
    st.sampled_from(GERMAN_WORDS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8),
    st.sampled_from(FOREIGN),
    st.sampled_from(TYPOGRAPHY),
    st.sampled_from(MIXUP_CHARACTERS),
    st.sampled_from(SPACING),
)
generated_text = st.lists(pieces, max_size=24).map("".join)
# German words mixed up through a pair of code pages: texts where the mix-up step does fire
mixed_up_text = st.tuples(st.lists(st.sampled_from(GERMAN_WORDS), min_size=1, max_size=6), st.sampled_from(MIXUPS)).map(
    lambda words_and_damage: words_and_damage[1](" ".join(words_and_damage[0]))
)
any_text = st.one_of(generated_text, mixed_up_text)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_precheck_never_hides_a_mixup(text: str) -> None:
    """Where the precheck rules the mix-up out, the mix-up step takes none; and it rules
    out at least what the plain version did."""
    fast = repair_module._mixup_cannot_fire(text)
    if plain_mixup_cannot_fire(text):
        assert fast, text
    runs = repair_module._NON_ASCII_RUN.findall(text)
    ruled_out = (
        fast
        or not repair_module._could_be_mixed_up(text)
        or repair_module._mixup_ruled_out(text, [])  # (as for a long text: the encoders first)
        or repair_module._mixup_ruled_out(text, [], "".join(runs))  # (as for a short one: its runs first)
    )
    if ruled_out:
        assert repair_module.fix_codepage_mixup(text) == [], text


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_cost_ceilings_bound_the_cost(text: str) -> None:
    """`_cost_ceiling` never falls below `cost`, whatever the neighbours of the characters,
    nor does `_cost_ceiling_by_neighbours`, which looks at them; it is the tighter."""
    counts = repair_module._non_ascii_counts(text)
    by_neighbours = repair_module._cost_ceiling_by_neighbours(text, counts)
    assert repair_module._cost_ceiling(counts) >= by_neighbours * (1 - 1e-9)
    assert by_neighbours >= cost(text)


COST_CEILING_CASES = [
    # (text, cost ceiling by neighbours, why) -- from profile's costs: ß and € cost 2.5 each, a
    # symbol glued to a word 2.0 more, and 4.0 more when a letter follows (wedged into the word)
    ("Gruß", 2.5, "a letter after a letter: its own cost"),
    ("5 €", 2.5, "a symbol after a space: no penalty"),
    ("5€x", 2.5, "a symbol after a digit: no penalty either"),
    ("Preis€x", 2.5 + 2.0 + 4.0, "a symbol wedged between letters: both penalties, as `cost` counts them"),
]


@pytest.mark.parametrize(("text", "expected", "why"), COST_CEILING_CASES)
def test_cost_ceiling_by_neighbours_cases(text: str, expected: float, why: str) -> None:
    counts = repair_module._non_ascii_counts(text)
    assert repair_module._cost_ceiling_by_neighbours(text, counts) == pytest.approx(expected, rel=1e-5), why
    assert cost(text) == pytest.approx(expected), why  # (here the ceiling is the cost itself)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_read_whole_reads_no_text_of_lone_characters(text: str) -> None:
    """`_encoding_rounds` does not ask `read_whole` about a text whose runs of non-ASCII
    characters are one character each: their cp1252 bytes are no UTF-8."""
    if repair_module._each_alone(repair_module._NON_ASCII_RUN.findall(text)):
        assert repair_module.read_whole(text) is None, text


@settings(max_examples=200, deadline=None)
@given(any_text, st.sets(st.sampled_from(FOREIGN + TYPOGRAPHY + "äöüßÄÖÜ"), min_size=1, max_size=5))
def test_words_touched_floor_answers_as_the_plain_one(text: str, changing: set[str]) -> None:
    runs = list(PLAIN_NON_ASCII_RUN.finditer(text))
    chars = frozenset(changing)
    assert repair_module._words_touched_floor(text, chars) == plain_words_touched_floor(text, runs, chars)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZ äöü„“ÂÃŒœ\x85\x9f\xa0é€ß→👍", max_size=16))
def test_rewritten_patterns_match_as_the_plain_ones(text: str) -> None:
    plain_candidate = re.compile(r"[^\x00-\x7f]{2,}" f"|[{repair_module.FTFY_LONE_TRIGGERS}]")
    spans = [m.span() for m in repair_module._FTFY_CANDIDATE.finditer(text)]
    assert spans == [m.span() for m in plain_candidate.finditer(text)]
    spans = [m.span() for m in repair_module._NON_ASCII_RUN.finditer(text)]
    assert spans == [m.span() for m in PLAIN_NON_ASCII_RUN.finditer(text)]


# --- fixtures -------------------------------------------------------------------------------


def paragraphs(folder: str) -> list[str]:
    paths = sorted((ROOT / "fixtures" / "text" / folder).glob("*.txt"))
    return [line for path in paths for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_precheck_on_fixture_sentences() -> None:
    """On sentences of the fixtures, clean and mixed up: where the precheck rules the
    mix-up out, the step takes none; it rules out at least what the plain version did;
    and it lets through the mixed-up sentences the step repairs."""
    sentences = [s for p in paragraphs("de")[::5] + paragraphs("other")[::5] for s in re.split(r"(?<=[.!?])\s+", p)]
    texts = sentences + [damage(s) for damage in MIXUPS for s in sentences[::7]]
    ruled_out = taken = 0
    for text in texts:
        fast = repair_module._mixup_cannot_fire(text)
        assert fast or not plain_mixup_cannot_fire(text), text
        found = repair_module.fix_codepage_mixup(text)
        if fast:
            ruled_out += 1
            assert found == [], text
        taken += bool(found)
    assert ruled_out > len(texts) // 2  # the precheck spares most texts the decision
    assert taken >= 20  # and the mixed-up sentences do give repairs it had to let through


MIXUP_PRECHECK_CASES = [
    # (text, ruled out, why)
    (
        "Trainer Björn Østergaard getrennt.",
        True,
        "the only pairs that read as German turn ö into Ü: a capital after a small letter ('BjÜrn')",
    ),
    (
        "Zoë Hämmerle;01.01.2011",
        True,
        "the pairs that read as plausible turn ä and ë into no German letter ('Σδ', '‰Î'): two changes must "
        "give one (the plain version let this through)",
    ),
    (
        "Im Theater in Ölkü Demirtaş verlegt die Handlung nach Köln.",
        True,
        "only ş changes under the pairs that hold it, into º, which is no German letter: the plain version "
        "let this through, the mix-up step then took 400 µs to say no",
    ),
    ("Datei → Optionen", True, "no code page of the list holds the arrow"),
    ("Gr”áe", False, "'Größe' saved as cp850, opened as cp1252: the step takes it"),
    ("HÜrspiel", False, "'Hörspiel' saved as Mac Roman, opened as cp850: the lexicon step takes it"),
    ("Preis: 5 ¤", False, "one symbol that becomes '€' (latin-1 opened, iso-8859-15 saved) may be evident"),
]


@pytest.mark.parametrize(("text", "ruled_out", "why"), MIXUP_PRECHECK_CASES)
def test_mixup_precheck_cases(text: str, ruled_out: bool, why: str) -> None:
    assert repair_module._mixup_cannot_fire(text) is ruled_out, why
    if ruled_out:
        assert repair_module.fix_codepage_mixup(text) == [], why


def test_precheck_is_stronger_than_the_plain_one_on_the_demirtas_line() -> None:
    text = "Im Theater in Ölkü Demirtaş verlegt die Handlung nach Köln."
    assert not plain_mixup_cannot_fire(text)
    assert repair_module._mixup_cannot_fire(text)


# --- the look at the runs that spares clean text the reading and ftfy scans ----------------


def test_gate_pairs_are_two_non_ascii_characters() -> None:
    """`_no_reading_starts` counts on each pair of `_RUN_GATE` being two non-ASCII characters."""
    assert all(ch >= "\x80" for ch in CONTINUATION_CHARS + STRONG_LEAD_CHARS)
    for leads, continuations in lead_pairs(0xC4):
        assert all(ch >= "\x80" for ch in leads + continuations)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_no_reading_starts_where_it_says_so(text: str) -> None:
    """Where the runs show no reading can start, the reading step reads nothing and ftfy
    sees nothing, in the text and in each of its lines."""
    runs = repair_module._NON_ASCII_RUN.findall(text)
    if not repair_module._no_reading_starts("".join(runs), len(runs)):
        return
    assert repair_module.fix_utf8_mojibake(text) == [], text
    assert not ftfy.badness.is_bad(text), text
    for line in text.splitlines(keepends=True):
        assert not ftfy.badness.is_bad(line), line
    assert repair_module.prefer_ftfy_where_better(text, []) == [], text


NO_READING_CASES = [
    # (text, no reading starts, why)
    ("Gruß aus Köln, „Text“ für 5 €", True, "every non-ASCII character stands alone"),
    ("Grüße", False, "ü and ß side by side: some pair might start there"),
    ("Gruß“", False, "two side by side: ß before a closing quote reads as a cp1252 pair"),
    ("kÃ¤mpfen", False, "a mojibake pair"),
    ("5Â %", False, "Â before a space: a lost no-break space"),
    ("J\x81rgen", False, "a C1 control"),
    ("Œuvre", False, "ftfy looks at Œ alone"),
]


@pytest.mark.parametrize(("text", "expected", "why"), NO_READING_CASES)
def test_no_reading_starts_cases(text: str, expected: bool, why: str) -> None:
    runs = repair_module._NON_ASCII_RUN.findall(text)
    assert repair_module._no_reading_starts("".join(runs), len(runs)) is expected, why


def test_cp1252_writes_each_non_ascii_character_as_a_high_byte() -> None:
    """`_encoding_rounds` counts on it: in the whole-text reading's code page, every non-ASCII
    character it holds but U+FFFD (which `read_whole` turns away) is one byte 80-FF, so that
    one standing between ASCII characters is no UTF-8."""
    for code in [*range(0x80, 0xD800), *range(0xE000, 0x10000), 0x1F44D]:
        ch = chr(code)
        try:
            written = ch.encode(repair_module.WHOLE_TEXT_CODEC)
        except UnicodeEncodeError:
            continue
        assert ch == "\ufffd" or (len(written) == 1 and written[0] >= 0x80), ch
