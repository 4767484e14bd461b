"""Build the German reference profile and lexicon shipped in the package.

Source: wordfreq 3.1.1 (https://github.com/rspeer/wordfreq), German word
frequencies. wordfreq's code is Apache-2.0; its data is CC BY-SA 4.0, so the
two files written here are CC BY-SA 4.0 too (see src/umlautfix/data/README.md).

The lexicon lists each word with its Zipf frequency (log10 per billion words),
so that lost-character restoration can tell a dominant reading from a tie.

Quirks of the source that the consumers plan for:
- wordfreq lower-cases every word and folds ß to ss ("straße" and "strasse" are
  one entry). The lexicon stores words that way and lookups fold the same way.
  The profile restores ß and the capital initials of nouns with a German
  spelling list (Debian's wngerman, consulted only, see `written_forms`); its
  letter and bigram tables stay case-folded, capitals are a table of their own.

Run:  python scripts/build_german_data.py   (writes src/umlautfix/data/)
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from itertools import pairwise
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


GERMAN_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzäöüß")
# Debian's German spelling list (igerman98, GPL-2+): consulted to restore ß and noun
# capitals that wordfreq folds away; none of its words is shipped.
SPELLING_LIST = Path("/usr/share/dict/ngerman")
COMMON_WORDS = 2000  # distinctive German words kept in the profile
COMMON_WORD = re.compile(r"^[a-zäöü]+$")
COMPOUND_HEAD_MIN = 2  # letters before the last part of a compound the spelling list lacks
COMPOUND_TAIL_MIN = 4  # letters of that last part
# Latin-script languages of wordfreq a German word must be rarer in to count as distinctive.
OTHER_LATIN_LANGUAGES = (
    "ca",
    "cs",
    "da",
    "en",
    "es",
    "fi",
    "fil",
    "fr",
    "hu",
    "id",
    "is",
    "it",
    "lt",
    "lv",
    "ms",
    "nb",
    "nl",
    "pl",
    "pt",
    "ro",
    "sh",
    "sk",
    "sl",
    "sv",
    "tr",
    "vi",
)


def build_profile(words: dict[str, float], spellings: dict[str, str]) -> dict[str, object]:
    """Letter, capital and bigram frequencies of running German text, weighted by word frequency.

    `spellings` maps a wordfreq word to how it is written (ß restored, capital
    initial for nouns; see `written_forms`); words it does not know count as
    written lower case with ss. Also the distinctive German words that
    `profile.letter_statistics` counts to tell German from other languages.
    """
    letters: Counter[str] = Counter()
    capitals: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    known = 0.0
    for word, freq in words.items():
        written = spellings.get(word, word)
        known += freq if word in spellings else 0.0
        for ch in written:
            if ch.isupper():
                capitals[ch] += freq
        folded = written.lower()
        for ch in folded:
            letters[ch] += freq
        padded = f" {folded} "
        for a, b in pairwise(padded):
            bigrams[a + b] += freq
    total_letters = sum(letters.values())
    total_bigrams = sum(bigrams.values())
    letter_freq = {c: round(n / total_letters, 7) for c, n in letters.most_common()}
    capital_freq = {c: round(n / total_letters, 7) for c, n in capitals.most_common()}
    umlaut_rate = sum(letter_freq.get(c, 0.0) for c in "äöü")
    outside = sum(f for c, f in letter_freq.items() if c not in GERMAN_ALPHABET)
    # log-probabilities of bigrams, floored: the scorer needs a cost for unseen pairs
    kept = {bg: n / total_bigrams for bg, n in bigrams.items() if n / total_bigrams >= 1e-7}
    bigram_logp = {bg: round(math.log(p), 3) for bg, p in sorted(kept.items())}
    common = distinctive_words(words)
    return {
        "source": f"wordfreq {wordfreq_version()}, German, words with zipf >= {PROFILE_MIN_ZIPF:.1f}",
        "licence": "CC BY-SA 4.0 (wordfreq data)",
        "quirks": [
            "wordfreq lower-cases: letters and bigrams are case-folded; capitals holds the capital "
            "initials of words the spelling list writes capitalised only (nouns), sentence starts not counted",
            "wordfreq folds ß to ss: ß restored where the spelling list writes the word with ß only",
        ],
        "spelling_list": f"{SPELLING_LIST} (Debian wngerman), looked up only; words spelled from it: "
        f"{known / sum(words.values()):.1%} of the word mass",
        "letters": letter_freq,
        "capitals": capital_freq,
        "capital_rate": round(sum(capital_freq.values()), 6),
        "umlaut_rate": round(umlaut_rate, 6),
        "sharp_s_rate": letter_freq.get("ß", 0.0),
        "outside_alphabet_rate": round(outside, 6),
        "bigram_floor": round(math.log(1e-7), 3),
        "bigram_mean_logp": round(sum(p * math.log(p) for p in kept.values()) / sum(kept.values()), 4),
        "bigram_logp": bigram_logp,
        "common_words_count": COMMON_WORDS,
        "common_words_share": round(sum(words.get(w, 0.0) for w in common) / sum(words.values()), 4),
        "common_words": common,
    }


def written_forms(path: Path = SPELLING_LIST) -> dict[str, str]:
    """How each (folded) word is written, from a German spelling list: with ß where the
    list has only the ß spelling, capitalised where it has only the capitalised form.

    wordfreq cannot say either (it lower-cases and folds ß), a spelling list can. A
    folded word with two spellings ("masse": Masse, Maße) keeps its folded form.
    """
    if not path.exists():
        raise SystemExit(f"{path} is missing: the profile needs the German spelling list (apt-get install wngerman)")
    forms: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and "'" not in word:
            forms.setdefault(word.lower().replace("ß", "ss"), set()).add(word)
    written: dict[str, str] = {}
    for folded, spellings in forms.items():
        lowered = {w.lower() for w in spellings}
        spelled = lowered.pop() if len(lowered) == 1 else folded
        if all(w.isupper() and len(w) > 1 for w in spellings):
            spelled = spelled.upper()
        elif all(w[0].isupper() for w in spellings):
            spelled = spelled[0].upper() + spelled[1:]
        written[folded] = spelled
    return written


def distinctive_words(words: dict[str, float]) -> list[str]:
    """The COMMON_WORDS most frequent German words of two letters or more that are more
    frequent in German than in every other Latin-script language wordfreq knows.

    Their share of a text's words tells German from its neighbours ("the", "in",
    "was", "also" are left out: they are as common elsewhere).
    """
    chosen: list[str] = []
    for word in sorted(words, key=lambda w: -words[w]):
        if len(word) < 2 or not COMMON_WORD.match(word):
            continue
        freq = words[word]
        if all(wordfreq.word_frequency(word, lang) < freq for lang in OTHER_LATIN_LANGUAGES):
            chosen.append(word)
            if len(chosen) == COMMON_WORDS:
                break
    return chosen


def wordfreq_version() -> str:
    from importlib.metadata import version

    return version("wordfreq")


def compound_form(word: str, written: dict[str, str]) -> str:
    """A word the spelling list lacks, capitalised when it is a compound whose last part
    the list writes only capitalised ("ärztemangel" -> "Ärztemangel": Mangel; German
    compounds take the case of their last part); otherwise as wordfreq has it."""
    for k in range(COMPOUND_HEAD_MIN, len(word) - COMPOUND_TAIL_MIN + 1):
        tail = written.get(word[k:])
        if tail is not None:
            return word[0].upper() + word[1:] if tail[0].isupper() and not tail.isupper() else word
    return word


def build_lexicon(words: dict[str, float]) -> tuple[list[str], list[str]]:
    """Words with umlauts or ss (ß), and the ae/oe/ue spellings that are words of their own.

    Each word is written as the spelling list writes it where it knows the word
    ("Größe", "Überstunden", "über"; a word it writes two ways keeps wordfreq's
    folded form, capitalised if both ways are): lost-character restoration takes
    the capital of a noun from there ("?berstunden" -> "Überstunden"). wordfreq's
    Zipf frequencies are the same for either form.

    A word like "fuer" is a transliteration because "für" is in the lexicon; "Goethe"
    is not, although "göthe" is, because the ae/oe/ue spelling is itself common. Those
    exceptions are listed so the validator needs no list of all ASCII words.
    """
    folded = sorted(w for w in words if NON_ASCII_OR_SS.search(w))
    written = written_forms()
    lexicon = [written.get(w) or compound_form(w, written) for w in folded]
    all_words = wordfreq.get_frequency_dict("de")
    own_words: list[str] = []
    for word in folded:
        if not re.search("[äöü]", word):
            continue
        plain = re.sub("[äöü]", lambda m: UMLAUT_TRANSLIT[m.group()], word)
        plain_freq = all_words.get(plain, 0.0)
        if plain_freq and words[word] / plain_freq < TRANSLIT_RATIO:
            own_words.append(plain)
    return lexicon, sorted(set(own_words))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    profile = build_profile(german_words(PROFILE_MIN_ZIPF), written_forms())
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
