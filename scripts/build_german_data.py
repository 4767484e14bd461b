"""Build the German reference profile and lexicon shipped in the package.

Source: wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), German word
frequencies. wordfreq's code is Apache-2.0; its data is CC BY-SA 4.0, so the
two files written here are CC BY-SA 4.0 too (see src/umlautfix/data/README.md).

The lexicon lists each word with its Zipf frequency (log10 per billion words),
so that lost-character restoration can tell a dominant reading from a tie.

Quirks of the source that the consumers plan for:
- wordfreq lower-cases every word, so the profile has no capitals: the
  validator folds case before it compares letter statistics.
- wordfreq folds ß to ss ("straße" and "strasse" are one entry), so the profile
  counts ß as "ss" and the lexicon stores ß as "ss": lookups fold the same way.

Run:  python scripts/build_german_data.py   (writes src/umlautfix/data/)
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from pathlib import Path

import wordfreq

DATA = Path(__file__).resolve().parent.parent / "src" / "umlautfix" / "data"
PROFILE_MIN_ZIPF = 1.5  # words rarer than this are mostly noise (names, typos)
LEXICON_MIN_ZIPF = 2.0  # lost-character restoration only trusts real words
TRANSLIT_RATIO = 30.0  # "fuer" counts as a transliteration when "für" is this much more frequent
WORD = re.compile(r"^[a-zäöüßéèàáâêëîïôûçñ]+$")
NON_ASCII_OR_SS = re.compile(r"[^a-z]|ss")
UMLAUT_TRANSLIT = {"ä": "ae", "ö": "oe", "ü": "ue"}


def german_words(min_zipf: float) -> dict[str, float]:
    threshold = 10 ** (min_zipf - 9)
    freqs = wordfreq.get_frequency_dict("de")
    return {w: f for w, f in freqs.items() if f >= threshold and WORD.match(w)}


def build_profile(words: dict[str, float]) -> dict[str, object]:
    letters: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for word, freq in words.items():
        padded = f" {word} "
        for ch in word:
            letters[ch] += freq
        for a, b in zip(padded, padded[1:]):
            bigrams[a + b] += freq
    total_letters = sum(letters.values())
    total_bigrams = sum(bigrams.values())
    letter_freq = {c: round(n / total_letters, 7) for c, n in letters.most_common()}
    german = set("abcdefghijklmnopqrstuvwxyzäöü")
    umlaut_rate = sum(letter_freq.get(c, 0.0) for c in "äöü")
    outside = sum(f for c, f in letter_freq.items() if c not in german)
    # log-probabilities of bigrams, floored: the scorer needs a cost for unseen pairs
    kept = {bg: n / total_bigrams for bg, n in bigrams.items() if n / total_bigrams >= 1e-7}
    bigram_logp = {bg: round(math.log(p), 3) for bg, p in sorted(kept.items())}
    return {
        "source": "wordfreq 3.1.1, German, words with zipf >= %.1f" % PROFILE_MIN_ZIPF,
        "licence": "CC BY-SA 4.0 (wordfreq data)",
        "quirks": ["lower-cased: capitals are folded", "ß folded to ss"],
        "letters": letter_freq,
        "umlaut_rate": round(umlaut_rate, 6),
        "outside_alphabet_rate": round(outside, 6),
        "bigram_floor": round(math.log(1e-7), 3),
        "bigram_logp": bigram_logp,
    }


def build_lexicon(words: dict[str, float]) -> tuple[list[str], list[str]]:
    """Words with umlauts or ss (ß), and the ae/oe/ue spellings that are words of their own.

    A word like "fuer" is a transliteration because "für" is in the lexicon; "Goethe"
    is not, although "göthe" is, because the ae/oe/ue spelling is itself common. Those
    exceptions are listed so the validator needs no list of all ASCII words.
    """
    lexicon = sorted(w for w in words if NON_ASCII_OR_SS.search(w))
    all_words = wordfreq.get_frequency_dict("de")
    own_words: list[str] = []
    for word in lexicon:
        if not re.search("[äöü]", word):
            continue
        plain = re.sub("[äöü]", lambda m: UMLAUT_TRANSLIT[m.group()], word)
        plain_freq = all_words.get(plain, 0.0)
        if plain_freq and words[word] / plain_freq < TRANSLIT_RATIO:
            own_words.append(plain)
    return lexicon, sorted(set(own_words))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    profile = build_profile(german_words(PROFILE_MIN_ZIPF))
    (DATA / "profile_de.json").write_text(
        json.dumps(profile, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8"
    )
    lexicon, own_words = build_lexicon(german_words(LEXICON_MIN_ZIPF))
    zipf = {w: wordfreq.zipf_frequency(w, "de") for w in lexicon}
    lines = [f"{w}\t{zipf[w]:.1f}" for w in lexicon] + [f"!{plain}" for plain in own_words]
    with gzip.GzipFile(DATA / "lexicon_de.txt.gz", "wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"profile: {len(profile['letters'])} letters, {len(profile['bigram_logp'])} bigrams")
    print(f"lexicon: {len(lexicon)} words, {len(own_words)} ae/oe/ue words of their own")


if __name__ == "__main__":
    main()
