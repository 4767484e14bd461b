"""Checks of DESIGN.md's invariants shared by the test suite and benchmarks/fuzz.py.

One definition of "nothing lost" and of "bounded time", so that the property tests
and the long fuzz run cannot drift apart. Plain functions, no pytest: fuzz.py
imports this module with tests/ on its path.
"""

from __future__ import annotations

import codecs
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache


class TooSlow(Exception):
    """Raised by the interval timer inside a call that ran over its bound."""


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Abort the block after `seconds` of this process's CPU time (SIGPROF: other work
    on a shared machine does not count; `re` checks for signals while it matches)."""

    def on_signal(signum: int, frame: object) -> None:
        raise TooSlow(f"over {seconds} s of CPU time")

    previous = signal.signal(signal.SIGPROF, on_signal)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def ascii_alnum_kept(before: str, after: str) -> bool:
    """No ASCII letter or digit of `before` is gone from `after` (case aside). Mojibake is
    made of non-ASCII characters and lost characters are '?': a repair has no reason to
    delete a letter or a digit, except inside an HTML entity ('&auml;')."""
    if "&" in before:
        return True
    gone = Counter(c.lower() for c in before if c.isascii() and c.isalnum())
    gone.subtract(c.lower() for c in after if c.isascii() and c.isalnum())
    return all(n <= 0 for n in gone.values())


@cache
def ascii_transparent(encoding: str) -> bool:
    """Each ASCII byte is that character and each high byte is part of a non-ASCII
    character: UTF-8, and single-byte code pages that extend ASCII (not EBCDIC, not
    the multi-byte Asian code pages, where a second byte can be an ASCII one)."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig", "ascii"):
        return True
    try:
        if bytes(range(0x80)).decode(name) != "".join(map(chr, range(0x80))):
            return False
    except UnicodeDecodeError:
        return False
    for byte in range(0x80, 0x100):
        try:
            decoded = codecs.getincrementaldecoder(name)().decode(bytes([byte]))
        except UnicodeDecodeError:
            continue
        if len(decoded) != 1 or decoded < "\x80":  # a lead byte waiting for more, or ASCII
            return False
    return True


def skeleton(units: bytes | list[int]) -> list[int]:
    """ASCII units as they are, each maximal run of non-ASCII units as one marker (-1):
    equal skeletons of bytes and decoded text mean no byte vanished in decoding."""
    out: list[int] = []
    for u in units:
        if u < 0x80:
            out.append(u)
        elif not out or out[-1] != -1:
            out.append(-1)
    return out
