"""Stage 2, repair: text to text. Undo mojibake, and change nothing else.

Each step looks at one kind of damage and proposes edits (a span of its input
and a replacement); the steps run one after another and their edits are
composed, so every `Change` refers to the caller's text. The German profile
(`profile.cost`) guards every proposal: an edit is kept only when its
replacement costs clearly less than what it replaces, so clean text in any
language passes through unchanged.

Steps, in order:
- `fix_entity_mojibake`: "&Atilde;&frac14;" in text that is not HTML markup;
- `fix_encoding`: the better of two explanations for the text as a whole --
  UTF-8 read as a single-byte code page (`fix_utf8_mojibake`, run by run, one
  or more layers, also lower- or upper-cased afterwards, also with a lost
  non-breaking space) or a file saved in one 8-bit code page and opened as
  another (`fix_codepage_mixup`) -- and, line by line, ftfy's `fix_encoding`
  where it explains a line better (`prefer_ftfy_where_better`);
- `fix_lost_characters`: umlauts replaced by "?" or U+FFFD, restored where the
  lexicon admits one reading.

A text that is UTF-8 read as cp1252 as a whole (the commonest case) is read back
in one C call (`read_whole`) where that gives exactly what the run-by-run step
would: decided once per distinct run, not once per occurrence.

Examples:
    >>> fix_text("Im Ukrainekrieg kÃ¤mpfen Nordkoreaner")
    'Im Ukrainekrieg kämpfen Nordkoreaner'
    >>> fix_text("FÃœR die GrÃ¶ÃŸe"), fix_text("kã¤mpfen"), fix_text("ÃŒBER ALLES")
    ('FÜR die Größe', 'kämpfen', 'ÜBER ALLES')
    >>> fix_text("Gr??e f\ufffdr 5 Euro"), fix_text("Gr”áe")
    ('Größe für 5 Euro', 'Größe')
"""

from __future__ import annotations

import codecs
import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise

import ftfy
import ftfy.badness

from . import lexicon
from .charmaps import (
    COMMON_MOJIBAKE_CODECS,
    CONTINUATION_CHARS,
    LEAD_CHARS,
    MIXUP_CODECS,
    MOJIBAKE_CODECS,
    REPORT_NAMES,
    STRONG_LEAD_CHARS,
    case_variant_bytes,
    family,
    lead_pairs,
    upper_half,
)
from .profile import (
    AFTER_WORD,
    CASE_BREAK_COST,
    COMMON_PUNCTUATION,
    GLUED_SYMBOL_COST,
    IN_WORD_PUNCTUATION_COST,
    MIXED_SCRIPT_COST,
    MOJIBAKE_PAIR_COST,
    char_cost,
    cost,
    german_profile,
    is_foreign_letter,
)

# A repair must lower the text's cost by at least this much (in nats).
GUARD_MARGIN = 2.0
# A decoded character this cheap reads as ordinary German (ä ö ü ß, „ “ – €, emoji).
PLAUSIBLE_COST = 4.0
GERMAN_LETTERS = frozenset("äöüÄÖÜßẞ")
WORD_DASHES = frozenset("-‐‑–—")  # "Mo–Fr": dashes may join two words
MIXUP_SYMBOL_TARGETS = "€„“”‚‘’–—…"
OPENING_QUOTES = "„‚»«“‘"  # German, Swiss and English opening marks
CLOSING_QUOTES = "“‘«»”’"
GERMAN_TYPOGRAPHY = frozenset(ch for ch in COMMON_PUNCTUATION if not ch.isspace())  # „ “ » « – € ° §, no spaces
QUOTATION_MARKS = frozenset("\"'„‚»«“”‘’›‹")  # any of them, in any language's use
_WORD_PUNCTUATION = ".,;:!?»«„“”‚‘’\"'()"
# A mix-up of code pages is decided on the whole text and must remove most of its cost.
MIXUP_MIN_GAIN = 0.5
MIXUP_WEAK_GAIN = 0.35  # enough when the letter bigrams of the touched words improve too, in a longer text
GERMAN_WORDS_MIN = 2  # distinctive German words a text needs before a whole-text mix-up decision
GERMAN_WORDS_SHARE = 0.15  # and their share of its words
MIXUP_LEXICON_MAX_WORDS = 3  # a text short enough to need the lexicon for a mix-up
MIXUP_MIN_QUOTES = 4  # changed characters needed when none of them is a German letter
MIXUP_PLAUSIBLE_SHARE = 0.6  # of the changed characters, at least this share must read as German
MIXUP_PLAUSIBLE_COST = 6.0  # umlauts, „ “ €, and letters the profile has seen in loan words (é, á)
MIXUP_MIN_DROP = 3.0  # nats: one "¤" -> "€" is enough, one "é" -> "Ú" is not
MIXUP_TIE_MARGIN = 3.0  # nats: a reversal this much dearer than the cheapest may win on the lexicon's words
FTFY_SHORT_CHANGE = 3  # characters of an ftfy change that need more evidence than ftfy's own
FTFY_SHORT_LINE_LETTERS = 4  # letters of a line (besides such a change) too few to tell its language
FTFY_CONTEXT = 64  # characters each way that tell a short change's script and whether the text is short
QUOTE_WORD_MIN = 4  # letters of the word a quotation mark at its edge must make to be read as a letter ("”ber")
NEAR_WORD_MIN = 6  # letters of a word that a lexicon word one edit away vouches for
NEAR_WORD_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
MIXUP_WORD_BIGRAM_MIN = -6.6  # mean letter-bigram log-probability of a word read as German ("verräth", not "Garcßa")
# A lost character is restored when one reading is this many times more frequent than any other.
LOST_DOMINANCE = 3.0
COMPOUND_PART_MIN = 4  # letters of a compound's part that restores a lost character
COMPOUND_DEPTH = 1  # a compound's last part may itself be read as a compound this many times
COMPOUND_NESTED_LOST = 2  # if it holds at most this many lost characters (the readings to try grow as 4**n)
STEM_MIN = 5  # letters of a word's first part that vouches for it before an ending of two or more ("Üben|t" does not)
LOST_WORD_MAX = 40  # longer runs of letters and "?" are no word to restore
WORD_SCAN = 64  # characters looked at each way for the word around a position
MAX_LAYERS = 4
MAX_ROUNDS = 3  # passes of the encoding steps over their own result
# A run is read in the code page that explains the whole text best unless another reads it this much better.
CODEC_CONSISTENCY_MARGIN = 5.0
# ftfy's encoding repair: only the steps that undo mojibake run in `fix_encoding`;
# the others (quotes, line breaks, ligatures, width, NFC) are switched off here as well.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_terminal_escapes=False,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)

_FTFY_BADNESS = ftfy.badness.BADNESS_RE
# What every match of ftfy's badness pattern holds besides two adjacent non-ASCII characters
# (C1 controls, "Â", "Ã", "Œ", "œ"), and its longest match: both checked against the
# pattern itself in tests/test_fast_path.py.
FTFY_LONE_TRIGGERS = r"\x80-\x9fÂÃŒœ"  # a character class
FTFY_LONGEST_MATCH = 7
# (written to start with a plain character class, which lets `re` skip ahead to a non-ASCII
# character at C speed; "[^\x00-\x7f]{2,}|..." is tried at every position, three times slower)
_FTFY_CANDIDATE = re.compile(r"[^\x00-\x7f](?:[^\x00-\x7f]+|" f"(?<=[{FTFY_LONE_TRIGGERS}]))")

# Portuguese words that begin with "à": after "Ã " they continue the word (ftfy's rule).
A_GRAVE_WORDS = ("s ", "quele", "quela", "quilo")
_ANCHOR = re.compile(r"([A-Za-z0-9]+)")
_LETTERS = re.compile(r"[^\W\d_]+")
# "x+" as "xx*": a pattern that starts with a plain character class lets `re` skip ahead to
# its next match at C speed (one that starts with a repeat is tried at every position:
# finditer over a German line is three times slower); a range is tested faster than its negation
_NON_ASCII_RUN = re.compile(r"[\x80-\U0010ffff][\x80-\U0010ffff]*")
_MOJIBAKE_PAIR = re.compile(f"[{re.escape(LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)}]")
# "â€", "Ã¤": a lead character of German mojibake before a continuation character.
_STRONG_PAIR = re.compile(f"[{re.escape(STRONG_LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)}]")
# Runs worth reading: a strong pair, or byte C4's character before a continuation of the same
# code page (Turkish ı ş ğ, Polish ą ć ę: "Ä±"; not "äß" of "gemäß").
_C4_PAIRS = [(re.escape(leads), re.escape(conts)) for leads, conts in lead_pairs(0xC4)]
_GATE_PAIR = re.compile(
    f"[{re.escape(STRONG_LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)}]"
    + "".join(f"|[{leads}][{conts}]" for leads, conts in _C4_PAIRS)
)
# A lost non-breaking space (byte A0 after C2, C3 or C5) where A0 reads as a no-break space.
NBSP_LEADS = "ÂÃĂÅ"
# What makes a run worth reading (`_read_run`): a gate pair, a C1 control, a lead before a space.
# One character class first, the conditions after it: `re` skips ahead fast only so.
_GATE_LEADS = re.escape(STRONG_LEAD_CHARS) + "".join(leads for leads, _ in _C4_PAIRS)
_RUN_GATE = re.compile(
    f"[{_GATE_LEADS}{NBSP_LEADS}\x80-\x9f]"
    f"(?:(?<=[{re.escape(STRONG_LEAD_CHARS)}])(?=[{re.escape(CONTINUATION_CHARS)}])"
    + "".join(f"|(?<=[{leads}])(?=[{conts}])" for leads, conts in _C4_PAIRS)
    + f"|(?<=[\x80-\x9f])|(?<=[{NBSP_LEADS}])(?= ))"
)
_ENTITY = r"&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});"
_ENTITY_RUN = re.compile(f"{_ENTITY}(?:{_ENTITY})*")  # "&" first: `re` skips ahead to it fast
_LOST_MARK = re.compile(r"[?\ufffd]")
# Every word `fix_lost_characters` restores or reports holds U+FFFD or a "?" right before a
# letter (a "?" after a word alone, "Wei? jemand", counts only beside such a word).
_LOST_BEFORE_LETTER = re.compile(r"\?[^\W\d_]")
_SENTENCE_END = frozenset('.!?:»«„“";|\n\t')  # what may stand before a sentence or field start
_CP1252 = upper_half("sloppy-windows-1252")  # the characters of bytes 80-FF
# Cheap first look: text without any of these has nothing to repair. Clean German
# rarely has any (its ß, „“ and € before a space, "Mo–Fr" are no reason to look).
_SUSPECT = re.compile(
    r"(?=[?&\x80-\U0010ffff])(?:"  # every alternative starts at a non-ASCII character, "?" or "&": ASCII fails fast
    f"[{re.escape(STRONG_LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)}]"  # "Ã¤", "â€", "├ñ"
    f"|[{NBSP_LEADS}] "  # "Â " for a lost non-breaking space
    + "".join(f"|[{leads}][{conts}]" for leads, conts in _C4_PAIRS)  # "Ä±": every gate pair is a suspect
    + f"|[{re.escape(_CP1252[0x42:0x75])}][{re.escape(_CP1252[:0x40])}]"  # any UTF-8 pair read as cp1252 ("Tiáº¿ng")
    + r"|[\x80-\x9f\ufffd\u00a4]"  # C1 controls, replacement characters, "¤" for "€"
    r"|(?<=[A-Za-z])\?+[A-Za-z]|(?<!\S)\?[a-z]"  # "Gr??e", "?bel"
    f"|{_ENTITY}"
    r"|(?<=[A-Za-z])[\u00a1-\u00bf\u00d7\u00f7\u2016-\u2027\u2030-\u205e](?=[A-Za-zÀ-ÖØ-öø-ÿ])"  # "Gr”áe", "f³r"
    r"|(?<!\S)[\u00a1-\u00a6\u00a8-\u00aa\u00ac-\u00af\u00b1-\u00b6\u00b8-\u00ba\u00bc-\u00bf\u00d7\u00f7"
    r"\u201d\u2020\u2021\u2030\u2039\u203a](?=[a-z])"  # "¸bertrieben", "”ffentlich": no German word starts so
    r"|(?<=[A-Za-z])[\u00a1\u00a2\u00a4-\u00aa\u00ac-\u00af\u00b1\u00b5-\u00ba\u00bc-\u00bf]"
    # "muº", "mu§": a symbol glued to the end of a word
    r"|(?<=[A-Za-z])[À-ÖØ-Þà-ãå-õø-ûý-ÿ](?=[a-z])"  # "GÜttingen", "Hètte": a letter German words do not have there
    r"|(?<=[a-z])[à-ãå-ïñ-õø-ûý-ÿ](?![^\W\d_])"  # "muá": a letter German words do not end with
    r"|(?<!\S)[À-ÃÅ-ÕØ-ÛÝÞà-ãå-õø-ûý-ÿ](?=\s)"  # "ð Publikum": a letter standing alone where a dash stands
    r"|(?<!\S)[À-ÃÅ-ÕØ-ÛÝÞà-ãå-õø-ûý-ÿ](?=[a-z])"  # "Åbertrieben", "èlteren": German words do not start so
    r"|(?<!\S)[„™](?=[a-zäöü]{2,}[\s,.;:!?])(?![^“”\n]{0,120}[“”])"  # "„lteren", "™konomen": no quote closes
    r"|(?<!\S)[ØªÆ](?=[A-Z][a-z])|(?<=[a-z])[ÆØ´](?![^\W\d_])"  # "ØNathanÆ", "ªNathan´": » « read as Mac Roman
    r"|[^\x00-\x7f\u00a0-\u00ff\u2000-\u206f\u20ac\u2122\U0001f000-\U0001faff\u2600-\u27bf]"
    ")"
)
# The first step of the first look (`find_suspect`): every match of `_SUSPECT` has one of these
# characters at its start or right after it, and a plain character class lets `re` skip
# ahead fast. Never a hit on their own: ASCII but "?" and "&", the letters äöüß (in
# `_SUSPECT` only beside a character found here) and emoji (in no alternative of it);
# ordinary German typography only in the few places `_SUSPECT` looks at it.
_GERMAN_TYPOGRAPHY = "ÄÖÜ€„“”‚‘’–—…»«°§²³×·\u00a0"
_FIRST_LOOK = re.compile(
    r"[^\x00-\x25\x27-\x3e\x40-\x7fäöüß\U0001f000-\U0001faff\u2600-\u27bf]"
    r"(?:"
    f"(?<=[^?&{_GERMAN_TYPOGRAPHY}])"  # anything else outside ASCII
    r"|(?<=\?)(?=[A-Za-z?])|(?<=&)(?=[A-Za-z#])"  # "Gr??e", "?bel"; an entity
    r"|(?<=[^\x00-\x7f].)"  # after another non-ASCII character ("ÃŸ", "ß“": a mojibake pair)
    r"|(?<=[A-Za-z].)(?=[^\W\d_])"  # between letters ("Gr”áe", "GÜttingen")
    r"|(?<=[A-Za-z][§·])"  # glued to a word ("mu§")
    r"|(?<=‚)(?=[^\x00-\x7f])"  # Mac Roman's lead byte E2
    r"|(?<=(?<!\S)[²³×”])(?=[a-z])"  # starting a word ("”ffentlich")
    r"|(?<=(?<!\S)„)(?=[a-zäöü])"  # an opening quote before a small letter: a cp850 "ä" ("„lteren")
    ")"
)


@dataclass(frozen=True)
class Change:
    """One edit: `before` at input offsets [start, end) became `after`, because `reason`."""

    start: int
    end: int
    before: str
    after: str
    reason: str


@dataclass(frozen=True)
class Repair:
    """The repaired text and every change made, in input order.

    `unresolved` lists damage that was found but left alone (an ambiguous lost
    character, say): `before == after` there, and `reason` says why.
    """

    text: str
    changes: list[Change] = field(default_factory=list)
    unresolved: list[Change] = field(default_factory=list)


def might_need_repair(text: str) -> bool:
    """The cheap first look: False promises that repair() returns `text` unchanged,
    so callers (the streaming pipeline) may skip text that does not need it."""
    return find_suspect(text) is not None


def find_suspect(text: str, pos: int = 0) -> tuple[int, int] | None:
    """The next place at or after `pos` that makes `text` worth a look, as (start, end),
    or None: lines without one come back from repair() unchanged.

    The same span as `_SUSPECT.search(text, pos)`, found in two steps: `_FIRST_LOOK`
    scans at `re`'s fast speed for a character that every match of `_SUSPECT` has
    at its start or just after it, and `_SUSPECT` is tried only there.
    """
    if text.isascii():
        return _ascii_suspect(text, pos)
    hit = _FIRST_LOOK.search(text, pos)  # (a search, not finditer: most texts have no hit at all)
    while hit is not None:
        at = hit.start()
        for start in (at - 1, at) if at > pos else (at,):
            match = _SUSPECT.match(text, start)
            if match is not None:
                return match.span()
        hit = _FIRST_LOOK.search(text, hit.end())
    return None


def _ascii_suspect(text: str, pos: int) -> tuple[int, int] | None:
    """`find_suspect` in ASCII text, where only "?" and "&" may start a match: `_SUSPECT`
    is tried at each of them, found by `str.find` at memory speed (isascii is free)."""
    question, ampersand = text.find("?", pos), text.find("&", pos)
    while question >= 0 or ampersand >= 0:
        at = ampersand if question < 0 or 0 <= ampersand < question else question
        match = _SUSPECT.match(text, at)
        if match is not None:
            return match.span()
        if at == question:
            question = text.find("?", at + 1)
        else:
            ampersand = text.find("&", at + 1)
    return None


def fix_text(text: str) -> str:
    """Repair the mojibake in `text`; clean text comes back unchanged."""
    suspect = find_suspect(text) if text else None
    if suspect is None:
        return text  # as repair() would, without building its result (many short texts are clean)
    return _repair(text, track=False, suspect=suspect).text


def repair(
    text: str,
    *,
    entities: bool = True,
    mojibake: bool = True,
    mixups: bool = True,
    lost: bool = True,
    use_ftfy: bool = True,
) -> Repair:
    """Repair `text` and explain every change (see the module docstring for the steps)."""
    suspect = find_suspect(text) if text else None  # (`might_need_repair`, keeping where it looked)
    if suspect is None:
        return Repair(text)
    return _repair(text, entities, mojibake, mixups, lost, use_ftfy, suspect=suspect)


def _repair(
    text: str,
    entities: bool = True,
    mojibake: bool = True,
    mixups: bool = True,
    lost: bool = True,
    use_ftfy: bool = True,
    track: bool = True,
    suspect: tuple[int, int] | None = None,
) -> Repair:
    """repair()'s work; without `track` (fix_text) the same steps in the same order, but no
    change is listed and a text read back whole (`read_whole`) is taken as it is.
    `suspect` is `find_suspect(text)` where the caller has looked already."""
    current, changes = text, []
    unresolved: list[Change] = []
    # Each step can leave what an earlier one then reads (a restored letter beside mojibake,
    # an entity run decoded next to another): go round until nothing changes, so that
    # repairing the result again changes nothing.
    for _ in range(MAX_ROUNDS):
        start_of_round = current
        decoded = restored = False
        if entities and "&" in current and "<" not in text:
            entity_edits = fix_entity_mojibake(current)
            decoded = bool(entity_edits)
            if decoded:
                current, changes = _then(text, current, changes, entity_edits, track)
        if mojibake or mixups:
            known = suspect if current is text else None  # (for the text as it came)
            current, changes = _encoding_rounds(text, current, changes, mojibake, mixups, use_ftfy, track, known)
        if lost and ("\ufffd" in current or _LOST_BEFORE_LETTER.search(current)):
            restored_edits, left = fix_lost_characters(current)
            restored = bool(restored_edits)
            if restored:
                current, changes = _then(text, current, changes, restored_edits, track)
            unresolved = [_back_to_input(text, changes, u) for u in left] if track else []
        if not (decoded or restored) or current == start_of_round:
            break
    return Repair(current, changes, unresolved)


def _encoding_rounds(
    text: str,
    current: str,
    changes: list[Change],
    mojibake: bool,
    mixups: bool,
    use_ftfy: bool,
    track: bool,
    suspect: tuple[int, int] | None = None,
) -> tuple[str, list[Change]]:
    """The encoding steps until nothing changes (ftfy's reading can leave what another
    step then reads), so that repairing the result again changes nothing. A text read back
    whole (`read_whole`) takes the changes `fix_encoding` would make, listed without it.
    `suspect`, if given, is `find_suspect(current)`: the first look is not taken again."""
    for _ in range(MAX_ROUNDS):
        found = suspect if suspect is not None else find_suspect(current)  # (`might_need_repair`)
        suspect = None  # (a later round looks at what the round before made)
        if found is None:
            break
        # a short text's runs of non-ASCII characters are looked at first: where each is one
        # character, its cp1252 bytes are no UTF-8 (a byte 80-FF between ASCII ones), and
        # `read_whole` returns None
        runs = _NON_ASCII_RUN.findall(current) if len(current) <= RUNS_FIRST_MAX else None
        whole = read_whole(current) if mojibake and (runs is None or not _each_alone(runs)) else None
        if whole is not None and not track:
            current = whole  # what its changes (`_whole_text_changes`) make
            continue
        if whole is not None:
            edits = _whole_text_changes(current)
        else:
            edits = fix_encoding(current, mojibake, mixups, use_ftfy, first_suspect=found, runs=runs)
        if not edits:
            break
        current, changes = _then(text, current, changes, edits, track)
    return current, changes


# --- The whole text read back at once ----------------------------------------------------

# A document read in cp1252 as a whole is the commonest mojibake: its bytes, taken back
# through cp1252 in C, are the UTF-8 it was. That reading is used only where it is exactly
# what the run-by-run step (`fix_utf8_mojibake`) would choose, which is decided once per
# distinct run (a German text has a few dozen) instead of once per occurrence.
WHOLE_TEXT_CODEC = "sloppy-windows-1252"
# (left, right) neighbours of a run that stand for all: `profile.cost` sees of a run's left
# neighbour only whether it is a letter and a small one, of its right one whether it is a
# letter or a space
WHOLE_TEXT_NEIGHBOURS = tuple((left, right) for left in ("", "a", "A") for right in ("", "a", " "))
WHOLE_TEXT_FIRST_PIECE = 2048  # characters tried first
WHOLE_TEXT_MAX_RUN = 256  # bytes of a run read here (each one is weighed between 9 kinds of neighbours)
_ASCII_TO_SPACE = bytes(32 if byte < 0x80 else byte for byte in range(256))


def _utf8_piece(data: bytes) -> str:
    """`data` as UTF-8, which may end inside a character (a piece cut from longer bytes)."""
    return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)


# The blocks of code points that hold a small letter with a one-letter capital (Latin, Greek,
# Cyrillic, Armenian, Georgian, ... fullwidth; Deseret, Osage, Old Hungarian, Adlam, ...):
# tests/test_fast_path.py checks them against every code point.
CASED_BLOCKS = (
    (0x80, 0x3000),
    (0xA640, 0xAC00),
    (0xFB00, 0xFFF0),
    (0x10400, 0x10600),
    (0x10C00, 0x10D00),
    (0x11800, 0x11900),
    (0x16E00, 0x16F00),
    (0x1E900, 0x1EA00),
)


def recased_letters() -> str:
    """The letters that `_recase` turns into capitals: small letters with a one-letter capital, not ß."""
    return "".join(
        ch
        for low, high in CASED_BLOCKS
        for ch in map(chr, range(low, high))
        if ch != "ß" and len(ch.upper()) == 1 and ch.upper() != ch
    )


# A decoded letter the run-by-run step would turn into a capital (`_case_context`) if the word
# around its run in the mojibake, or the line, were all caps. Only one with no small ASCII
# letter on either side is looked at further (`_case_at_stake`): German has few ("FüR", "à").
# (the astral ones as one range around them: a class with astral characters one by one is
# searched item by item, a hundred times slower)
_RECASE_CANDIDATE = re.compile(
    f"[{re.escape(''.join(ch for ch in recased_letters() if ch < chr(0x10000)))}\U00010400-\U0001e9ff]"
    "(?<![a-z].)(?![a-z])"
)
_SMALL_ASCII = re.compile("[a-z]")
WORD_WINDOW = 40  # characters `_case_context` looks at each way for the word around a run
# Characters each way that `_case_context` surely sees of the run's line: it looks 200
# characters of mojibake each way, and one decoded character was at most four of them.
LONE_LETTER_WINDOW = 50


def read_whole(text: str) -> str | None:
    """`text` read back whole as the UTF-8 it was (one layer through cp1252), or None
    unless that is what the encoding step would make of every run in it.

    It is, when every non-ASCII character belongs to cp1252 and the bytes are UTF-8,
    every distinct run has that reading as the step's choice between any neighbours
    (`_whole_text_run`: read, past the guard, no other reading cheaper, no further
    layer; self-evident or vouched for by a self-evident one), no occurrence stands in
    a word or line whose case would change that (`_word_case_possible`,
    `_case_at_stake`), and ftfy, which the step consults, sees nothing more to do.
    """
    if "\ufffd" in text:
        return None  # (ftfy's sloppy cp1252 writes U+FFFD as byte 1A: it would vanish into a control)
    try:
        if len(text) > WHOLE_TEXT_FIRST_PIECE:
            # a first piece in C, so that clean text (whose first "ä" is no UTF-8) costs nothing more
            _utf8_piece(text[:WHOLE_TEXT_FIRST_PIECE].encode(WHOLE_TEXT_CODEC))
        raw = text.encode(WHOLE_TEXT_CODEC)
        decoded = raw.decode("utf-8")
    except UnicodeError:
        return None
    if decoded == text:
        return None
    evidenced: set[tuple[str, int]] = set()
    vouched: list[frozenset[tuple[str, int]]] = []
    cased: list[tuple[bytes, str]] = []
    ftfy_candidates: list[bytes] = []
    for run in set(raw.translate(_ASCII_TO_SPACE).split()):
        if len(run) > WHOLE_TEXT_MAX_RUN:
            return None  # no German word's mojibake; the step weighs such a run on its own
        verdict = _whole_text_run(run)
        if verdict is None:
            return None
        self_evident, evidence, at_stake = verdict
        if self_evident:
            evidenced |= evidence
        else:
            vouched.append(evidence)
        if at_stake:
            cased.append((run, at_stake))
        if _FTFY_CANDIDATE.search(run.decode("utf-8")):
            ftfy_candidates.append(run)
    if any(evidence.isdisjoint(evidenced) for evidence in vouched):
        return None
    # (the checks below look for runs in the UTF-8 bytes: bytes.find is many times faster than str.find)
    if any(_word_case_possible(raw, run, at_stake) for run, at_stake in cased):
        return None
    if any(_ftfy_sees_around(raw, run) for run in ftfy_candidates):
        return None  # ftfy would go on, and the step weighs ftfy's reading against its own ("Ã˜Ã¸" -> "Øø" -> "¨¸")
    return None if _case_at_stake(decoded) else decoded


def _whole_runs(data: bytes, run: bytes) -> Iterator[int]:
    """The starts of the occurrences of `run` (UTF-8) in `data` that are whole runs of non-ASCII characters."""
    start = data.find(run)
    while start >= 0:
        end = start + len(run)
        if (start == 0 or data[start - 1] < 0x80) and (end == len(data) or data[end] < 0x80):
            yield start
        start = data.find(run, start + 1)


def _ftfy_sees_around(data: bytes, run: bytes) -> bool:
    """Whether ftfy, which the step consults line by line, sees mojibake in a line of the
    text `data` (UTF-8) where `run` is the only run that may hold a match: the text around
    each occurrence, as far as a match can reach and not past its line, goes to
    `_ftfy_sees_mojibake` (each character is at most four bytes; one cut at an edge is left out)."""
    reach = 4 * (FTFY_LONGEST_MATCH - 1)
    for start in _whole_runs(data, run):
        end = start + len(run)
        left = data.rfind(b"\n", max(0, start - reach), start) + 1 or max(0, start - reach)
        right = data.find(b"\n", end, end + reach)
        piece = data[left : end + reach if right < 0 else right].decode("utf-8", "ignore")
        if _ftfy_sees_mojibake(piece):
            return True
    return False


def _word_case_possible(data: bytes, run: bytes, at_stake: str) -> bool:
    """Whether some occurrence of a run (in the decoded text as UTF-8) may stand in a word that
    is all small ('l' in `at_stake`) or all caps ('u'): one that reaches no capital, or no small
    ASCII letter, through the ASCII of its word (which would also keep its line from being so)."""
    for start in _whole_runs(data, run):
        end = start + len(run)
        for case, letters in (("l", b"AZ"), ("u", b"az")):
            if case in at_stake and not (
                _ascii_in_word(data, start, -1, letters) or _ascii_in_word(data, end, 1, letters)
            ):
                return True
    return False


def _case_at_stake(decoded: str) -> bool:
    """Whether the step might turn a decoded small letter into a capital: a letter of
    `_RECASE_CANDIDATE` whose run (decoded runs are the mojibake's runs, their ASCII
    neighbours the same) reaches no small ASCII letter through the ASCII of its word
    (that letter would make the word and the line not all caps), unless the run is a
    word of its own (then only the line counts) with a small ASCII letter near it."""
    pos = 0  # (each run is looked at once, from its first hit: a long run is no quadratic walk)
    while (hit := _RECASE_CANDIDATE.search(decoded, pos)) is not None:
        start, end = hit.start(), hit.end()
        while start > pos and decoded[start - 1] >= "\x80":
            start -= 1
        while end < len(decoded) and decoded[end] >= "\x80":
            end += 1
        pos = end
        if _ascii_in_word(decoded, start, -1) or _ascii_in_word(decoded, end, 1):
            continue
        alone = (start == 0 or decoded[start - 1].isspace()) and (end == len(decoded) or decoded[end].isspace())
        if not alone:
            return True
        line_start = max(decoded.rfind("\n", 0, start) + 1, start - LONE_LETTER_WINDOW)
        line_end = decoded.find("\n", end)
        line_end = min(len(decoded) if line_end < 0 else line_end, end + LONE_LETTER_WINDOW)
        if not _SMALL_ASCII.search(decoded, line_start, line_end):
            return True
    return False


_ASCII_SPACE = frozenset(ord(ch) for ch in map(chr, range(0x80)) if ch.isspace())  # str.isspace: also 1C-1F


def _ascii_in_word(text: str | bytes, edge: int, step: int, letters: bytes = b"az") -> bool:
    """Whether an ASCII letter from letters[0] to letters[1] ("az" or "AZ") lies within WORD_WINDOW
    characters of a run's edge (`edge`: its start looking left, step -1; its end looking right,
    step 1), reached over ASCII characters that are not white space: one in the word
    `_case_context` sees. `text` may be the text or its UTF-8 (ASCII is the same in both)."""
    low, high = letters
    pos = edge - 1 if step < 0 else edge
    for _ in range(WORD_WINDOW):
        if not 0 <= pos < len(text):
            return False
        code = text[pos] if isinstance(text, bytes) else ord(text[pos])
        if code >= 0x80 or code in _ASCII_SPACE:
            return False
        if low <= code <= high:
            return True
        pos += step
    return False


@lru_cache(maxsize=4096)
def _whole_text_run(raw: bytes) -> tuple[bool, frozenset[tuple[str, int]], str] | None:
    """For one run of the text (as its bytes), when the step reads it as its UTF-8 read
    through cp1252 whatever its neighbours and the text's preferred code page: whether
    that reading is self-evident, what it vouches for, and the cases of the word around
    the run ('l': all small, 'u': all caps) in which the step would read it otherwise
    (each occurrence must then show that its word is not so). None otherwise."""
    run, wanted = raw.decode(WHOLE_TEXT_CODEC), raw.decode("utf-8")
    if not (_GATE_PAIR.search(run) or _has_c1(run)):
        return None  # a run the step does not read
    if any(reinterpret(wanted, codec) is not None for codec in MOJIBAKE_CODECS):
        return None  # the step may read it as another layer ("ÃŸâ€ž" -> "ß„" -> "߄"), depending on its neighbours
    plain = _chosen_everywhere(run, wanted, NO_CASE)
    if plain is None:
        return None
    # The word around a run may be all small or all caps ("wir", "FÜR"): the step then also
    # tries its characters in their other case (not all small where the run has a capital,
    # such as "Ã", nor all caps where it has a small letter).
    letters = run.translate(_CASELESS)
    at_stake = ""
    for case, possible in (
        ("l", not any(ch.isupper() for ch in letters)),
        ("u", not any(ch.islower() for ch in letters)),
    ):
        if possible:
            recased = _chosen_everywhere(run, wanted, case + "--")
            if recased is None or recased.reason != plain.reason:  # not the same reading, or read as re-cased
                at_stake += case
    return plain.self_evident, frozenset(plain.evidence), at_stake


def _chosen_everywhere(run: str, wanted: str, case: str) -> Reading | None:
    """The step's reading of `run` in `case` if it is `wanted` (one layer) between any
    neighbours, else None. Its neighbours take part in its costs only as none, a small
    letter, a capital (left) or none, a letter, a space (right): one of each stands for all."""
    found = None
    for left, right in WHOLE_TEXT_NEIGHBOURS:
        _, options = readings(run, left, right, case)
        chosen = [r for r in options.values() if r.text == wanted and r.layers == 1]
        if not chosen:
            return None  # not read so, or not past the guard
        plain = _unless_letters_as_marks(run, min(chosen, key=lambda r: r.cost))  # as `_read_run` weighs it
        if any(r.cost < plain.cost for r in options.values() if r.text != wanted):
            return None  # another reading is cheaper: the text's preferred code page decides
        # No other reading is cheaper, so no code page gains more on the text than cp1252,
        # which reads every run (and comes first on a tie): the preferred code page reads
        # each run so, and no other reading is favoured.
        if found is not None and (plain.reason, plain.self_evident) != (found.reason, found.self_evident):
            return None
        found = plain
    return found


def _whole_text_changes(text: str) -> list[Change]:
    """The changes of `read_whole`, run by run, as `fix_utf8_mojibake` reports them."""
    changes = []
    for m in _NON_ASCII_RUN.finditer(text):
        run = m.group()
        reading = best_reading(run, "", "", NO_CASE)
        assert reading is not None  # every run was read by `read_whole`
        changes.append(_trimmed(m.start(), run, run.encode(WHOLE_TEXT_CODEC).decode("utf-8"), reading.reason))
    return changes


# --- Changes: apply, compose, map back -----------------------------------------------


def apply_changes(text: str, changes: Iterable[Change]) -> str:
    """Replay non-overlapping changes (sorted by start) on the text they were made for."""
    out: list[str] = []
    pos = 0
    for ch in changes:
        out.append(text[pos : ch.start])
        out.append(ch.after)
        pos = ch.end
    out.append(text[pos:])
    return "".join(out)


def _then(
    original: str, current: str, first: list[Change], second: list[Change], track: bool = True
) -> tuple[str, list[Change]]:
    """The text after `first` (which made `current`) and then `second`, and the changes that
    lead there from `original` (none without `track`)."""
    if not track:
        return apply_changes(current, second), []
    combined = compose(original, first, second)
    return apply_changes(original, combined), combined


def _to_input(first: list[Change], pos: int, side: str) -> int:
    """Map an offset in apply_changes(text, first) back to `text`; inside a replaced
    piece, to the piece's start ("left") or end ("right")."""
    delta = 0
    for c in first:
        mid_start = c.start + delta
        if pos <= mid_start:
            break
        mid_end = mid_start + len(c.after)
        if pos < mid_end:
            return c.start if side == "left" else c.end
        delta += len(c.after) - len(c.before)
    return pos - delta


def compose(text: str, first: list[Change], second: list[Change]) -> list[Change]:
    """Changes on `text` equal to applying `first`, then `second` (made on the result)."""
    if not second:
        return list(first)
    if not first:
        return list(second)
    mid = apply_changes(text, first)
    final = apply_changes(mid, second)
    # (start, end in text, delta of first-step changes, delta of second-step changes, reasons)
    regions = [(c.start, c.end, len(c.after) - len(c.before), 0, [c.reason]) for c in first]
    for c in second:
        start, end = _to_input(first, c.start, "left"), _to_input(first, c.end, "right")
        regions.append((start, end, 0, len(c.after) - len(c.before), [c.reason]))
    regions.sort(key=lambda r: (r[0], r[1]))
    merged: list[list] = []
    for start, end, d1, d2, reasons in regions:
        if merged and (start < merged[-1][1] or (start == merged[-1][1] and (start == end or merged[-1][0] == start))):
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] += d1
            last[3] += d2
            last[4] += [r for r in reasons if r not in last[4]]
        else:
            merged.append([start, end, d1, d2, list(reasons)])
    out: list[Change] = []
    shift = 0
    for start, end, d1, d2, reasons in merged:
        a = start + shift
        b = end + shift + d1 + d2
        out.append(Change(start, end, text[start:end], final[a:b], "; ".join(reasons)))
        shift += d1 + d2
    return out


def _back_to_input(text: str, changes: list[Change], span: Change) -> Change:
    """A span of the repaired text, as offsets into the input (widened over changed pieces)."""
    start, end = _to_input(changes, span.start, "left"), _to_input(changes, span.end, "right")
    return Change(start, end, text[start:end], text[start:end], span.reason)


def _trimmed(start: int, before: str, after: str, reason: str) -> Change:
    """A change without the unchanged characters at either end."""
    shorter = min(len(before), len(after))
    head = 0
    while head < shorter and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < shorter - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return Change(
        start + head,
        start + len(before) - tail,
        before[head : len(before) - tail],
        after[head : len(after) - tail],
        reason,
    )


def diff_changes(before: str, after: str, reason: str, offset: int = 0) -> list[Change]:
    """The spans in which `after` differs from `before`, as changes.

    Mojibake repairs keep the ASCII words and change what lies between them, so
    the two texts are aligned on their ASCII words (linear, however long and
    repetitive the line); where those differ, the differing middle is one change.
    """
    if before == after:
        return []
    old, new = _ANCHOR.split(before), _ANCHOR.split(after)
    if old[1::2] != new[1::2]:
        return [_trimmed(offset, before, after, reason)]
    changes = []
    pos = offset
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        if i % 2 == 0 and a != b:
            changes.append(_trimmed(pos, a, b, reason))
        pos += len(a)
    return changes


def _context_cost(text: str, start: int, end: int, middle: str) -> float:
    """Cost of `middle` in place of text[start:end], with one neighbour on each side."""
    return cost(text[max(0, start - 1) : start] + middle + text[end : end + 1])


# --- UTF-8 read as a single-byte code page -----------------------------------------


@dataclass(frozen=True)
class Reading:
    """A run of characters read back as the UTF-8 it once was."""

    text: str
    codecs: frozenset[str]  # the outermost code pages that give this reading
    reason: str
    self_evident: bool  # plausible German on its own; otherwise it needs a codec seen elsewhere
    cost: float  # of the reading with its two neighbours
    layers: int = 1  # how many times UTF-8 was misread
    consistent: bool = True  # every layer read in the same family of code pages

    @property
    def evidence(self) -> set[tuple[str, int]]:
        """What a self-evident reading vouches for: its code pages at its depth."""
        return {(codec, self.layers) for codec in self.codecs}


def fix_utf8_mojibake(text: str, lines: list[tuple[int, int]] | None = None) -> list[Change]:
    """Reinterpret runs of non-ASCII characters as the UTF-8 they once were.

    Each run gets a reading per code page. The code page that explains the
    text best overall (by readings whose layers keep to one family of code
    pages) is preferred for every run it reads nearly as well as
    the run's own best (a French "Ã€" is "À" in a text whose other runs are
    cp1252, "ä" in a Latin-9 one). A reading that yields ordinary German (an
    umlaut, or „“€ through a common code page) is kept on its own evidence;
    any other (é, à, a lost non-breaking space, a rare code page) only when a
    self-evident reading in the same text went through the same code page.

    `lines`, when given, are the text's `suspect_lines`: every run read lies in one.
    """
    found = [located for start, end in _gated_runs(text, lines) if (located := _read_run(text, start, end))]
    if not found:
        return []
    gains: dict[str, float] = {}
    for _, _, base, options in found:
        for codec, reading in options.items():
            if reading.consistent:
                gains[codec] = gains.get(codec, 0.0) + base - reading.cost
    preferred = max(MOJIBAKE_CODECS, key=lambda codec: gains.get(codec, 0.0))
    chosen: list[tuple[int, int, Reading]] = []
    for start, end, _, options in found:
        best = min(options.values(), key=lambda r: r.cost)
        favoured = options.get(preferred)
        if favoured is not None and favoured.cost <= best.cost + CODEC_CONSISTENCY_MARGIN:
            best = favoured
        chosen.append((start, end, best))
    evidenced: set[tuple[str, int]] = set()
    for _, _, reading in chosen:
        if reading.self_evident:
            evidenced |= reading.evidence
    return [
        _trimmed(start, text[start:end], reading.text, reading.reason)
        for start, end, reading in chosen
        if reading.self_evident or reading.evidence & evidenced
    ]


def _gated_runs(text: str, lines: list[tuple[int, int]] | None = None) -> Iterator[tuple[int, int]]:
    """Start and end of each run of non-ASCII characters that `_read_run` reads (one
    with a gate pair, a C1 control, or a lead before a space), found by one `re`
    scan instead of a look at every run: clean German has thousands of runs ("ä").
    Given the text's `suspect_lines`, only they are scanned: each gate hit is a suspect."""
    end = 0
    for region_start, region_end in [(0, len(text))] if lines is None else lines:
        for hit in _RUN_GATE.finditer(text, region_start, region_end):
            if hit.start() < end:
                continue  # in the run just read
            start = hit.start()
            while start > 0 and text[start - 1] >= "\x80":
                start -= 1
            run = _NON_ASCII_RUN.match(text, start)
            assert run is not None
            end = run.end()
            yield start, end


def _read_run(text: str, start: int, end: int) -> tuple[int, int, float, dict[str, Reading]] | None:
    """Readings of text[start:end] per code page (and its cost as it is), also trying
    it with the space after it as a lost non-breaking space."""
    run = text[start:end]
    nbsp_possible = end < len(text) and text[end] == " " and run[-1] in NBSP_LEADS
    if not _GATE_PAIR.search(run) and not _has_c1(run) and not nbsp_possible:
        return None
    case = _case_context(text, start, end)
    left = text[start - 1 : start] if start else ""
    base, plain = readings(run, left, text[end : end + 1], case)
    if nbsp_possible:
        after_space = text[end + 1 : end + 2]
        base_ext, extended = readings(run + " ", left, after_space, case)
        plain_best = min((r.cost for r in plain.values()), default=base) + cost(after_space)
        if extended and min(r.cost for r in extended.values()) < plain_best:
            # "voilÃ le": the space was both the lost A0 byte and the word gap -- except
            # in the Portuguese words that start with "à" ("Ã s" is "às", as ftfy reads it)
            rest = text[end + 1 : end + 6]
            gap = " " if after_space and not after_space.isspace() and not rest.startswith(A_GRAVE_WORDS) else ""
            return (
                start,
                end + 1,
                base_ext,
                {
                    codec: Reading(
                        _with_gap(r.text, gap),
                        r.codecs,
                        f"{r.reason}, byte A0 lost to a space",
                        False,
                        r.cost,
                        r.layers,
                        r.consistent,
                    )
                    for codec, r in extended.items()
                },
            )
    if not plain:
        return None
    if all(r.text.isalnum() or not r.self_evident for r in plain.values()):
        return start, end, base, plain  # (letters read as letters: the common case, spared the look below)
    return start, end, base, {codec: _unless_letters_as_marks(run, r) for codec, r in plain.items()}


def _with_gap(decoded: str, gap: str) -> str:
    return decoded if decoded.endswith((" ", "\u00a0")) else decoded + gap


@lru_cache(maxsize=8192)  # (the runs of a text repeat: "Ã¤" a thousand times)
def _unless_letters_as_marks(run: str, reading: Reading) -> Reading:
    """`reading`, not self-evident where it reads letters and German typography only as
    punctuation, symbols or spaces German text does not use ("ÔÇÁ" -> "‵" and "ÔÇë" -> a
    thin space in cp850, "„Ää" -> "《" in Mac Roman; "ÔÇô" -> "–" is German), or letters
    only, re-cased, as any punctuation ("ôçó" -> "•": a run that needs its letters' other
    case to read is a weaker coincidence still; upper-cased "Â€“" -> "–" holds symbols).
    Text of its own that happens to be such a sequence, unless the same code page
    repaired something German elsewhere in the text."""
    if not reading.self_evident:
        return reading
    trimmed = _trimmed(0, run, reading.text, "")
    if not trimmed.after or not all(unicodedata.category(ch)[0] in "PSZ" for ch in trimmed.after):
        return reading
    foreign = not any(_german_uses(ch) for ch in trimmed.after)
    german_text = all(ch.isalpha() or ch in GERMAN_TYPOGRAPHY for ch in trimmed.before)
    recased_letters = "-cased afterwards" in reading.reason and trimmed.before.isalpha()  # not "Â€“" -> "–"
    if not (foreign and german_text) and not recased_letters:
        return reading
    r = reading
    return Reading(r.text, r.codecs, r.reason, False, r.cost, r.layers, r.consistent)


def _german_uses(mark: str) -> bool:
    """German typography („ “ – € …) and arrows ("Berlin → München", in our own forum fixtures)."""
    return mark in GERMAN_TYPOGRAPHY or "\u2190" <= mark <= "\u21ff"


def _has_c1(run: str) -> bool:
    return any("\x80" <= ch <= "\x9f" for ch in run)


def _case_context(text: str, start: int, end: int) -> str:
    """How the text around text[start:end] was re-cased, as three letters: which
    case the run's characters may stand for the other of ('l'ower, 'u'pper or '-'),
    whether decoded letters become capitals ('u' or '-'), and the case of the
    whole line ('l', 'u' or '-').

    Mojibake re-cased with its text: every cased letter of the word has one case
    (a word with fewer than two is judged by its line, or the text around it when
    the line is short: "Â‚¬" is "€" in an upper-cased line). Decoded letters become capitals inside an all-caps word
    or line ("FÃ¼R" is "FÜR": upper-casing leaves "Ã¼" as it is).
    """
    before = text[max(0, start - 40) : start]  # the word around the run, at most 40 characters each way
    after = text[end : end + 40]
    left = start - (0 if not before or before[-1].isspace() else len(before.rsplit(None, 1)[-1]))
    right = end + (0 if not after or after[0].isspace() else len(after.split(None, 1)[0]))
    line_case = _case_of(_line_around(text, start, end), 4) or _case_of(text[max(0, start - 200) : end + 200], 4)
    word_case = _case_of(text[left:right], 2) or line_case
    capitals = line_case == "u" or _case_of(text[left:start] + text[end:right], 2) == "u"
    return (word_case or "-") + ("u" if capitals else "-") + (line_case or "-")


def _line_around(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", max(0, start - 200), start) + 1 or max(0, start - 200)
    line_end = text.find("\n", end, end + 200)
    return text[line_start : line_end if line_end != -1 else end + 200]


_CASELESS = str.maketrans("", "", "ªºß")  # letters with no other case (ß's capital is two letters)
_CASED_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u04ff]")


@lru_cache(maxsize=1024)  # the runs of one line ask about the same line again and again
def _case_of(chunk: str, minimum: int) -> str:
    """'u' or 'l' when `chunk` has at least `minimum` letters with two cases, all of
    one case ("ª" and "ß" have no other case and do not count)."""
    window = 4 * minimum + 400
    if len(chunk) <= window:  # the count below sees all of it: blanks serve as well as deletions, and cost less
        for caseless in "ªºß":
            if caseless in chunk:
                chunk = chunk.replace(caseless, " ")
    elif "ß" in chunk or "ª" in chunk or "º" in chunk:
        chunk = chunk.translate(_CASELESS)
    if chunk.islower():
        case = "l"
    elif chunk.isupper():
        case = "u"
    else:
        return ""
    return case if len(_CASED_LETTER.findall(chunk, 0, window)) >= minimum else ""


@lru_cache(maxsize=8192)
def readings(run: str, left: str, right: str, case: str) -> tuple[float, dict[str, Reading]]:
    """The cost of `run` as it is, and its reading as UTF-8 for each code page it
    could have been read in (the outer layer), where that reading passes the guard.

    `left` and `right` are the neighbouring characters (they take part in the
    cost); `case` allows the characters to stand for their other case's byte.
    A trailing space in `run` stands for a lost non-breaking space (byte A0).
    """
    base = cost(left + run + right)
    found: dict[str, tuple[str, float, str, tuple[str, ...], bool]] = {}
    for codec in MOJIBAKE_CODECS:
        peeled = _peel(run, codec, case, left, right)
        if peeled is not None and peeled[1] + GUARD_MARGIN <= base:
            found[codec] = peeled
    by_text: dict[str, list[str]] = {}
    for codec, (decoded, *_) in found.items():
        by_text.setdefault(decoded, []).append(codec)
    out = {}
    for codec, (decoded, decoded_cost, reason, chain, recased) in found.items():
        outer = frozenset(by_text[decoded])
        evident = _self_evident(run, decoded, chain, recased, case[2] != "-")
        consistent = len({family(c) for c in chain}) == 1
        out[codec] = Reading(decoded, outer, reason, evident, decoded_cost, len(chain), consistent)
    return base, out


def best_reading(run: str, left: str, right: str, case: str) -> Reading | None:
    """The most German reading of `run` (ties go to the more common code page)."""
    options = readings(run, left, right, case)[1]
    return min(options.values(), key=lambda r: r.cost) if options else None


def _peel(
    run: str, first: str, case: str, left: str, right: str
) -> tuple[str, float, str, tuple[str, ...], bool] | None:
    """Read `run` as UTF-8 seen through `first`, then peel further layers (up to
    MAX_LAYERS) while each makes it clearly more German; later layers keep to the
    same code page unless another one reads clearly better. Re-casing touched the
    outermost layer only: characters may stand for their other case there, and
    the final text takes the case the text was given."""
    first_layer = _one_layer(run, first, case, left, right)
    if first_layer is None:
        return None
    current, current_cost, hypothesis = first_layer
    note = f", {hypothesis}-cased afterwards" if hypothesis else ""
    reasons = [f"utf-8 read as {REPORT_NAMES[first]}{note}"]
    chain = [first]
    while len(reasons) < MAX_LAYERS and (_MOJIBAKE_PAIR.search(current) or _has_c1(current)):
        options = {codec: _one_layer(current, codec, NO_CASE, left, right) for codec in MOJIBAKE_CODECS}
        valid = {codec: o for codec, o in options.items() if o is not None}
        if not valid:
            break
        codec = min(valid, key=lambda c: valid[c][1])
        kin = [c for c in valid if family(c) == family(first)]
        if kin and valid[kin[0]][1] <= valid[codec][1] + CODEC_CONSISTENCY_MARGIN:
            codec = first if first in kin else kin[0]
        decoded, decoded_cost, _ = valid[codec]
        if decoded_cost + GUARD_MARGIN > current_cost:
            break
        current, current_cost = decoded, decoded_cost
        reasons.append(f"utf-8 read as {REPORT_NAMES[codec]}")
        chain.append(codec)
    final = _recase(current, case, hypothesis)
    if final != current:
        current, current_cost = final, cost(left + final + right)
    reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} layers: " + "; ".join(reasons)
    return current, current_cost, reason, tuple(chain), bool(hypothesis)


@lru_cache(maxsize=16384)
def _one_layer(run: str, codec: str, case: str, left: str, right: str) -> tuple[str, float, str] | None:
    """Reading `run` in `codec` as it is or (when the text was re-cased, and that
    reads clearly better) with characters standing for their other case: the
    decoded text (not yet re-cased), its cost as re-cased, and the hypothesis used."""
    best: tuple[str, float, str] | None = None
    for hypothesis in _case_hypotheses(case):
        decoded = reinterpret(run, codec, hypothesis)
        if decoded is None:
            continue
        decoded_cost = cost(left + _recase(decoded, case, hypothesis) + right)
        # the text as it stands ("√ñ" is "Ö") wins unless re-casing reads clearly better
        if best is None or decoded_cost + GUARD_MARGIN <= best[1]:
            best = (decoded, decoded_cost, hypothesis)
    return best


NO_CASE = "---"
_CASE_NAMES = {"l": "lower", "u": "upper"}


def _case_hypotheses(case: str) -> tuple[str, ...]:
    return ("", _CASE_NAMES[case[0]]) if case[0] in _CASE_NAMES else ("",)


def _recase(decoded: str, case: str, hypothesis: str) -> str:
    """Decoded letters take the case the text was given: lower when the run had to
    be read as lower-cased, capitals when upper-cased or inside all-caps text (ß stays)."""
    if hypothesis == "lower":
        return decoded.lower()
    if hypothesis == "upper" or case[1] == "u":
        return "".join(c if c == "ß" or len(c.upper()) != 1 else c.upper() for c in decoded)
    return decoded


def _self_evident(run: str, reading: str, chain: tuple[str, ...], recased: bool, line_recased: bool) -> bool:
    """Ordinary German on its own: every decoded character plausible (umlauts, ß,
    „ “ – €, emoji), and through a rare code page (at any layer) only German
    letters or characters of three or four bytes (a two-character run such as
    "¬´" -> "«" is too easily a coincidence); where letters had to stand for
    their other case, only German letters, or long sequences in a line that is
    all upper or all lower case, and those only of German typography („ “ – €) or
    four bytes (emoji): letters re-cased into a symbol ("aôçá" -> "a⇠") are a coincidence,
    as are letters read as a symbol ("âœœ" -> "✜")."""
    trimmed = _trimmed(0, run, reading, "")
    decoded = trimmed.after  # what the reading put in place of the run
    if not decoded or not all(char_cost(ch) <= PLAUSIBLE_COST for ch in decoded):
        return False
    if _letters_as_symbols(trimmed.before, decoded):
        return False
    german_or_long = all(ch in GERMAN_LETTERS or ch >= "\u0800" for ch in decoded)
    if recased:
        typography = all(ch in GERMAN_LETTERS or ch in COMMON_PUNCTUATION or ch >= "\U00010000" for ch in decoded)
        return all(ch in GERMAN_LETTERS for ch in decoded) or (german_or_long and typography and line_recased)
    return all(codec in COMMON_MOJIBAKE_CODECS for codec in chain) or german_or_long


def _letters_as_symbols(run: str, decoded: str) -> bool:
    """Letters only, read as symbols German text does not use ("âœœ" -> "✜"): letters
    are text of their own; a symbol's mojibake holds punctuation ("â˜…" -> "★", "ðŸ˜€")."""
    return all(ch.isalpha() for ch in run) and all(
        unicodedata.category(ch).startswith("S") and ch not in GERMAN_TYPOGRAPHY for ch in decoded
    )


def _keep_handler(codec: str) -> str:
    """Name of a decode error handler that keeps undecodable bytes as the characters
    they were in `codec` (mixed clean and broken text)."""
    name = f"umlautfix-keep-{codec}"
    try:
        codecs.lookup_error(name)
    except LookupError:
        codecs.register_error(name, lambda exc: (exc.object[exc.start : exc.end].decode(codec), exc.end))
    return name


@lru_cache(maxsize=16)
def _encodable(codec: str) -> frozenset[str]:
    return frozenset(upper_half(codec))


@lru_cache(maxsize=16384)
def reinterpret(run: str, codec: str, hypothesis: str = "") -> str | None:
    """Decode the bytes `run` was made of in `codec` as UTF-8; None if that changes nothing.

    Characters that do not form a UTF-8 sequence stay as they are (mixed clean
    and broken text). With hypothesis "lower" or "upper" (the mojibake was
    re-cased afterwards) a character may stand for its other case's byte. A
    trailing space stands for byte A0 (a lost non-breaking space) and must be
    used by a sequence.
    """
    nbsp = run.endswith(" ")
    body = run[:-1] if nbsp else run
    if hypothesis:
        if nbsp:
            return None  # a lost non-breaking space in re-cased mojibake: too little evidence left
        result = _decode_with_case_variants(body, codec, nbsp)
    else:
        result = _decode_plain(body, codec, nbsp)
    if result is None or result == run:
        return None
    return result


def _decode_plain(body: str, codec: str, nbsp: bool) -> str | None:
    """Decode `body` (plus byte A0 for a lost non-breaking space) as UTF-8 seen
    through `codec`, keeping what does not decode; None if the A0 byte is unused."""
    allowed = _encodable(codec)
    handler = _keep_handler(codec)
    out: list[str] = []
    i = 0
    while i < len(body):
        j = i
        while j < len(body) and (body[j] in allowed or body[j] < "\x80"):
            j += 1
        if j > i:
            raw = body[i:j].encode(codec)
            if nbsp and j == len(body):
                without = raw.decode("utf-8", handler)
                with_a0 = (raw + b"\xa0").decode("utf-8", handler)
                if with_a0 == without + bytes([0xA0]).decode(codec):
                    return None  # the space was not part of a sequence
                out.append(with_a0)
            else:
                out.append(raw.decode("utf-8", handler))
        elif nbsp and j == len(body):
            return None
        if j < len(body):
            out.append(body[j])
        i = j + 1
    return "".join(out)


def _decode_with_case_variants(body: str, codec: str, nbsp: bool) -> str | None:
    variants = case_variant_bytes(codec)
    chars = [*body, " "] if nbsp else list(body)
    out: list[str] = []
    i = 0
    used_space = False
    while i < len(chars):
        decoded = _decode_one(chars, i, variants)
        if decoded is None:
            if chars[i] == " " and i == len(chars) - 1 and nbsp:
                return None
            out.append(chars[i])
            i += 1
            continue
        ch, length = decoded
        used_space = used_space or (nbsp and i + length == len(chars))
        out.append(ch)
        i += length
    if nbsp and not used_space:
        return None
    return "".join(out)


def _decode_one(chars: list[str], i: int, variants: dict[str, tuple[int, ...]]) -> tuple[str, int] | None:
    """Decode one UTF-8 character starting at chars[i], letting characters stand for either case."""
    best: tuple[float, str, int] | None = None
    for lead in variants.get(chars[i], ()):
        if not 0xC2 <= lead <= 0xF4:
            continue
        length = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if i + length > len(chars):
            continue
        sequences: list[bytes] = [bytes([lead])]
        for ch in chars[i + 1 : i + length]:
            options = (0xA0,) if ch == " " else tuple(b for b in variants.get(ch, ()) if 0x80 <= b <= 0xBF)
            sequences = [s + bytes([b]) for s in sequences for b in options]
            if not sequences:
                break
        for raw in sequences:
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            score = char_cost(decoded)
            if best is None or score < best[0]:
                best = (score, decoded, length)
    return None if best is None else (best[1], best[2])


# --- HTML-entity-escaped mojibake -------------------------------------------------


def fix_entity_mojibake(text: str) -> list[Change]:
    """'&Atilde;&frac14;' is mojibake escaped as HTML entities; unescape and repair it.

    Entities that stand for correct text ('&uuml;') are left alone: unescaping
    HTML is not this library's business, undoing mojibake is. As for plain
    mojibake, a reading that is not German on its own ("&Atilde;&copy;" -> "é")
    needs a self-evident one through the same code page in the same text.
    """
    found: list[tuple[re.Match[str], Reading]] = []
    for m in _ENTITY_RUN.finditer(text):
        unescaped = html.unescape(m.group())
        if unescaped == m.group():
            continue
        left, right = text[m.start() - 1 : m.start()] if m.start() else "", text[m.end() : m.end() + 1]
        reading = best_reading(unescaped, left, right, _case_context(text, m.start(), m.end()))
        if reading is not None:
            found.append((m, reading))
    evidenced: set[tuple[str, int]] = set()
    for _, reading in found:
        if reading.self_evident:
            evidenced |= reading.evidence
    return [
        Change(m.start(), m.end(), m.group(), reading.text, f"HTML entities, {reading.reason}")
        for m, reading in found
        if reading.self_evident or reading.evidence & evidenced
    ]


# --- The whole text: mojibake, or a code-page mix-up; ftfy where it does better -------


def fix_encoding(
    text: str,
    mojibake: bool = True,
    mixups: bool = True,
    use_ftfy: bool = True,
    *,
    first_suspect: tuple[int, int] | None = None,
    runs: list[str] | None = None,
) -> list[Change]:
    """Edits that undo the text's encoding damage: the more German of the two explanations.
    `first_suspect` and `runs`, if given, are `find_suspect(text)` and the text's runs of
    non-ASCII characters (the caller has looked already)."""
    if runs is None and len(text) <= RUNS_FIRST_MAX:
        runs = _NON_ASCII_RUN.findall(text)  # (for the mix-up's counts, and to see that no reading can start)
    found = None  # the text's non-ASCII characters, in order
    nothing_to_read = False
    if runs is not None:
        found = "".join(runs)
        nothing_to_read = _no_reading_starts(found, len(runs))
    # both steps look only at the suspect lines (one scan of the text for both)
    lines = None if nothing_to_read else suspect_lines(text, first_suspect)
    edits = fix_utf8_mojibake(text, lines) if mojibake and lines is not None else []
    if mixups and not _mixup_ruled_out(text, edits, found):
        mixed_up = fix_codepage_mixup(text)
        if mixed_up and (not edits or cost(apply_changes(text, mixed_up)) < cost(apply_changes(text, edits))):
            edits = mixed_up
    if use_ftfy and mojibake and (edits or lines is not None):
        edits = prefer_ftfy_where_better(text, edits, suspect_lines(text, first_suspect) if lines is None else lines)
    return edits


# Characters of a text whose runs of non-ASCII characters are looked at once, first (`_each_alone`,
# `_no_reading_starts`, the mix-up's counts): a longer one is scanned by each step, which stops
# early where it can (a document of 2 MB costs 10 ms to list its runs; a line, a microsecond).
RUNS_FIRST_MAX = 2048
# What a run of one non-ASCII character needs to be read by `fix_utf8_mojibake` (`_RUN_GATE`:
# a C1 control, a lead before a space) or to be looked at by ftfy (`_ftfy_sees_mojibake`).
_LONE_READABLE = re.compile(f"[{FTFY_LONE_TRIGGERS}{NBSP_LEADS}]")  # (C1 controls are among the triggers)


def _each_alone(runs: list[str]) -> bool:
    """Whether each of `runs` (of non-ASCII characters) is one character long."""
    return sum(map(len, runs)) == len(runs)


def _no_reading_starts(found: str, runs: int) -> bool:
    """Whether, in a text whose non-ASCII characters are `found`, in `runs` runs, neither
    `fix_utf8_mojibake` finds a run to read nor ftfy sees mojibake in any line (so that
    `prefer_ftfy_where_better` keeps edits that are none): each hit of `_RUN_GATE` is two
    non-ASCII characters side by side (a lead and a continuation), a C1 control, or a
    lead before a space, and each of ftfy's candidates (`_ftfy_sees_mojibake`) is two
    side by side or one of FTFY_LONE_TRIGGERS. Clean German has its runs one character
    long ("für", "„Text“"): one look at them instead of a scan of each line for each."""
    return len(found) == runs and _LONE_READABLE.search(found) is None


def _mixup_ruled_out(text: str, edits: list[Change], found: str | None = None) -> bool:
    """Whether `fix_encoding` would not take a mix-up over `edits`, by the prechecks below,
    which share one look for the text's non-ASCII characters (`found`, if given: all of
    them, in order), counted only where a code-page pair that `fix_codepage_mixup` tries
    may be taken (`_pairs_changing`). A long text is first put to the code pages'
    encoders, which stop at the first character they lack (`_could_be_mixed_up`)."""
    if found is None:
        if not _could_be_mixed_up(text):
            return True
        found = "".join(_NON_ASCII_RUN.findall(text))
    counts = _counted(found)
    if not _pairs_changing(frozenset(counts)):
        return True  # (so where `_could_be_mixed_up` is False: no code page holds them all)
    return _mixup_cannot_beat(text, edits, counts) or _mixup_cannot_fire(text, counts)


def _counted(chars: str) -> dict[str, int]:
    """How often each of `chars` occurs in it, in the order they first do (a line's few
    are counted without the cost of building a Counter, which a long text's many need)."""
    if len(chars) > 64:
        return Counter(chars)
    counts: dict[str, int] = {}
    for ch in chars:
        counts[ch] = counts.get(ch, 0) + 1
    return counts


def _non_ascii_counts(text: str) -> dict[str, int]:
    """How often each non-ASCII character occurs in `text`, in the order they first do."""
    return _counted("".join(_NON_ASCII_RUN.findall(text)))


def _could_be_mixed_up(text: str) -> bool:
    """Whether some code page of MIXUP_CODECS holds every character of `text`: if none
    does, `fix_codepage_mixup` has no mix-up to try and returns nothing (an emoji, an
    arrow or a Turkish "ı" rules all of them out). The codec's encoder answers in C
    (ftfy's sloppy code pages encode U+FFFD but not U+001A: text with U+001A is let through)."""
    if "\x1a" in text:
        return True
    for opened in MIXUP_OPENED:
        try:
            text.encode(opened)
        except UnicodeEncodeError:
            continue
        return True
    return False


def _mixup_cannot_beat(text: str, edits: list[Change], counts: dict[str, int] | None = None) -> bool:
    """Whether no reversed mix-up can cost less than `edits`' repair, so that
    `fix_encoding` would not take one: a mix-up puts, for each character, its own or
    its image under some code-page pair in its place, and `cost` is never below the
    sum of its characters' `char_cost`. A floor that cheap to count (the non-ASCII
    characters' `counts`) spares mojibake the whole-text mix-up decision."""
    if not edits:
        return False  # nothing to beat: the mix-up decides alone
    repaired = cost(apply_changes(text, edits))
    floor = 0.0
    for ch, count in (counts if counts is not None else _non_ascii_counts(text)).items():
        floor += count * _cheapest_mixup_image(ch)
    return floor * (1.0 - 1e-9) >= repaired  # (a relative margin far above float rounding)


def _mixup_cannot_fire(text: str, counts: dict[str, int] | None = None) -> bool:
    """Whether `fix_codepage_mixup` returns nothing, shown cheaply for each code-page
    pair it tries (`counts`: the text's `_non_ascii_counts`). Either of its steps takes
    a pair only when the changed characters read as German (`_mixup_reads_german`: a
    share of them must be plausible, none may become punctuation inside a word or a
    capital after a small letter), so a pair that changes nothing, or changes the text
    into something else, is out. Otherwise:
    - its whole-text step takes a pair only where `_mixup_is_evident` can pass: for what
      the changed characters become (`_MixupPair.may_be_evident`), and at a cost below
      the text's (the sum of `char_cost` of the images is a floor of the reversal's cost;
      with two changed characters or more and not all of them symbols becoming symbols,
      it must save MIXUP_WEAK_GAIN of the text's cost at least);
    - its lexicon step takes a pair only when some character becomes a German letter,
      and the reversal touches MIXUP_LEXICON_MAX_WORDS words at most (changed runs with
      a non-letter between them lie in different words).
    The pairs that change the same characters are tried together where they can be, and
    each fact about the text is worked out once, only when asked (`_MixupFacts`)."""
    if counts is None:
        counts = _non_ascii_counts(text)
    pairs = _pairs_changing(frozenset(counts))
    facts = _MixupFacts(text, counts, pairs.cheapest)
    # the groups that change several characters, none of their pairs symbols only: each of their
    # pairs is ruled out by `_pair_may_fire`'s first tests where no reversal saves enough and
    # the lexicon step has too many words to confirm (one look at the counts for all of them)
    no_gain = bool(pairs.for_gain) and facts.no_gain()
    for group in pairs.for_gain:
        if no_gain and (not group.german or facts.words_touched(group.changing) > MIXUP_LEXICON_MAX_WORDS):
            continue
        if _group_may_fire(facts, group):
            return False
    return not any(_group_may_fire(facts, group) for group in pairs.others)


def _group_may_fire(facts: _MixupFacts, group: _MixupGroup) -> bool:
    """Whether `fix_codepage_mixup` may take a pair of `group` (`_mixup_cannot_fire`)."""
    counts = facts.counts
    swaps = sum(map(counts.__getitem__, group.changing))
    if not group.may_be_evident(swaps):
        return False
    if sum(map(counts.__getitem__, group.plausible)) < MIXUP_PLAUSIBLE_SHARE * swaps:
        return False  # does not read as German
    return any(_pair_may_fire(facts, group, pair, swaps) for pair in group.pairs)


def _pair_may_fire(facts: _MixupFacts, group: _MixupGroup, pair: _MixupPair, swaps: int) -> bool:
    """Whether `fix_codepage_mixup` may take `pair` of `group`, which changes `swaps`
    characters of the text and passes the plausible-share test (`_mixup_cannot_fire`)."""
    if not pair.may_be_evident(swaps):
        return False  # (which the lexicon step needs too: it asks for a German letter)
    if not pair.german or facts.words_touched(group.changing) > MIXUP_LEXICON_MAX_WORDS:
        # the whole-text step alone: the reversal's cost must stay below the text's, or below this share of it
        share = 1.0 if swaps == 1 or pair.symbols else 1.0 - MIXUP_WEAK_GAIN
        if share < 1.0 and facts.no_gain():
            return False
        floor = 0.0
        for ch, count in facts.counts.items():
            floor += count * pair.image_cost[ch]
        if not facts.may_cost_more(floor, share):
            return False
    table = pair.table
    # nor does a character between two ASCII ones that becomes punctuation in a word or a capital
    return not any(
        ch in group.changing and _breaks_its_word(left, table[ord(ch)], right) for left, ch, right in facts.lone()
    )


class _MixupFacts:
    """What `_mixup_cannot_fire` asks of one text, each worked out once and only when asked."""

    __slots__ = ("_ceilings", "_cost", "_lone", "_no_gain", "_words", "cheapest", "counts", "text")

    def __init__(self, text: str, counts: dict[str, int], cheapest: dict[str, float]) -> None:
        self.text = text
        self.counts = counts
        self.cheapest = cheapest  # `_MixupPairs.cheapest`
        self._cost = -1.0
        self._ceilings: list[float] = []  # `_cost_ceiling`, then `_cost_ceiling_by_neighbours`, as asked
        self._no_gain: bool | None = None
        self._words: dict[frozenset[str], int] = {}
        self._lone: set[tuple[str, str, str]] | None = None

    def _below_a_ceiling(self, floor: float, share: float) -> bool:
        """Whether `floor` is at least `share` of a ceiling of the text's cost (relative
        margins far above float rounding), the cheaper ceiling tried first."""
        for tier in range(2):
            if tier == len(self._ceilings):
                made = _cost_ceiling(self.counts) if tier == 0 else _cost_ceiling_by_neighbours(self.text, self.counts)
                self._ceilings.append(made)
            if floor * (1.0 - 1e-9) >= share * self._ceilings[tier] * (1.0 + 1e-9):
                return True
        return False

    def may_cost_more(self, floor: float, share: float) -> bool:
        """Whether the text's cost (the sum over its runs with their neighbours that the
        mix-up starts from) times `share` may exceed `floor`, with relative margins far
        above float rounding: its ceilings are tried before its cost is worked out."""
        if self._below_a_ceiling(floor, share):
            return False
        if self._cost < 0:
            self._cost = cost(self.text)
        return floor * (1.0 - 1e-9) < share * self._cost * (1.0 + 1e-9)

    def no_gain(self) -> bool:
        """No reversal, by any pair that may be evident, can save MIXUP_WEAK_GAIN of the
        text's cost, shown at once by a floor for all of them (each character's cheapest
        image under any of them) and a ceiling of the text's cost. False where that is
        not enough to tell."""
        if self._no_gain is None:
            floor = 0.0
            for ch, count in self.counts.items():
                floor += count * self.cheapest[ch]
            self._no_gain = self._below_a_ceiling(floor, 1.0 - MIXUP_WEAK_GAIN)
        return self._no_gain

    def words_touched(self, changing: frozenset[str]) -> int:
        """`_words_touched_floor` for these changed characters."""
        touched = self._words.get(changing)
        if touched is None:
            touched = self._words[changing] = _words_touched_floor(self.text, changing)
        return touched

    def lone(self) -> set[tuple[str, str, str]]:
        """Characters standing alone between ASCII ones, with their neighbours, which a
        mix-up leaves as they are."""
        if self._lone is None:
            text = self.text
            self._lone = {
                (text[m.start() - 1 : m.start()], m.group(), text[m.end() : m.end() + 1])
                for m in _NON_ASCII_RUN.finditer(text)
                if m.end() - m.start() == 1
            }
        return self._lone


@dataclass(frozen=True)
class _MixupPair:
    """What `_mixup_cannot_fire` needs of one code-page pair for a text's set of characters."""

    table: dict[int, str]
    image_cost: dict[str, float]  # `char_cost` of each character's image (itself where unchanged)
    german: bool  # some changed character becomes a German letter (GERMAN_LETTERS)
    symbols: bool  # every changed character is a symbol that becomes a typographic one (`_symbol_to_symbol`)
    dashes: bool  # every changed character becomes a dash (WORD_DASHES)
    quotes: bool  # every image is a letter, or a plausible quotation mark or typographic symbol
    guillemets: bool  # every image is a guillemet

    @property
    def hopeful(self) -> bool:
        """Whether it may be evident for some number of changed characters."""
        return self.may_be_evident(1) or self.may_be_evident(MIXUP_MIN_QUOTES)

    def may_be_evident(self, swaps: int) -> bool:
        """Whether `_mixup_is_evident` can pass for a reversal that changes `swaps`
        characters, by what it asks of the images alone: one changed character must
        become a German letter or a dash, or be a symbol becoming a typographic one;
        of more, some must become a German letter, or all be such symbols, quotation
        marks (four at least) or guillemets."""
        if swaps == 1:
            return self.german or self.dashes or self.symbols
        return self.german or self.symbols or self.guillemets or (swaps >= MIXUP_MIN_QUOTES and self.quotes)


@dataclass(frozen=True)
class _MixupGroup:
    """The code-page pairs that change the same characters of a text's set, with the
    same of them becoming plausible: they pass the plausible-share test together."""

    changing: frozenset[str]  # the characters they change
    plausible: frozenset[str]  # those of them whose image reads as German (`_plausible_in_mixup`)
    pairs: tuple[_MixupPair, ...]

    @cached_property
    def german(self) -> bool:
        """Some pair turns a character into a German letter."""
        return any(pair.german for pair in self.pairs)

    @cached_property
    def symbols(self) -> bool:
        """Some pair turns only symbols into typographic ones."""
        return any(pair.symbols for pair in self.pairs)

    @cached_property
    def _evident_alone(self) -> bool:
        return any(pair.may_be_evident(1) for pair in self.pairs)

    @cached_property
    def _evident_among_few(self) -> bool:
        return any(pair.may_be_evident(2) for pair in self.pairs)

    @cached_property
    def _evident_among_many(self) -> bool:
        return any(pair.may_be_evident(MIXUP_MIN_QUOTES) for pair in self.pairs)

    def may_be_evident(self, swaps: int) -> bool:
        """Whether some pair may be evident (`_MixupPair.may_be_evident`) for `swaps` changed characters."""
        if swaps == 1:
            return self._evident_alone
        return self._evident_among_many if swaps >= MIXUP_MIN_QUOTES else self._evident_among_few


@dataclass(frozen=True)
class _MixupPairs:
    """The code-page pairs that change some of a text's set of characters (`_pairs_changing`)."""

    for_gain: tuple[_MixupGroup, ...]  # those that change several characters, not symbols only
    others: tuple[_MixupGroup, ...]
    cheapest: dict[str, float]  # each character's least `image_cost` under a pair that may be evident

    def __bool__(self) -> bool:
        return bool(self.for_gain or self.others)


@lru_cache(maxsize=4096)  # a text's set of non-ASCII characters: German texts share a few
def _pairs_changing(chars: frozenset[str]) -> _MixupPairs:
    """The code-page pairs of MIXUP_PAIRS whose opened code page holds all of `chars`
    and whose mix-up changes some of them, those that may be evident for some number of
    changed characters (`_MixupPair.hopeful`: the others are taken by neither step of
    `fix_codepage_mixup`), grouped by what they change."""
    groups: dict[tuple[frozenset[str], frozenset[str]], list[_MixupPair]] = {}
    for opened, saved in MIXUP_PAIRS:
        if chars <= _encodable(opened) and (changing := chars & _mixup_sources(opened, saved)):  # (as the step)
            table = _mixup_table(opened, saved)
            images = [table[ord(ch)] for ch in changing]
            plausible = frozenset(ch for ch in changing if _plausible_in_mixup(table[ord(ch)]))
            pair = _MixupPair(
                table=table,
                image_cost={ch: char_cost(table.get(ord(ch), ch)) for ch in chars},
                german=any(image in GERMAN_LETTERS for image in images),
                symbols=all(_symbol_to_symbol(_Swap(ch, table[ord(ch)], "", "", 0)) for ch in changing),
                dashes=all(image in WORD_DASHES for image in images),
                quotes=all(
                    char_cost(image) <= PLAUSIBLE_COST
                    and (image.isalpha() or image in MIXUP_SYMBOL_TARGETS or image in QUOTATION_MARKS)
                    for image in images
                ),
                guillemets=all(image in "»«" for image in images),
            )
            if pair.hopeful:  # (the others are never taken, whatever the counts)
                groups.setdefault((changing, plausible), []).append(pair)
    hopeful = [pair for pairs in groups.values() for pair in pairs]
    made = [_MixupGroup(changing, plausible, tuple(pairs)) for (changing, plausible), pairs in groups.items()]
    # the whole-text step asks a gain of MIXUP_WEAK_GAIN of two changes or more, but not of
    # symbols that all become typographic ones (a group changing one character may change it once)
    needs_gain = [len(group.changing) > 1 and not group.symbols for group in made]
    return _MixupPairs(
        tuple(group for group, gain in zip(made, needs_gain, strict=True) if gain),
        tuple(group for group, gain in zip(made, needs_gain, strict=True) if not gain),
        {ch: min((pair.image_cost[ch] for pair in hopeful), default=0.0) for ch in chars},
    )


@lru_cache(maxsize=16384)
def _breaks_its_word(left: str, after: str, right: str) -> bool:
    """What `_mixup_reads_german` refuses in a changed character with these neighbours:
    punctuation inside a word ("Hü»YA"), a capital after a small letter ("pÜ")."""
    inside = left.isalpha() and right.isalpha() and not after.isalpha() and after not in WORD_DASHES
    return inside or (after.isupper() and left.islower()) or (after.islower() and left.isupper() and right.isupper())


@lru_cache(maxsize=64)
def _mixup_sources(opened: str, saved: str) -> frozenset[str]:
    """The characters the mix-up (opened, saved) changes."""
    return frozenset(chr(code) for code in _mixup_table(opened, saved))


@lru_cache(maxsize=64)
def _mixup_german_sources(opened: str, saved: str) -> frozenset[str]:
    """The characters the mix-up (opened, saved) turns into a German letter (GERMAN_LETTERS):
    a text with none of them gives `_mixup_confirmed_by_lexicon` no umlaut or ß to confirm."""
    return frozenset(chr(code) for code, after in _mixup_table(opened, saved).items() if after in GERMAN_LETTERS)


@lru_cache(maxsize=4096)
def _plausible_in_mixup(ch: str) -> bool:
    """What `_mixup_reads_german` counts as a plausible result of a reversed mix-up."""
    return ch in GERMAN_LETTERS or char_cost(ch) <= MIXUP_PLAUSIBLE_COST


def _words_touched_floor(text: str, changing: frozenset[str]) -> int:
    """How many different words (runs of letters, `_letters_around`) the runs holding
    a character of `changing` lie in, at least: 0 when none does; past
    MIXUP_LEXICON_MAX_WORDS it stops counting (and stops looking)."""
    # first, at C speed: pieces of text between ASCII non-letters that hold such a character
    for pieces, _ in enumerate(_pieces_holding(changing).finditer(text), start=1):
        if pieces > MIXUP_LEXICON_MAX_WORDS:
            return pieces  # (two changed runs with an ASCII non-letter between them lie in different words)
    words = 0
    last_end = -1
    for m in _NON_ASCII_RUN.finditer(text):
        if changing.isdisjoint(m.group()):
            continue
        if last_end < 0 or not text[last_end : m.start()].isalpha():
            words += 1
            if words > MIXUP_LEXICON_MAX_WORDS:
                return words
        last_end = m.end()
    return words


@lru_cache(maxsize=1024)
def _pieces_holding(chars: frozenset[str]) -> re.Pattern[str]:
    """A piece of text between ASCII non-letters (letters and non-ASCII characters) from
    one of `chars` on: its matches lie in different pieces, one for each piece holding
    one of them (changed runs in different pieces lie in different words)."""
    return re.compile(f"[{re.escape(''.join(sorted(chars)))}][A-Za-z\x80-\U0010ffff]*")


# Of the penalties of `profile._add_cost`, a non-ASCII character draws these only right after a
# letter (a symbol glued to a word, and wedged into one; a capital after a small letter; a letter
# of another script after a Latin one): `_cost_after_letter`; the others (a mojibake lead before a
# continuation or a space, a letter of another script before a Latin one) wherever it stands:
# `_cost_anywhere`. Every penalty is drawn at a non-ASCII character or at the character right
# after one (there counted for the one before it), so summed over the text's non-ASCII
# characters these bound its cost from above.


@lru_cache(maxsize=4096)
def _cost_anywhere(ch: str) -> float:
    """The most a non-ASCII `ch` adds to `cost` of a text wherever it stands, with what it
    makes its next character add."""
    added = char_cost(ch)
    if ch in STRONG_LEAD_CHARS:  # (Ã and Â before a space are among them)
        added += MOJIBAKE_PAIR_COST
    if is_foreign_letter(ch):
        added += MIXED_SCRIPT_COST
    return added


@lru_cache(maxsize=4096)
def _cost_after_letter(ch: str) -> float:
    """The most a non-ASCII `ch` adds to `cost` besides `_cost_anywhere` right after a letter
    (with what it makes its next character add)."""
    added = 0.0
    if not ch.isalpha():
        if ch not in AFTER_WORD:
            added += GLUED_SYMBOL_COST
        if ch not in "\u00a0\u2009\u202f":
            added += IN_WORD_PUNCTUATION_COST  # (drawn at the next character, if a letter)
    if ch.isupper():
        added += CASE_BREAK_COST
    if is_foreign_letter(ch):
        added += MIXED_SCRIPT_COST
    return added


def _cost_ceiling(counts: dict[str, int]) -> float:
    """An upper bound of `cost` of a text whose non-ASCII characters occur `counts` times
    (each as if right after a letter), with a relative margin far above the rounding of
    either sum."""
    total = 0.0
    for ch, count in counts.items():
        total += count * (_cost_anywhere(ch) + _cost_after_letter(ch))
    return total * (1.0 + 1e-6)


# A non-ASCII character right after a letter (or after a character `re` counts as one with the
# letters: \w but no digit or "_"; more than str.isalpha, which `cost` asks, and so safe here).
_AFTER_LETTER = re.compile(r"[^\x00-\x7f](?<=[^\W\d_].)")


def _cost_ceiling_by_neighbours(text: str, counts: dict[str, int]) -> float:
    """`_cost_ceiling` with `_cost_after_letter` counted only where a character stands
    right after a letter (one more scan of the text: tighter where symbols and capitals
    stand after spaces, "5 €", "„Text“")."""
    total = 0.0
    for ch, count in counts.items():
        total += count * _cost_anywhere(ch)
    total += sum(map(_cost_after_letter, _AFTER_LETTER.findall(text)))
    return total * (1.0 + 1e-6)


@lru_cache(maxsize=4096)
def _cheapest_mixup_image(ch: str) -> float:
    """The least `char_cost` of `ch` or what any mix-up of MIXUP_PAIRS turns it into."""
    images = [_mixup_table(opened, saved).get(ord(ch), ch) for opened, saved in MIXUP_PAIRS]
    return min(char_cost(image) for image in [ch, *images])


# The code pages a mix-up may have been opened in (bytes 00-7F are ASCII in each of them).
MIXUP_OPENED = MIXUP_CODECS

_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines ending at "\n" only: str.splitlines also breaks at U+0085, which is
    mojibake's continuation byte 0x85, not a line end."""
    for m in _LINE.finditer(text):
        yield m.start(), m.group()


def prefer_ftfy_where_better(
    text: str, edits: list[Change], lines: list[tuple[int, int]] | None = None
) -> list[Change]:
    """Line by line, take ftfy's repair (with ours on top of it) where it reads better.

    ftfy's edits are vetoed where they replace ordinary German ("»Ü" -> "Ȇ",
    "€ü" -> "۟"). Then, piece by piece: where only one side changed something,
    that change stands; where both did, ours stands unless ftfy's is clearly
    more German or ours still shows a mojibake pair that ftfy's does not.
    """
    result: list[Change] = []
    pending = sorted((c for c in edits if c.start < len(text)), key=lambda c: c.start) if edits else edits
    if not pending:  # (clean text: the lines `_lines_worth_a_look` gives are the suspect lines, in order)
        for offset, end in suspect_lines(text) if lines is None else lines:
            line = text[offset:end]
            if _ftfy_sees_mojibake(line):  # (else `_with_ftfy` keeps our edits: none)
                result.extend(_shifted(c, offset) for c in _with_ftfy(line, []))
        return result
    first = 0  # pending[first:] start at or after the current line
    for offset, end, suspect in _lines_worth_a_look(text, pending, suspect_lines(text) if lines is None else lines):
        last = first
        while last < len(pending) and pending[last].start < end:
            last += 1
        ours = [_shifted(c, -offset) for c in pending[first:last]]
        first = last
        if suspect:
            ours = _with_ftfy(text[offset:end], ours)
        result.extend(_shifted(c, offset) for c in ours)
    return result


def suspect_lines(text: str, first: tuple[int, int] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each line (as `_lines` cuts them) that holds a suspect (`find_suspect`;
    no match of it spans a line end, and it looks at the same neighbours in the text as in
    the line), in order. `first`, if given, is `find_suspect(text)`."""
    lines = []
    found = first if first is not None else find_suspect(text)
    while found is not None:
        line_start = text.rfind("\n", 0, found[0]) + 1
        pos = text.find("\n", found[0]) + 1 or len(text)
        lines.append((line_start, pos))
        found = find_suspect(text, pos) if pos < len(text) else None  # (no suspect is empty)
    return lines


def _lines_worth_a_look(text: str, edits: list[Change], suspects: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """(start, end, has a suspect) of the lines that hold the start of one of `edits`
    (sorted) or a suspect (`suspects`: the text's `suspect_lines`), in order: the other
    lines come through `prefer_ftfy_where_better` as they are."""
    lines: dict[int, tuple[int, bool]] = {}
    line_end = 0
    for change in edits:
        if change.start >= line_end:
            line_start = text.rfind("\n", 0, change.start) + 1
            line_end = text.find("\n", change.start) + 1 or len(text)
            lines[line_start] = (line_end, False)
    for line_start, end in suspects:
        lines[line_start] = (end, True)
    return [(start, end, suspect) for start, (end, suspect) in sorted(lines.items())]


def _shifted(c: Change, by: int) -> Change:
    return Change(c.start + by, c.end + by, c.before, c.after, c.reason)


def _with_ftfy(line: str, ours: list[Change]) -> list[Change]:
    """Our edits for one line, with ftfy's (plus ours on top of them) where they do better."""
    if not _ftfy_sees_mojibake(line):
        return ours  # ftfy would return the line as it is
    fixed, plan = ftfy.fix_encoding_and_explain(line, FTFY_CONFIG)
    if fixed == line:
        return ours
    steps = ", ".join(f"{action} {param}" for action, param in (plan or []))
    accepted = [c for c in diff_changes(line, fixed, f"ftfy: {steps}") if not _ftfy_vetoed(line, c)]
    if not accepted:
        return ours
    theirs = compose(line, accepted, fix_utf8_mojibake(apply_changes(line, accepted)))
    ours = _then_ftfy(line, ours)
    chosen: list[Change] = []
    for group_ours, group_theirs in _overlapping_groups(ours, theirs):
        if not group_ours or not group_theirs:
            chosen.extend(group_ours or group_theirs)
            continue
        start = min(c.start for c in group_ours + group_theirs)
        end = max(c.end for c in group_ours + group_theirs)
        mine_text = _apply_within(line, start, end, group_ours)
        other_text = _apply_within(line, start, end, group_theirs)
        if mine_text == other_text:  # the same repair: ours stands (equal costs, no unfinished pair)
            chosen.extend(group_ours)
            continue
        mine = _context_cost(line, start, end, mine_text)
        other = _context_cost(line, start, end, other_text)
        unfinished = bool(_STRONG_PAIR.search(mine_text)) and not _STRONG_PAIR.search(other_text)
        chosen.extend(group_ours if mine <= other + GUARD_MARGIN and not unfinished else group_theirs)
    return sorted(chosen, key=lambda c: c.start)


def _ftfy_sees_mojibake(text: str) -> bool:
    """ftfy's own first test (`ftfy.badness.is_bad`): False means its encoding repair
    returns `text` unchanged. Each of its matches holds two adjacent non-ASCII characters
    or a character of FTFY_LONE_TRIGGERS, and is at most FTFY_LONGEST_MATCH long, so its
    pattern is tried only just before and in such places: the answer is the same as a
    search of the whole text, at a fraction of the cost (German has few such places)."""
    checked = 0  # positions before this one were tried
    for hit in _FTFY_CANDIDATE.finditer(text):
        for pos in range(max(hit.start() - FTFY_LONGEST_MATCH + 1, checked), hit.end()):
            if _FTFY_BADNESS.match(text, pos):
                return True
        checked = hit.end()
    return False


def _then_ftfy(line: str, ours: list[Change]) -> list[Change]:
    """Our edits, continued by ftfy where it decodes our result further (a code page
    we do not read, such as cp1257 or cp1251, under a layer we peeled)."""
    if not ours:
        return ours
    mine = apply_changes(line, ours)
    if not _ftfy_sees_mojibake(mine):
        return ours
    fixed, plan = ftfy.fix_encoding_and_explain(mine, FTFY_CONFIG)
    if fixed == mine:
        return ours
    steps = ", ".join(f"{action} {param}" for action, param in (plan or []))
    further = [c for c in diff_changes(mine, fixed, f"ftfy: {steps}") if not _ftfy_vetoed(mine, c)]
    return compose(line, ours, further) if further else ours


def _overlapping_groups(ours: list[Change], theirs: list[Change]) -> Iterator[tuple[list[Change], list[Change]]]:
    """Group two sets of changes into clusters of overlapping spans (an insertion
    touching a span counts as overlapping it)."""
    tagged = sorted([(c.start, c.end, 0, c) for c in ours] + [(c.start, c.end, 1, c) for c in theirs])
    group: tuple[list[Change], list[Change]] = ([], [])
    group_start = group_end = -1
    for start, end, side, change in tagged:
        touching = start == group_end and (start == end or group_start == group_end)
        if (group[0] or group[1]) and start >= group_end and not touching:
            yield group
            group = ([], [])
            group_start, group_end = start, end
        elif not (group[0] or group[1]):
            group_start, group_end = start, end
        group[side].append(change)
        group_end = max(group_end, end)
    if group[0] or group[1]:
        yield group


def _apply_within(text: str, start: int, end: int, changes: list[Change]) -> str:
    """text[start:end] with `changes` (all inside it) applied."""
    return apply_changes(text[start:end], [_shifted(c, -start) for c in changes])


def _ftfy_vetoed(line: str, change: Change) -> bool:
    """ftfy's change is not taken: it replaces German, or it is too short to stand on its own."""
    return (
        _replaces_german(line, change)
        or _into_another_script(line, change)
        or _too_short_to_tell(line, change)
        or _letters_into_symbol(change)
        or _lone_lead_misread(line, change)
        or _letters_into_replacement(change)
    )


def _letters_into_replacement(change: Change) -> bool:
    """Two letters or more before a question mark that ftfy reads as a lossy sequence and
    replaces with U+FFFD ("àœ?" -> "\ufffd", French letters ending a question): a word
    deleted on a guess; a lossy sequence is a lead and its "?" ("Ã?")."""
    before = change.before
    if len(before) > FTFY_SHORT_CHANGE or "\ufffd" not in change.after or not before.endswith("?"):
        return False
    letters = before.rstrip("?")
    return len(letters) >= 2 and letters.isalpha()


_WORD_NEXT = re.compile(r"\s?[^\W_]")  # "à la", "à 400"
_GLUED_AFTER = ".,;:!?%)]"  # a lost no-break space follows these too ("z.Â B.", "5Â %")
_C1_QUOTES = "".join(ch for ch in _CP1252[:0x20] if ch in QUOTATION_MARKS)  # ‚ „ ‹ ‘ ’ “ ” › at bytes 80-9F
_C1_LETTERS = "".join(ch for ch in _CP1252[:0x20] if ch.isalpha())  # ƒ Š Œ Ž š œ ž Ÿ


def _mojibake_elsewhere(line: str, change: Change) -> bool:
    """A mojibake pair in the line outside the change (`_evidence_pairs`)."""
    starts = _evidence_pairs(line)
    return bool(starts) and (starts[0] < change.start or starts[-1] > change.end)


@lru_cache(maxsize=8)  # once per line, not once per ftfy change in it
def _evidence_pairs(line: str) -> tuple[int, ...]:
    """Where the line's mojibake pairs of a lead and a symbol ("Ã¤", "â€") start, but for a
    lone lead at a word's start before what opens no word ("A A Â A Â»": each such lone
    lead is as doubtful as the other)."""
    starts = []
    for m in _STRONG_PAIR.finditer(line):
        if m.group()[1].isalpha():
            continue  # (two letters, "aôá", are what clean Portuguese or French text has)
        if _glued(line[m.start() - 1 : m.start()]) or line[m.end() : m.end() + 1].isalnum():
            starts.append(m.start())
    return tuple(starts)


@lru_cache(maxsize=8)
def _line_has_c1(line: str) -> bool:
    return _has_c1(line)


def _glued(previous: str) -> bool:
    """What stands before a lead holds it to a word ("89Â €", "z.Â B.", "HÂLÂ”")."""
    return previous.isalnum() or (previous != "" and previous in _GLUED_AFTER)


def _lone_lead_misread(line: str, change: Change) -> bool:
    """ftfy reads a lead letter at a word's start (a capital "Â", "Ã", "Ð" in Portuguese,
    French or Icelandic) as mojibake on its own, in a line that shows no other:
    - as a lost no-break space ("Â (" -> "\xa0(", "Â Acheté");
    - with what follows as a letter standing alone as a word ("Ã»" -> "û", "Ð“" -> "Г"):
      no German word is one letter, but "à" before a word or number ("2 Module à 400 Watt");
    - dropped before a letter ("Âœ" -> "œ") or before a quotation mark that opens no word
      ("A Â»" -> "A »"): a capital starting a word is what it looks like;
    - as letters German text does not use, from letters (and spaces) only ("ÂŒÆŸ" -> "ŒƟ",
      also glued to a word: "AÂŒÆŒ" -> "AŒƌ").
    Glued to a word, a lost no-break space ("AÂ ("), and a lead dropped before a closing
    quotation mark ("HÂLÂ”", Turkish "hâlâ" in capitals) or a letter ("AÂŸ") read through
    a C1 byte, are vetoed too: German has none of those letters, and its quotation marks
    take one layer of mojibake ("Â«"), not two.
    Mojibake of a no-break space or of a C1 byte is glued to what stands before it
    ("89Â €", "z.Â B."), an opening quotation mark's opens a word ("Â»Hallo"),
    and a euro sign or a dash stands alone ("Â€ 5"). Other mojibake or a C1 control in
    the line is evidence enough ("Â»Hallo Â« sagte"), but not another lone lead: French
    spacing with plain spaces ("Â« Bonjour Â»") is left as it is."""
    before = change.before
    if not before or before[0] not in LEAD_CHARS or len(before) > FTFY_SHORT_CHANGE + 1:
        return False
    if _line_has_c1(line) or _mojibake_elsewhere(line, change):
        return False  # a C1 control ("Ã\x89Â¿") or other mojibake in the line is evidence enough
    dropped = change.after == ""
    product = line[change.end : change.end + 1] if dropped else change.after
    rest = line[change.end + dropped : change.end + dropped + 1]
    rare_letters = all(ch.isalpha() or ch == " " for ch in before) and any(
        ch.isalpha() and char_cost(ch) > MIXUP_PLAUSIBLE_COST for ch in product
    )
    if rare_letters:
        return True  # at a word's start or glued to one ("AÂŒÆŒ" -> "AŒƌ")
    previous = line[change.start - 1 : change.start]
    if _glued(previous):
        # glued to a word: a closing quotation mark read through a C1 byte ("HÂLÂ”" -> "HÂL”"),
        # mojibake of mojibake where German's own "Â«" is one layer; a no-break space after a
        # letter ("AÂ (" -> "A\xa0("), where German puts one after a number or an abbreviation
        c1_quote = dropped and product in _C1_QUOTES and not rest.isalnum()
        c1_letter = dropped and product in _C1_LETTERS  # "AÂŸ" -> "AŸ": no German letter is read so
        return previous.isalpha() and (c1_quote or c1_letter or not product.strip())
    spaces = product.replace("\ufffd", "")
    if spaces and not spaces.strip():
        return True  # a lost no-break space (also beside a lossy sequence guessed: "Â Â?" -> "\xa0\ufffd")
    if len(product) == 1 and product.isalpha() and not rest.isalpha() and not (rest and rest in CONTINUATION_CHARS):
        # (a continuation after it: a further layer to read, "Ä‚Â\xa0" -> "Ă\xa0" -> "à")
        return product != "à" or not _WORD_NEXT.match(line, change.end + dropped)
    return dropped and (product.isalpha() or (product in QUOTATION_MARKS and not rest.isalnum()))


_NO_TEXT = ("Co", "Cn")  # private use, unassigned: no text of any language


def _letters_into_symbol(change: Change) -> bool:
    """A few letters (and spaces) read as a symbol that German text does not use
    ("âœ Acheté" -> "✠Acheté"), or as a private-use or unassigned code point ("îœœ" ->
    U+E71C): a coincidence of letters, not mojibake of the symbol (whose mojibake holds
    punctuation: "âœ“" -> "✓")."""
    if len(change.before) > FTFY_SHORT_CHANGE or not all(ch.isalpha() or ch == " " for ch in change.before):
        return False
    after = change.after.strip()
    return bool(after) and all(
        unicodedata.category(ch) in _NO_TEXT or (unicodedata.category(ch)[0] == "S" and ch not in COMMON_PUNCTUATION)
        for ch in after
    )


def _letters_outside(line: str, change: Change) -> str:
    """The letters beside a change, FTFY_CONTEXT characters each way at most (linear on long lines)."""
    around = line[max(0, change.start - FTFY_CONTEXT) : change.start] + line[change.end : change.end + FTFY_CONTEXT]
    return "".join(ch for ch in around if ch.isalpha())


def _latin(ch: str) -> bool:
    return ch < "\u0250" or unicodedata.name(ch, "").startswith("LATIN")  # also "ﬁ", "ẞ"


def _symbol_in_a_word(line: str, change: Change) -> bool:
    """A symbol or control between two letters ("IL2RÎ³cKO"), or a C1 control: no text writes
    that, so the change is evidence of its own (not "Ð“", a letter and a closing quote)."""
    for i in range(change.start, change.end):
        ch = line[i]
        if unicodedata.category(ch) == "Cc" and ch >= "\x80":
            return True
        if not ch.isalpha() and not ch.isspace() and line[i - 1 : i].isalpha() and line[i + 1 : i + 2].isalpha():
            return True
    return False


def _into_another_script(line: str, change: Change) -> bool:
    """A reading of a few characters (FTFY_SHORT_CHANGE at most), of Latin letters (and
    spaces) only ("Aÿàœà" -> "A؈ψ" through Mac Roman, "ÎŸÂ Acheté" -> "Ο\xa0Acheté"), or
    into FOREIGN_LETTERS_FEW letters at most ("Ð Ð“" -> "РГ"), that makes letters of
    another script (Cyrillic "Ð“" -> "Г") in a line whose other letters are all Latin:
    so few characters are too little to say the text was written in that script, and a
    run of Latin letters is text of its own (the mojibake of a Cyrillic word holds
    symbols: "ÐŸÑ€Ð¸Ð²ÐµÑ‚"), unless they hold a symbol inside a word ("IL2RÎ³cKO" ->
    "IL2RγcKO"). With no other letter in the line, letters alone ("œà" -> "ψ") or a few
    letters from a longer run ("Ð Ð“") are taken for text of their own; a letter and a
    quotation mark ("Ð“") are `_lone_lead_misread`'s."""
    letters_only = all(ch.isalpha() or ch == " " for ch in change.before)
    foreign = sum(_of_another_script(ch) for ch in change.after)
    few = foreign <= FOREIGN_LETTERS_FEW  # "Ð Ð“" -> "РГ" (a lost A0 byte)
    if (len(change.before) > FTFY_SHORT_CHANGE and not letters_only and not few) or _symbol_in_a_word(line, change):
        return False
    if not foreign:
        return False
    around = _letters_outside(line, change)
    if not around:
        return all(ch.isalpha() for ch in change.before) or (few and len(change.before) > FTFY_SHORT_CHANGE)
    return all(_latin(ch) for ch in around)


FOREIGN_LETTERS_FEW = 2  # letters of another script too few to say a line was written in it


def _of_another_script(ch: str) -> bool:
    """A letter or a script's own combining mark ("ٜ", Arabic) that is not Latin; the
    generic combining accents (U+0300-036F: decomposed "u\u0308") serve Latin too."""
    if ch.isalpha():
        return not _latin(ch)
    return unicodedata.category(ch).startswith("M") and not "\u0300" <= ch <= "\u036f"


def _ftfy_product(line: str, change: Change) -> str:
    """What ftfy's reading yields in place of the change: where it only drops a lead
    ("Â»" -> "»", trimmed to "Â" -> ""), the character after it."""
    return change.after or line[change.end : change.end + 1]


def _too_short_to_tell(line: str, change: Change) -> bool:
    """In a line of a few letters (fewer than FTFY_SHORT_LINE_LETTERS besides the change),
    a reading of a few characters that yields nothing German (no umlaut, no „ “ – €:
    "Â A" -> a non-breaking space, "Âœ" -> "œ") has too little evidence: such pairs are
    letters (and spaces) only, also ordinary letters of other languages; a symbol or
    control among them ("RÄ«ga", "\x9e") is evidence of its own. A line with no other letter gives nothing
    to compare with (a known limit)."""
    if len(change.before) > FTFY_SHORT_CHANGE or not all(ch.isalpha() or ch == " " for ch in change.before):
        return False
    if any(ch in GERMAN_LETTERS or ch in GERMAN_TYPOGRAPHY for ch in _ftfy_product(line, change)):
        return False
    return 0 < len(_letters_outside(line, change)) < FTFY_SHORT_LINE_LETTERS


def _replaces_german(line: str, change: Change) -> bool:
    """True when ftfy's change turns German letters and plausible characters into
    something less German ("€ü" -> "۟"; also "ß€u" -> "߀u" where the symbol is
    wedged into a word: a restored "ß" beside "€" is no UTF-8 to decode again)."""
    before = change.before
    if not any(ch in GERMAN_LETTERS for ch in before):
        return False
    if any(char_cost(ch) > PLAUSIBLE_COST for ch in before):
        return False
    before_cost = _context_cost(line, change.start, change.end, before)
    return _context_cost(line, change.start, change.end, change.after) > before_cost


# --- Code-page mix-ups ------------------------------------------------------------

# (opened as, saved as): bytes saved in the second code page, read in the first.
MIXUP_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (opened, saved) for opened in MIXUP_CODECS for saved in MIXUP_CODECS if opened != saved
)


@lru_cache(maxsize=64)
def _mixup_table(opened: str, saved: str) -> dict[int, str]:
    half = bytes(range(0x80, 0x100))
    return {ord(a): b for a, b in zip(half.decode(opened), half.decode(saved), strict=True) if a != b}


def fix_codepage_mixup(text: str) -> list[Change]:
    """Text saved in one 8-bit code page and opened as another, decided on the whole
    text: the mix-up whose reversal costs least wins (of those that cost the same,
    "ñ" -> "€" or "–", the first that passes), if it reads as German
    (`_mixup_reads_german`) and the evidence is enough (`_mixup_is_evident`)."""
    runs = list(_NON_ASCII_RUN.finditer(text))
    if not runs:
        return []
    chars = {ch for m in runs for ch in m.group()}
    before = sum(_context_cost(text, m.start(), m.end(), m.group()) for m in runs)
    candidates: list[tuple[float, str, str, list[str]]] = []
    known_costs: dict[tuple[str, ...], float] = {}  # several pairs often read the runs alike: cost each reading once
    for opened, saved in MIXUP_PAIRS:
        if not chars <= _encodable(opened):
            continue
        table = _mixup_table(opened, saved)
        afters = [m.group().translate(table) for m in runs]
        key = tuple(afters)
        after_cost = known_costs.get(key)
        if after_cost is None:
            after_cost = sum(_context_cost(text, m.start(), m.end(), a) for m, a in zip(runs, afters, strict=True))
            known_costs[key] = after_cost
        candidates.append((after_cost, opened, saved, afters))
    least = min((c[0] for c in candidates), default=before)
    ranked = []
    for after_cost, opened, saved, afters in candidates:
        if after_cost > least + MIXUP_TIE_MARGIN or after_cost >= before:
            continue
        changes = [_trimmed(m.start(), m.group(), a, "") for m, a in zip(runs, afters, strict=True) if a != m.group()]
        ranked.append((0, after_cost, opened, saved, changes))
    if len(ranked) > 1:
        ranked = [(-_lexicon_words(text, r[4]), *r[1:]) for r in ranked]
    ranked.sort(key=lambda r: r[:2])
    cheapest_words = max((-r[0] for r in ranked if r[1] <= least + 1e-9), default=0)
    for minus_words, after_cost, opened, saved, changes in ranked:
        if after_cost > least + 1e-9 and -minus_words <= cheapest_words:
            continue  # a dearer reading only where the lexicon knows more of its words
        swaps = _changed_characters(text, changes)
        if (
            _mixup_reads_german(swaps)
            and _mixup_is_evident(text, changes, swaps, before, after_cost)
            and (_mostly_broken(swaps) or _written_in_german(text) or _words_confirmed(text, changes))
        ):
            return _mixup_changes(changes, opened, saved)
    return _mixup_confirmed_by_lexicon(text, runs, chars)


def _lexicon_words(text: str, changes: list[Change]) -> int:
    """How many words a reversal touches become words the lexicon knows, in the case it
    writes them ("Ähnlichkeit", not "ühnlichkeit"; "Ökonomen", not "ökonomen")."""
    count = 0
    for (start, end), inside in _changes_by_word(text, changes).items():
        if _becomes_a_word(text, (start, end), inside):
            fixed = apply_changes(text[start:end], [_shifted(c, -start) for c in inside]).strip(_WORD_PUNCTUATION)
            count += not (fixed[:1].islower() and lexicon.is_capitalised(fixed))
    return count


def _changes_by_word(text: str, changes: list[Change]) -> dict[tuple[int, int], list[Change]]:
    """The changes grouped by the run of letters they sit in (one pass: linear in the changes)."""
    groups: dict[tuple[int, int], list[Change]] = {}
    for c in changes:
        groups.setdefault(_letters_around(text, c), []).append(c)
    return groups


def _mostly_broken(swaps: list[_Swap]) -> bool:
    """Most changed characters are no letters (controls, symbols in words: "J\x81rgen
    Weiá", "Gr”áe"): text no language writes, so no need to ask which language it is.
    A quotation mark at a word's edge is where quotation marks stand ("úr „a"): not broken."""
    return sum(not s.before.isalpha() and not _quote_at_word_edge(s) for s in swaps) * 2 >= len(swaps)


def _words_confirmed(text: str, changes: list[Change]) -> bool:
    """Half the words the mix-up touches (two at least) become words the lexicon
    knows, in their case ("dîner, dîner" is no "döner"): German names and addresses
    in a CSV row have few function words.
    A symbol standing alone ("39,90 Ä" -> "39,90 €") is no word and is not counted."""
    groups = _changes_by_word(text, changes)
    words = {span: inside for span, inside in groups.items() if _has_letters_after(text, span, inside)}
    confirmed = sum(
        _becomes_a_word(text, span, inside) and not _small_noun(text, span, inside) for span, inside in words.items()
    )
    return confirmed >= 2 and confirmed * 2 >= len(words)


def _has_letters_after(text: str, span: tuple[int, int], inside: list[Change]) -> bool:
    start, end = span
    return any(ch.isalpha() for ch in apply_changes(text[start:end], [_shifted(c, -start) for c in inside]))


def _written_in_german(text: str) -> bool:
    """The words around the damage are German: among the text's words, enough of the
    profile's distinctive German words ("und", "nicht", "ist"; not "de", "la").
    A whole-text decision on text in another language ("Está más allá") is never
    taken; a text too short to tell is left to the lexicon."""
    words = _LETTERS.findall(text)
    if not words:
        return False
    common = german_profile().common_words
    hits = sum(lexicon.fold(word) in common for word in words)
    return hits >= GERMAN_WORDS_MIN and hits >= GERMAN_WORDS_SHARE * len(words)


def _mixup_changes(changes: list[Change], opened: str, saved: str) -> list[Change]:
    reason = f"saved as {REPORT_NAMES.get(saved, saved)}, opened as {REPORT_NAMES.get(opened, opened)}"
    return [Change(c.start, c.end, c.before, c.after, reason) for c in changes]


def _mixup_confirmed_by_lexicon(text: str, runs: list[re.Match[str]], chars: set[str]) -> list[Change]:
    """A mix-up in a text too short for the profile ("HÜrspiel" is "Hörspiel" saved as
    Mac Roman, opened as cp850: one letter, and Ü costs less than ö): taken when
    every word it touches (a few at most; or two of three, a quoted foreign word
    aside) becomes a word the lexicon's frequencies know, and was none before."""
    for opened, saved in MIXUP_PAIRS:
        if not chars <= _encodable(opened) or chars.isdisjoint(_mixup_german_sources(opened, saved)):
            continue  # (the second: no swap would become a German letter, which the test below asks for)
        table = _mixup_table(opened, saved)
        changes = []
        for m in runs:
            after = m.group().translate(table)
            if after != m.group():
                changes.append(_trimmed(m.start(), m.group(), after, ""))
        words = {_letters_around(text, c) for c in changes}
        if not changes or len(words) > MIXUP_LEXICON_MAX_WORDS:
            continue
        # in its case: "dîner" (French) is no "döner", which German writes "Döner"
        confirmed = sum(_becomes_a_word(text, span, changes) and not _small_noun(text, span, changes) for span in words)
        enough = confirmed == len(words) or (confirmed >= 2 and confirmed * 3 >= 2 * len(words))
        if not enough:
            continue
        swaps = _changed_characters(text, changes)
        # a loan-word letter alone ("Aûo" -> "Año") is no German for a text too short to tell
        german = any(s.after in GERMAN_LETTERS for s in swaps)
        if german and _mixup_reads_german(swaps) and not _quote_into_short_word(text, changes):
            return _mixup_changes(changes, opened, saved)
    return []


def _small_noun(text: str, span: tuple[int, int], changes: list[Change]) -> bool:
    """The word at `span`, with the changes in it, is a noun (the lexicon writes it with a
    capital) written small: no German text writes "döner" or "ökonomen"."""
    start, end = span
    inside = [_shifted(c, -start) for c in changes if start <= c.start < end]
    fixed = apply_changes(text[start:end], inside).strip(_WORD_PUNCTUATION)
    return fixed[:1].islower() and lexicon.is_capitalised(fixed)


def _letters_around(text: str, change: Change) -> tuple[int, int]:
    """The run of letters a change sits in ("Hauptstra|§|e" in "4711;Hauptstra§e 3"),
    at most WORD_SCAN characters each way."""
    start = change.start
    while start > 0 and change.start - start < WORD_SCAN and text[start - 1].isalpha():
        start -= 1
    end = change.end
    while end < len(text) and end - change.end < WORD_SCAN and text[end].isalpha():
        end += 1
    return start, end


def _natural_case(word: str) -> bool:
    """Small, capitalised or all capitals: how words are written ("MÄr" is not)."""
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


def _becomes_a_word(text: str, span: tuple[int, int], changes: list[Change]) -> bool:
    """The word at `span` becomes one the lexicon knows (or one whose first part,
    holding the changes, it knows: "verächtlich|er", "Schön|heitsglaube"; or whose
    last part does: "Mühlen|weg"), and was none before."""
    start, end = span
    inside = [_shifted(c, -start) for c in changes if start <= c.start < end]
    raw, fixed = text[start:end], apply_changes(text[start:end], inside)
    if len(raw) == len(fixed) and ("'" in raw or "’" in raw):  # "kînnen's": the part before the apostrophe
        cut = min(i for i in (raw.find("'"), raw.find("’")) if i >= 0)
        raw, fixed = raw[:cut], fixed[:cut]
    word, fixed = raw.strip(_WORD_PUNCTUATION), fixed.strip(_WORD_PUNCTUATION)
    if len(fixed) < 3 or not fixed.isalpha() or lexicon.is_word(word) or not _natural_case(fixed):
        return False
    if _spelled_so(fixed):
        # a word of three letters must be a common one ("für", "muß"; not "aüg", Zipf 2.1)
        return len(fixed) >= COMPOUND_PART_MIN or (lexicon.zipf(fixed) or 0.0) >= SHORT_WORD_ZIPF
    if len(word) != len(fixed):
        return False
    changed = [i for i, (a, b) in enumerate(zip(word, fixed, strict=True)) if a != b]
    if not changed:
        return False
    first, last = changed[0], changed[-1]
    for k in range(COMPOUND_PART_MIN, len(fixed)):
        # a first part with an ending after it ("verächtlich|er"), or a compound's last part
        head_word = k >= STEM_MIN and len(fixed) - k >= 2 and last < k and _spelled_so(fixed[:k])
        tail_word = first >= k and len(fixed) - k >= COMPOUND_PART_MIN and _spelled_so(fixed[k:])
        if head_word or tail_word:
            return True
    return False


SHORT_WORD_ZIPF = 3.0  # a word shorter than COMPOUND_PART_MIN the lexicon confirms must be this common
_SHARP_S_BEFORE_VOWEL = re.compile("ß[aeiouyäöü]", re.IGNORECASE)


def _spelled_so(word: str) -> bool:
    """The lexicon knows `word` as it is spelled here. Its lookups fold ß to "ss", so a
    ß before a vowel ("Aße") finds the "ss" word ("Asse"): there German writes "ss"
    after a short vowel and ß after a long one, in the old spellings and the new alike,
    and the lexicon's written form tells which ("Straße", "große"; "Asse", "essen")."""
    if not lexicon.is_word(word):
        return False
    return not _SHARP_S_BEFORE_VOWEL.search(word) or "ß" in lexicon.written_form(word)


@dataclass(frozen=True)
class _Swap:
    """One character a mix-up reversal changes, with its neighbours after the change."""

    before: str
    after: str
    left: str
    right: str
    word_start: int


def _changed_characters(text: str, changes: list[Change]) -> list[_Swap]:
    fixed = apply_changes(text, changes)
    swaps = []
    shift = 0
    for c in changes:
        for i, (a, b) in enumerate(zip(c.before, c.after, strict=True)):
            if a != b:
                pos = c.start + shift + i
                swaps.append(_Swap(a, b, fixed[pos - 1 : pos], fixed[pos + 1 : pos + 2], _word_span(text, c.start)[0]))
        shift += len(c.after) - len(c.before)
    return swaps


def _mixup_reads_german(swaps: list[_Swap]) -> bool:
    """The reversed mix-up reads as German: no punctuation but dashes inside a word
    ("HÅØYA" -> "Hü»YA"), no capital after a small letter ("på" -> "pÜ"), and most
    changed characters plausible (umlauts, „ “ €, loan-word letters such as é)."""
    for s in swaps:
        if s.left.isalpha() and s.right.isalpha() and not s.after.isalpha() and s.after not in WORD_DASHES:
            return False
        if s.after in GERMAN_LETTERS and not s.left.isalpha() and not s.right.isalpha():
            return False  # "Ař „" -> "A° ä": no German word is an umlaut or ß alone
        if s.before.isalpha() and not _quote_fits(s):
            return False
        if (s.after.isupper() and s.left.islower()) or (s.after.islower() and s.left.isupper() and s.right.isupper()):
            return False
    plausible = sum(s.after in GERMAN_LETTERS or char_cost(s.after) <= MIXUP_PLAUSIBLE_COST for s in swaps)
    return plausible >= MIXUP_PLAUSIBLE_SHARE * len(swaps)


def _quote_fits(swap: _Swap) -> bool:
    """A letter that becomes a quotation mark must become one that fits its place:
    an opening mark before a word ("Òkeine" -> "„keine"), a closing one after it;
    not "Õ…" -> "’Ö"."""
    if swap.after not in OPENING_QUOTES and swap.after not in CLOSING_QUOTES:
        return True
    if swap.right.isalnum() and (not swap.left or swap.left.isspace() or swap.left in "([{/-"):
        return swap.after in OPENING_QUOTES
    if swap.left and not swap.left.isspace() and not swap.right.isalnum():
        return swap.after in CLOSING_QUOTES
    return False


def _mixup_is_evident(text: str, changes: list[Change], swaps: list[_Swap], before: float, after: float) -> bool:
    """Enough evidence for a whole-text decision, by the profile's costs and bigrams:
    - one changed character: a symbol in a word becoming a German letter ("H”rspiel",
      "\x81bertrieben"), a symbol becoming a plausible one ("¤" -> "€"), or a letter
      making a word the lexicon's frequencies know ("Hètte" -> "Hätte", not "Très");
    - more: German letters among the results, or at least four plausible characters
      in two words (quotes alone: "ädiesesô"); and half the cost gone, or a third
      when the touched words' letter bigrams read more German too and either four
      characters change or the results are German letters and quotation marks only
      ("ÒMÜglichkeitÊ")."""
    drop = before - after
    if _quote_into_short_word(text, changes) or _breaks_word_case(text, changes):
        return False
    if len(swaps) == 1:
        s = swaps[0]
        if s.after in GERMAN_LETTERS and (s.left.isalpha() or s.right.isalpha()):
            # a quotation mark at a word's edge is in its place ("Abisko ”bb", Swedish), no symbol in a word
            symbol = not s.before.isalpha() and not _quote_at_word_edge(s)
            # "verÑchtlicher": a capital after a small letter, which German never writes
            case_break = s.before.isupper() and s.left.islower() and s.after.islower()
            return (
                ((symbol or case_break) and drop >= MIXUP_MIN_DROP)
                or _makes_a_word(text, changes[0])
                or _letter_fits_german_word(text, changes[0], s, drop)
                or _near_a_word(text, changes[0])
            )
        if s.after in WORD_DASHES and not s.left.strip() and not s.right.strip():
            # "Ð Publikum": a letter standing alone where a dash stands, between words
            return sum(w.isalpha() for w in text.split()) >= 2
        return _symbol_to_symbol(s) and drop >= MIXUP_MIN_DROP
    german = any(s.after in GERMAN_LETTERS for s in swaps)
    quotes = (
        len(swaps) >= MIXUP_MIN_QUOTES
        and len({s.word_start for s in swaps}) >= 2
        and all(char_cost(s.after) <= PLAUSIBLE_COST for s in swaps)
        # quotation marks and such, not "¡A" -> "°A"
        and all(s.after in MIXUP_SYMBOL_TARGETS or s.after in QUOTATION_MARKS for s in swaps if not s.after.isalpha())
    ) or (_guillemet_pairs(swaps) and _written_in_german(text))
    if all(_symbol_to_symbol(s) for s in swaps):
        return drop >= MIXUP_MIN_DROP * len(swaps)  # "¤ ... ¤" -> "€ ... €"
    if not (german or quotes):
        return False
    if drop >= MIXUP_MIN_DROP and after <= before * (1 - MIXUP_MIN_GAIN):
        return True
    marks = OPENING_QUOTES + CLOSING_QUOTES
    if len(swaps) < MIXUP_MIN_QUOTES and not all(s.after in GERMAN_LETTERS or s.after in marks for s in swaps):
        return False
    return after <= before * (1 - MIXUP_WEAK_GAIN) and _bigram_logp_change(text, changes) >= 0


def _breaks_word_case(text: str, changes: list[Change]) -> bool:
    """A word written in a natural case ("„Aaý") whose letters a mix-up leaves in no
    natural case ("äAa²"): German writes no small letter before a capital in a word."""
    for (start, end), inside in _changes_by_word(text, changes).items():
        raw = "".join(ch for ch in text[start:end] if ch.isalpha())
        fixed = "".join(ch for ch in _apply_within(text, start, end, inside) if ch.isalpha())
        if len(raw) >= 2 and len(fixed) >= 2 and _natural_case(raw) and not _natural_case(fixed):
            return True
    return False


def _quote_into_short_word(text: str, changes: list[Change]) -> bool:
    """The mix-up's only evidence is quotation marks at a word's edge turned into letters,
    one of them into a word shorter than QUOTE_WORD_MIN letters ("Abisko ”bb" -> "öbb",
    which the lexicon knows as the ÖBB): too little to tell a mix-up from a quotation
    (beside other changed characters, "Zo‘" -> "Zoë" is fine). Mix-ups keep the text's
    length, so positions hold in the fixed text."""
    fixed = apply_changes(text, changes)
    short = False
    for c in changes:
        for i, ch in enumerate(c.before):
            pos = c.start + i
            if fixed[pos] == ch:
                continue
            at_edge = not (text[pos - 1 : pos].isalpha() and text[pos + 1 : pos + 2].isalpha())
            if ch not in QUOTATION_MARKS or not fixed[pos].isalpha() or not at_edge:
                return False
            start, end = _letters_around(fixed, Change(pos, pos + 1, ch, fixed[pos], ""))
            short = short or end - start < QUOTE_WORD_MIN
    return short


def _quote_at_word_edge(swap: _Swap) -> bool:
    """The character a mix-up would change is a quotation mark with a word on one side
    only: where quotation marks stand ("”bb", "bb”"), not wedged into a word ("H”rspiel")."""
    return swap.before in QUOTATION_MARKS and not (swap.left.isalpha() and swap.right.isalpha())


def _guillemet_pairs(swaps: list[_Swap]) -> bool:
    """Every changed character becomes a guillemet, in pairs that open before a word
    and close after one, pointing the two ways ("¯Nathan®" -> "»Nathan«"); the last
    may stay open (the quotation goes on in the next line)."""
    if not all(s.after in "»«" for s in swaps):
        return False
    for i, s in enumerate(swaps):
        if i % 2 == 0:
            opens = s.right.isalnum() and (not s.left or s.left.isspace() or s.left in "([{/-–—")
            if not opens:
                return False
        else:
            closes = bool(s.left) and (s.left.isalnum() or s.left in ".,;:!?") and not s.right.isalnum()
            if not closes or s.after == swaps[i - 1].after:
                return False
    return True


def _letter_fits_german_word(text: str, change: Change, swap: _Swap, drop: float) -> bool:
    """One letter the German profile has never seen ("wehmƒthig", "Maºstabe") becoming
    a German one in a text written in German, where the lexicon knows neither form
    (old spellings, rare words) and the word's letter bigrams then read like German
    words do. Letters of loan words ("Misère", "Café") need the lexicon."""
    if german_profile().letters.get(swap.before.lower()) is not None or swap.before in GERMAN_LETTERS:
        return False
    if drop < MIXUP_MIN_DROP or not _written_in_german(text):
        return False
    start, end = _letters_around(text, change)
    word = text[start:end]
    fixed = apply_changes(word, [_shifted(change, -start)])
    if len(word) < COMPOUND_PART_MIN or lexicon.is_word(word) or lexicon.is_word(fixed):
        return False
    return _word_bigram_logp(fixed, 0) >= MIXUP_WORD_BIGRAM_MIN


def _near_a_word(text: str, change: Change) -> bool:
    """In a text written in German, one changed letter makes a word of NEAR_WORD_MIN
    letters or more that is one edit elsewhere from a word the lexicon knows, and the
    word it replaces is unknown: old spellings ("verrèth" -> "verräth", like "verrät";
    "Enzyclopèdie" -> "Enzyclopädie", like "Enzyklopädie")."""
    start, end = _letters_around(text, change)
    word = text[start:end]
    fixed = apply_changes(word, [_shifted(change, -start)])
    if len(fixed) < NEAR_WORD_MIN or lexicon.is_word(word) or not _written_in_german(text):
        return False
    return any(lexicon.is_word(variant) for variant in _one_edit_away(fixed.lower(), change.start - start))


def _one_edit_away(word: str, keep: int) -> Iterator[str]:
    """The spellings one deletion, substitution or insertion away from `word` that keep word[keep]."""
    for i in range(len(word) + 1):
        if i < len(word) and i != keep:
            yield word[:i] + word[i + 1 :]
            for letter in NEAR_WORD_LETTERS:
                if letter != word[i]:
                    yield word[:i] + letter + word[i + 1 :]
        for letter in NEAR_WORD_LETTERS:
            yield word[:i] + letter + word[i:]


def _symbol_to_symbol(swap: _Swap) -> bool:
    """A printable symbol becoming one of the typographic characters German text
    uses and legacy code pages put elsewhere: "¤" -> "€" (not "≥" -> "³")."""
    return not swap.before.isalpha() and swap.before >= "\xa0" and swap.after in MIXUP_SYMBOL_TARGETS


def _makes_a_word(text: str, change: Change) -> bool:
    """One changed letter is too little for the profile to judge: the lexicon (word
    frequencies) must know the word it makes, of three letters or more, and not the
    word it replaces."""
    return _becomes_a_word(text, _letters_around(text, change), [change])


def _bigram_logp_change(text: str, changes: list[Change]) -> float:
    """How much more German (by the profile's letter bigrams) the words touched by
    `changes` read after them: per word, the mean bigram log-probability after minus
    before (a mean, so that "da·" -> "daß", two letters more as "dass", is no loss)."""
    fixed = apply_changes(text, changes)
    total = 0.0
    shift = 0
    for c in changes:
        total += _word_bigram_logp(fixed, c.start + shift) - _word_bigram_logp(text, c.start)
        shift += len(c.after) - len(c.before)
    return total


def _word_span(text: str, pos: int) -> tuple[int, int]:
    """Start and end of the whitespace-delimited word around text[pos], looking at
    most WORD_SCAN characters each way (a longer "word" is no word, and the scan
    stays linear on a line without spaces)."""
    start = pos
    while start > 0 and pos - start < WORD_SCAN and not text[start - 1].isspace():
        start -= 1
    end = pos
    while end < len(text) and end - pos < WORD_SCAN and not text[end].isspace():
        end += 1
    return start, end


def _word_bigram_logp(text: str, pos: int) -> float:
    """Mean of the profile's bigram log-probabilities over the word around text[pos]
    (outer punctuation stripped; a symbol inside the word scores as unseen)."""
    start, end = _word_span(text, pos)
    word = text[start:end].lower().replace("ß", "ss")
    head = 0
    while head < len(word) and not word[head].isalpha():
        head += 1
    tail = len(word)
    while tail > head and not word[tail - 1].isalpha():
        tail -= 1
    profile = german_profile()
    logp, floor = profile.bigram_logp, profile.bigram_floor
    padded = " " + word[head:tail] + " "
    if tail <= head:
        return 0.0
    return sum(logp.get(a + b, floor) for a, b in pairwise(padded)) / (len(padded) - 1)


# --- Lost characters ----------------------------------------------------------------


def fix_lost_characters(text: str) -> tuple[list[Change], list[Change]]:
    """Umlauts and ß that became "?" or U+FFFD, restored where the lexicon admits one
    reading (or one reading LOST_DOMINANCE times as frequent as any other).

    A "?" at the end of a word is a question mark unless the text shows lost
    characters inside words too and no new sentence follows ("Wei? jemand",
    "Fu?,", "Spa?."). A compound the lexicon lacks is read by its last or first part
    ("Lieblingsbergk?se" through "käse"). Returns (restored, left alone): an
    ambiguous word is reported, and only the characters all its likely readings
    agree on are restored ("Gr??e" -> "Gr?ße": Größe or Grüße).
    """
    found = [
        (span, _lost_slots(text[span[0] : span[1]]) if span[1] - span[0] <= LOST_WORD_MAX else ("none", 0, 0))
        for span in _lost_words(text)
    ]
    damaged = any(kind == "inside" for _, (kind, _, _) in found)
    restored: list[Change] = []
    left: list[Change] = []
    for (word_start, word_end), (kind, core_start, core_end) in found:
        if word_end - word_start > LOST_WORD_MAX:
            continue
        if kind == "none" or (kind == "trailing" and not (damaged and _question_mark_is_lost(text, word_end))):
            continue
        if kind == "short" and not damaged:  # "?l" is "Öl" only where other words lost characters too
            continue
        start, end = word_start + core_start, word_start + core_end
        core = text[start:end]
        outcome = _restore_word(text, start, core)
        if outcome is None:
            if "\ufffd" in core:
                left.append(Change(start, end, core, core, "lost character, no lexicon word fits"))
            continue
        change, report = outcome
        if change.before != change.after:
            restored.append(change)
        if report:
            left.append(Change(start, end, core, core, report))
    restored += _lost_euro_signs(text, damaged)
    return sorted(restored, key=lambda c: c.start), left


_LOST_AFTER_AMOUNT = re.compile(r"(?<=\d)( ?)([?\ufffd])(?=[.,;:!)/]|\s|$)")
_CENTS = re.compile(r"\d,\d\d$")  # "89,90": a price
_NUMBER_NEXT = re.compile(r"(?<!\s)\s*\d")  # from the end of a non-space: linear on long runs of spaces


def _lost_euro_signs(text: str, damaged: bool) -> list[Change]:
    """A lost character right after an amount, before a space or punctuation ("89 \ufffd",
    "3,49\ufffd."), is the euro sign: the one non-ASCII character German text puts
    there (% and $ are ASCII and survive). A "?" only in text whose words lost letters
    too, after a space, and where no new sentence follows ("89 ?, also", not "89 ? Das").
    Not between two numbers ("120 \ufffd 60" is a multiplication sign or a dash) unless
    the first is a price with cents ("89,90 \ufffd 4712;" in a CSV row)."""
    changes = []
    for m in _LOST_AFTER_AMOUNT.finditer(text):
        if m.group(2) == "?" and not (damaged and m.group(1) and _question_mark_is_lost(text, m.end())):
            continue
        if _NUMBER_NEXT.match(text, m.end()) and not _CENTS.search(text, max(0, m.start() - 8), m.start()):
            continue
        changes.append(Change(m.start(2), m.end(2), m.group(2), "€", "lost character: a euro sign after an amount"))
    return changes


def _lost_words(text: str) -> list[tuple[int, int]]:
    """Start and end of each run of letters, "?" and U+FFFD that holds a "?" or
    U+FFFD (a scan from each such character outward: cheap on long text with few)."""
    words: list[tuple[int, int]] = []
    pos = 0
    for m in _LOST_MARK.finditer(text):
        if m.start() < pos:
            continue
        start = m.start()
        while start > 0 and (text[start - 1] in "?\ufffd" or text[start - 1].isalpha()):
            start -= 1
        end = m.end()
        while end < len(text) and (text[end] in "?\ufffd" or text[end].isalpha()):
            end += 1
        words.append((start, end))
        pos = end
    return words


def _lost_slots(word: str) -> tuple[str, int, int]:
    """Where the lost characters of a word are: ('inside', 'leading', 'trailing' or
    'none', start and end of the part to restore). A "?" counts as lost between
    letters or at the start of a word; U+FFFD anywhere."""
    core = word.rstrip("?")
    letters = sum(ch.isalpha() for ch in word)
    if "\ufffd" in core:
        return ("inside" if letters else "none"), 0, len(core)
    if letters < 1 or (letters < 2 and not core.startswith("?")):
        return "none", 0, len(word)
    inner = core.lstrip("?")
    if "?" in inner:
        return "inside", 0, len(core)
    if core.startswith("?"):
        return ("leading" if letters >= 2 else "short"), 0, len(core)
    if core != word and word.count("?", len(core)) == 1:
        return "trailing", 0, len(word)
    return "none", 0, len(word)


def _question_mark_is_lost(text: str, end: int) -> bool:
    """After a word ending in "?": a comma, a full stop ("Fu?.": "?." ends no question)
    or a small letter follows, not a new sentence."""
    rest = text[end : end + 3]
    return bool(rest) and (rest[0] in ",;:." or (rest[0] == " " and rest[1:2].islower()))


def _restore_word(text: str, start: int, core: str) -> tuple[Change, str] | None:
    """The change restoring `core` at `start` (possibly none, before == after) and
    what is left to report ("" when nothing), or None when the lexicon knows no reading.
    A reading must be cased as words are ("?Bergblick" is no "üBergblick": the "?" was
    a quotation mark)."""
    for parts in (_word_readings(core), _readings_within_lost_edges(core)):
        if parts:
            after, report = _read_parts(text, start, core, parts)
            letters = "".join(ch for ch in after if ch.isalpha() and ch != "ß")
            if not letters or _natural_case(letters):
                return Change(start, start + len(core), core, after, "lost character restored from the lexicon"), report
    return None


def _read_parts(text: str, start: int, core: str, parts: Parts) -> tuple[str, str]:
    """`core` with its damaged parts read (the likely reading's letters, cased), and the ambiguity to report."""
    after = core
    ambiguous: list[str] = []
    for offset, part, part_readings in parts:
        likely = [w for w, zipf in part_readings if zipf > part_readings[0][1] - math.log10(LOST_DOMINANCE)]
        if len(likely) > 1:
            ambiguous.append(", ".join(likely[:4]))
            reading = _agreed_characters(part, likely)
        else:
            reading = _cased_like(part, likely[0])
            if part[0] in "?\ufffd" and (offset == 0 or core[offset - 1] in "?\ufffd"):
                at_start = _starts_sentence(text, start + offset) or _all_caps(part)
                capital = at_start or lexicon.is_capitalised(likely[0])
                reading = (reading[0].upper() if capital else reading[0].lower()) + reading[1:]
        after = after[:offset] + reading + after[offset + len(part) :]
    return after, f"lost character, ambiguous: {'; '.join(ambiguous)}" if ambiguous else ""


def _agreed_characters(part: str, likely: list[str]) -> str:
    """`part` with the lost characters every likely reading agrees on restored
    (not a word's first letter, whose case would be a guess)."""
    out = list(part)
    for i, ch in enumerate(part):
        if ch in "?\ufffd" and i > 0 and len({w[i].lower() for w in likely}) == 1:
            letter = likely[0][i]
            out[i] = letter.upper() if _all_caps(part) and letter != "ß" else letter
    return "".join(out)


def _starts_sentence(text: str, pos: int) -> bool:
    """At the start of the text, a sentence or a field (CSV, tab-separated)."""
    before = text[max(0, pos - 3) : pos].rstrip("?\ufffd")
    stripped = before.rstrip()
    gap = before[len(stripped) :]
    return not stripped or stripped[-1] in _SENTENCE_END or "\n" in gap or "\t" in gap


Parts = list[tuple[int, str, list[tuple[str, float]]]]  # (offset, part, its readings) per damaged part


def _word_readings(core: str) -> Parts:
    """The readings of a damaged word, whole or as a compound."""
    readings = lexicon.restorations(core, "?\ufffd")
    return [(0, core, readings)] if readings else _compound_parts(core)


def _readings_within_lost_edges(core: str) -> Parts:
    """A word between two lost characters that are no letters ("\ufffdSonnenh\ufffdgel\ufffd"
    is „Sonnenhügel“, "t?glich?" "täglich“"): the readings of the word inside, the
    lost quotation marks (or dashes) left as they are. Marks at both ends are a pair
    of quotation marks ("\ufffddas\ufffd" is »das«, not »daß), or a lost first letter and
    a closing mark."""
    opening, closing = core[:1] in "?\ufffd", core[-1:] in "?\ufffd"
    options = ((1, 1), (0, 1)) if opening and closing else ((1, 0),) if opening else ((0, 1),) if closing else ()
    for head, tail in options:
        inner = core[head : len(core) - tail]
        if len(inner) < 2 or not _LOST_MARK.search(inner):
            if head and tail:
                return []
            continue
        parts = _word_readings(inner)
        if parts:
            return [(offset + head, part, readings) for offset, part, readings in parts]
    return []


@lru_cache(maxsize=4096)
def _compound_parts(core: str, depth: int = 0) -> Parts:
    """A compound the lexicon lacks, read in two parts ("Sch?fer|stra?e") or by one
    part that holds every lost character ("Lieblingsbergk|?se", "?|Fr?ulein"), the
    last part itself a compound of two (once: "Stra?en|reinigungs|geb?hr"): for
    each part with a lost character, (offset, part, readings). Both parts have
    COMPOUND_PART_MIN letters or more ("Gew|?hnlichkeit" is no compound; a lone
    lost character before a word is a lost quotation mark and stays); of the
    splits that work, the one whose
    shortest restored part is longest wins ("Abfall|geb?hr", not "Abfallge|b?hr")."""
    best: Parts = []
    best_length = 0
    for k in range(1, len(core)):
        parts = []
        for offset, part in ((0, core[:k]), (k, core[k:])):
            if len(part) < COMPOUND_PART_MIN:
                break
            if any(ch in "?\ufffd" for ch in part):
                readings = lexicon.restorations(part, "?\ufffd")
                if readings:
                    parts.append((offset, part, readings))
                    continue
                nested = offset and depth < COMPOUND_DEPTH and len(_LOST_MARK.findall(part)) <= COMPOUND_NESTED_LOST
                inner = _compound_parts(part, depth + 1) if nested else []
                if not inner:
                    break
                parts.extend((offset + o, p, r) for o, p, r in inner)
        else:
            length = min((len(part) for _, part, _ in parts), default=0)
            if length > best_length:
                best, best_length = parts, length
    return best


def _all_caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _cased_like(damaged: str, reading: str) -> str:
    """Carry the case of the surviving letters over to the restored word."""
    letters = [c for c in damaged if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "".join(c if c == "ß" else c.upper() for c in reading)
    return "".join(r.upper() if d.isupper() else r for d, r in zip(damaged, reading, strict=True))
