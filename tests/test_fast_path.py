"""The fast path of the repair stage (issue 8) gives the same answers as the slow one.

Each shortcut in repair.py and profile.py claims to give exactly the result of
the work it skips; these tests pin the claims:
- `find_suspect` (a character-class scan, then `_SUSPECT` only at its hits) finds
  the same span as a plain `_SUSPECT.search`;
- whenever `might_need_repair` is False, `repair` returns the text unchanged and
  with no changes; clean fixture text passes unchanged either way, and every
  damaged variant of it is seen by the first look;
- `_ftfy_sees_mojibake` answers as ftfy's own `is_bad`;
- where repair() does not call `fix_lost_characters`, it would have found nothing;
- where `_could_be_mixed_up` or `_mixup_cannot_fire` rule a mix-up out,
  `fix_codepage_mixup` indeed returns nothing;
- `_gated_runs` finds the same runs in the text's `suspect_lines` as in the whole text;
- `profile.cost`, which walks only the non-ASCII runs, gives the same float as a
  walk over every character;
- where `read_whole` reads a text back whole, `repair` and `fix_text` give exactly
  what the run-by-run step gives (text and changes), and it does so for nearly every
  cp1252-damaged German paragraph.
"""

from __future__ import annotations

import importlib
import itertools
import re
import sys
from pathlib import Path

import ftfy.badness
import pytest
from hypothesis import given
from hypothesis import strategies as st

from umlautfix.charmaps import CONTINUATION_CHARS, STRONG_LEAD_CHARS
from umlautfix.profile import _add_cost, cost

repair_module = importlib.import_module("umlautfix.repair")  # the package exports a function of that name
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import corrupt  # noqa: E402  (the benchmarks' damage functions)

# Characters the first look treats differently: ASCII with and without a role ("?", "&",
# letters, space), the letters it never stops at (äöüß), German typography it stops at
# only in some places, emoji, and characters of mojibake, mix-ups and lost text.
GERMAN_TYPOGRAPHY = "ÄÖÜ€„“”‚‘’–—…»«°§²³×·\u00a0"
INTERESTING = (
    "aeZt ?&#;1.\n"
    + "äöüß"
    + GERMAN_TYPOGRAPHY
    + "👍☕→éÃÂâ¤¼Ÿ™ñØÓıš\x85\x9a\ufffdÄƒƑ─ÅĂÿ±"
    + STRONG_LEAD_CHARS
    + CONTINUATION_CHARS[:48]
)
interesting_text = st.text(alphabet=st.sampled_from(sorted(set(INTERESTING))), max_size=24)


def suspect_span(text: str, pos: int = 0) -> tuple[int, int] | None:
    """The slow first look: one search with the detailed pattern."""
    match = repair_module._SUSPECT.search(text, pos)
    return None if match is None else match.span()


def german_paragraphs() -> list[str]:
    paths = sorted((ROOT / "fixtures" / "text" / "de").glob("*.txt"))
    return [line for path in paths for line in path.read_text("utf-8").splitlines() if line.strip()]


def other_paragraphs() -> list[str]:
    paths = sorted((ROOT / "fixtures" / "text" / "other").glob("*.txt"))
    return [line for path in paths for line in path.read_text("utf-8").splitlines() if line.strip()]


# --- the first look -------------------------------------------------------------------------

FIRST_LOOK_CASES = [
    # (text, expected span, why) -- spans counted by hand
    ("Grüße aus Köln", None, "umlauts and ß alone are no reason to look"),
    ("Preis: 5 € „netto“ – Mo–Fr", None, "typography between spaces and words"),
    ("Frage? Antwort!", None, "a question mark before a space"),
    ("Gr??e", (2, 5), "lost characters between letters: '??e'"),
    ("?bel", (0, 2), "a lost character starting a word"),
    ("AT&amp;T", (2, 7), "an HTML entity"),
    ("kÃ¤mpfen", (1, 3), "a mojibake pair"),
    ("Gruß“", (3, 5), "ß before a closing quote reads as a cp1252 pair"),
    ("Gr”áe", (2, 3), "punctuation wedged between letters"),
    ("GÜttingen", (1, 2), "a capital umlaut after a letter and before a small one"),
    ("mu§ sein", (2, 3), "a symbol glued to a word"),
    ("Café", (3, 4), "é at the end of a word is a letter German words do not end with"),
    ("Datei → Optionen", (6, 7), "an arrow: outside the characters German mojibake is made of"),
    ("Daumen 👍 hoch", None, "an emoji on its own"),
    ("m² Fläche", None, "a superscript after a word, before a space"),
    (" ²x", (1, 2), "a superscript starting a word"),
    ("Wie geht's? Gut & schnell: Gr??e", (29, 32), "ASCII: past a '?' and an '&' that start nothing"),
    ("R&amp;D", (1, 6), "ASCII: an entity"),
    ("Fragen? Antworten!", None, "ASCII: a question mark before a space"),
]


@pytest.mark.parametrize(("text", "expected", "why"), FIRST_LOOK_CASES)
def test_find_suspect_cases(text: str, expected: tuple[int, int] | None, why: str) -> None:
    assert repair_module.find_suspect(text) == expected, why
    assert suspect_span(text) == expected, why  # the table agrees with the detailed pattern itself


def test_find_suspect_equals_the_detailed_pattern_on_all_short_strings() -> None:
    """Every string of up to two characters from a wide alphabet, at every start."""
    alphabet = sorted(set(INTERESTING))
    for size in (1, 2):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            for pos in range(size + 1):
                assert repair_module.find_suspect(text, pos) == suspect_span(text, pos), (text, pos)


@given(st.text(alphabet="aZ ?&#;1x\n.", max_size=30), st.integers(min_value=0, max_value=30))
def test_find_suspect_equals_the_detailed_pattern_in_ascii(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    assert repair_module.find_suspect(text, pos) == suspect_span(text, pos)


@given(interesting_text, st.integers(min_value=0, max_value=24))
def test_find_suspect_equals_the_detailed_pattern(text: str, pos: int) -> None:
    pos = min(pos, len(text))
    assert repair_module.find_suspect(text, pos) == suspect_span(text, pos)
    assert repair_module.might_need_repair(text) == (suspect_span(text) is not None)


@given(interesting_text)
def test_no_suspect_means_unchanged(text: str) -> None:
    if not repair_module.might_need_repair(text):
        result = repair_module.repair(text)
        assert result.text == text
        assert result.changes == []
        assert result.unresolved == []


def test_clean_fixtures_pass_and_every_damaged_variant_is_seen() -> None:
    """Clean paragraphs come back unchanged whether or not the first look stops at
    them; every damaged paragraph that differs from what a perfect repair gives
    (not only in characters its code page could not hold) is seen by the first look."""
    paragraphs = german_paragraphs()
    for paragraph in paragraphs + other_paragraphs():
        result = repair_module.repair(paragraph)
        assert result.text == paragraph
        assert result.changes == []
    for name, damage in corrupt.CORRUPTIONS.items():
        for paragraph in paragraphs[::8]:
            damaged = damage(paragraph)
            if damaged != corrupt.expected(name, paragraph):
                assert repair_module.might_need_repair(damaged), (name, damaged[:80])


# --- ftfy's first test ----------------------------------------------------------------------

BADNESS_CASES = [
    ("Grüße aus Köln, 5 € „netto“", False, "clean German"),
    ("kÃ¤mpfen", True, "cp1252 mojibake"),
    ("Café Schöne", False, "a loan word"),
    ("plain ASCII", False, "no non-ASCII character"),
    ("â€ž", True, "a mojibake quotation mark"),
]


@pytest.mark.parametrize(("text", "expected", "why"), BADNESS_CASES)
def test_ftfy_sees_mojibake_cases(text: str, expected: bool, why: str) -> None:
    assert repair_module._ftfy_sees_mojibake(text) is expected, why
    assert ftfy.badness.is_bad(text) is expected, why


badness_alphabet = sorted(
    set("ab Z.,?!\n") | set(INTERESTING) | set("ÃÂÎÐ€œŠš¢£Ÿž\xa0\xad®©°·»–—´×²³ØÙà√≈‚ÄâóвЂГўВРСβΒΓΞΟā")
)


@given(st.text(alphabet=st.sampled_from(badness_alphabet), max_size=12))
def test_ftfy_sees_mojibake_equals_is_bad(text: str) -> None:
    assert repair_module._ftfy_sees_mojibake(text) == ftfy.badness.is_bad(text)


LONE_TRIGGER = re.compile(f"[{repair_module.FTFY_LONE_TRIGGERS}]")
ASCII_NEIGHBOURS = ("", "a", "A", " ", "1", ".", "_", "\n", "aa", "AA", "a ", " a")


def test_ftfy_pattern_needs_two_adjacent_non_ascii_or_a_lone_trigger() -> None:
    """The claims `_ftfy_sees_mojibake` rests on, checked against ftfy's pattern itself:
    a character standing alone among ASCII matches only if it is a lone trigger (every
    character up to U+2FFF and the fullwidth forms, with ASCII neighbours of each kind
    its classes name), and two characters of the pattern with ASCII between never match."""
    badness = ftfy.badness.BADNESS_RE
    alone = [chr(cp) for cp in [*range(0x80, 0x3000), *range(0xFF00, 0xFFF0)]]
    for ch in alone:
        if LONE_TRIGGER.match(ch):
            continue
        for left in ASCII_NEIGHBOURS:
            for right in ("", "a", " ", ".", "1"):
                assert badness.search(left + ch + right) is None, repr(left + ch + right)
    named = sorted({ch for ch in badness.pattern if ch >= "\x80" and not LONE_TRIGGER.match(ch)})
    for first in named:
        for second in named:
            for between in ("a", " ", ".", "1"):
                for tail in ("", "a"):
                    assert badness.search(first + between + second + tail) is None, first + between + second


def test_ftfy_longest_match() -> None:
    parsed = re._parser.parse(ftfy.badness.BADNESS_RE.pattern, ftfy.badness.BADNESS_RE.flags)  # type: ignore[attr-defined]
    assert parsed.getwidth()[1] <= repair_module.FTFY_LONGEST_MATCH


def test_ftfy_sees_mojibake_equals_is_bad_on_damaged_fixtures() -> None:
    for paragraph in german_paragraphs()[::4]:
        for damage in corrupt.CORRUPTIONS.values():
            text = damage(paragraph)
            assert repair_module._ftfy_sees_mojibake(text) == ftfy.badness.is_bad(text), text[:80]


# --- the mix-up precheck --------------------------------------------------------------------

COULD_BE_MIXED_UP_CASES = [
    ("Grüße aus Köln", True, "every code page of the list holds ü, ß, ö"),
    ("Daumen 👍 hoch für Köln", False, "an emoji is in no 8-bit code page"),
    ("Datei → Optionen", False, "nor is an arrow"),
    ("Trainer Ömer Yıldız", True, "cp850 holds the dotless ı"),
    ("\x1a Köln", True, "U+001A: ftfy's sloppy codecs do not encode it, the mix-up step may still try them"),
]


@pytest.mark.parametrize(("text", "expected", "why"), COULD_BE_MIXED_UP_CASES)
def test_could_be_mixed_up_cases(text: str, expected: bool, why: str) -> None:
    assert repair_module._could_be_mixed_up(text) is expected, why


def test_mixup_prechecks_never_hide_a_mixup() -> None:
    """Where the prechecks say no mix-up can be taken, the mix-up step takes none:
    on clean paragraphs (German and other languages), on every mix-up of German
    paragraphs, and on the other damage kinds."""
    texts = german_paragraphs()[::3] + other_paragraphs()[::3]
    for damage in corrupt.CORRUPTIONS.values():
        texts += [damage(p) for p in german_paragraphs()[::16]]
    skipped = 0
    for text in texts:
        if not repair_module._could_be_mixed_up(text) or repair_module._mixup_cannot_fire(text):
            skipped += 1
            assert repair_module.fix_codepage_mixup(text) == [], text[:80]
    assert skipped > len(texts) // 2  # the precheck does spare most texts the decision


def test_mixup_taken_where_it_should_be() -> None:
    """The prechecks leave real mix-ups to the mix-up step ("Gr”áe" is "Größe" saved
    as cp850, opened as cp1252)."""
    assert not repair_module._mixup_cannot_fire("Gr”áe")
    assert repair_module.fix_text("Gr”áe") == "Größe"


def _sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if s]


LEXICON_MIXUP_CASES = [
    # (text, expected repair, why)
    ("HÜrspiel", "Hörspiel", "Mac Roman opened as cp850: one word the lexicon confirms"),
    ("Gr”áe", "Größe", "cp850 opened as cp1252"),
    ("Wir überlegen, zwei Module à 400 Watt an den Balkon zu hängen.", None, "clean: à stays"),
    ("Trainer Björn Østergaard getrennt.", None, "clean: a Danish name stays"),
]


@pytest.mark.parametrize(("text", "expected", "why"), LEXICON_MIXUP_CASES)
def test_lexicon_mixup_cases(text: str, expected: str | None, why: str) -> None:
    assert repair_module.fix_text(text) == (text if expected is None else expected), why


def test_lexicon_step_skips_only_pairs_without_a_german_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_mixup_confirmed_by_lexicon` skips a code-page pair that turns none of the text's
    characters into a German letter: it gives the same answer as without that skip, on
    short texts (sentences, clean and mixed up, German and other languages)."""
    texts = _sentences(german_paragraphs()[::2]) + _sentences(other_paragraphs()[::2])
    mixups = [damage for name, damage in corrupt.CORRUPTIONS.items() if name.startswith("saved-")]
    texts += [damage(s) for damage in mixups for s in _sentences(german_paragraphs()[::24])]
    words = sorted({w for p in german_paragraphs()[::4] for w in p.split() if not w.isascii()})[::6]
    texts += [damage(w) for damage in mixups for w in words]  # single words: ß and capital umlauts too
    cases = []
    for text in texts:
        runs = list(repair_module._NON_ASCII_RUN.finditer(text))
        if runs:
            cases.append((text, runs, {ch for m in runs for ch in m.group()}))
    fast = [repair_module._mixup_confirmed_by_lexicon(text, runs, chars) for text, runs, chars in cases]
    every_character = frozenset(map(chr, range(0x80, 0x10000)))  # no pair is skipped for this test
    monkeypatch.setattr(repair_module, "_mixup_german_sources", lambda opened, saved: every_character)
    slow = [repair_module._mixup_confirmed_by_lexicon(text, runs, chars) for text, runs, chars in cases]
    assert fast == slow
    assert sum(bool(found) for found in slow) >= 10  # the mixed-up sentences do give repairs to compare


# --- the lost-character gate ----------------------------------------------------------------

LOST_GATE_CASES = [
    ("Wie geht es dir? Gut.", False, "a question mark before a space"),
    ("Gr??e", True, "lost characters before a letter"),
    ("f\ufffdr", True, "a replacement character"),
    ("Wei? jemand", False, "a lost ß at a word end alone: restored only beside damage inside a word"),
]


@pytest.mark.parametrize(("text", "opens", "why"), LOST_GATE_CASES)
def test_lost_gate_cases(text: str, opens: bool, why: str) -> None:
    gate_open = "\ufffd" in text or repair_module._LOST_BEFORE_LETTER.search(text) is not None
    assert gate_open is opens, why
    if not opens:
        assert repair_module.fix_lost_characters(text) == ([], []), why


def test_lost_gate_never_hides_a_restoration() -> None:
    """Where repair() does not call fix_lost_characters (no U+FFFD, no "?" before a
    letter), fix_lost_characters would find nothing: on German and other paragraphs,
    with words cut short by a trailing "?" as well."""
    texts = german_paragraphs() + other_paragraphs()
    texts += [p.replace("ß ", "? ").replace("ö ", "? ") for p in german_paragraphs()]
    for text in texts:
        if "\ufffd" not in text and repair_module._LOST_BEFORE_LETTER.search(text) is None:
            assert repair_module.fix_lost_characters(text) == ([], []), text[:80]


# --- the scorer -----------------------------------------------------------------------------


def reference_cost(text: str) -> float:
    """profile.cost as one walk over every character (the way it was first written):
    cost walks only the non-ASCII runs and their neighbours and must add the same."""
    return _add_cost(text, 0, len(text), 0.0)


@given(st.text(alphabet=st.sampled_from(sorted(set(INTERESTING + "ЖαÀ\u2009"))), max_size=40))
def test_cost_equals_the_walk_over_every_character(text: str) -> None:
    assert cost(text) == reference_cost(text)  # the same float, not just close


def test_cost_equals_the_walk_on_fixture_files() -> None:
    text = "\n".join(german_paragraphs())
    for variant in (text, corrupt.CORRUPTIONS["utf8-as-cp1252"](text), corrupt.CORRUPTIONS["upper-cased"](text)):
        assert cost(variant) == reference_cost(variant)


# --- The whole text read back at once (`read_whole`) ------------------------------------

# (text, expected reading or None, why) -- expected values written by hand
READ_WHOLE_CASES = [
    ("Im Ukrainekrieg kÃ¤mpfen Nordkoreaner", "Im Ukrainekrieg kämpfen Nordkoreaner", "one run"),
    ("â€žSchÃ¶n!â€œ, sagt sie. GrÃ¼ÃŸe", "„Schön!“, sagt sie. Grüße", "quotes and letters"),
    ("Ãœber die BrÃ¼cke", "Über die Brücke", "a capital at a word start"),
    ("FÃœR die GrÃ¶ÃŸe", "FÜR die Größe", "capitals decoded as capitals"),
    ("CafÃ© und KÃ¤se", "Café und Käse", "é vouched for by ä through the same code page"),
    ("CafÃ© au lait", None, "é alone is no evidence of mojibake: the step decides"),
    ("FÃ¼R", None, "a small letter before a capital: the step may re-case it"),
    ("GRÃ¶SSE", None, "after two capitals"),
    ("lÃ„nge", "lÄnge", "a capital after a small letter stays one: the step reads it so too"),
    ("AB-Ã¤", None, "a small letter in a word whose other letters are all caps: the step may make it a capital"),
    ("ZÃ¤Ã¤Ã¤", None, "the same: 'Ã' is a capital, so the mojibake word is all caps"),
    ("ÃŸâ€ža", None, "read again, the reading is UTF-8 once more: more layers"),
    ("â‚¬Ã¶â€ža", None, "the step reads another layer here, through Mac Roman, depending on the neighbours"),
    ("Ã¤aÃ¤Ã˜Ã¸", None, "ftfy goes on from the reading ('Øø'), and the step weighs that"),
    ("GÃ³Ã°an dag, hvar hÃŠgt er", None, "Icelandic through iso-8859-15: 'Š' there is 'æ', a reading as cheap"),
    ("YÄ±ldÄ±z fÃ¤hrt", "Yıldız fährt", "ı would be I in an all-caps word; small letters show this is none"),
    ("YÄ±LDIZ fÃ¤hrt", None, "in an all-caps word the step reads ı as I"),
    ("ZWEI MODULE Ã\u00a0 400 EURO, FÃœR", None, "a letter alone in an all-caps line"),
    ("zwei Module Ã\u00a0 400 Euro, fÃ¼r", "zwei Module à 400 Euro, für", "alone, in a line with small letters"),
    ("GrÃ¼\ufffde", None, "U+FFFD: the lost-character step decides"),
    ("kÃ¤mpfen und kämpfen", None, "clean and broken in one text: not one reading"),
    ("ÃƒÂ¤hnlich", None, "two layers: the step peels them"),
    ("Grüße aus Köln", None, "clean text is no UTF-8 through cp1252"),
]


@pytest.mark.parametrize(("text", "expected", "why"), READ_WHOLE_CASES)
def test_read_whole_cases(text: str, expected: str | None, why: str) -> None:
    assert repair_module.read_whole(text) == expected, why


def _run_by_run(monkeypatch: pytest.MonkeyPatch, text: str) -> object:
    with monkeypatch.context() as patched:
        patched.setattr(repair_module, "read_whole", lambda _text: None)
        return repair_module.repair(text)


def test_read_whole_gives_what_the_run_by_run_step_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    paragraphs = german_paragraphs()
    documents = paragraphs + other_paragraphs() + ["\n".join(paragraphs[i : i + 7]) for i in range(0, 140, 7)]
    fired = differ = 0
    for document in documents:
        for damage in corrupt.CORRUPTIONS.values():
            text = damage(document)
            if repair_module.read_whole(text) is None:
                continue
            fired += 1
            fast, slow = repair_module.repair(text), _run_by_run(monkeypatch, text)
            if (fast.text, fast.changes) != (slow.text, slow.changes) or repair_module.fix_text(text) != slow.text:
                differ += 1
    assert fired > 600  # it is worth having (cp1252, cp1254 and latin-1 mojibake of most paragraphs)
    assert differ == 0


# Clean text of German letters, typography, letters of other languages, the characters of
# mojibake themselves, capitals and small letters, symbols and line ends: read as cp1252 and
# then re-cased, it meets every check `read_whole` makes.
WHOLE_TEXT_PIECES = [*"aeinrstZUDE äöüßÄÖÜ„“”–€éàçñøØšşıæÊðþÞÃÂŒœ→😀\n.,1?&-\u00a0", "AB", "ab", "Ã¤", "ÃŸ"]


@given(st.lists(st.sampled_from(WHOLE_TEXT_PIECES), max_size=40).map("".join), st.sampled_from(["", "upper", "lower"]))
def test_read_whole_equals_the_step_on_generated_text(clean: str, recase: str) -> None:
    text = corrupt.as_mojibake(clean)
    text = getattr(text, recase)() if recase else text
    if repair_module.read_whole(text) is None:
        return
    slow = _run_by_run(pytest.MonkeyPatch(), text)
    fast = repair_module.repair(text)
    assert (fast.text, fast.changes) == (slow.text, slow.changes)
    assert repair_module.fix_text(text) == slow.text


@pytest.mark.parametrize(
    "text",
    ["â€ž?ra", "ZÃ¤Ã¤Ã¤", "Ã¤aÃ¤Ã˜Ã¸", "â‚¬Ã¶â€ža", "ÃŸâ€ža", "€ Ã¼ber", "Ãœber â€žAlles"],
)
def test_fix_text_equals_repair(text: str) -> None:
    """fix_text takes the whole reading without listing changes, then goes on as repair() does
    ("„?ra": the lost-character step still runs after it)."""
    assert repair_module.fix_text(text) == repair_module.repair(text).text


def test_read_whole_reads_nearly_every_cp1252_paragraph() -> None:
    paragraphs = german_paragraphs()
    read = sum(repair_module.read_whole(corrupt.as_mojibake(p)) == p for p in paragraphs)
    assert read >= 0.97 * len(paragraphs)


# --- Gated runs lie in suspect lines -------------------------------------------------------


def gated_runs_in(text: str, lines: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    return list(repair_module._gated_runs(text, lines))


# (text, why) -- each has a gated run; its line must be a suspect line
GATE_CASES = [
    ("gemäß Ä± x", "a C4 pair of cp1252"),
    ("so ä± klein", "the same, lower-cased"),
    ("Zeile\nƒä Text", "a C4 pair of Mac Roman, continued by a German letter"),
    ("A─┐B", "a C4 pair of cp850"),
    ("Ã\u00a0x", "a strong pair"),
    ("BÅ und", "a lead before a space: a lost non-breaking space"),
    ("x\x85y", "a C1 control"),
]


@pytest.mark.parametrize(("text", "why"), GATE_CASES)
def test_gate_cases_lie_in_suspect_lines(text: str, why: str) -> None:
    runs = gated_runs_in(text, None)
    assert runs, why
    assert gated_runs_in(text, repair_module.suspect_lines(text)) == runs, why


def test_gemaess_is_no_gate() -> None:
    assert gated_runs_in("Er handelt gemäß der Regel.", None) == []  # "äß" is a pair of no code page


@given(interesting_text)
def test_gated_runs_lie_in_suspect_lines(text: str) -> None:
    assert gated_runs_in(text, repair_module.suspect_lines(text)) == gated_runs_in(text, None)


def test_gated_runs_lie_in_suspect_lines_on_damaged_fixtures() -> None:
    for paragraph in german_paragraphs()[::4]:
        for damage in corrupt.CORRUPTIONS.values():
            text = damage(paragraph)
            assert gated_runs_in(text, repair_module.suspect_lines(text)) == gated_runs_in(text, None), text[:60]


def test_cased_blocks_hold_every_letter_that_is_recased() -> None:
    everything = (chr(cp) for cp in range(0x80, 0x110000) if not 0xD800 <= cp < 0xE000)
    recased = {ch for ch in everything if ch != "ß" and len(ch.upper()) == 1 and ch.upper() != ch}
    assert recased == set(repair_module.recased_letters())
