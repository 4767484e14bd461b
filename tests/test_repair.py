"""The repair stage: tables of damage it undoes, clean text it leaves alone, and
damage it reports but leaves, each with the Change records it gives.

The tables are data (fixtures/repair/*.json: input, expected, changes as
[start, end, before, after, reason fragment], why); the expected values were
worked out by hand from the damage, offsets counted in the input.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import ftfy
import pytest

import umlautfix
from umlautfix.repair import Change, apply_changes, compose

TABLES = Path(__file__).resolve().parent.parent / "fixtures" / "repair"


def table(name: str) -> list[Any]:
    rows = json.loads((TABLES / f"{name}.json").read_text("utf-8"))
    return [pytest.param(row, id=row["why"][:60]) for row in rows]


@pytest.mark.parametrize("row", table("positive"))
def test_damage_is_repaired(row: dict[str, Any]) -> None:
    result = umlautfix.repair(row["input"])
    assert result.text == row["expected"]
    assert umlautfix.fix_text(row["input"]) == row["expected"]
    got = [(c.start, c.end, c.before, c.after) for c in result.changes]
    assert got == [tuple(c[:4]) for c in row["changes"]]
    for change, (*_, reason) in zip(result.changes, row["changes"], strict=True):
        assert reason in change.reason
        assert row["input"][change.start : change.end] == change.before
    assert apply_changes(row["input"], result.changes) == result.text
    assert result.unresolved == []


@pytest.mark.parametrize("row", table("positive"))
def test_repair_is_idempotent(row: dict[str, Any]) -> None:
    once = umlautfix.fix_text(row["input"])
    again = umlautfix.repair(once)
    assert again.text == once
    assert again.changes == []


@pytest.mark.parametrize("row", table("negative"))
def test_clean_text_is_left_alone(row: dict[str, Any]) -> None:
    result = umlautfix.repair(row["input"])
    assert result.text == row["input"]
    assert result.changes == []
    assert result.unresolved == []


@pytest.mark.parametrize("row", table("unresolved"))
def test_ambiguous_damage_is_reported_not_guessed(row: dict[str, Any]) -> None:
    result = umlautfix.repair(row["input"])
    assert result.text == row["expected"]
    start, end = row["span"]
    reported = [u for u in result.unresolved if (u.start, u.end) == (start, end)]
    assert len(reported) == 1
    assert reported[0].before == reported[0].after == row["input"][start:end]
    assert row["reason"] in reported[0].reason
    assert all(c.end <= start or c.start >= end for c in result.changes)


# --- ftfy's fix_text defaults that umlautfix keeps off ----------------------------------
# Each input is one ftfy.fix_text changes (checked first, so the input really
# exercises the step) and umlautfix must leave as it is.
KEPT_OFF = [
    ("uncurl_quotes", "Er sagte “Hallo” und ‘tschüss’."),
    ("fix_line_breaks", "Erste Zeile\r\nzweite Zeile\r\n"),
    ("fix_latin_ligatures", "Sie ﬁnden die Auﬂage im Regal."),
    ("normalization (NFC)", "Gru\u0308ße aus Mu\u0308nchen"),
    ("fix_character_width", "Ｇｒöße ＸＬ"),
    ("unescape_html", "Fish &amp; Chips f&uuml;r 5 &euro;"),
]


@pytest.mark.parametrize(("step", "text"), KEPT_OFF, ids=[step for step, _ in KEPT_OFF])
def test_ftfy_defaults_we_keep_off_are_off(step: str, text: str) -> None:
    assert ftfy.fix_text(text) != text, f"the input does not exercise ftfy's {step}"
    assert umlautfix.fix_text(text) == text


def test_nfd_stays_nfd() -> None:
    text = unicodedata.normalize("NFD", "Grüße aus München, Ärger über Öl")
    assert umlautfix.fix_text(text) == text


# --- switches --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "switch", "expected"),
    [
        ("f&Atilde;&frac14;r", "entities", "f&Atilde;&frac14;r"),
        ("fÃ¼r", "mojibake", "fÃ¼r"),
        ("Das ist ein H÷rspiel.", "mixups", "Das ist ein H÷rspiel."),
        ("Gr??e", "lost", "Gr??e"),
        ("\u0084Hallo\u0093", "use_ftfy", "\u0084Hallo\u0093"),
    ],
)
def test_each_step_can_be_switched_off(text: str, switch: str, expected: str) -> None:
    assert umlautfix.repair(text, **{switch: False}).text == expected
    assert umlautfix.repair(text).text != text


# --- composing the changes of two steps -------------------------------------------------


def test_compose_maps_second_step_back_to_the_input() -> None:
    text = "AB&x;CD"
    first = [Change(2, 5, "&x;", "Ã¤", "entity")]  # text becomes "ABÃ¤CD"
    second = [Change(2, 4, "Ã¤", "ä", "mojibake"), Change(5, 6, "D", "E", "other")]
    combined = compose(text, first, second)
    assert combined == [Change(2, 5, "&x;", "ä", "entity; mojibake"), Change(6, 7, "D", "E", "other")]
    assert apply_changes(text, combined) == "ABäCE"


def test_unresolved_offsets_point_into_the_input() -> None:
    # the entity before the ambiguous word shifts the repaired text by 14 characters
    text = "f&Atilde;&frac14;r die F?hre"
    result = umlautfix.repair(text)
    assert result.text == "für die F?hre"
    (report,) = result.unresolved
    assert text[report.start : report.end] == "F?hre"


# --- idempotence: what a first pass makes, a second pass leaves ---------------------------
# (damaged input, what the first pass gives, why the second pass once changed it)
IDEMPOTENT = [
    (
        "u\ufffd€\x9e",
        "uß€ž",
        "fuzz.py, minimised: the lost character is restored as ß and \\x9e read as cp1252 ž; the second pass "
        "took the restored 'ß€' for UTF-8 (bytes DF 80) and made it NKo '߀'",
    ),
]


@pytest.mark.parametrize(("text", "once", "why"), IDEMPOTENT, ids=[why[:40] for *_, why in IDEMPOTENT])
def test_second_pass_changes_nothing(text: str, once: str, why: str) -> None:
    assert umlautfix.fix_text(text) == once
    again = umlautfix.repair(once)
    assert again.text == once, why
    assert again.changes == []


# Short texts beside the guards that keep the clean short texts of negative.json unchanged
# (a quotation mark at a word's edge, a loan-word letter, a re-cased symbol, ftfy's short
# readings): these still carry enough evidence and are repaired.
SHORT_BUT_EVIDENT = [
    ("Wir m”chten das", "Wir möchten das", "a quotation mark between two letters: cp850 ö read as cp1252"),
    ("”ffnen Sie", "öffnen Sie", "a quotation mark at a word's edge making a known word of four letters or more"),
    ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет", "a whole word of another script: more than three characters"),
    ("z.Â B. das", "z.\u00a0B. das", "'Â ' as a lost non-breaking space in a line with four letters besides"),
    ("cafÃ©", "café", "© after a letter is a symbol no text writes there: ftfy's short reading stands"),
    ("HÜrspiel", "Hörspiel", "a mix-up making a German letter in a word the lexicon knows"),
    ("Â»JaÂ«", "»Ja«", "ftfy drops the lead 'Â' before a guillemet: what it yields (») is German typography"),
    ("Es ist 21Â°C", "Es ist 21°C", "the same for a degree sign"),
    ("Stern â˜… da", "Stern ★ da", "a symbol's mojibake holding a modifier (˜), not letters only"),
    ("Haken: âœ“ erledigt", "Haken: ✓ erledigt", "a symbol's mojibake holds punctuation (“), not letters only"),
    ("Er sagte ÒMÜglichkeitÊ dazu", "Er sagte „Möglichkeit“ dazu", "a mix-up that gives a word its natural case back"),
    # beside the ftfy veto of a lone lead at a word's start ("Â (", "A Â»", "Acheté Âœ", "Ã (")
    ("Er sagte Â»Hallo", "Er sagte »Hallo", "a lone 'Â' before an opening guillemet that opens a word"),
    ("Das kostet Â€ 5", "Das kostet € 5", "a lone 'Â' before a euro sign (C1 byte 80), which stands alone"),
    ("Er sagte Â„HalloÂ“", "Er sagte „Hallo“", "C1 quotation marks: the second 'Â' is glued, the line shows the first"),
    ("Le cÂœur Ã©tait", "Le cœur était", "'Â' glued before œ (C1 byte 9C), with other mojibake in the line"),
    ("Â»Hallo Â« sagte er", "»Hallo « sagte er", "an opening 'Â»' before a word is evidence for a lone 'Â«' after"),
    ("Zwei Module Ã 400 Watt", "Zwei Module à 400 Watt", "'Ã' with a lost A0 byte is 'à' before a number"),
    ("Berlin ‚Üí München", "Berlin → München", "Mac Roman letters and a quote read as an arrow: German text uses it"),
    # beside the lexicon's ß before a vowel ("Aáe" is no "Aße", for "Asse")
    ("Stra·e", "Straße", "cp850 ß read as Mac Roman ·: the lexicon writes 'Straße' with ß"),
    ("mu·", "muß", "a ß at a word's end (the old spelling of 'muss') still counts through the lexicon's fold"),
]


@pytest.mark.parametrize(
    ("text", "expected", "why"), SHORT_BUT_EVIDENT, ids=[why[:40] for *_, why in SHORT_BUT_EVIDENT]
)
def test_short_text_with_evidence_is_repaired(text: str, expected: str, why: str) -> None:
    assert umlautfix.fix_text(text) == expected
