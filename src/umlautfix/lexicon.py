"""The German lexicon: which spellings with umlauts and ß are real words.

Data: `data/lexicon_de.txt.gz`, built by `scripts/build_german_data.py` from
wordfreq (CC BY-SA 4.0): each word with its Zipf frequency, written as a German
spelling list writes it (capitalised nouns, ß) where it knows the word.
Lookups fold case and ß ("ss") the way wordfreq does; `fold` brings a
candidate into that form.
Lines starting with "!" list ae/oe/ue spellings that are words of their own
("goethe", "israel"), so they are not reported as transliterations.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources
from itertools import product

UMLAUTS = "äöüß"
TRANSLITERATIONS = {"ae": "ä", "oe": "ö", "ue": "ü"}


def fold(word: str) -> str:
    """The lexicon's form of a word: lower case, ß as ss."""
    return word.lower().replace("ß", "ss")


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, float], frozenset[str], dict[str, str]]:
    """(Zipf frequency by folded word, ae/oe/ue words of their own, written form by folded word)."""
    raw = resources.files("umlautfix").joinpath("data/lexicon_de.txt.gz").read_bytes()
    words: dict[str, float] = {}
    own: set[str] = set()
    written: dict[str, str] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("!"):
            own.add(line[1:])
        elif line:
            word, zipf = line.split("\t")
            key = fold(word)
            words[key] = float(zipf)
            if word != key:
                written[key] = word
    return words, frozenset(own), written


def is_word(word: str) -> bool:
    """True when the lexicon knows this spelling (only words with umlauts or ß/ss are listed)."""
    return fold(word) in _load()[0]


def zipf(word: str) -> float | None:
    """The word's Zipf frequency (log10 per billion words) in the lexicon; None when it is not listed."""
    return _load()[0].get(fold(word))


def written_form(word: str) -> str:
    """The lexicon's written form of `word` ("Straße" for "strasse"); where it keeps none,
    the folded form is how it is written ("essen")."""
    folded = fold(word)
    return _load()[2].get(folded, folded)


def is_capitalised(word: str) -> bool:
    """True when German writes this word with a capital (a noun: "Überstunden", not "über")."""
    form = _load()[2].get(fold(word))
    return form is not None and form[:1].isupper()


def restorations(word: str, lost: str) -> list[tuple[str, float]]:
    """Every lexicon word `word` could have been before each `lost` character was
    replaced (each stands for exactly one of ä ö ü ß), with its Zipf frequency,
    most frequent first."""
    slots = [i for i, ch in enumerate(word) if ch in lost]
    if not slots or len(slots) > 4:
        return []
    words = _load()[0]
    found: list[tuple[str, float]] = []
    chars = list(word)
    for combo in product(UMLAUTS, repeat=len(slots)):
        for i, ch in zip(slots, combo, strict=True):
            chars[i] = ch
        candidate = "".join(chars)
        if candidate.startswith("ß"):
            continue  # no German word starts with ß
        zipf = words.get(fold(candidate))
        if zipf is not None:
            found.append((candidate, zipf))
    found.sort(key=lambda item: -item[1])
    return found


def umlaut_spelling(word: str) -> str | None:
    """The umlaut spelling a transliterated word stands for ("fuer" -> "für"), if any."""
    low = word.lower()
    if low in _load()[1] or not any(t in low for t in TRANSLITERATIONS):
        return None
    words = _load()[0]
    # try replacing every ae/oe/ue at once, then each one alone
    full = low
    for plain, uml in TRANSLITERATIONS.items():
        full = full.replace(plain, uml)
    if full != low and fold(full) in words:
        return full
    for plain, uml in TRANSLITERATIONS.items():
        start = low.find(plain)
        while start != -1:
            candidate = low[:start] + uml + low[start + 2 :]
            if fold(candidate) in words:
                return candidate
            start = low.find(plain, start + 1)
    return None
