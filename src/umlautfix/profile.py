"""The German reference profile and the one scorer built on it.

Detection ranks candidate decodings with `cost`, repair keeps a candidate only
when `cost` drops, and validation reports `letter_statistics`: one profile, one
scorer, three users. The profile is data (`data/profile_de.json`, built by
`scripts/build_german_data.py` from wordfreq); the costs of character classes
that a word list cannot know (punctuation, symbols, controls) are set here.

Costs are in nats of surprise relative to an ASCII character (cost 0): a clean
German text costs little, mojibake ("Ã¤", "├ñ", "√§") costs a lot per character.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources

from .charmaps import CONTINUATION_CHARS, STRONG_LEAD_CHARS

GERMAN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüß")

# Typography German text uses routinely; cheap but not free.
COMMON_PUNCTUATION = frozenset("„“”‚‘’»«–—…€§°·×\u00a0\u202f\u2009²³•™")
PUNCTUATION_COST = 2.5
SSHARP_COST = 2.5  # wordfreq folds ß into "ss", so its rate is not in the profile
SEEN_LATIN_LETTER_COST = 6.0  # é in Café: in the profile, rare, but fine
OTHER_LATIN_LETTER_COST = 7.5  # Latin letters German words never use
OTHER_SCRIPT_LETTER_COST = 6.0  # Greek, Cyrillic, CJK: plausible in quotations
EMOJI_COST = 4.0
NBSP_COST = 3.0  # a little above the quotes, so that "„dieses“" beats "“dieses\u00a0"
RARE_SPACE_COST = 6.0  # em spaces and friends; the no-break and thin spaces are in COMMON_PUNCTUATION
ARROW_COST = PUNCTUATION_COST + 1.0  # "Datei → Optionen" in product and forum text
SYMBOL_COST = 9.0  # ¤ ¦ ¬ ├ √ ‰ and friends: rare in German, frequent in mojibake
MARK_COST = 9.0  # a combining mark on its own; NFD text has no repair candidates anyway
CONTROL_COST = 15.0  # C1 controls, U+FFFD, unassigned, private use
IN_WORD_PUNCTUATION_COST = 4.0  # "Gr”áe": punctuation between two letters
TYPICAL_LETTER_P = 0.05
MOJIBAKE_PAIR_COST = 6.0  # "Ã¤", "â€", "├ñ": a UTF-8 lead read as a code-page character, then a continuation
# What may follow a word's last letter directly ("Gruß“", "m²", "Windows™"); any other
# symbol glued to a word ("wei§", "mu§") costs GLUED_SYMBOL_COST more.
AFTER_WORD = frozenset("“”‘’»«…²³–—\u00a0\u2009\u202f™®©°")
GLUED_SYMBOL_COST = 2.0
CASE_BREAK_COST = 4.0  # "GÜttingen": German words never put a capital after a small letter
MIXED_SCRIPT_COST = 6.0  # "GrӇe": a letter of another script glued to a Latin letter


@dataclass(frozen=True)
class Profile:
    """German reference statistics (data/profile_de.json, see scripts/build_german_data.py).

    `letters` and `bigram_logp` are case-folded (wordfreq lower-cases); `capitals`
    are the capital initials of nouns as a share of all letters, from a spelling list.
    """

    letters: dict[str, float]
    capitals: dict[str, float]
    capital_rate: float
    bigram_logp: dict[str, float]
    bigram_floor: float
    bigram_mean_logp: float  # what running German averages per bigram
    umlaut_rate: float  # ä ö ü among letters
    sharp_s_rate: float  # ß among letters
    outside_alphabet_rate: float  # letters outside a-z ä ö ü ß
    common_words: frozenset[str]  # distinctive German words, lower case, ß as ss
    common_words_share: float  # their share of running German words


@lru_cache(maxsize=1)
def german_profile() -> Profile:
    """Load the shipped profile once."""
    raw = json.loads(resources.files("umlautfix").joinpath("data/profile_de.json").read_text("utf-8"))
    return Profile(
        letters=raw["letters"],
        capitals=raw["capitals"],
        capital_rate=raw["capital_rate"],
        bigram_logp=raw["bigram_logp"],
        bigram_floor=raw["bigram_floor"],
        bigram_mean_logp=raw["bigram_mean_logp"],
        umlaut_rate=raw["umlaut_rate"],
        sharp_s_rate=raw["sharp_s_rate"],
        outside_alphabet_rate=raw["outside_alphabet_rate"],
        common_words=frozenset(raw["common_words"]),
        common_words_share=raw["common_words_share"],
    )


# Blocks of emoji and pictographs people type ("🔥", "☕"); their neighbours
# (alchemical symbols, geometric shapes) are mojibake's accidents, not text.
PICTOGRAPH_RANGES = ((0x2600, 0x27BF), (0x1F000, 0x1F2FF), (0x1F300, 0x1F6FF), (0x1F900, 0x1FAFF))


def _is_pictograph(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in PICTOGRAPH_RANGES) and unicodedata.category(ch) == "So"


@lru_cache(maxsize=4096)
def char_cost(ch: str) -> float:
    """How surprising one character is in German text (0 for ASCII)."""
    if ch < "\x80":
        return 0.0 if (ch >= " " or ch in "\t\n\r") else CONTROL_COST
    if ch == "\u00a0":
        return NBSP_COST
    if ch in COMMON_PUNCTUATION:
        return PUNCTUATION_COST
    low = ch.lower()
    if low == "ß" or ch == "ẞ":
        return SSHARP_COST
    category = unicodedata.category(ch)
    if category[0] == "L":
        p = german_profile().letters.get(low if len(low) == 1 else ch)
        if p is not None:
            # loan-word letters (é in Café) are rare but still cheaper than unseen ones
            limit = 99.0 if low in GERMAN_LETTERS else SEEN_LATIN_LETTER_COST
            return min(limit, max(0.0, math.log(TYPICAL_LETTER_P / p)))
        if "LATIN" in unicodedata.name(ch, ""):
            return OTHER_LATIN_LETTER_COST
        return OTHER_SCRIPT_LETTER_COST
    if _is_pictograph(ch):
        return EMOJI_COST
    if 0x2190 <= ord(ch) <= 0x21FF:
        return ARROW_COST
    if category in ("Cc", "Cn", "Co", "Cs") or ch == "\ufffd":
        return CONTROL_COST
    if category[0] == "M" or category == "Cf":
        return MARK_COST
    if category[0] == "Z":
        return RARE_SPACE_COST
    if category[0] == "P" and ord(ch) >= 0x2000:
        return PUNCTUATION_COST + 1.0
    return SYMBOL_COST


@lru_cache(maxsize=4096)
def is_foreign_letter(ch: str) -> bool:
    """A letter of another script than Latin (Greek, Cyrillic, ...): glued to Latin ones, a sign of mojibake."""
    return ch.isalpha() and "LATIN" not in unicodedata.name(ch, "LATIN")


def cost(text: str) -> float:
    """Total surprise of `text` as German: the sum over its non-ASCII characters,
    plus penalties for punctuation or symbols wedged between two letters, for
    mojibake pairs, for letters of another script glued to Latin ones, for a
    non-ASCII capital right after a small letter ("GÜttingen", "fÃ¼r"), and for
    a symbol glued to the end of a word ("wei§")."""
    if len(text) <= SHORT_TEXT:
        return _short_cost(text)
    total = 0.0
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = run.span()
        total = _add_cost(text, start - 1 if start else start, end + 1, total)
    return total


# A text this short is scored once and remembered: repair scores the same few
# characters with their neighbours again and again.
SHORT_TEXT = 12
# (a class of the characters themselves, not a negated one: `re` skips ahead to it in C)
_NON_ASCII_RUN = re.compile(r"[\x80-\U0010ffff][\x80-\U0010ffff]*")


@lru_cache(maxsize=65536)
def _short_cost(text: str) -> float:
    return _add_cost(text, 0, len(text), 0.0)


def _add_cost(text: str, start: int, end: int, total: float) -> float:
    """`total` plus the surprise of text[start:end], one character after another.

    Only non-ASCII characters and the ASCII character right after one add to the
    cost, and what a character adds depends on the character before it alone, so
    `cost` walks each run of non-ASCII characters from the character before it to
    the one after it: the same additions in the same order as one walk over the
    whole text, so the same float to the last bit.
    """
    prev_letter = False
    prev = ""
    if start < end and text[start] < "\x80":  # the run's ASCII neighbour: only its letterhood counts
        prev = text[start]
        prev_letter = prev.isalpha()
        start += 1
    pending_wedge = 0.0
    for ch in text[start:end]:
        if ch < "\x80":
            is_letter = ch.isalpha()
            if is_letter and pending_wedge:
                total += pending_wedge
            if is_letter and prev and prev >= "\x80" and is_foreign_letter(prev):
                total += MIXED_SCRIPT_COST
            if ch == " " and prev in "ÃÂ" and prev:
                total += MOJIBAKE_PAIR_COST
            pending_wedge = 0.0
            prev_letter = is_letter
            prev = ch
            continue
        total += char_cost(ch)
        if prev in STRONG_LEAD_CHARS and ch in CONTINUATION_CHARS and prev:
            total += MOJIBAKE_PAIR_COST
        if prev_letter and not ch.isalpha() and ch not in AFTER_WORD:
            total += GLUED_SYMBOL_COST
        if prev_letter and ch.isupper() and prev.islower():
            total += CASE_BREAK_COST
        if prev and prev < "\x80" and prev.isalpha() and is_foreign_letter(ch):
            total += MIXED_SCRIPT_COST
        prev = ch
        if ch.isalpha():
            if pending_wedge:
                total += pending_wedge
            pending_wedge = 0.0
            prev_letter = True
        else:
            pending_wedge = IN_WORD_PUNCTUATION_COST if prev_letter and ch not in "\u00a0\u2009\u202f" else 0.0
            prev_letter = False
    return total


@dataclass(frozen=True)
class LetterStatistics:
    """How the letters and words of a text compare with the German profile.

    Counts, not rates, so that the statistics of parts add up to those of the
    whole (`a + b`); the rates are properties. Letters are case-folded before
    they meet the profile, as wordfreq folds them; capitals are counted apart.
    """

    letters: int = 0  # letters in words
    umlauts: int = 0  # ä ö ü, either case
    sharp_s: int = 0  # ß and ẞ
    capitals: int = 0
    outside: int = 0  # letters outside a-z ä ö ü ß (é, å, ł, Ã, ...)
    bigrams: int = 0  # letter bigrams, word edges included (" d", "r ")
    bigram_logp_sum: float = 0.0
    words: int = 0  # words of two letters or more
    german_words: int = 0  # of those: distinctive German words, or spelled with ä ö ü ß only in German letters
    foreign_words: int = 0  # of those: spelled with a letter outside the German alphabet ("år", "été")

    def __add__(self, other: LetterStatistics) -> LetterStatistics:
        return LetterStatistics(*(getattr(self, f) + getattr(other, f) for f in _STATISTICS_FIELDS))

    @property
    def umlaut_rate(self) -> float:
        return self.umlauts / self.letters if self.letters else 0.0

    @property
    def outside_rate(self) -> float:
        return self.outside / self.letters if self.letters else 0.0

    @property
    def capital_rate(self) -> float:
        return self.capitals / self.letters if self.letters else 0.0

    @property
    def bigram_logp(self) -> float:
        """Mean log-probability of the letter bigrams under the profile."""
        return self.bigram_logp_sum / self.bigrams if self.bigrams else 0.0

    @property
    def word_share(self) -> float:
        """Words that speak for German less words that speak against it, per word (-1..1).

        Swedish "sökande", "ökat" count for German, "år", "från" against it."""
        return (self.german_words - self.foreign_words) / self.words if self.words else 0.0


_STATISTICS_FIELDS = tuple(f.name for f in fields(LetterStatistics))
_WORD = re.compile(r"[^\W\d_]+")
_OUTSIDE_LETTER = re.compile("[^a-zäöüß]")
_UMLAUT_OR_SHARP_S = re.compile("[äöüß]")


@lru_cache(maxsize=65536)
def _word_statistics(word: str) -> tuple[int, int, int, int, int, float, bool]:
    """(letters, umlauts, sharp s, capitals, outside, bigram log-probability sum, speaks for German)
    of one word; cached, since running text repeats its words."""
    low = word.lower()
    profile = german_profile()
    logp = profile.bigram_logp
    floor = profile.bigram_floor
    padded = f" {low} "
    logp_sum = sum(logp.get(padded[i : i + 2], floor) for i in range(len(padded) - 1))
    outside = 0 if low.isascii() else len(_OUTSIDE_LETTER.findall(low))
    umlauts = low.count("ä") + low.count("ö") + low.count("ü")
    sharp_s = low.count("ß")
    capitals = 0 if word.islower() else sum(ch.isupper() for ch in word)
    german = len(low) >= 2 and (
        low.replace("ß", "ss") in profile.common_words or (not outside and _UMLAUT_OR_SHARP_S.search(low) is not None)
    )
    return len(low), umlauts, sharp_s, capitals, outside, logp_sum, german


def letter_statistics(text: str) -> LetterStatistics:
    """Count the letters, bigrams and German words of `text` against the profile."""
    letters = umlauts = sharp_s = capitals = outside = bigrams = words = german_words = foreign_words = 0
    logp_sum = 0.0
    for word in _WORD.findall(text):
        n, u, s, c, o, lp, german = _word_statistics(word)
        letters += n
        umlauts += u
        sharp_s += s
        capitals += c
        outside += o
        bigrams += n + 1
        logp_sum += lp
        if n >= 2:
            words += 1
            german_words += german
            foreign_words += o > 0
    return LetterStatistics(
        letters, umlauts, sharp_s, capitals, outside, bigrams, logp_sum, words, german_words, foreign_words
    )
