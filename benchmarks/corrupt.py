"""Damage clean text the ways German text gets damaged in the wild: one function per kind.

The repair benchmark (and the validator benchmark) run every corruption over
clean German paragraphs and compare what a repair tool returns with
`expected(name, text)`: the text itself, except where the damage makes the
original unknowable in principle (case lost to lower-/upper-casing; characters
a legacy 8-bit code page cannot hold, which a real file in that code page
would already have lost to "?").

API:
    CORRUPTIONS: dict[str, Callable[[str], str]]   # name -> damage(text)
    is_lossy(name) -> bool                         # characters are gone, not just disguised
    expected(name, text) -> str                    # what a perfect repair returns

Kinds:
    utf8-as-<cp>[-x2|-x3]   UTF-8 read as an 8-bit code page, one to three layers
    lower-cased / upper-cased   cp1252 mojibake, then the whole text re-cased
    saved-<a>-opened-<b>    a file saved in one 8-bit code page, opened as another
    nbsp-lost               cp1252 mojibake whose non-breaking spaces became plain spaces
    html-entities           cp1252 mojibake, then its non-ASCII characters escaped as HTML entities
    mixed-spans             every other sentence cp1252 mojibake, the rest clean
    lost-as-fffd / lost-as-question   cp1252 bytes read as UTF-8: umlauts become U+FFFD or "?"
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable
from functools import partial

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-125x: the five undefined bytes survive as C1 controls)

# Report name -> Python codec. The cp125x pages are read "sloppily", as browsers and
# MySQL do: an undefined byte becomes the C1 control of the same number instead of an error.
CODECS: dict[str, str] = {
    "cp1252": "sloppy-windows-1252",
    "latin-1": "latin-1",
    "cp1254": "sloppy-windows-1254",
    "iso-8859-15": "iso-8859-15",
    "cp850": "cp850",
    "cp437": "cp437",
    "mac-roman": "mac_roman",
    "cp1250": "sloppy-windows-1250",
}

# (saved as, opened as): the 8-bit mix-ups that change German text. cp1250 and
# cp1252 agree on ä ö ü ß Ä Ö Ü „ “ €, so their mix-up leaves German text intact
# and is not listed; cp850 and cp437 agree on those too.
MIXUPS: tuple[tuple[str, str], ...] = (
    ("cp850", "cp1252"),
    ("cp1252", "cp850"),
    ("mac-roman", "cp1252"),
    ("cp1252", "mac-roman"),
    ("cp437", "cp1252"),
    ("cp1252", "cp437"),
    ("cp850", "mac-roman"),
    ("mac-roman", "cp850"),
    ("cp1252", "latin-1"),
    ("iso-8859-15", "cp1252"),
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\S)")
_ABBREVIATION_SPACE = re.compile(r"\b(z\.|d\.|u\.|o\.) (?=[A-Za-zÄÖÜäöü]\.)")


def as_mojibake(text: str, codec: str = "cp1252", layers: int = 1) -> str:
    """UTF-8 bytes read as `codec`, `layers` times over."""
    for _ in range(layers):
        text = text.encode("utf-8").decode(CODECS[codec])
    return text


def lower_cased(text: str) -> str:
    """cp1252 mojibake, then lower-cased ("kã¤mpfen")."""
    return as_mojibake(text).lower()


def upper_cased(text: str) -> str:
    """cp1252 mojibake, then upper-cased ("FÃœR", "ÃŒBER")."""
    return as_mojibake(text).upper()


def saved_as(text: str, codec: str) -> str:
    """The text as a file in an 8-bit code page holds it: what the page lacks is '?'."""
    return text.encode(CODECS[codec], errors="replace").decode(CODECS[codec])


def mixed_up(text: str, saved: str, opened: str) -> str:
    """Saved in one 8-bit code page, opened as another."""
    return text.encode(CODECS[saved], errors="replace").decode(CODECS[opened])


def with_nbsp(text: str) -> str:
    """Put non-breaking spaces where German typography has them: '89 €', '20 Grad', 'z. B.'."""
    return _ABBREVIATION_SPACE.sub(lambda m: m.group(1) + "\u00a0", _NUMBER_SPACE.sub("\u00a0", text))


def nbsp_lost(text: str) -> str:
    """cp1252 mojibake in which byte A0 became a plain space ('Â ' for a non-breaking space)."""
    return as_mojibake(with_nbsp(text)).replace("\u00a0", " ")


def _entity(ch: str) -> str:
    name = html.entities.codepoint2name.get(ord(ch))
    return f"&{name};" if name else f"&#{ord(ch)};"


def html_entities(text: str) -> str:
    """cp1252 mojibake whose non-ASCII characters were escaped as HTML entities ('&Atilde;&frac14;')."""
    return "".join(ch if ch < "\x80" else _entity(ch) for ch in as_mojibake(text))


def mixed_spans(text: str) -> str:
    """Every other sentence cp1252 mojibake, the others clean: two sources pasted together."""
    parts = _SENTENCE_END.split(text)
    spaces = _SENTENCE_END.findall(text)
    out = [as_mojibake(p) if i % 2 else p for i, p in enumerate(parts)]
    return "".join(p + s for p, s in zip(out, [*spaces, ""], strict=True))


def lost(text: str, mark: str) -> str:
    """Saved as cp1252, read as UTF-8 with replacement: each umlaut becomes `mark`."""
    return text.encode("cp1252", errors="replace").decode("utf-8", errors="replace").replace("\ufffd", mark)


CORRUPTIONS: dict[str, Callable[[str], str]] = {}
for _name in CODECS:
    CORRUPTIONS[f"utf8-as-{_name}"] = partial(as_mojibake, codec=_name, layers=1)
    CORRUPTIONS[f"utf8-as-{_name}-x2"] = partial(as_mojibake, codec=_name, layers=2)
    CORRUPTIONS[f"utf8-as-{_name}-x3"] = partial(as_mojibake, codec=_name, layers=3)
CORRUPTIONS["lower-cased"] = lower_cased
CORRUPTIONS["upper-cased"] = upper_cased
for _saved, _opened in MIXUPS:
    CORRUPTIONS[f"saved-{_saved}-opened-{_opened}"] = partial(mixed_up, saved=_saved, opened=_opened)
CORRUPTIONS["nbsp-lost"] = nbsp_lost
CORRUPTIONS["html-entities"] = html_entities
CORRUPTIONS["mixed-spans"] = mixed_spans
CORRUPTIONS["lost-as-fffd"] = partial(lost, mark="\ufffd")
CORRUPTIONS["lost-as-question"] = partial(lost, mark="?")

LOSSY = frozenset({"lost-as-fffd", "lost-as-question"})


def is_lossy(name: str) -> bool:
    """True when the damage destroyed characters (only a guess can bring them back)."""
    return name in LOSSY


def _upper_keeping_sharp_s(text: str) -> str:
    # str.upper turns ß into "SS"; mojibake of ß survives upper-casing as "ÃŸ", so ß it stays
    return "".join(ch if ch == "ß" else ch.upper() if len(ch.upper()) == 1 else ch for ch in text)


def expected(name: str, text: str) -> str:
    """What a perfect repair of CORRUPTIONS[name](text) returns."""
    if name == "lower-cased":
        return text.lower()
    if name == "upper-cased":
        return _upper_keeping_sharp_s(text)
    if name == "nbsp-lost":
        return with_nbsp(text)
    if name.startswith("saved-"):
        saved = name.removeprefix("saved-").split("-opened-")[0]
        return saved_as(text, saved)
    if name in LOSSY:
        return saved_as(text, "cp1252")
    return text
