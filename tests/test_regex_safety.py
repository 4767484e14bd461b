"""No catastrophic backtracking: every regular expression of src/umlautfix on 1 MB lines.

The patterns are found, not listed: every compiled `re.Pattern` attribute of every
module of the package (a new pattern is checked the day it is added). Each one
finds all its matches in each adversarial line (`findall`: the search `finditer`
does, in C) under a bound of 2 s of CPU time per MB. The lines are built from the
pattern itself (its literal runs and some members of each character class,
repeated, and a pumped run with a prefix before it and a breaker after it, the
classic shape of a super-linear match) and from the shapes damaged German text
takes: '?' runs, '&' runs, U+FFFD runs, lead/continuation alternations of every
code page.

The same lines also go through `fix_text` and `validate`, where the work per
character is much larger than a regex scan; there the property is linear growth:
a line four times as long may take at most eight times as long (plus slack for a
noisy machine), checked at 8 KB -> 32 KB (64 KB -> 256 KB with the "full" profile),
with a cap of 1/8 ms per character so that a quadratic case fails in seconds.
The absolute time of the library on 1 MB adversarial lines is reported by
benchmarks/fuzz.py.

The whole catalogue at 1 MB runs in the "full" profile (UMLAUTFIX_HYPOTHESIS=full).
The default "ci" profile runs the shapes the issue names ('?', '&', U+FFFD runs and
a lead/continuation alternation, and a long word before a lone mark) at 1 MB, and
everything else in a 64 KB screen with the same bound per byte (a quadratic pattern
at 64 KB takes seconds, a linear one a millisecond).
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import pytest
from invariants import TooSlow, cpu_limit

import umlautfix
from umlautfix.charmaps import CONTINUATION_CHARS, LEAD_CHARS

try:  # the parser of `re` itself, to read each pattern's classes and literals
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

FULL = os.environ.get("UMLAUTFIX_HYPOTHESIS") == "full"
MB = 1 << 20
SECONDS_PER_MB = 2.0
SCREEN_SIZE = MB if FULL else 64 * 1024
# fix_text / validate: time(4n) <= GROWTH_LIMIT * time(n) + GROWTH_SLACK seconds, with caps
# so that a super-linear case fails in seconds: the small size may take at most
# SMALL_CAP (1/8 ms of CPU per character: over ten times what real mojibake costs), the
# large one at most 4x that.
GROWTH_SIZES = (64 * 1024, 256 * 1024) if FULL else (8 * 1024, 32 * 1024)
GROWTH_LIMIT = 8.0
GROWTH_SLACK = 0.25
SMALL_CAP = GROWTH_SIZES[0] / 8000


def timed(function: Callable[[], object], bound: float) -> float | None:
    """CPU seconds `function` took, or None when it ran over `bound`."""
    start = time.process_time()
    try:
        with cpu_limit(bound):
            function()
    except TooSlow:
        return None
    return time.process_time() - start


# --- the patterns --------------------------------------------------------------------------


@cache
def module_patterns() -> dict[str, re.Pattern[str] | re.Pattern[bytes]]:
    """Every compiled pattern at module level in the package, by 'module.NAME'
    (a pattern imported by another module is checked once, under its first name)."""
    found: dict[str, re.Pattern[str] | re.Pattern[bytes]] = {}
    for info in pkgutil.iter_modules(umlautfix.__path__):
        if info.name == "__main__":
            continue  # running it would start the command line
        module = importlib.import_module(f"umlautfix.{info.name}")
        for attribute, value in vars(module).items():
            if isinstance(value, re.Pattern) and all(value is not seen for seen in found.values()):
                found[f"{info.name}.{attribute}"] = value
    return found


# Patterns a function builds for its argument, with a representative argument each (the
# discovery above sees only module-level ones; test_built_patterns_are_all_here keeps this
# list complete): the code pages' disputed bytes of a German text, the characters a mix-up changes.
def built_patterns() -> dict[str, re.Pattern[str] | re.Pattern[bytes]]:
    repair = importlib.import_module("umlautfix.repair")
    detect = importlib.import_module("umlautfix.detect")
    reading = detect._Reading(("sloppy-windows-1252", "latin-1", "cp850"), "", 0.0, 0)
    disputed = detect._disputed_bytes([reading], frozenset(range(0x80, 0x100)))
    assert disputed is not None
    return {
        "detect._disputed_bytes(cp1252, latin-1, cp850)": disputed,
        "repair._pieces_holding(äöüßé€„“)": repair._pieces_holding(frozenset("äöüßé€„“")),
    }


def all_patterns() -> dict[str, re.Pattern[str] | re.Pattern[bytes]]:
    return {**module_patterns(), **built_patterns()}


def test_built_patterns_are_all_here() -> None:
    """Every function of the package that compiles a pattern is in `built_patterns`."""
    builders = set()
    for path in sorted(Path(umlautfix.__file__).parent.glob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                isinstance(node, ast.Call) and ast.unparse(node.func) == "re.compile" for node in ast.walk(function)
            ):
                builders.add(f"{path.stem}.{function.name}")
    assert builders == {name.split("(")[0] for name in built_patterns()}


def test_patterns_are_found() -> None:
    """The discovery works: the package has patterns in each stage."""
    modules = {name.split(".")[0] for name in module_patterns()}
    assert {"detect", "repair", "validate"} <= modules


# --- adversarial lines -------------------------------------------------------------------------

# Damaged-text shapes every pattern meets in practice.
DAMAGE_UNITS: tuple[str, ...] = (
    "?",
    "&",
    "\ufffd",
    "a?",
    "&amp",
    "&#",
    "Ã¤",
    "Ã",
    "ÃŸ",
    "Ã¤ ",
    "├ñ",
    "Ã\u00a0",
    "\x85",
    "ü",
    "für ",
    " ",
    "\n",
    "a",
)


# The fast slice at 1 MB: the shapes the issue names ('?', '&' and U+FFFD runs, a
# lead/continuation alternation); the other shapes run in the 64 KB screen.
CI_DAMAGE_UNITS: tuple[str, ...] = ("?", "&", "\ufffd", "Ã¤")


def lead_continuation_units() -> tuple[str, ...]:
    """Every lead character followed by a continuation character, in pairs: the
    alternations the mojibake patterns are made of (a sample across the tables)."""
    leads = LEAD_CHARS[:: max(1, len(LEAD_CHARS) // 8)]
    conts = CONTINUATION_CHARS[:: max(1, len(CONTINUATION_CHARS) // 8)]
    return tuple(lead + cont for lead in leads for cont in conts[:2])


def class_members(pattern: str | bytes, flags: int) -> tuple[list[str], list[str]]:
    """(literal runs, one member of each character class) of a pattern, from its parse tree."""
    tree = sre_parse.parse(pattern, flags)
    literals: list[str] = []
    members: set[str] = set()

    def walk(items: object) -> None:
        run = ""
        for op, arg in items:  # type: ignore[attr-defined]
            if op is sre_constants.LITERAL:
                run += chr(arg)
                members.add(chr(arg))
                continue
            if run:
                literals.append(run)
                run = ""
            if op is sre_constants.IN:
                members.update(_members_of_set(arg))
            elif op is sre_constants.NOT_LITERAL:
                members.update({"a", "\ufffd"} - {chr(arg)})
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
                walk(arg[2])
            elif op is sre_constants.SUBPATTERN:
                walk(arg[-1])
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(arg[1])
            elif op is sre_constants.ANY:
                members.update("a ")
        if run:
            literals.append(run)

    walk(tree)
    return sorted(set(literals)), sorted(members)


CLASS_SAMPLE = 8 if FULL else 4  # members taken from each literal set or range list of a class
MAX_PREFIXES = 8  # the fast slice: prefixes (half literal runs, half members) and pumps per pattern
MAX_PUMPS = 10


def spread(items: list[str], count: int) -> list[str]:
    """At most `count` items, evenly spread over the sorted list (first and last kept)."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


_CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_WORD: "aü_1",
    sre_constants.CATEGORY_NOT_WORD: " .?",
    sre_constants.CATEGORY_DIGIT: "1",
    sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_SPACE: " \n",
    sre_constants.CATEGORY_NOT_SPACE: "a?",
}


def _members_of_set(items: list[tuple[object, object]]) -> set[str]:
    """A few members of a character class: some of its listed characters and range
    ends, a sample of each category; for a negated class, common characters outside it."""
    negated = any(op is sre_constants.NEGATE for op, _ in items)
    listed: set[str] = set()
    categories: set[str] = set()
    for op, arg in items:
        if op is sre_constants.LITERAL:
            listed.add(chr(arg))  # type: ignore[arg-type]
        elif op is sre_constants.RANGE:
            low, high = arg  # type: ignore[misc]
            listed.update({chr(low), chr((low + high) // 2), chr(high)})
        elif op is sre_constants.CATEGORY:
            categories.update(_CATEGORY_SAMPLES.get(arg, ""))  # type: ignore[call-overload]
    if negated:
        outside = "aZ ?&.1\u00e4\ufffd\u20ac\u00c3"
        return {ch for ch in outside if ch not in listed and ch not in categories}
    return set(spread(sorted(listed), CLASS_SAMPLE)) | categories


def pattern_lines(pattern: re.Pattern[str] | re.Pattern[bytes], size: int) -> Iterator[tuple[str, str]]:
    """(description, line) pairs built from the pattern: every member and literal run
    repeated; and prefix + pumped member + breaker, for each prefix and member."""
    literals, members = class_members(pattern.pattern, pattern.flags)
    units = sorted(set(members) | set(literals))
    for unit in units:
        yield f"{unit!r} repeated", fill(unit, size)
    breakers = ("\x00", "!", "a")
    prefixes = units if FULL else spread(literals, MAX_PREFIXES // 2) + spread(members, MAX_PREFIXES // 2)
    pumps = members if FULL else spread(members, MAX_PUMPS)
    for prefix in prefixes:
        for pump in pumps:
            for breaker in breakers:
                if breaker == pump:
                    continue
                body = fill(pump, size - len(prefix) - 1)
                yield f"{prefix!r} + {pump!r}* + {breaker!r}", prefix + body + breaker
                break  # one breaker that differs from the pump is enough


def damage_lines(size: int, units: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for unit in units:
        yield f"{unit!r} repeated", fill(unit, size)
    yield "word chars then ' ?'", fill("a", size - 2) + " ?"
    yield "word chars then ' \\ufffd'", fill("a", size - 2) + " \ufffd"
    yield "'.' then spaces then 'x'", "." + fill(" ", size - 2) + "x"


def fill(unit: str, size: int) -> str:
    """`unit` repeated to `size` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def as_bytes(line: str) -> bytes:
    """The line for byte patterns: latin-1 where it fits, else UTF-8 cut to the same length
    (lone surrogates too: str patterns over surrogateescape'd text look for them)."""
    try:
        return line.encode("latin-1")
    except UnicodeEncodeError:
        return line.encode("utf-8", "surrogatepass")[: len(line)]


# --- the checks ----------------------------------------------------------------------------------


def scan(pattern: re.Pattern[str] | re.Pattern[bytes], subject: str | bytes) -> None:
    """Every match in the line, as `finditer` would find them (findall: the same search, in C)."""
    pattern.findall(subject)  # type: ignore[arg-type]


@cache
def damage_subjects(size: int, units: tuple[str, ...]) -> tuple[tuple[str, str, bytes], ...]:
    """The damage lines, built once for all patterns, as text and as bytes."""
    return tuple((description, line, as_bytes(line)) for description, line in damage_lines(size, units))


def slow_lines(
    pattern: re.Pattern[str] | re.Pattern[bytes], lines: Iterable[tuple[str, str, bytes]], size: int
) -> list[str]:
    bound = SECONDS_PER_MB * size / MB
    slow: list[str] = []
    for description, line, data in lines:
        subject = line if isinstance(pattern.pattern, str) else data
        took = timed(lambda s=subject: scan(pattern, s), bound)
        if took is None:
            slow.append(f"{description} ({len(subject)} chars): over {bound:.2f} s")
            break  # one is enough to fail; the rest would each cost the full bound
    return slow


@pytest.mark.parametrize("name", sorted(all_patterns()))
def test_pattern_on_damaged_text_shapes(name: str) -> None:
    """1 MB lines of the shapes damaged text takes, 2 s each at most (the fast slice:
    the shapes the issue names at 1 MB, all the others in the 64 KB screen)."""
    pattern = all_patterns()[name]
    everything = DAMAGE_UNITS + lead_continuation_units()
    assert slow_lines(pattern, damage_subjects(MB, everything if FULL else CI_DAMAGE_UNITS), MB) == []
    if not FULL:
        assert slow_lines(pattern, damage_subjects(SCREEN_SIZE, everything), SCREEN_SIZE) == []


@pytest.mark.parametrize("name", sorted(all_patterns()))
def test_pattern_on_its_own_adversarial_lines(name: str) -> None:
    """Lines built from the pattern's own classes and literals, same bound per byte."""
    pattern = all_patterns()[name]
    lines = ((description, line, as_bytes(line)) for description, line in pattern_lines(pattern, SCREEN_SIZE))
    assert slow_lines(pattern, lines, SCREEN_SIZE) == []


# The damaged-text shapes through the library: (name, unit or None, tail) -> line = unit* + tail.
PIPELINE_SHAPES: list[tuple[str, str, str]] = [
    ("question marks", "?", ""),
    ("ampersands", "&", ""),
    ("replacement characters", "\ufffd", ""),
    ("word chars with '?' inside", "a?", ""),
    ("cp1252 mojibake pairs", "Ã¤", ""),
    ("cp1252 mojibake of ß", "ÃŸ", ""),
    ("mojibake pairs and spaces", "Ã¤ ", ""),
    ("cp437 mojibake pairs", "├ñ", ""),
    ("C1 controls", "\x85", ""),
    ("entities without ';'", "&amp", ""),
    ("a word then a lone U+FFFD", "a", " \ufffd"),
    ("a word then a lone '?'", "a", " ?"),
]


def growth(function: Callable[[str], object], unit: str, tail: str) -> tuple[float | None, float | None, float]:
    """(time at the small size or None when over SMALL_CAP, time at 4x or None when over its bound, the bound)."""
    small, large = GROWTH_SIZES
    assert large == 4 * small
    t_small = timed(lambda: function(fill(unit, small - len(tail)) + tail), SMALL_CAP)
    if t_small is None:
        return None, None, SMALL_CAP
    bound = min(GROWTH_LIMIT * t_small + GROWTH_SLACK, 4 * SMALL_CAP)
    t_large = timed(lambda: function(fill(unit, large - len(tail)) + tail), bound)
    return t_small, t_large, bound


@pytest.mark.parametrize(("function_name"), ["fix_text", "validate"])
@pytest.mark.parametrize(("shape", "unit", "tail"), PIPELINE_SHAPES)
def test_library_grows_linearly(function_name: str, shape: str, unit: str, tail: str) -> None:
    function = getattr(umlautfix, function_name)
    t_small, t_large, bound = growth(function, unit, tail)
    small, large = GROWTH_SIZES
    assert t_small is not None, f"{function_name} on {shape}: over {SMALL_CAP:.1f} s at {small} chars"
    assert t_large is not None, (
        f"{function_name} on {shape}: {t_small:.3f} s at {small} chars, over {bound:.2f} s at {large} "
        f"(more than {GROWTH_LIMIT:.0f}x for 4x the input: super-linear)"
    )
