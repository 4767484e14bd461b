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
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .charmaps import CONTINUATION_CHARS, STRONG_LEAD_CHARS

GERMAN_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzäöüß")

# Typography German text uses routinely; cheap but not free.
COMMON_PUNCTUATION = frozenset("„“”‚‘’»«–—…€§°·×´\u00a0\u202f\u2009²³•™")
PUNCTUATION_COST = 2.5
SSHARP_COST = 2.5  # wordfreq folds ß into "ss", so its rate is not in the profile
SEEN_LATIN_LETTER_COST = 6.0  # é in Café: in the profile, rare, but fine
OTHER_LATIN_LETTER_COST = 7.5  # Latin letters German words never use
OTHER_SCRIPT_LETTER_COST = 6.0  # Greek, Cyrillic, CJK: plausible in quotations
EMOJI_COST = 4.0
SYMBOL_COST = 9.0  # ¤ ¦ ¬ ├ √ ‰ and friends: rare in German, frequent in mojibake
MARK_COST = 9.0  # a combining mark on its own; NFD text has no repair candidates anyway
CONTROL_COST = 15.0  # C1 controls, U+FFFD, unassigned, private use
IN_WORD_PUNCTUATION_COST = 4.0  # "Gr”áe": punctuation between two letters
TYPICAL_LETTER_P = 0.05
MOJIBAKE_PAIR_COST = 6.0  # "Ã¤", "â€", "├ñ": a UTF-8 lead read as a code-page character, then a continuation
MIXED_SCRIPT_COST = 6.0  # "GrӇe": a letter of another script glued to a Latin letter


@dataclass(frozen=True)
class Profile:
    letters: dict[str, float]
    bigram_logp: dict[str, float]
    bigram_floor: float
    umlaut_rate: float
    outside_alphabet_rate: float


@lru_cache(maxsize=1)
def german_profile() -> Profile:
    """Load the shipped profile once."""
    raw = json.loads(
        resources.files("umlautfix").joinpath("data/profile_de.json").read_text("utf-8")
    )
    return Profile(
        letters=raw["letters"],
        bigram_logp=raw["bigram_logp"],
        bigram_floor=raw["bigram_floor"],
        umlaut_rate=raw["umlaut_rate"],
        outside_alphabet_rate=raw["outside_alphabet_rate"],
    )


@lru_cache(maxsize=4096)
def char_cost(ch: str) -> float:
    """How surprising one character is in German text (0 for ASCII)."""
    if ch < "\x80":
        return 0.0 if (ch >= " " or ch in "\t\n\r") else CONTROL_COST
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
    if category == "So" and ord(ch) >= 0x2600:
        return EMOJI_COST
    if category in ("Cc", "Cn", "Co", "Cs") or ch == "\ufffd":
        return CONTROL_COST
    if category[0] == "M" or category == "Cf":
        return MARK_COST
    if category[0] == "Z":
        return PUNCTUATION_COST
    if category[0] == "P" and ord(ch) >= 0x2000:
        return PUNCTUATION_COST + 1.0
    return SYMBOL_COST


@lru_cache(maxsize=4096)
def _is_foreign_letter(ch: str) -> bool:
    return ch.isalpha() and "LATIN" not in unicodedata.name(ch, "LATIN")


def cost(text: str) -> float:
    """Total surprise of `text` as German: the sum over its non-ASCII characters,
    plus penalties for punctuation or symbols wedged between two letters, for
    mojibake pairs, and for letters of another script glued to Latin ones."""
    total = 0.0
    prev_letter = False
    prev = ""
    pending_wedge = 0.0
    for ch in text:
        if ch < "\x80":
            is_letter = ch.isalpha()
            if is_letter and pending_wedge:
                total += pending_wedge
            if is_letter and prev and prev >= "\x80" and _is_foreign_letter(prev):
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
        if prev and prev < "\x80" and prev.isalpha() and _is_foreign_letter(ch):
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
    """How the letters of a text compare with the German profile."""

    letters: int  # letters counted (case folded, ß as "ss")
    umlaut_rate: float  # share of ä ö ü among letters
    outside_rate: float  # share of letters outside a-z äöüß
    bigram_logp: float  # mean log-probability of letter bigrams under the profile


def letter_statistics(text: str) -> LetterStatistics:
    profile = german_profile()
    logp = profile.bigram_logp
    floor = profile.bigram_floor
    letters = umlauts = outside = bigrams = 0
    total_logp = 0.0
    for word in text.lower().replace("ß", "ss").split():
        prev = " "
        for ch in word:
            if not ch.isalpha():
                if prev != " ":
                    total_logp += logp.get(prev + " ", floor)
                    bigrams += 1
                prev = " "
                continue
            letters += 1
            if ch in "äöü":
                umlauts += 1
            elif not ("a" <= ch <= "z"):
                outside += 1
            total_logp += logp.get(prev + ch, floor)
            bigrams += 1
            prev = ch
        if prev != " ":
            total_logp += logp.get(prev + " ", floor)
            bigrams += 1
    if not letters:
        return LetterStatistics(0, 0.0, 0.0, 0.0)
    return LetterStatistics(
        letters=letters,
        umlaut_rate=umlauts / letters,
        outside_rate=outside / letters,
        bigram_logp=total_logp / max(bigrams, 1),
    )
