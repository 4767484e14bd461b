"""Stage 2, repair: text to text. Undo mojibake, and change nothing else.

Each repair step looks at one kind of damage and proposes edits (a span of the
input and its replacement). The German profile guards every proposal: an edit
is kept only when the replacement costs clearly less than what it replaces
(`profile.cost`), so clean text in any language passes through unchanged.

Steps, in order:
- `fix_entity_mojibake`: "&Atilde;&frac14;" in text that is not HTML markup;
- `fix_utf8_mojibake`: UTF-8 read as a single-byte code page, one or more layers,
  also when the result was lower- or upper-cased afterwards or a non-breaking
  space became a plain space (runs of non-ASCII characters, one at a time);
- `fix_codepage_mixup`: a file saved in one 8-bit code page and opened as another,
  decided for the whole text;
- `fix_lost_characters`: umlauts replaced by "?" or U+FFFD, restored where the
  lexicon admits one reading;
- ftfy's `fix_encoding` as a last resort on lines that still carry mojibake.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

import ftfy

from . import lexicon
from .charmaps import (
    CONTINUATION_CHARS,
    LEAD_CHARS,
    MOJIBAKE_CODECS,
    REPORT_NAMES,
    case_variant_bytes,
)
from .profile import char_cost, cost

# A repair must lower the text's cost by at least this much (in nats).
GUARD_MARGIN = 2.0
# A mix-up of code pages is decided on the whole text and must remove most of its cost.
MIXUP_MIN_GAIN = 0.5
MIXUP_MIN_CHARS = 2  # one changed character is too little evidence for a whole-text decision
# A lost character is restored when one reading is this many times more frequent than any other.
LOST_DOMINANCE = 3.0
MAX_LAYERS = 4
# ftfy's encoding repair with the options that change more than mojibake switched off.
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
    replace_lossy_sequences=False,
    explain=True,
)

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_MOJIBAKE_PAIR = re.compile(f"[{re.escape(LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)}]")
_ENTITY_RUN = re.compile(r"(?:&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});){2,}")
_LOST_WORD = re.compile(r"[\w?\ufffd]*[?\ufffd][\w?\ufffd]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:»«„“\"]\s*|\n)\s*$")
# Characters that alone make a text worth a closer look; clean German rarely has any.
_SUSPECT = re.compile(
    f"[{re.escape(LEAD_CHARS)}][{re.escape(CONTINUATION_CHARS)} ]"
    r"|[\x80-\x9f\ufffd]|[A-Za-z]\?+[A-Za-z]|(?:^|\s)\?[a-z]"
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,7}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});"
    r"|[^\x00-\x7f\u00a0-\u00ff\u2000-\u206f\u20ac\u2122\U0001f000-\U0001faff\u2600-\u27bf]"
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


def fix_text(text: str) -> str:
    """Repair the mojibake in `text`; clean text comes back unchanged."""
    return repair(text).text


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
    if not text or not _SUSPECT.search(text):
        return Repair(text)
    edits: list[Change] = []
    unresolved: list[Change] = []
    if entities and "&" in text and "<" not in text:
        edits.extend(fix_entity_mojibake(text))
    if mojibake:
        edits = _merge(edits, fix_utf8_mojibake(text))
    if mixups:
        mixed_up = fix_codepage_mixup(text)
        if mixed_up and (not edits or cost(apply_changes(text, mixed_up)) < cost(apply_changes(text, edits))):
            edits = mixed_up
    if use_ftfy and mojibake:
        edits = _merge(edits, fix_with_ftfy(text, edits))
    if lost:
        restored, left = fix_lost_characters(text)
        edits = _merge(edits, restored)
        unresolved.extend(left)
    return Repair(apply_changes(text, edits), edits, unresolved)


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


def _merge(kept: list[Change], new: Iterable[Change]) -> list[Change]:
    """Add edits that do not overlap those already kept; earlier steps win."""
    merged = list(kept)
    for edit in new:
        if all(edit.end <= k.start or edit.start >= k.end for k in kept):
            merged.append(edit)
    merged.sort(key=lambda c: c.start)
    return merged


def _trimmed(start: int, before: str, after: str, reason: str) -> Change:
    """A change without the unchanged characters at either end."""
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(before), len(after)) - head
        and before[len(before) - 1 - tail] == after[len(after) - 1 - tail]
    ):
        tail += 1
    return Change(
        start + head,
        start + len(before) - tail,
        before[head : len(before) - tail],
        after[head : len(after) - tail],
        reason,
    )


def _context_cost(text: str, start: int, end: int, middle: str) -> float:
    """Cost of `middle` in place of text[start:end], with one neighbour on each side."""
    return cost(text[max(0, start - 1) : start] + middle + text[end : end + 1])


# --- UTF-8 read as a single-byte code page -----------------------------------------


def fix_utf8_mojibake(text: str) -> list[Change]:
    """Reinterpret runs of non-ASCII characters as the UTF-8 they once were."""
    changes: list[Change] = []
    for m in _NON_ASCII_RUN.finditer(text):
        start, end = m.span()
        run = m.group()
        # a non-breaking space that became a plain space belongs to the run
        if end < len(text) and text[end] == " " and run[-1] in LEAD_CHARS:
            end += 1
            run += " "
        if not _MOJIBAKE_PAIR.search(run) and not (run.endswith(" ") or _has_c1(run)):
            continue
        fixed = _fix_run(text, start, end, run)
        if fixed is not None:
            after, reason = fixed
            if run.endswith(" ") and not after.endswith((" ", "\u00a0")):
                # "voilÃ le": the space was both the lost A0 byte and a word gap
                after += " " if end < len(text) and not text[end].isspace() else ""
            changes.append(_trimmed(start, run, after, reason))
    return changes


def _has_c1(run: str) -> bool:
    return any("\x80" <= ch <= "\x9f" for ch in run)


def _fix_run(text: str, start: int, end: int, run: str) -> tuple[str, str] | None:
    """The most German reading of `run` as UTF-8, peeling up to MAX_LAYERS layers."""
    original_cost = _context_cost(text, start, end, run)
    current, current_cost = run, original_cost
    reasons: list[str] = []
    for _ in range(MAX_LAYERS):
        best: tuple[float, str, str] | None = None
        for codec in MOJIBAKE_CODECS:
            candidate = reinterpret(current, codec)
            if candidate is None or candidate[0] == current:
                continue
            cand_text, how = candidate
            cand_text = _restore_case(text, start, end, current, cand_text, how)
            c = _context_cost(text, start, end, cand_text)
            if best is None or c < best[0]:
                best = (c, cand_text, f"utf-8 read as {REPORT_NAMES[codec]}{how}")
        if best is None or best[0] + GUARD_MARGIN > current_cost:
            break
        current_cost, current = best[0], best[1]
        reasons.append(best[2])
        if not _MOJIBAKE_PAIR.search(current) and not _has_c1(current):
            break
    if not reasons:
        return None
    reason = reasons[0] if len(reasons) == 1 else f"{len(reasons)} layers: " + "; ".join(reasons)
    return current, reason


def reinterpret(run: str, codec: str) -> tuple[str, str] | None:
    """Decode the bytes `run` was made of in `codec` as UTF-8.

    Characters that do not form a UTF-8 sequence stay as they are (mixed clean
    and broken text); characters may stand for their other case's byte (mojibake
    that was lower- or upper-cased afterwards); a trailing plain space may stand
    for byte A0 (a lost non-breaking space). Returns the text and a note on how.
    """
    try:
        strict = run.encode(codec).decode("utf-8")
    except UnicodeError:
        pass
    else:
        return strict, ""
    variants = case_variant_bytes(codec)
    out: list[str] = []
    notes: set[str] = set()
    i = 0
    n = len(run)
    while i < n:
        decoded = _decode_one(run, i, variants)
        if decoded is None:
            out.append(run[i])
            i += 1
            continue
        ch, length, note = decoded
        out.append(ch)
        if note:
            notes.add(note)
        i += length
    result = "".join(out)
    if result == run:
        return None
    return result, "".join(sorted(notes))


def _decode_one(run: str, i: int, variants: dict[str, tuple[int, ...]]) -> tuple[str, int, str] | None:
    """Decode one UTF-8 character starting at run[i], allowing case variants."""
    lead_options = variants.get(run[i])
    if lead_options is None:
        return None
    best: tuple[float, str, int, str] | None = None
    for lead in lead_options:
        if not 0xC2 <= lead <= 0xF4:
            continue
        length = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if i + length > len(run):
            continue
        cont_options: list[tuple[int, ...]] = []
        for ch in run[i + 1 : i + length]:
            if ch == " ":
                opts: tuple[int, ...] = (0xA0,)
            else:
                opts = tuple(b for b in variants.get(ch, ()) if 0x80 <= b <= 0xBF)
            if not opts:
                break
            cont_options.append(opts)
        else:
            for conts in product(*cont_options):
                try:
                    decoded = bytes((lead, *conts)).decode("utf-8")
                except UnicodeDecodeError:
                    continue
                primary = (lead, *conts) == tuple(variants[c][0] if c != " " else 0xA0 for c in run[i : i + length])
                note = "" if primary else _case_note(run[i : i + length])
                if " " in run[i : i + length]:
                    note += ", non-breaking space restored"
                score = char_cost(decoded) + (0.0 if primary else 0.5)
                if best is None or score < best[0]:
                    best = (score, decoded, length, note)
    if best is None:
        return None
    return best[1], best[2], best[3]


def _case_note(chunk: str) -> str:
    letters = [c for c in chunk if c.isalpha()]
    if letters and all(c.islower() for c in letters):
        return ", lower-cased afterwards"
    return ", upper-cased afterwards"


_WORD_CHAR = re.compile(r"\w")


def _restore_case(text: str, start: int, end: int, run: str, decoded: str, how: str) -> str:
    """Give decoded letters the case of the word around them.

    Lower-cased mojibake ("ãœber") decodes to a capital that the text had lost;
    inside an all-caps word ("FÃ¼R") a lower-case decoding becomes a capital.
    """
    if "lower-cased" in how:
        return decoded.lower()
    left = text[max(0, start - 12) : start]
    right = text[end : end + 12]
    neighbours = (re.findall(r"[^\W\d_]+$", left) or [""])[0] + (re.findall(r"^[^\W\d_]+", right) or [""])[0]
    if "upper-cased" in how or (len(neighbours) >= 2 and neighbours.isupper()):
        if neighbours.isupper() or not neighbours:
            return "".join(c if c == "ß" else c.upper() for c in decoded)
    return decoded


# --- HTML-entity-escaped mojibake -------------------------------------------------


def fix_entity_mojibake(text: str) -> list[Change]:
    """'&Atilde;&frac14;' is mojibake escaped as HTML entities; unescape and repair it."""
    changes: list[Change] = []
    for m in _ENTITY_RUN.finditer(text):
        unescaped = html.unescape(m.group())
        if unescaped == m.group():
            continue
        fixed = _fix_run(text, m.start(), m.end(), unescaped)
        if fixed is None:
            continue
        after, reason = fixed
        if _context_cost(text, m.start(), m.end(), after) + GUARD_MARGIN > _context_cost(
            text, m.start(), m.end(), unescaped
        ):
            continue
        changes.append(Change(m.start(), m.end(), m.group(), after, f"HTML entities, {reason}"))
    return changes


# --- Code-page mix-ups ------------------------------------------------------------

# (opened as, saved as): bytes saved in the second code page, read in the first.
MIXUP_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (opened, saved)
    for opened in ("sloppy-windows-1252", "cp850", "cp437", "mac_roman", "sloppy-windows-1250", "iso-8859-15")
    for saved in ("sloppy-windows-1252", "cp850", "cp437", "mac_roman", "sloppy-windows-1250", "iso-8859-15")
    if opened != saved
)


@lru_cache(maxsize=64)
def _mixup_table(opened: str, saved: str) -> dict[int, str]:
    half = bytes(range(0x80, 0x100))
    return {ord(a): b for a, b in zip(half.decode(opened), half.decode(saved)) if a != b}


def fix_codepage_mixup(text: str) -> list[Change]:
    """Text saved in one 8-bit code page and opened as another, decided on the whole
    text: the mix-up whose reversal makes the text most German wins."""
    runs = [m for m in _NON_ASCII_RUN.finditer(text)]
    if not runs:
        return []
    before = sum(_context_cost(text, m.start(), m.end(), m.group()) for m in runs)
    if before == 0:
        return []
    best: tuple[float, str, str, list[str]] | None = None
    for opened, saved in MIXUP_PAIRS:
        table = _mixup_table(opened, saved)
        allowed = set(bytes(range(0x80, 0x100)).decode(opened))
        if any(ch not in allowed for m in runs for ch in m.group()):
            continue
        afters = [m.group().translate(table) for m in runs]
        after_cost = sum(_context_cost(text, m.start(), m.end(), a) for m, a in zip(runs, afters))
        if best is None or after_cost < best[0]:
            best = (after_cost, opened, saved, afters)
    if best is None or best[0] > before * (1 - MIXUP_MIN_GAIN) or best[0] + GUARD_MARGIN > before:
        return []
    _, opened, saved, afters = best
    if sum(a != b for m, after in zip(runs, afters) for a, b in zip(m.group(), after)) < MIXUP_MIN_CHARS:
        return []
    reason = f"saved as {REPORT_NAMES.get(saved, saved)}, opened as {REPORT_NAMES.get(opened, opened)}"
    return [_trimmed(m.start(), m.group(), a, reason) for m, a in zip(runs, afters) if a != m.group()]


# --- Lost characters ----------------------------------------------------------------


def fix_lost_characters(text: str) -> tuple[list[Change], list[Change]]:
    """Umlauts that became '?' or U+FFFD, restored where the lexicon admits one reading.

    Returns (restored, left alone): a word whose readings tie, or whose lost
    character starts a word mid-sentence (its case is unknown), is reported, not changed.
    """
    restored: list[Change] = []
    left: list[Change] = []
    for m in _LOST_WORD.finditer(text):
        word = m.group()
        core = word.strip("?")
        if "\ufffd" not in word and (not core or "?" not in core and not word.startswith("?")):
            continue
        offset = word.find(core) if core else 0
        if word.startswith("?") and "\ufffd" not in word:
            core, offset = word.rstrip("?"), 0
        if sum(c.isalpha() for c in core) < 2:
            continue
        start = m.start() + offset
        end = start + len(core)
        readings = lexicon.restorations(core, "?\ufffd")
        if not readings:
            if "\ufffd" in core:
                left.append(Change(start, end, core, core, "lost character, no lexicon word fits"))
            continue
        if len(readings) > 1 and readings[0][1] - readings[1][1] < math.log10(LOST_DOMINANCE):
            options = ", ".join(w for w, _ in readings[:4])
            left.append(Change(start, end, core, core, f"lost character, ambiguous: {options}"))
            continue
        reading = readings[0][0]
        after = _cased_like(core, reading)
        if core[0] in "?\ufffd" and after[0].islower():
            if _SENTENCE_START.search(text[max(0, start - 3) : start]) or start == 0:
                after = after[0].upper() + after[1:]
            else:
                left.append(Change(start, end, core, core, f"lost character, case unknown: {reading}"))
                continue
        restored.append(Change(start, end, core, after, "lost character restored from the lexicon"))
    return restored, left


def _cased_like(damaged: str, reading: str) -> str:
    """Carry the case of the surviving letters over to the restored word."""
    letters = [c for c in damaged if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "".join(c if c == "ß" else c.upper() for c in reading)
    return "".join(r.upper() if d.isupper() else r for d, r in zip(damaged, reading))


# --- ftfy as the last resort ----------------------------------------------------------


def fix_with_ftfy(text: str, kept: list[Change]) -> list[Change]:
    """Lines that still show mojibake after our own steps go through ftfy's encoding repair."""
    changes: list[Change] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line)
        pos = end
        if not _MOJIBAKE_PAIR.search(line):
            continue
        touched = [k for k in kept if k.start < end and k.end > start]
        current = apply_changes(line, [Change(k.start - start, k.end - start, k.before, k.after, k.reason) for k in touched])
        if not _MOJIBAKE_PAIR.search(current):
            continue
        fixed, plan = ftfy.fix_encoding_and_explain(line, FTFY_CONFIG)
        if fixed == line or cost(fixed) + GUARD_MARGIN > cost(current):
            continue
        steps = ", ".join(f"{a} {p}" for a, p in (plan or []))
        for k in touched:
            kept.remove(k)
        changes.append(_trimmed(start, line, fixed, f"ftfy: {steps}"))
    return changes
