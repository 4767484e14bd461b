"""Stage 3, validate: text to a report on how German and how intact it is.

Two kinds of evidence, kept apart:

- **Findings** — damage with its position. Each finder below catches one kind:
  UTF-8 read in any code page the repair stage undoes (cp1252, latin-1, cp1254,
  iso-8859-15, cp1250, mac-roman, cp850, cp437), also lower- or upper-cased
  afterwards and also escaped as HTML entities; a file saved in one 8-bit code
  page and opened as another; characters lost to U+FFFD or "?"; control
  characters; umlauts written ae/oe/ue where the lexicon knows the umlaut
  spelling. A candidate is damage only when the one German scorer
  (`profile.cost`, which also ranks detection candidates and guards repairs)
  finds the repaired reading clearly cheaper, so "Gruß“" or Turkish "düğün"
  are not mojibake.
- **Statistics** — how German the letters and words are (`profile.letter_statistics`
  against the profile built from wordfreq): the share of words that are
  distinctive German words or spelled with ä ö ü ß (less those with a letter
  outside the German alphabet), the share of letters outside the German alphabet,
  and the mean log-probability of letter bigrams. The word share leaves out
  names and codes (`LanguageStatistics`): a capitalised word that is neither a
  known German word nor spelled with a foreign letter ("Lotte", "Impfung", "MMR")
  says nothing about the language, so a German table of names and places is
  judged by the German words it has, its letters and its bigrams.

The verdict, first that applies: `mojibake` (mojibake or control findings),
`lossy` (lost characters), `too_short` (fewer than MIN_LETTERS letters),
`not_german` (a statistic beyond its threshold), `transliterated` (ae/oe/ue
spellings outnumber the umlauts), else `clean`. `ok` is true only for `clean`.
A line (of PARAGRAPH_MIN_LETTERS = 80 letters or more) of a longer text that is
not German on its own is reported as a `not_german` finding with its position;
the verdict is the whole text's.
The thresholds come from benchmarks/validate_bench.py (the tuning half of our
German and other-language fixtures; the figures are in its output).

Short strings: the damage findings do not depend on length, so "fÃ¼r", "Gr??e" or
a control character get their damage verdict (`mojibake`, `lossy`) at any length.
Otherwise text with fewer than MIN_LETTERS (40) letters is `too_short`, never `ok`,
even when it has transliteration findings ("fuer" alone) or reads as another
language: below that the statistics are unreliable. The statistics themselves
are still reported. Measured on test-half paragraph prefixes (benchmark,
short-string table): at 40 to 80 letters 97.5 to 99.4 % of German prefixes are
judged German and 99.4 to 100 % of other-language ones not German; at 10 to 30
letters only 87.5 to 97.5 % of German would be. Callers that check short fields
(CSV cells, titles) should read the findings, not `ok`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import product

from . import lexicon
from .charmaps import GERMAN_8BIT, MOJIBAKE_CODECS, REPORT_NAMES, case_variant_bytes
from .profile import LetterStatistics, char_cost, cost, german_profile, letter_statistics

VERDICTS = ("clean", "mojibake", "lossy", "transliterated", "not_german", "too_short")
DAMAGE_VERDICTS = {"mojibake": "mojibake", "control": "mojibake", "lost": "lossy"}

# Thresholds, chosen with benchmarks/validate_bench.py on the tuning half of the German fixtures
# (+ the 1797-98 corpus) against the tuning half of the other-language fixtures:
MIN_LETTERS = 40  # fewer letters: too_short (see the short-string table)
# word share (names and codes left out, see LanguageStatistics): other languages reach at most
# 0.211, German goes down to 0.478; the midpoint
MIN_WORD_SHARE = 0.344
# letters outside a-z äöüß: German reaches 0.6 %; 2.5 times that leaves room for names (Demirtaş)
MAX_OUTSIDE_RATE = 0.015
# bigram log-probability: German goes down to -6.09; a margin below it (catches Finnish, Estonian)
MIN_BIGRAM_LOGP = -6.3
MIN_TRANSLITERATIONS = 1  # and more ae/oe/ue words than umlauts: transliterated
# A reading must cost this much less than the text as it stands (in nats, as the repair guard).
MIN_GAIN = 2.0
RECASED_PRICE = 0.5  # a reading that needs a letter's other case is a little less likely
MIXUP_MIN_LETTERS = 6  # ... or by a longer word of German letters
MIXUP_MIN_BIGRAM_LOGP = -6.5  # ... whose letter bigrams read as German
MIXUP_MIN_ZIPF = 3.0  # a mix-up is confirmed by a lexicon word at least this frequent (not "gü", "hä")
PARAGRAPH_MIN_LETTERS = 2 * MIN_LETTERS  # a line this long can be reported as not German on its own


@dataclass(frozen=True)
class Finding:
    """One sign of damage: what kind, where (offsets into the text), and the text there.

    `kind` is one of mojibake, lost, control, transliteration, not_german; `note`
    says what the text was (the repaired reading, the code page, the code point).
    """

    kind: str
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
    word_share: float = 0.0
    outside_rate: float = 0.0
    bigram_logp: float = 0.0
    umlaut_rate: float = 0.0

    @property
    def ok(self) -> bool:
        return self.verdict == "clean"


# --- UTF-8 read as a code page (also re-cased, also as HTML entities) ---------------------

_NON_ASCII_RUN = re.compile(r"[\x80-\U0010ffff][\x80-\U0010ffff]* ?")  # (a plain class first: re skips ahead in C)
_PLAUSIBLE = re.compile("[\u00a0-\u017f\u2010-\u203a\u20ac\u2122\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]")
_ENTITY_RUN = re.compile(r"(?:&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});){2,}")


@cache
def _byte_options(codec: str) -> dict[str, tuple[int, ...]]:
    return case_variant_bytes(codec)


UTF8_MAX_LENGTH = 4


def _utf8_length(lead: int) -> int:
    return 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0


def _readings_at(run: str, i: int, codec: str) -> Iterator[tuple[int, str, bool]]:
    """Every character that run[i:] spells as UTF-8 bytes in `codec`, where a letter may
    stand for its other case's byte and a final space for byte A0 (a lost no-break
    space): (length, character, re-cased)."""
    options = _byte_options(codec)
    for lead in options.get(run[i], ()):
        length = _utf8_length(lead)
        if not length or i + length > len(run):
            continue
        if run[i + length - 1] == " " and lead != options[run[i]][0]:
            continue  # "â " is Turkish or French, not a re-cased "Â " for a no-break space
        tails = []
        for ch in run[i + 1 : i + length]:
            tail = (0xA0,) if ch == " " else tuple(b for b in options.get(ch, ()) if 0x80 <= b <= 0xBF)
            if not tail:
                break
            tails.append(tail)
        else:
            primary = (options[run[i]][0], *(options.get(ch, (0xA0,))[0] for ch in run[i + 1 : i + length]))
            for conts in product(*tails):
                try:
                    ch = bytes((lead, *conts)).decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if _PLAUSIBLE.match(ch):
                    yield length, ch, (lead, *conts) != primary


@lru_cache(maxsize=65536)
def _best_reading(window: str) -> tuple[int, str, str] | None:
    """The cheapest reading of the start of `window` (at most four characters: the longest
    UTF-8 sequence) as UTF-8 in any code page the repair stage undoes (re-cased readings
    pay a little; ties go to the more common code page). Cached: mojibake repeats its pairs."""
    best: tuple[float, int, str, str] | None = None
    for codec in MOJIBAKE_CODECS:
        for length, ch, recased in _readings_at(window, 0, codec):
            price = char_cost(ch) + (RECASED_PRICE if recased else 0.0)
            if best is None or price < best[0]:
                best = (price, length, ch, REPORT_NAMES[codec] + (", re-cased" if recased else ""))
    return None if best is None else best[1:]


def _mojibake_spans(run: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, repaired character, code page) of each UTF-8 sequence in `run`."""
    i = 0
    while i < len(run) - 1:
        reading = _best_reading(run[i : i + UTF8_MAX_LENGTH])
        if reading is None:
            i += 1
            continue
        length, ch, codec = reading
        yield i, i + length, ch, codec
        i += length


def find_mojibake(text: str) -> Iterator[Finding]:
    """UTF-8 read as a single-byte code page ("Ã¤", "├ñ", "√§", "ÃŒBER", "kã¤mpfen"),
    reported where the repaired reading is clearly cheaper for the German scorer."""
    for m in _NON_ASCII_RUN.finditer(text):
        if len(m.group()) < 2:
            continue
        yield from _confirmed(text, m.start(), m.group())


def _confirmed(text: str, offset: int, run: str) -> Iterator[Finding]:
    """The mojibake spans of `run` (at `offset` in `text`), if reading them as UTF-8
    makes the run clearly cheaper, with one neighbour on each side as context."""
    spans = list(_mojibake_spans(run))
    if not spans:
        return
    start, end = offset + spans[0][0], offset + spans[-1][1]
    before = text[start - 1 : start] if start else ""
    after = text[end : end + 1]
    repaired = _replaced(run, spans)[spans[0][0] :]
    repaired = repaired[: len(repaired) - (len(run) - spans[-1][1])]
    if cost(before + text[start:end] + after) - cost(before + repaired + after) < MIN_GAIN:
        return
    for s, e, ch, codec in spans:
        yield Finding("mojibake", offset + s, offset + e, run[s:e], f"{ch!r}: utf-8 read as {codec}")


def _replaced(run: str, spans: list[tuple[int, int, str, str]]) -> str:
    out: list[str] = []
    pos = 0
    for s, e, ch, _ in spans:
        out.append(run[pos:s] + ch)
        pos = e
    return "".join(out) + run[pos:]


def find_entity_mojibake(text: str) -> Iterator[Finding]:
    """Mojibake escaped as HTML entities ("&Atilde;&frac14;" for "ü")."""
    for m in _ENTITY_RUN.finditer(text):
        unescaped = html.unescape(m.group())
        spans = list(_mojibake_spans(unescaped))
        if not spans:
            continue
        repaired = _replaced(unescaped, spans)
        if cost(unescaped) - cost(repaired) >= MIN_GAIN:
            note = f"{repaired!r}: utf-8 read as {spans[0][3]}, then as HTML entities"
            yield Finding("mojibake", m.start(), m.end(), m.group(), note)


# --- A file saved in one 8-bit code page, opened as another -------------------------------

_SUSPECT_CHAR = re.compile(r"[^\x00-\x7fäöüÄÖÜ]")


@cache
def _mixup_table(saved: str, opened: str) -> dict[str, str]:
    """Character read in `opened` -> the character the file held in `saved`."""
    table: dict[str, str] = {}
    for byte in range(0x80, 0x100):
        try:
            table[bytes([byte]).decode(opened)] = bytes([byte]).decode(saved)
        except UnicodeDecodeError:
            continue
    return {a: b for a, b in table.items() if a != b}


MIXUP_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (saved, opened) for saved in GERMAN_8BIT for opened in GERMAN_8BIT if saved != opened
)


def find_codepage_mixup(text: str) -> Iterator[Finding]:
    """Text saved in one 8-bit code page and opened as another ("Gr”áe", "KŠse", "89,90 ¤"),
    decided on the whole text. A word confirms a mix-up when reversing it gives a lexicon
    word ("Gr”áe" -> "Größe"); a symbol standing alone confirms it when its reversal is
    clearly cheaper for the German scorer ("¤" -> "€"). The mix-up confirmed by most
    words wins, if they are at least half of the words it touches: French "président"
    reads as "präsident" through one mix-up, but "été", "déjà" read as nothing.
    Each distinct word is judged once per mix-up and counted as often as it occurs."""
    occurrences = _suspect_words(text)
    if not occurrences:
        return
    by_mask = _words_by_pair_mask(occurrences)
    best: tuple[tuple[int, float], str, str, list[str]] | None = None
    for saved, opened in MIXUP_PAIRS:
        confirmed = _confirmed_words(occurrences, by_mask, saved, opened)
        if not confirmed:
            continue
        # most confirmed words first, then the cheapest reading ("¤" is "€" rather than "Ï")
        n_confirmed = sum(occurrences[word] for word in confirmed)
        reading_cost = sum(cost(_reverse_mixup(word, saved, opened)) * occurrences[word] for word in confirmed)
        rank = (n_confirmed, -reading_cost)
        if best is None or rank > best[0]:
            best = (rank, saved, opened, confirmed)
    if best is None:
        return
    _, saved, opened, confirmed = best
    table = _mixup_table(saved, opened)
    how = f"saved as {REPORT_NAMES.get(saved, saved)}, opened as {REPORT_NAMES.get(opened, opened)}"
    confirmed_words = set(confirmed)
    for m in _MIXUP_WORD.finditer(text):
        if m.group() not in confirmed_words:
            continue
        for i, ch in enumerate(m.group(), m.start()):
            if ch in table and _SUSPECT_CHAR.match(ch):
                yield Finding("mojibake", i, i + 1, ch, f"{table[ch]!r}: {how}")


def _confirmed_words(occurrences: dict[str, int], by_mask: dict[int, list[str]], saved: str, opened: str) -> list[str]:
    """The words that confirm the mix-up (saved, opened), if they are at least half of the
    words it touches (counted with repetitions), else none. Frequent words are judged first,
    and judging stops once half can no longer be reached (Spanish text touches many words)."""
    bit = 1 << _PAIR_INDEX[saved, opened]
    touched = sorted(
        (word for mask, words in by_mask.items() if mask & bit for word in words),
        key=lambda word: -occurrences[word],
    )
    n_touched = sum(occurrences[word] for word in touched)
    unjudged = n_touched
    n_confirmed = 0
    confirmed = []
    for word in touched:
        if 2 * (n_confirmed + unjudged) < n_touched:
            return []
        unjudged -= occurrences[word]
        if _confirms_mixup(word, saved, opened):
            confirmed.append(word)
            n_confirmed += occurrences[word]
    return confirmed if n_confirmed and 2 * n_confirmed >= n_touched else []


_PAIR_INDEX = {pair: i for i, pair in enumerate(MIXUP_PAIRS)}


@lru_cache(maxsize=4096)
def _pair_mask(ch: str) -> int:
    """Bit i set when the mix-up MIXUP_PAIRS[i] changes the character `ch`."""
    return sum(1 << i for i, pair in enumerate(MIXUP_PAIRS) if ch in _mixup_table(*pair))


def _words_by_pair_mask(occurrences: dict[str, int]) -> dict[int, list[str]]:
    """The distinct words grouped by the mix-ups that touch them (a bit mask over MIXUP_PAIRS):
    few groups, so each mix-up finds its words without testing every word. The words of a
    group keep their order in the text; which word is judged first changes nothing but when
    judging can stop."""
    groups: dict[int, list[str]] = {}
    for word in occurrences:
        mask = 0
        for ch in set(word):
            if ch >= "\x80":
                mask |= _pair_mask(ch)
        if mask:
            groups.setdefault(mask, []).append(word)
    return groups


def _suspect_words(text: str) -> dict[str, int]:
    """Each distinct word with a character outside ASCII and äöüÄÖÜ -> how often it occurs."""
    counts = Counter(_MIXUP_WORD.findall(text))
    return {word: n for word, n in counts.items() if _SUSPECT_CHAR.search(word)}


_GERMAN_WORD = re.compile("[a-zA-ZäöüßÄÖÜ]+")
_UMLAUT_OR_SHARP_S = re.compile("[äöüßÄÖÜ]")
LEXICON_MAX_LOST = 4  # lexicon.restorations fills at most this many lost characters of a word
_MIXUP_WORD = re.compile(r"[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f«»„“‚‘’–—]+")


@lru_cache(maxsize=65536)
def _confirms_mixup(word: str, saved: str, opened: str) -> bool:
    table = _mixup_table(saved, opened)
    if len(word) == 1:
        # alone: only a symbol that German text does not use, with a much cheaper reading
        return not word.isalpha() and char_cost(word) - char_cost(table[word]) >= MIN_GAIN
    fixed = _reverse_mixup(word, saved, opened)
    if not (fixed.islower() or fixed.isupper() or fixed.istitle()):
        return False  # "dÄpartement", "mÜndag": the reversal puts a capital inside a word
    if _word_frequency(fixed) >= MIXUP_MIN_ZIPF:
        return True
    # a compound or a name the lexicon does not list: German letters only, in German order
    if _GERMAN_WORD.fullmatch(fixed) is None or _UMLAUT_OR_SHARP_S.search(fixed) is None:
        return False
    stats = letter_statistics(fixed)
    return stats.letters >= MIXUP_MIN_LETTERS and stats.bigram_logp >= MIXUP_MIN_BIGRAM_LOGP


def _reverse_mixup(word: str, saved: str, opened: str) -> str:
    return word.translate(_mixup_translation(saved, opened))


@cache
def _mixup_translation(saved: str, opened: str) -> dict[int, str]:
    return str.maketrans(_mixup_table(saved, opened))


@lru_cache(maxsize=65536)
def _word_frequency(word: str) -> float:
    """Zipf frequency of a word with umlauts or ß in the lexicon, 0 if it is not there."""
    if len(word) < 3 or not 1 <= len(_UMLAUT_OR_SHARP_S.findall(word)) <= LEXICON_MAX_LOST:
        return 0.0  # nothing for the lexicon to restore, or more than it tries
    template = "".join("\x00" if ch in "äöüßÄÖÜ" else ch for ch in word)
    folded = lexicon.fold(word)
    return next((zipf for w, zipf in lexicon.restorations(template, "\x00") if lexicon.fold(w) == folded), 0.0)


# the symbol first, then the letter before it (a look-behind first would be tried at every character)
# „ too: German opens a quote after a space; between two letters it is cp850's ä read as cp1252 ("Pf„nder")
_STRAY_SYMBOL = re.compile(r"[\u00a8\u00af\u00b8\u02c6-\u02dd\u2500-\u259f\u201e](?<=[^\W\d_].)(?=[^\W\d_])", re.S)


def find_stray_symbol(text: str) -> Iterator[Finding]:
    """A spacing accent, a box-drawing character or „ between two letters ("Eli¨ka", "Schlo▀gasse",
    "Pf„nder"): what a code-page mix-up leaves where no reversal reads as a German word (the
    mix-up finder reads „ as a quote and so never sees "Pf„nder" as one word)."""
    for m in _STRAY_SYMBOL.finditer(text):
        yield Finding("mojibake", m.start(), m.end(), m.group(), "symbol inside a word: a code-page mix-up")


# --- Lost characters, control characters ---------------------------------------------------

# Each alternative starts with the "?" or U+FFFD itself and looks behind from there, so
# that the scan skips to the next "?" instead of trying a look-behind at every character.
_LOST = re.compile(
    r"\ufffd+"
    r"|\?(?<=[^\W\d_]\?)\?*(?=[^\W\d_])"  # inside a word: "Gr??e"
    r"|\?(?<![\w?]\?)\?*(?=[^\W\d_]{2})"  # starting a word: "?bersicht", "?Kabale und Liebe?"
    r"|\?(?<=\s\?)(?=\s+[a-zäöüß0-9])"  # a lost dash: "10 ? 12 Uhr"
    r"|\?(?<=\d\?)(?=\d)"  # a lost dash between numbers: "10?15 %"
    r"|\?(?<=[.!?…] \?)(?=\s|$)"  # a lost emoji after a sentence: "Danke!! ?"
)
_SPACE = re.compile(r"\s")
_NOT_SPACE = re.compile(r"\S*")
WINDOW = 64  # characters looked at on each side of a finding: work per finding stays bounded
_WORD_CHARS = re.compile(r"[\w?\ufffd]*")  # a damaged word's characters (as str.isalnum, "_", "?", U+FFFD)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufff0-\ufffc\ufffe\uffff]|(?<=.)\ufeff", re.S)


def find_lost(text: str) -> Iterator[Finding]:
    """Characters replaced by U+FFFD, or by "?" where German text has no question mark:
    inside or at the start of a word ("Gr??e", "f?r", "?bersicht"), between a space and a
    lower-case word ("10 ? 12 Uhr" for a dash) or between two digits ("10?15 %"), alone after
    a sentence ("Danke! ?")."""
    may_hold_urls = "://" in text or "www." in text or "=" in text  # else no "?" is in a URL
    for m in _LOST.finditer(text):
        if may_hold_urls and m.group()[0] == "?" and _in_url(text, m.start()):
            continue
        yield Finding("lost", m.start(), m.end(), m.group(), _restoration(text, m.start(), m.end()))


def _in_url(text: str, i: int) -> bool:
    """Is text[i] (a "?") part of a URL or a query string ("suche?q=käse")?"""
    left = _SPACE.split(text[max(0, i - WINDOW) : i])[-1]
    right = _NOT_SPACE.match(text, i, min(len(text), i + WINDOW))
    return "://" in left or left.startswith("www.") or "=" in (right.group() if right else "")


def _restoration(text: str, start: int, end: int) -> str:
    """The lexicon's reading of the damaged word, if it has a likely one."""
    before = _WORD_CHARS.match(text[max(0, start - WINDOW) : start][::-1])
    after = _WORD_CHARS.match(text, end, min(len(text), end + WINDOW))
    left = start - (before.end() if before else 0)
    right = after.end() if after else end
    return _likely_reading(text[left:right])


@lru_cache(maxsize=65536)
def _likely_reading(word: str) -> str:
    """The lexicon's most frequent reading of a word with lost characters, as a note; cached,
    since a damaged text repeats its damaged words."""
    readings = lexicon.restorations(word, "?\ufffd")
    return f"{readings[0][0]!r}?" if readings else ""


def find_control(text: str) -> Iterator[Finding]:
    """C0 and C1 control characters (tab, newline, carriage return and form feed are text),
    private-use and non-characters, and a byte-order mark inside the text."""
    for m in _CONTROL.finditer(text):
        yield Finding("control", m.start(), m.end(), m.group(), f"U+{ord(m.group()):04X}")


# --- Umlauts written as ae / oe / ue -------------------------------------------------------

_TRANSLIT_WORD = re.compile(r"\b[A-Za-z]*(?:[aou]e|[AOU][eE])[A-Za-z]*\b")


def find_transliteration(text: str) -> Iterator[Finding]:
    """Words spelled with ae/oe/ue where the lexicon knows the umlaut spelling ("fuer", "Aerger");
    spellings that are words of their own (Goethe, Israel, Koeffizient, Steuer) are left alone."""
    for m in _TRANSLIT_WORD.finditer(text):
        word = m.group()
        spelling = _umlaut_spelling(word)
        if spelling is not None:
            if word.isupper():
                spelling = spelling.upper()
            elif word[0].isupper():
                spelling = spelling[0].upper() + spelling[1:]
            yield Finding("transliteration", m.start(), m.end(), word, spelling)


# cached: running text repeats its ae/oe/ue words ("neue", "Feuer"), and most are no transliteration
_umlaut_spelling = lru_cache(maxsize=65536)(lexicon.umlaut_spelling)


FINDERS: tuple[Callable[[str], Iterator[Finding]], ...] = (
    find_mojibake,
    find_entity_mojibake,
    find_codepage_mixup,
    find_stray_symbol,
    find_lost,
    find_control,
    find_transliteration,
)


# --- Not German ---------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"[^\n]+")  # a line; hard-wrapped lines are too short to be judged alone
_WORD = re.compile(r"[^\W\d_]+")  # a word as profile.letter_statistics counts it


@dataclass(frozen=True)
class LanguageStatistics:
    """The letter statistics of a text, and how many of its words are names or codes.

    A word written with a capital (a name, a noun, an abbreviation: "Lotte", "Impfung",
    "MMR") that the profile neither knows as a German word nor finds a foreign letter in
    is no evidence about the language: German capitalises every noun, and a table of
    names, places and codes has few of the small words that tell languages apart. Such
    words count neither for nor against German in `word_share`; the letters and bigrams
    still count them. Counts, so that the statistics of lines add up to the text's.
    """

    letters: LetterStatistics = field(default_factory=LetterStatistics)
    name_words: int = 0  # of letters.words: capitalised, not known German, no foreign letter

    def __add__(self, other: LanguageStatistics) -> LanguageStatistics:
        return LanguageStatistics(self.letters + other.letters, self.name_words + other.name_words)

    @property
    def evidence_words(self) -> int:
        """Words that speak for German, against it, or (written in small letters) are not German."""
        return self.letters.words - self.name_words

    @property
    def word_share(self) -> float:
        """German words less foreign-letter words, per word of evidence (-1..1); 0 without any."""
        s = self.letters
        return (s.german_words - s.foreign_words) / self.evidence_words if self.evidence_words else 0.0


def language_statistics(text: str) -> LanguageStatistics:
    """`profile.letter_statistics` of `text`, with its name words counted apart."""
    return LanguageStatistics(letter_statistics(text), sum(map(_is_name_word, _WORD.findall(text))))


@lru_cache(maxsize=65536)
def _is_name_word(word: str) -> bool:
    """A word of two letters or more, with a capital, that is not German by the profile's
    measure and has no letter outside the German alphabet ("Lotte", "MMR", not "Größe", "Åsa")."""
    if len(word) < 2 or word.islower():
        return False
    stats = letter_statistics(word)
    return stats.words == 1 and not stats.german_words and not stats.foreign_words


def is_german(stats: LanguageStatistics) -> bool:
    """The three thresholds of the verdict `not_german`."""
    return (
        stats.word_share >= MIN_WORD_SHARE
        and stats.letters.outside_rate <= MAX_OUTSIDE_RATE
        and stats.letters.bigram_logp >= MIN_BIGRAM_LOGP
    )


def _paragraph_statistics(text: str) -> list[tuple[int, int, LanguageStatistics]]:
    return [(m.start(), m.end(), language_statistics(m.group())) for m in _PARAGRAPH.finditer(text)]


def _not_german_findings(paragraphs: list[tuple[int, int, LanguageStatistics]], text: str) -> list[Finding]:
    """Paragraphs long enough to judge that are not German, in a text that otherwise may be."""
    return [
        Finding("not_german", start, end, text[start:end], _describe(stats))
        for start, end, stats in paragraphs
        if stats.letters.letters >= PARAGRAPH_MIN_LETTERS and not is_german(stats)
    ]


def _describe(stats: LanguageStatistics) -> str:
    return (
        f"German words {stats.word_share:.0%}, letters outside the alphabet {stats.letters.outside_rate:.1%}, "
        f"bigram log-probability {stats.letters.bigram_logp:.2f}"
    )


# --- The verdict ---------------------------------------------------------------------------


def validate(text: str) -> Validation:
    """Judge `text`: clean German, damaged (mojibake, lossy, transliterated), not German, or too short."""
    findings = _dedup(f for finder in FINDERS for f in finder(text))
    paragraphs = _paragraph_statistics(text)
    language = sum((s for _, _, s in paragraphs), LanguageStatistics())
    stats = language.letters
    findings += _not_german_findings(paragraphs, text) if len(paragraphs) > 1 else []
    findings.sort(key=lambda f: (f.start, f.end, f.kind))
    verdict = _verdict(findings, language)
    if verdict == "not_german" and not any(f.kind == "not_german" for f in findings):
        findings.append(Finding("not_german", 0, len(text), text, _describe(language)))
    return Validation(
        verdict=verdict,
        score=_score(language, findings),
        findings=findings,
        letters=stats.letters,
        word_share=round(language.word_share, 4),
        outside_rate=round(stats.outside_rate, 5),
        bigram_logp=round(stats.bigram_logp, 4),
        umlaut_rate=round(stats.umlaut_rate, 5),
    )


def _dedup(findings: Iterator[Finding]) -> list[Finding]:
    """Drop findings inside a span already reported (a C1 control inside "Ã\\x9c" is mojibake)."""
    kept: list[Finding] = []
    covered = -1
    for f in sorted(findings, key=lambda f: (f.start, f.start - f.end)):
        if f.start < covered:
            continue
        kept.append(f)
        covered = max(covered, f.end)
    return kept


def _verdict(findings: list[Finding], language: LanguageStatistics) -> str:
    kinds = {f.kind for f in findings}
    for kind in ("mojibake", "control", "lost"):
        if kind in kinds:
            return DAMAGE_VERDICTS[kind]
    stats = language.letters
    if stats.letters < MIN_LETTERS:
        return "too_short"
    transliterated = sum(f.kind == "transliteration" for f in findings)
    # "fuer", "Aerzte" are German words too, only spelled without umlauts
    credited = replace(stats, german_words=min(stats.words, stats.german_words + transliterated))
    if not is_german(replace(language, letters=credited)):
        return "not_german"
    if transliterated >= MIN_TRANSLITERATIONS and transliterated > stats.umlauts:
        return "transliterated"
    return "clean"


def _score(language: LanguageStatistics, findings: list[Finding]) -> float:
    """0..1: 1 for text as German as the profile's running text, 0.5 at the not_german
    threshold, less with each finding of damage (per 100 letters). The profile's share of
    distinctive words among all words stands in for the typical word share (among words
    of evidence it is higher: the score reaches 1 a little early)."""
    stats = language.letters
    if not stats.letters:
        return 0.0
    profile = german_profile()
    margins = (
        _margin(language.word_share, MIN_WORD_SHARE, profile.common_words_share),
        _margin(-stats.outside_rate, -MAX_OUTSIDE_RATE, -profile.outside_alphabet_rate),
        _margin(stats.bigram_logp, MIN_BIGRAM_LOGP, profile.bigram_mean_logp),
    )
    germanness = min(margins)
    damage = sum(f.kind != "not_german" for f in findings) * 100 / max(stats.letters, MIN_LETTERS)
    return round(germanness / (1.0 + damage), 4)


def _margin(value: float, threshold: float, typical: float) -> float:
    """0.5 at the threshold, 1 at the profile's typical value, linear between, clamped to 0..1."""
    span = typical - threshold
    if span <= 0:
        return 1.0 if value >= threshold else 0.0
    return min(1.0, max(0.0, 0.5 + 0.5 * (value - threshold) / span))
