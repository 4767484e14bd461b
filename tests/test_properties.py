"""Property tests for the invariants of DESIGN.md (issue 9).

1. Clean text passes unchanged: German and ten other languages, as text and as
   UTF-8 bytes (the pipeline keeps line endings and a BOM byte for byte).
2. Idempotent: `fix_text(fix_text(x)) == fix_text(x)` for any string.
3. Nothing lost silently: every change is reported (replaying `Repair.changes`
   on the input gives the output; outside the changes the text is untouched),
   and decoding never drops bytes without a trace.
Also: `fix_text(mojibake(x)) == x` for German sentences across the code pages
the repair stage handles, and no exception for any str or bytes.

Determinism (invariant 5) is in test_determinism.py; catastrophic backtracking
in test_regex_safety.py; the 10^5-input fuzz run is benchmarks/fuzz.py.
The number of examples comes from the hypothesis profile (tests/conftest.py).

A failing property is a finding: its minimal counterexample is kept below as a
plain regression case (the `REGRESSIONS_*` tables), so it is seen on every run.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import warnings
from functools import cache
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs)
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from invariants import TooSlow, ascii_alnum_kept, ascii_transparent, cpu_limit, skeleton

import umlautfix
from umlautfix.detect import BinaryInputError, UndecodableBytesWarning
from umlautfix.pipeline import LineChange, Segment, Watcher
from umlautfix.repair import Change, apply_changes

TEXT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"

# --- alphabets and words ---------------------------------------------------------------

# Lower-case letters beyond ASCII, per language (upper case is derived per word).
EXTRA_LETTERS: dict[str, str] = {
    "de": "äöüß",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "pt": "áâãàçéêíóôõú",
    "es": "áéíóúüñ",
    "tr": "çğıöşü",
    "is": "áðéíóúýþæö",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "da": "æøå",
    "sv": "åäöé",
    "nl": "éëïèóöü",
}
# Upper-case letters that str.upper() of the lower-case ones does not produce.
EXTRA_CAPITALS: dict[str, str] = {"tr": "İ"}
# Punctuation each language's clean text uses; "?" and "!" are followed by a space.
PUNCTUATION: dict[str, tuple[str, ...]] = {
    "de": (" „", "“ ", " »", "« ", " – ", " €", " € ", "€ "),
    "fr": (" « ", " » ", " – "),
    "pt": (" «", "» ", " – "),
    "es": (" ¿", " ¡", " «", "» "),
    "tr": (" – ", " “", "” "),
    "is": (" „", "“ ", " – "),
    "pl": (" „", "” ", " – ", " «", "» "),
    "cs": (" „", "“ ", " – ", " »", "« "),
    "da": (" „", "“ ", " »", "« ", " – "),
    "sv": (" ”", "” ", " »", "» ", " – "),
    "nl": (" „", "” ", " ‘", "’ ", " – ", " €"),
}
SEPARATORS: tuple[str, ...] = (
    " ",
    " ",
    " ",
    ", ",
    ". ",
    "; ",
    ": ",
    "! ",
    "? ",
    "\n",
    ".\n",
    " (",
    ") ",
    " - ",
    "\n\n",
)

# The code pages UTF-8 is mistakenly read as, that the repair stage undoes (DESIGN.md, README).
MOJIBAKE_CODECS: tuple[str, ...] = (
    "sloppy-windows-1252",
    "latin-1",
    "sloppy-windows-1254",
    "iso-8859-15",
    "sloppy-windows-1250",
    "mac_roman",
    "cp850",
    "cp437",
)

_WORD = re.compile(r"[^\W\d_]+")


@cache
def fixture_words(language: str) -> tuple[str, ...]:
    """The words of our own fixture paragraphs in `language` (sorted, for reproducible draws)."""
    directory = TEXT_FIXTURES / ("de" if language == "de" else "other")
    paths = sorted(directory.glob("*.txt")) if language == "de" else [directory / f"{language}.txt"]
    words = {w for path in paths for w in _WORD.findall(path.read_text("utf-8"))}
    return tuple(sorted(words))


@cache
def german_umlaut_words() -> tuple[str, ...]:
    return tuple(w for w in fixture_words("de") if any(c in "äöüÄÖÜß" for c in w))


def generated_words(language: str) -> st.SearchStrategy[str]:
    """Letter sequences from the language's alphabet, the special letters weighted up
    so that two of them often stand side by side (where mojibake pairs would be)."""
    extra = EXTRA_LETTERS[language]
    pool = list("abcdefghijklmnopqrstuvwxyz") + list(extra) * 4
    letters = st.lists(st.sampled_from(pool), min_size=1, max_size=12).map("".join)
    styled = st.tuples(letters, st.sampled_from(("lower", "capitalized", "upper"))).map(_style)
    capitals = st.tuples(st.sampled_from(EXTRA_CAPITALS.get(language, "") or ["A"]), letters).map("".join)
    return st.one_of(styled, capitals)


def _style(word_and_style: tuple[str, str]) -> str:
    word, style = word_and_style
    if style == "capitalized":
        return word[:1].upper() + word[1:]
    if style == "upper":
        return word.upper()
    return word


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**7).map(str),
        st.tuples(st.integers(0, 9999), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]:02d}"),
    )


def clean_texts(language: str) -> st.SearchStrategy[str]:
    """Word-like clean text in `language`: fixture words, generated words and numbers,
    separated by spaces, punctuation and newlines."""
    words = st.one_of(st.sampled_from(fixture_words(language)), generated_words(language), numbers())
    separators = st.sampled_from(SEPARATORS + PUNCTUATION[language])
    pieces = st.lists(st.tuples(words, separators), min_size=1, max_size=25)
    return pieces.map(lambda ps: "".join(w + s for w, s in ps).rstrip(" "))


def german_sentences() -> st.SearchStrategy[str]:
    """German sentences from fixture words with at least one umlaut or ß word, and the
    typography of German text (quotes, dash, euro sign, digits)."""
    plain = st.sampled_from(fixture_words("de"))
    umlauted = st.sampled_from(german_umlaut_words())
    separators = st.sampled_from(SEPARATORS + PUNCTUATION["de"])
    body = st.lists(st.tuples(st.one_of(plain, umlauted, numbers()), separators), max_size=12)
    return st.tuples(umlauted, separators, body).map(lambda t: (t[0] + t[1] + "".join(w + s for w, s in t[2])).strip())


def mojibake(text: str, codec: str) -> str:
    """UTF-8 bytes of `text` read as `codec`: the damage the repair stage undoes."""
    return text.encode("utf-8").decode(codec)


# Characters mojibake is made of (any code page's reading of the UTF-8 bytes of German
# letters and typography), with the usual debris of damaged text.
MOJIBAKE_DEBRIS = "".join(sorted({ch for codec in MOJIBAKE_CODECS for ch in mojibake("äöüÄÖÜß„“”–€»«é ", codec)}))
DEBRIS_ALPHABET = MOJIBAKE_DEBRIS + "aAeEfFrRsSuUzZ?\ufffd&;#x0123 \n\u00a0"


def damaged_texts() -> st.SearchStrategy[str]:
    """Text that looks like damage: mojibake debris, lost characters, entities, and
    mojibake of German sentences, lower- or upper-cased or cut short."""
    debris = st.text(alphabet=DEBRIS_ALPHABET, max_size=60)
    layered = st.tuples(german_sentences(), st.sampled_from(MOJIBAKE_CODECS), st.integers(1, 2)).map(
        lambda t: _layers(t[0], t[1], t[2])
    )
    case_changed = st.tuples(layered, st.sampled_from((str.lower, str.upper, str.swapcase))).map(lambda t: t[1](t[0]))
    cut = st.tuples(layered, st.integers(0, 200)).map(lambda t: t[0][: t[1]])
    return st.one_of(debris, layered, case_changed, cut)


def _layers(text: str, codec: str, layers: int) -> str:
    for _ in range(layers):
        text = mojibake(text, codec)
    return text


any_text = st.one_of(st.text(), damaged_texts())


# Per-call bound for the streaming pipeline: a loop that never ends must fail the
# test, not hang CI (an endless loop there also grows memory without bound).
STREAM_SECONDS = 2.0


class EndlessStream(Exception):
    """The pipeline handed over more pieces of text than the input can make."""


class SegmentRecorder(Watcher):
    """Keeps every segment of a stream with the changes reported for it.

    The pipeline reports a line's changes before it hands over the line's segment,
    so the changes seen since the last segment belong to the next one. More segments
    than twice the input's bytes (plus a few) means a loop that makes no progress:
    it stops the stream at once instead of waiting for the time bound.
    """

    def __init__(self, input_size: int) -> None:
        self.segments: list[tuple[Segment, list[LineChange]]] = []
        self._pending: list[LineChange] = []
        self._limit = 2 * input_size + 8
        self.warned = False

    def change(self, located: LineChange) -> None:
        self._pending.append(located)

    def segment(self, segment: Segment) -> None:
        self.segments.append((segment, self._pending))
        self._pending = []
        if len(self.segments) > self._limit:
            raise EndlessStream(f"over {self._limit} segments: the stream makes no progress")


def fix_file_bounded(data: bytes) -> tuple[SegmentRecorder, bytes]:
    """fix_file on in-memory streams, recording its segments and whether it warned of
    undecodable bytes (`recorder.warned`); fails with EndlessStream or TooSlow (after
    STREAM_SECONDS of CPU) rather than hang."""
    out = io.BytesIO()
    recorder = SegmentRecorder(len(data))
    with cpu_limit(STREAM_SECONDS), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        umlautfix.fix_file(io.BytesIO(data), out, watchers=[recorder])
    recorder.warned = any(issubclass(w.category, UndecodableBytesWarning) for w in caught)
    return recorder, out.getvalue()


# --- checks shared by the properties --------------------------------------------------


def assert_changes_explain(text: str, result: umlautfix.Repair) -> None:
    """Every change is reported: sorted, non-overlapping, each `before` is the input at
    its offsets, and outside the changes the output is the input, character for character."""
    pos = 0
    out_pos = 0
    for change in result.changes:
        assert isinstance(change, Change)
        assert pos <= change.start <= change.end <= len(text), f"overlapping or unsorted: {change}"
        assert text[change.start : change.end] == change.before, f"before is not the input: {change}"
        assert change.before != change.after, f"a change that changes nothing: {change}"
        assert change.reason, f"a change without a reason: {change}"
        untouched = text[pos : change.start]
        assert result.text[out_pos : out_pos + len(untouched)] == untouched, "unreported difference"
        out_pos += len(untouched)
        assert result.text[out_pos : out_pos + len(change.after)] == change.after
        out_pos += len(change.after)
        pos = change.end
    assert result.text[out_pos:] == text[pos:], "unreported difference after the last change"
    for left in result.unresolved:
        assert text[left.start : left.end] == left.before, f"unresolved span is not the input: {left}"


# --- 1. clean text passes unchanged -------------------------------------------------------


# Known limits (issue 9): clean text that is, character for character, the commonest
# mojibake of other text, with nothing around it to tell the two apart. The repair takes
# the mojibake reading (German text has it; the other languages' words do not), so the
# property leaves these texts out, and test_known_ambiguous_clean_text keeps one of each
# as a strict known failure:
# - a capital "Ã" standing as a word before another word or a number: "Ã a" is "à a"
#   whose no-break space byte (A0) was lost ("voilÃ le", "2 Module Ã 400 Watt"); no
#   Portuguese word is "ã" alone (the one-letter word is "à");
# - a word ending in "Â" or "Ã" right before a guillemet: "AÂ»" is the UTF-8 of "A»" read
#   as cp1252, the usual damage of a closing guillemet in German text ("ZitatÂ«"); "AÃ»"
#   is "Aû" so. Only generated letter sequences end a Portuguese word in "â" or "ã" there.
EXACT_MOJIBAKE = re.compile(r"(?<![^\W\d_])Ã (?=[^\W_])|(?<=[^\W\d_])[ÂÃ][»«]")


def exact_mojibake(text: str) -> bool:
    return EXACT_MOJIBAKE.search(text) is not None


@pytest.mark.parametrize("language", sorted(EXTRA_LETTERS))
def test_clean_text_is_unchanged(language: str) -> None:
    """Invariant 1, as text (repair, fix_text) and as UTF-8 bytes (fix_bytes)."""

    @given(clean_texts(language))
    def check(text: str) -> None:
        assume(not exact_mojibake(text))
        result = umlautfix.repair(text)
        assert result.text == text
        assert result.changes == []
        assert result.unresolved == []
        assert umlautfix.fix_text(text) == text
        assert umlautfix.fix_bytes(text.encode("utf-8")) == text

    check()


@given(clean_texts("de"), st.booleans(), st.booleans())
def test_clean_utf8_file_is_byte_for_byte(text: str, crlf: bool, bom: bool) -> None:
    """The pipeline (fix_file, the CLI's engine) keeps CRLF and a BOM as they are."""
    if crlf:
        text = text.replace("\n", "\r\n")
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
    recorder, output = fix_file_bounded(data)
    assert output == data
    assert all(not located for _, located in recorder.segments), "a change reported for clean text"


# --- mojibake of German text is undone ----------------------------------------------------


@pytest.mark.parametrize("codec", MOJIBAKE_CODECS)
def test_mojibake_of_german_is_undone(codec: str) -> None:
    @given(german_sentences())
    def check(text: str) -> None:
        damaged = mojibake(text, codec)
        assert umlautfix.fix_text(damaged) == text

    check()


@given(german_sentences())
def test_lower_cased_cp1252_mojibake_is_undone(text: str) -> None:
    """README: "kã¤mpfen" — mojibake that was lower-cased afterwards."""
    assert umlautfix.fix_text(mojibake(text, "sloppy-windows-1252").lower()) == text.lower()


@given(german_sentences())
def test_upper_cased_cp1252_mojibake_is_undone(text: str) -> None:
    """README: "ÃŒBER" — mojibake that was upper-cased afterwards. "ÃŸ" has no other
    case, so ß stays ß where str.upper() would write SS."""
    expected = "".join(c if c == "ß" else c.upper() for c in text)
    assert umlautfix.fix_text(mojibake(text, "sloppy-windows-1252").upper()) == expected


# --- 2. idempotence ---------------------------------------------------------------------


@given(any_text)
def test_fix_text_is_idempotent(text: str) -> None:
    once = umlautfix.fix_text(text)
    assert umlautfix.fix_text(once) == once


# --- 3. nothing lost: every change reported ---------------------------------------------------


@given(any_text)
def test_changes_replay_to_the_output(text: str) -> None:
    result = umlautfix.repair(text)
    assert apply_changes(text, result.changes) == result.text
    assert_changes_explain(text, result)


@given(any_text)
def test_fix_text_is_repair_text(text: str) -> None:
    assert umlautfix.fix_text(text) == umlautfix.repair(text).text


@given(any_text)
def test_repair_deletes_no_ascii_letters_or_digits(text: str) -> None:
    """Nothing lost: a reported change that deletes words is still a loss."""
    for change in umlautfix.repair(text).changes:
        assert ascii_alnum_kept(change.before, change.after), f"letters or digits deleted: {change}"


# --- no exception for any input ----------------------------------------------------------------


@given(any_text)
def test_no_exception_for_any_text(text: str) -> None:
    umlautfix.fix_text(text)
    umlautfix.repair(text)
    verdict = umlautfix.validate(text)
    assert verdict.verdict in ("clean", "mojibake", "lossy", "transliterated", "not_german", "too_short")
    assert 0.0 <= verdict.score <= 1.0
    for finding in verdict.findings:
        assert text[finding.start : finding.end] == finding.text


def text_like_bytes() -> st.SearchStrategy[bytes]:
    """Bytes that get past the binary check: German text in a code page, UTF-8 with
    stray high bytes, cut-off sequences, BOMs and charset declarations."""
    encoded = st.tuples(german_sentences(), st.sampled_from(("utf-8", "cp1252", "cp850", "mac_roman", "latin-1"))).map(
        lambda t: t[0].encode(t[1], errors="replace")
    )
    stray = st.tuples(
        encoded, st.binary(min_size=1, max_size=8).map(lambda b: bytes(x | 0x80 for x in b)), st.integers(0, 200)
    )
    spliced = stray.map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :])
    boms = st.sampled_from((b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE))
    declared = st.sampled_from(
        (b"", b'<meta charset="utf-8">', b'<?xml version="1.0" encoding="iso-8859-1"?>', b"<meta charset=cp850>")
    )
    return st.tuples(boms, declared, st.one_of(encoded, spliced, st.binary(max_size=80))).map(lambda t: b"".join(t))


any_bytes = st.one_of(st.binary(), text_like_bytes())


@given(any_bytes)
def test_no_exception_for_any_bytes(data: bytes) -> None:
    """BinaryInputError is the documented refusal of binary input; nothing else may escape
    (an UndecodableBytesWarning is how undecodable bytes are reported, not an error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndecodableBytesWarning)
        for function in (umlautfix.detect, umlautfix.decode, umlautfix.fix_bytes):
            with contextlib.suppress(BinaryInputError):
                function(data)


def _stream(data: bytes) -> tuple[SegmentRecorder, bytes] | None:
    try:
        return fix_file_bounded(data)
    except (BinaryInputError, UnicodeDecodeError):
        return None  # refused or undecodable: said so (whether it should is the next test)


@given(any_bytes)
def test_fix_file_reports_every_change(data: bytes) -> None:
    """The streaming pipeline: each piece of output is its input with the reported changes,
    and the output is exactly the pieces written out."""
    streamed = _stream(data)
    if streamed is None:
        return
    recorder, output = streamed
    for segment, located in recorder.segments:
        changes = [lc.change for lc in located]
        assert all(lc.line == segment.line for lc in located), "a change located outside its segment"
        for lc in located:
            start = lc.column - 1 - segment.column
            assert segment.before[start : start + len(lc.change.before)] == lc.change.before
        assert apply_changes(segment.before, changes) == segment.after
    assert recorder._pending == [], "changes reported for no segment"
    written = "".join(segment.after for segment, _ in recorder.segments)
    assert output.decode("utf-8").removeprefix("\ufeff") == written.removeprefix("\ufeff")


@given(any_bytes)
def test_fix_file_drops_no_bytes(data: bytes) -> None:
    """What the streaming decoder reads lines up with the input bytes, as for `decode`,
    and a U+FFFD it puts in for undecodable bytes comes with an UndecodableBytesWarning."""
    streamed = _stream(data)
    if streamed is None:
        return
    recorder, _ = streamed
    encoding = umlautfix.detect(data).encoding
    if not ascii_transparent(encoding):
        return
    body = data.removeprefix(codecs.BOM_UTF8) if codecs.lookup(encoding).name == "utf-8-sig" else data
    read = "".join(segment.before for segment, _ in recorder.segments).removeprefix("\ufeff")
    assert skeleton(list(body)) == skeleton([ord(c) for c in read])
    if read.count("\ufffd") > body.count("\ufffd".encode()):  # no single-byte code page holds U+FFFD
        assert recorder.warned, "U+FFFD in the stream without an UndecodableBytesWarning"


@given(any_bytes)
def test_fix_file_decodes_what_decode_decodes(data: bytes) -> None:
    """The streaming pipeline accepts every input the in-memory pipeline accepts:
    `fix_bytes` marks undecodable bytes with U+FFFD, so `fix_file` must not give up on them."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndecodableBytesWarning)
            umlautfix.fix_bytes(data)
    except BinaryInputError:
        return
    fix_file_bounded(data)


# --- 3b. nothing lost in decoding ---------------------------------------------------------------


@given(any_bytes)
def test_decode_drops_no_bytes(data: bytes) -> None:
    """Every ASCII byte survives decoding in order, and every run of high bytes becomes
    at least one character (undecodable ones at least a U+FFFD): nothing vanishes; and
    a U+FFFD put in for undecodable bytes comes with an UndecodableBytesWarning."""
    try:
        detection = umlautfix.detect(data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            text = umlautfix.decode(data)
    except BinaryInputError:
        return
    # U+FFFD that the input did not hold stands for undecodable bytes: decode must say so (detect.py)
    genuine = data.decode("utf-8" if detection.mixed else detection.encoding, "ignore").count("\ufffd")
    if text.count("\ufffd") > genuine:
        assert any(issubclass(w.category, UndecodableBytesWarning) for w in caught), "U+FFFD without a warning"
    if not ascii_transparent(detection.encoding):
        return  # UTF-16/32, EBCDIC, multi-byte Asian code pages: bytes and characters do not line up
    name = codecs.lookup(detection.encoding).name
    body = data.removeprefix(codecs.BOM_UTF8) if name == "utf-8-sig" else data
    assert skeleton(list(body)) == skeleton([ord(c) for c in text])


# A truncated UTF-8 sequence at the end, invalid bytes in UTF-8 and in an 8-bit code page:
# decoding keeps a visible trace (U+FFFD or a character) for each.
DECODE_TRACE_CASES = [
    ("Grüß".encode()[:-1], "Grü\ufffd", "the second byte of ß cut off at the end"),
    (b"Gr\xc3\xbc\xc3 aus K\xc3\xb6ln", None, "a lone lead byte inside UTF-8"),
    ("für".encode("cp1252") + b"\x81", None, "0x81 is undefined in cp1252"),
]


@pytest.mark.parametrize(("data", "expected", "why"), DECODE_TRACE_CASES)
def test_decode_leaves_a_trace(data: bytes, expected: str | None, why: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = umlautfix.decode(data)
    if "\ufffd" in text:
        assert any(issubclass(w.category, UndecodableBytesWarning) for w in caught), why
    if expected is not None:
        assert text == expected, why
    assert skeleton(list(data)) == skeleton([ord(c) for c in text]), why


# --- regressions: minimal counterexamples found by the properties above -----------------------------
# Each row: (input, expected, why). Kept as plain cases so they run on every CI run.

# Clean text that came back changed (invariant 1). Hypothesis minima and the shortest
# failing phrase of our fixture paragraphs; "why" records what the library did when found.
REGRESSIONS_CLEAN = [
    ("áž", "cs, minimal: became 'ß×' (mix-up 'saved as cp850, opened as cp1252')"),
    ("Příští", "cs fixture: became 'Př͚tí' ('íš' read as UTF-8 in cp1252, lower-cased)"),
    ("soutěži", "cs fixture: became 'sout̞i' ('ěž' read as UTF-8 in cp1250, lower-cased)"),
    ("Está más allá", "es: became 'Estß mßs allß' (mix-up 'saved as cp850, opened as cp1252')"),
    ("ññ", "es, minimal: became '§§' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("Já já", "pt: became 'Jß jß' (mix-up 'saved as cp850, opened as cp1252')"),
    ("Acheté Acheté", "fr, minimal: became 'AchetÄ AchetÄ' (mix-up 'saved as cp850, opened as mac-roman')"),
    ("publié maîtrise", "fr fixture: became 'publiÄ maötrise' (the same mix-up)"),
    ("ææ", "is, minimal: became '‘‘' (mix-up 'saved as cp1252, opened as cp850')"),
    ("þó heim.", "is fixture: became '碠 heim.' ('þó ' read as UTF-8 in cp850 with a lost no-break space)"),
    ("hâlâ vurguluyor.", "tr fixture: became 'hâl\xa0vurguluyor.' ('â ' read as a lost no-break space)"),
    ("çş", "tr, minimal: became 'ǻ' (read as UTF-8 in cp1250, lower-cased)"),
    ("ıç", "tr, minimal: became 'Շ' (read as UTF-8 in cp850)"),
    ("pół", "pl fixture: became 'pӳ' ('ół' read as UTF-8 in cp1250, lower-cased)"),
    ("Żółte", "pl fixture: became 'żӳte' (the same, and Ż lower-cased)"),
    ("så håb", "da fixture: became 'sÜ hÜb' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("«€¨", "found by idempotence: became '«۬' (read as UTF-8 in mac-roman)"),
    ("áň", "cs, minimal (full profile): became 'ß‗' (mix-up 'saved as cp850, opened as cp1250')"),
    ("catalán catalán", "es: became 'catalßn catalßn' (mix-up 'saved as cp850, opened as cp1252')"),
    ("Mér", "is: became 'MÄr' (mix-up 'saved as cp850, opened as mac-roman')"),
    ("imzaladı Ü", "tr: became 'imzalad’ ö' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("źź", "pl, minimal: became 'üü' (mix-up 'saved as mac-roman, opened as cp1250')"),
    ("èa Aè", "nl, minimal: became 'äa Aä' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("Aåå", "sv, minimal: became 'AÜÜ' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("ÛŸ", "fr, minimal: became '€ü' (mix-up 'saved as mac-roman, opened as cp1252')"),
    ("åbent", "da (full profile): became 'Übent' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("ó Alleen", "nl (full profile): became '— Alleen' (mix-up 'saved as cp1252, opened as mac-roman')"),
    # found by the full profile in session 2 (fixed in the mix-up decision and the ftfy veto)
    ("Abisko ”bb", "sv: became 'Abisko öbb' (mix-up 'saved as cp850, opened as cp1252')"),
    ("Aûo", "became 'Año' (mix-up 'saved as mac-roman, opened as cp850')"),
    ("aôçá", "pt: became 'a⇠' (utf-8 read as cp850, lower-cased afterwards)"),
    ("Âœ", "fr: became 'œ' (ftfy, two layers)"),
    ("Â A", "pt: became '\\xa0A' (ftfy, restore_byte_a0)"),
    ("AÐ“", "is: became 'AГ' (ftfy: Latin letters read as Cyrillic)"),
    ("Adresa „Aaý", "cs: became 'Adresa äAa²' (mix-up)"),
    ("A ¡A ¡A ¡a ¡", "es: became 'A °A °A °a °' (mix-up on four symbols)"),
    ("âœ Acheté", "fr: became '✠Acheté' (ftfy: letters read as a symbol)"),
    ("Ař „", "cs: became 'A° ä' (mix-up leaving an umlaut alone)"),
    ("œà", "fr: became 'ψ' (ftfy: two letters read as Greek)"),
    ("âœœ", "fr: became '✜' (letters read as a symbol)"),
    # found by the full profile in session 3
    (
        "Aáe",
        "became 'Aße' (mix-up 'saved as cp850, opened as cp1252'): the lexicon folds ß to ss and knows 'Asse'; "
        "a ß before a vowel now needs the lexicon's written form to have ß (a strict xfail before)",
    ),
    ("Eáen", "became 'Eßen', the same through 'essen', whose written form is its folded form (no ß)"),
    ("Â (", "pt: became '\\xa0(' (ftfy, restore_byte_a0: a lone capital read as a lost no-break space)"),
    ("Acheté\n\nÂ (", "pt/fr: the same on a line of its own ('Â' is the line's only letter)"),
    ("Â Acheté", "fr: became '\\xa0Acheté' (ftfy, decode_inconsistent_utf8)"),
    ("Acheté Âœ", "fr: became 'Acheté œ' (ftfy dropped a lone 'Â' before a letter)"),
    ("Acheté ÂŸ", "fr: became 'Acheté Ÿ' (the same)"),
    ("A Â»", "pt: became 'A »' (ftfy dropped a lone 'Â' before a guillemet that opens no word)"),
    ("úr „a", "pt: became '·r äa' (mix-up: an opening quote at a word's start counted as broken text)"),
    ("ÔÇÁ", "pt: became '‵' (utf-8 read as cp850: three letters read as a rare punctuation mark)"),
    ("ÂŒÆŸ", "fr: became 'ŒƟ' (ftfy: letters read as letters German text does not use)"),
    ("A Ã»", "pt: became 'A û' (ftfy: a lone capital read as a one-letter word 'û')"),
    ("Ð“", "is: became 'Г' (ftfy: a line whose only letter is a lone lead; a strict xfail before)"),
    ("A\nÐ“", "is: the same on a line of its own"),
    ("Ã (", "pt: became 'à (' ('à' with a lost no-break space, but no word follows it)"),
    ("HÂLÂ” a", "tr: became 'HÂL” a' (ftfy dropped the 'Â' of 'hâlâ' before a quote read through a C1 byte)"),
    ("Aÿàœà", "fr: became 'A؈ψ' (ftfy through Mac Roman: four Latin letters read as Arabic and Greek)"),
    ("ÎŸÂ Acheté", "fr: became 'Ο\\xa0Acheté' (ftfy: Latin letters and a space read as Greek and a no-break space)"),
    ("Aźg", "pl: became 'Aüg' (mix-up 'saved as mac-roman, opened as cp1250'; the lexicon lists 'aüg', Zipf 2.1)"),
    ("A A Â A Â»", "pt: became 'A A \\xa0A Â»' (a lone 'Â' taken as evidence for another)"),
    ("Acheté Aœ AÂ (", "fr/pt: became 'Acheté Aœ A\\xa0(' (ftfy: a lost no-break space glued to a letter)"),
    ("Agradeço Â aôá", "pt: became 'Agradeço \\xa0aôá' (two letters, 'ôá', taken as evidence of mojibake)"),
    ("A „Ää „ähnliche,", "de: became 'A 《 „ähnliche,' ('„Ää' read as Mac Roman for a CJK bracket)"),
    ("Â ÆŸ", "fr: became '\\xa0Ɵ' (ftfy: letters and a space read as a no-break space and a rare letter)"),
    ("a ôçó", "pt: became 'a •' (cp850, lower-cased afterwards: three small letters read as a bullet)"),
    ("îœœ", "fr: became U+E71C (ftfy: three letters read as a private-use code point)"),
    ("Acheté AÂŸ", "fr: became 'Acheté AŸ' (ftfy dropped a glued 'Â' before Ÿ, read through the C1 byte 9F)"),
    ("aôçë", "fr: became 'a\\u2009' (cp850, lower-cased afterwards: three letters read as a thin space)"),
    ("AÂŒÆŒ", "fr: became 'AŒƌ' (ftfy: letters glued to a word read as letters German text does not use)"),
    ("Ùœ Adresse", "fr: became '\\u065c Adresse' (ftfy: two Latin letters read as an Arabic combining mark)"),
    ("Ð Ð“", "is: became 'РГ' (ftfy: 'Ð ' read as Cyrillic Р with a lost A0 byte, 'Ð“' as Г)"),
    ("dîner", "fr fixture word: became 'döner' (mix-up 'saved as cp850, opened as mac-roman'; German writes 'Döner')"),
    ("àœ?", "fr: became '\\ufffd' (ftfy, replace_lossy_sequences: two letters and a question mark deleted)"),
    ("dîner, dîner", "fr: became 'döner, döner' (the same mix-up, two words confirmed by the lexicon)"),
    ("Â Â?", "pt: became '\\xa0\\ufffd' (ftfy: a lost no-break space and a lossy sequence from two lone 'Â')"),
]


@pytest.mark.parametrize(("text", "why"), REGRESSIONS_CLEAN)
def test_regression_clean_text(text: str, why: str) -> None:
    result = umlautfix.repair(text)
    assert result.text == text, why
    assert result.changes == [], why


# German mojibake that did not come back (full profile): (original, code page, why).
REGRESSIONS_MOJIBAKE = [
    (
        "Abfallgebühr“ A – A „",
        "sloppy-windows-1252",
        "became 'Abfallgebühr“ A „': an ftfy change deleted 'â€œ A â€' (' A –' lost)",
    ),
    ("Mobilität€", "iso-8859-15", "became 'Mobilitä': an ftfy change deleted 'tâ\\x82¬' ('t€' lost)"),
    ("großzügig", "mac_roman", "became 'großgig': an ftfy change deleted 'z√º' (found by fuzz.py)"),
    (
        "Abfallgebühr – 0,00“ 0,00",
        "sloppy-windows-1250",
        "became 'Abfallgebühr – 0,00': an ftfy change deleted 'â€ś 0,00' ('“ 0,00' lost)",
    ),
]


@pytest.mark.parametrize(("original", "codec", "why"), REGRESSIONS_MOJIBAKE)
def test_regression_mojibake(original: str, codec: str, why: str) -> None:
    assert umlautfix.fix_text(mojibake(original, codec)) == original, why


# Upper-cased cp1252 mojibake that did not come back: (original, why).
REGRESSIONS_UPPER = [
    ("ließ“ A“ A", "'LIEÃŸÂ€Œ AÂ€Œ A' became 'LIEß“ A': ' A“' lost"),
]


@pytest.mark.parametrize(("original", "why"), REGRESSIONS_UPPER)
def test_regression_upper_cased_mojibake(original: str, why: str) -> None:
    expected = "".join(c if c == "ß" else c.upper() for c in original)
    assert umlautfix.fix_text(mojibake(original, "sloppy-windows-1252").upper()) == expected, why


# Inputs on which fix_text was not idempotent: (input, why).
REGRESSIONS_IDEMPOTENCE = [
    ("«\x80¨", "ftfy turned \\x80 into '€' ('«€¨'), and the second pass read '«€¨' as mac-roman mojibake ('«۬')"),
    ("Â€\x9f", "fuzz.py full run, minimised: became '€Ÿ' (ftfy), then 'Äü' on the second pass"),
    ("r\x9f–n", "fuzz.py, minimised: ftfy made 'rŸ–n' of it, the second pass a mix-up 'rüñn' (mac-roman/cp1252)"),
    (
        "u\ufffd€\x9e",
        "final fuzz.py run, minimised: became 'uß€ž' (ß restored, \\x9e as cp1252 'ž'), and the second "
        "pass read 'ß€' as UTF-8 mojibake ('u߀ž', NKo digit zero); fixed by the ftfy veto (667b095)",
    ),
    (
        "Aï¿½§Å¡â\x92º",
        "fuzz.py full run (session 2), minimised: the lost character became 'ß' after the encoding steps, "
        "and the second pass read 'ß§Å¡â’º' as UTF-8 ('AߧšⒺ'); the encoding steps now run again after a restoration",
    ),
    (
        "ÔøΩderswÔøΩsche √ü",
        "fuzz.py full run (session 2), minimised: one of two lost letters restored ('�derswäsche'), the other "
        "only on the second pass; the steps now go round until nothing changes",
    ),
    (
        "G&#212;&#26;&#163;&#212;&#242;&#216;belbr&#212;&#26;&#163;&#212;&#242;&#216;",
        "fuzz.py full run (session 2), minimised: of two equal entity runs only the first was decoded, "
        "the second on the second pass",
    ),
]


@pytest.mark.parametrize(("text", "why"), REGRESSIONS_IDEMPOTENCE)
def test_regression_idempotence(text: str, why: str) -> None:
    once = umlautfix.fix_text(text)
    assert umlautfix.fix_text(once) == once, why


# Streams that made fix_file loop for ever (growing memory): (input, why). A single line
# without a final newline: the streaming pipeline must give what fix_bytes gives.
REGRESSIONS_STREAM = [
    ("Ã¤".encode(), "mojibake as the last line without a final newline: endless loop"),
    ("a\ufffd".encode(), "U+FFFD as the last character without a final newline: endless loop"),
    ("一".encode(), "a CJK character as the last character: endless loop"),
    (b"\xc2\xa5\xc5\xa5", "found by fuzz.py through the CLI ('¥ť'): python -m umlautfix -i never returned"),
    (b"\xaf\xe2{\xc9\xb7\xf2", "found by fuzz.py (random bytes, detected as cp866): endless loop"),
    (b"\xc3", "found by fuzz.py: a lone lead byte (a UTF-8 sequence cut off): endless loop"),
    (
        "Update zum Kater: Er hatte einen entzÃ¼ndeten Zahn und ist jetzt operiert word".encode(),
        "found by fuzz.py through the CLI: a real mojibake line without a final newline; -i never returned",
    ),
]


@pytest.mark.parametrize(("data", "why"), REGRESSIONS_STREAM)
def test_regression_stream(data: bytes, why: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndecodableBytesWarning)
        expected = umlautfix.fix_bytes(data).encode("utf-8")
    try:
        _, output = fix_file_bounded(data)
    except (TooSlow, EndlessStream) as err:
        pytest.fail(f"fix_file did not finish ({err}): {why}")
    assert output == expected, why


# Declared charsets that name a codec which is not a text encoding: decode must not raise.
DECLARED_NON_TEXT_CODECS = ["rot13", "hex", "base64", "zlib", "uu", "quopri", "bz2", "undefined"]


@pytest.mark.parametrize("codec_name", DECLARED_NON_TEXT_CODECS)
def test_regression_declared_non_text_codec(codec_name: str) -> None:
    data = b'<meta charset="' + codec_name.encode() + b'"><p>Gr\xfc\xdfe f\xfcr alle</p>'
    assert umlautfix.decode(data) == '<meta charset="' + codec_name + '"><p>Grüße für alle</p>'


def test_empty_input() -> None:
    assert umlautfix.fix_text("") == ""
    assert umlautfix.repair("").changes == []
    assert umlautfix.fix_bytes(b"") == ""


@pytest.mark.xfail(reason="known limit, see EXACT_MOJIBAKE (issue 9)", strict=True)
@pytest.mark.parametrize("text", ["Ã Ação", "Ação AÂ» a"])
def test_known_ambiguous_clean_text(text: str) -> None:
    assert exact_mojibake(text)
    assert umlautfix.fix_text(text) == text
