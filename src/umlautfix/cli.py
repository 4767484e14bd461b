"""The command line: a thin shell over `pipeline.fix_file` / `fix_stream`.

    umlautfix [fix] [OPTIONS] [FILE ...]   repair to stdout (-i in place, -o OUT, --check, --diff)
    umlautfix detect FILE ...               encoding, confidence, evidence (like chardetect)
    umlautfix validate FILE ...             verdict and score; exit 1 unless all clean

The commands only record what happened in a `Report`; the report owns the exit
code (see EXIT_CODES) and the closing summary.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from . import __version__
from .detect import BinaryInputError, Detection
from .pipeline import (
    CHUNK_BYTES,
    MAX_LINE_BYTES,
    FileResult,
    LineChange,
    RefusedSymlinkError,
    Segment,
    StreamConfig,
    UndecodableError,
    UnencodableError,
    UnifiedDiff,
    Watcher,
    cpu_cores,
    detect_stream,
    fix_file,
)

EXIT_OK = 0
EXIT_FOUND = 1  # --check: a file would change; validate: a file is not clean
EXIT_USAGE = 2
EXIT_MISSING = 3
EXIT_BINARY = 4
EXIT_UNDECODABLE = 5
EXIT_PERMISSION = 6
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

EXIT_CODES = f"""exit codes:
  {EXIT_OK}    success (and, with --check, nothing would change)
  {EXIT_FOUND}    --check: some file would change; validate: some file is not clean German
  {EXIT_USAGE}    usage error (bad option, unknown encoding, -o with several inputs,
       a symbolic link under -i/-o without --follow-symlinks)
  {EXIT_MISSING}    no such file (or a directory without -r)
  {EXIT_BINARY}    binary input (NUL bytes, an image, an archive)
  {EXIT_UNDECODABLE}    not decodable under -e/--encoding (or not writable in --output-encoding)
  {EXIT_PERMISSION}    permission denied, or another error reading or writing a file
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
When several files fail, the code is that of the first failure; the others still run."""

EXAMPLES = {
    "fix": """examples:
  umlautfix broken.md > fixed.md          repair a file to stdout
  curl -s URL | umlautfix > clean.md      repair a pipe
  umlautfix a.txt b.txt > both.txt        several files, one after another (like cat)
  umlautfix -i *.csv                      repair files in place, atomically
  umlautfix -i.bak -r corpus/             ... a whole tree, keeping backups (FILE.bak)
  umlautfix -e cp850 dos.txt -o new.txt   skip detection; write to new.txt
  umlautfix --check --explain notes.txt   what would change, and why (stderr); exit 1 if anything
  umlautfix --diff notes.txt | less       the changes as a unified diff
  umlautfix -i --report json *.txt 2> report.jsonl""",
    "detect": """examples:
  umlautfix detect legacy.txt             legacy.txt: cp850 with confidence 0.93 (...)
  umlautfix detect --json -r archive/""",
    "validate": """examples:
  umlautfix validate corpus/*.txt         one line per file; exit 1 unless all clean
  umlautfix validate --json -r corpus/""",
}

DESCRIPTIONS = {
    "fix": "Repair mojibake in German text (UTF-8 read as cp1252, lost umlauts, ...). "
    "Reads FILEs (none or '-': stdin) and writes UTF-8 to stdout, streaming. "
    "Line endings and a byte-order mark pass through unchanged.",
    "detect": "Guess the encoding of each FILE from its first 64 KiB: encoding, confidence, evidence.",
    "validate": "Judge each FILE as it is (no repair): clean German, mojibake, lossy, transliterated, "
    "not German or too short. Long files are judged on a bounded sample.",
}

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__"})
STDIN_NAME = "<stdin>"
PROGRESS_DELAY_S = 0.5  # a bar appears only for work that lasts longer
SHOWN_FINDINGS = 3


class UsageError(Exception):
    """A mistake in the command line: one line on stderr, exit 2."""


# ---------------------------------------------------------------------------- output and report


class Console:
    """stderr for errors, notes and --explain lines, written around a progress bar when one is shown."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.bar: Any = None

    def error(self, message: str) -> None:
        self.line(f"umlautfix: {message}")

    def note(self, message: str) -> None:
        if not self.quiet:
            self.line(f"umlautfix: {message}")

    def line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            print(text, file=sys.stderr)


def stdout() -> BinaryIO:
    """The binary stdout; a closed one (`umlautfix f >&-`) is an error like any other."""
    if sys.stdout is None:
        raise OSError(errno.EBADF, "stdout is closed")
    return sys.stdout.buffer


def out(text: str) -> None:
    """A line on stdout, as UTF-8 whatever the locale."""
    stdout().write(text.encode("utf-8", "replace") + b"\n")


class Report:
    """Owns the exit code and the summary; the commands record what happened."""

    def __init__(self, console: Console, *, listing: bool = False) -> None:
        self.console = console
        self.listing = listing  # --check without --diff: name each file that would change on stdout
        self.changed = self.unchanged = self.failed_count = self.skipped = 0
        self._found = False
        self._failure: int | None = None

    def done(self, name: str, changed: bool) -> None:
        if changed:
            self.changed += 1
            if self.listing:
                out(name)
        else:
            self.unchanged += 1

    def found(self) -> None:
        self._found = True

    def failed(self, name: str, code: int, message: str) -> None:
        self.failed_count += 1
        self.console.error(f"{name}: {message}")
        if self._failure is None:
            self._failure = code

    def skip(self, name: str, why: str) -> None:
        self.skipped += 1
        self.console.note(f"{name}: skipped, {why}")

    @property
    def return_code(self) -> int:
        if self._failure is not None:
            return self._failure
        return EXIT_FOUND if self._found else EXIT_OK

    def summary(self, verb: str) -> str:
        parts = [f"{_files(self.changed)} {verb}", f"{_files(self.unchanged)} unchanged"]
        if self.failed_count:
            parts.append(f"{_files(self.failed_count)} failed")
        if self.skipped:
            parts.append(f"{_files(self.skipped)} skipped")
        return ", ".join(parts)


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


# Errors a user can cause, and what they mean: (exception, exit code, message or None for str(err)).
FAILURES: tuple[tuple[type[BaseException], int, str | None], ...] = (
    (FileNotFoundError, EXIT_MISSING, "no such file"),
    (IsADirectoryError, EXIT_MISSING, "is a directory (use -r to walk it)"),
    (NotADirectoryError, EXIT_MISSING, "no such file"),
    (PermissionError, EXIT_PERMISSION, "permission denied"),
    (BinaryInputError, EXIT_BINARY, None),
    (UndecodableError, EXIT_UNDECODABLE, None),
    (UnencodableError, EXIT_UNDECODABLE, None),
    (RefusedSymlinkError, EXIT_USAGE, None),
)


def _failure(err: BaseException) -> tuple[int, str]:
    for kind, code, message in FAILURES:
        if isinstance(err, kind):
            return code, message or str(err)
    assert isinstance(err, OSError)
    return EXIT_PERMISSION, err.strerror or str(err)


# ---------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Input:
    """One thing to read: a path, or stdin (path None); `walked` when found by -r."""

    name: str
    path: Path | None
    walked: bool = False

    def open(self) -> BinaryIO | Path:
        if self.path is not None:
            return self.path
        if sys.stdin is None:
            raise OSError(errno.EBADF, "stdin is closed")
        return sys.stdin.buffer


def _inputs(files: Sequence[str], recursive: bool, report: Report) -> list[Input]:
    items: list[Input] = []
    for name in files or ["-"]:
        if name == "-":
            items.append(Input(STDIN_NAME, None))
        elif recursive and os.path.isdir(name):
            items.extend(_walk(Path(name)))
        elif os.path.isdir(name):
            report.failed(name, EXIT_MISSING, "is a directory (use -r to walk it)")
        else:
            items.append(Input(name, Path(name)))
    return items


def _walk(root: Path) -> Iterator[Input]:
    """Regular files under `root`, sorted, without VCS directories; symbolic links to directories are not followed."""
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not name.endswith(".umlautfix"):
                yield Input(str(path), path, walked=True)


def _run_each(items: Sequence[Input], report: Report, work: Callable[[Input], None]) -> None:
    """Run `work` on each input; a user's error is one line in the report, never a traceback."""
    for item in items:
        try:
            work(item)
        except BrokenPipeError:
            raise
        except (BinaryInputError, RefusedSymlinkError) as err:
            if item.walked:  # found by -r, not named: a note, not a failure
                report.skip(item.name, str(err))
            else:
                report.failed(item.name, *_failure(err))
        except (OSError, UndecodableError, UnencodableError) as err:
            report.failed(_where(item, err), *_failure(err))


def _where(item: Input, err: BaseException) -> str:
    """The file an error is about: the input, or another file it names (-o OUT in a missing directory)."""
    filename = getattr(err, "filename", None) if isinstance(err, OSError) else None
    if filename is None or (item.path is not None and os.fspath(filename) == os.fspath(item.path)):
        return item.name
    return os.fspath(filename)


# ---------------------------------------------------------------------------- fix


class Explainer(Watcher):
    """--explain: each change on stderr as FILE:LINE:COL: before → after (reason)."""

    def __init__(self, name: str, console: Console) -> None:
        self.name = name
        self.console = console

    def change(self, located: LineChange) -> None:
        c = located.change
        self.console.line(f"{self.name}:{located.line}:{located.column}: {c.before!r} → {c.after!r} ({c.reason})")

    def unresolved(self, located: LineChange) -> None:
        c = located.change
        self.console.line(f"{self.name}:{located.line}:{located.column}: {c.before!r} left as it is ({c.reason})")

    def fallback(self, line: int, why: str) -> None:
        self.console.line(f"{self.name}:{line}: {why}")


class Progress(Watcher):
    """Moves a progress bar as text is done (reads come a block ahead of the work): by the
    input bytes of each stretch of text, or its length where the bytes are not at hand, and
    squared with the bytes really read when the file ends."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar
        self.read_bytes = 0
        self.shown = 0

    def read(self, nbytes: int) -> None:
        self.read_bytes += nbytes

    def segment(self, segment: Segment) -> None:
        done = len(segment.raw) if segment.raw is not None else len(segment.before)
        step = min(done, self.read_bytes - self.shown)
        if step > 0:
            self.shown += step
            self.bar.update(step)

    def close(self) -> None:
        if self.read_bytes > self.shown:
            self.bar.update(self.read_bytes - self.shown)
            self.shown = self.read_bytes


def _progress_bar(items: Sequence[Input], enabled: bool) -> Any:
    """A tqdm bar on stderr when it is a terminal; it shows itself only after PROGRESS_DELAY_S."""
    if not enabled or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    total = 0
    for item in items:
        with contextlib.suppress(OSError):
            total += item.path.stat().st_size if item.path is not None else 0
    delay = float(os.environ.get("UMLAUTFIX_PROGRESS_DELAY", PROGRESS_DELAY_S))
    return tqdm(
        total=total or None,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
        delay=delay,
        leave=False,
        dynamic_ncols=True,
        desc="umlautfix",
    )


def _stream_config(ns: argparse.Namespace, **fields: Any) -> StreamConfig:
    """Options shared by the commands; UMLAUTFIX_CHUNK_BYTES / UMLAUTFIX_MAX_LINE_BYTES (for tests) shrink the reads."""
    return StreamConfig(
        encoding=getattr(ns, "encoding", None),
        chunk_bytes=_env_int("UMLAUTFIX_CHUNK_BYTES", CHUNK_BYTES),
        max_line_bytes=_env_int("UMLAUTFIX_MAX_LINE_BYTES", MAX_LINE_BYTES),
        **fields,
    )


def _env_int(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def _check_fix_options(ns: argparse.Namespace, items: Sequence[Input]) -> None:
    writes_nothing = ns.check or ns.diff
    if ns.in_place is not None and ns.output:
        raise UsageError("-i and -o exclude each other")
    if writes_nothing and (ns.in_place is not None or ns.output):
        raise UsageError("--check and --diff write nothing; drop -i/-o")
    if ns.output and len(items) != 1:
        raise UsageError(f"-o takes exactly one input (got {len(items)})")
    if ns.in_place is not None and any(item.path is None for item in items):
        raise UsageError("-i rewrites files; it cannot rewrite stdin")


def _run_fix(ns: argparse.Namespace, console: Console) -> int:
    _check_encoding(ns.encoding)
    _check_encoding(ns.output_encoding)
    report = Report(console, listing=ns.check and not ns.diff)
    items = _inputs(ns.files, ns.recursive, report)
    _check_fix_options(ns, items)
    config = _stream_config(
        ns,
        output_encoding=ns.output_encoding,
        validate=ns.report == "json",
        first_difference_only=ns.check and not (ns.diff or ns.explain or ns.report),
        workers=ns.jobs or cpu_cores(),
    )
    console.bar = _progress_bar(items, enabled=not ns.no_progress)
    try:
        _run_each(items, report, lambda item: _fix_one(item, ns, config, console, report))
    finally:
        if console.bar is not None:
            console.bar.close()
            console.bar = None
    if (ns.check or ns.in_place is not None) and len(items) > 1:
        console.note(report.summary("would change" if ns.check else "rewritten"))
    if ns.check and report.changed:
        report.found()
    return report.return_code


def _fix_one(item: Input, ns: argparse.Namespace, config: StreamConfig, console: Console, report: Report) -> None:
    watchers: list[Watcher] = []
    if console.bar is not None:
        console.bar.set_postfix_str(item.name[-40:], refresh=False)
        watchers.append(Progress(console.bar))
    if ns.explain:
        watchers.append(Explainer(item.name, console))
    if ns.diff:
        watchers.append(UnifiedDiff(item.name, _write_stdout))
    source = item.open()
    if ns.in_place is not None:
        result = fix_file(
            source,
            None,
            config,
            backup_suffix=ns.in_place or None,
            follow_symlinks=ns.follow_symlinks,
            watchers=watchers,
        )
    elif ns.output:
        result = fix_file(source, Path(ns.output), config, follow_symlinks=ns.follow_symlinks, watchers=watchers)
    elif ns.check or ns.diff:
        result = fix_file(source, None, config, check=True, watchers=watchers)
    else:
        result = fix_file(source, stdout(), config, watchers=watchers)
    stdout().flush()
    report.done(item.name, result.changed)
    if ns.report == "json":
        console.line(json.dumps(result_json(item.name, result), ensure_ascii=False))


def _write_stdout(text: str) -> None:
    stdout().write(text.encode("utf-8", "replace"))


def result_json(name: str, result: FileResult) -> dict[str, Any]:
    """--report json: one object per file."""
    det = result.detection
    verdict = result.validation
    return {
        "file": name,
        "encoding": det.encoding,
        "confidence": det.confidence,
        "evidence": det.evidence,
        "changed": result.changed,
        "change_count": result.change_count,
        "changes": [_change_json(lc) for lc in result.changes],
        "unresolved": [_change_json(lc) for lc in result.unresolved],
        "fallback_lines": result.fallback_lines,
        "lines": result.lines,
        "verdict": verdict.verdict if verdict else None,
        "score": verdict.score if verdict else None,
        "sampled": result.sampled,
    }


def _change_json(located: LineChange) -> dict[str, Any]:
    c = located.change
    return {"line": located.line, "column": located.column, "before": c.before, "after": c.after, "reason": c.reason}


def _check_encoding(name: str | None) -> None:
    """A text encoding Python knows (rot13 and hex are codecs, but not between bytes and text)."""
    if name is None:
        return
    try:
        codecs.lookup(name)
    except LookupError:
        raise UsageError(f"unknown encoding: {name}") from None
    try:
        "".encode(name)
        b"".decode(name)
    except LookupError:
        raise UsageError(f"not a text encoding: {name}") from None


# ---------------------------------------------------------------------------- detect and validate


def _run_detect(ns: argparse.Namespace, console: Console) -> int:
    report = Report(console)
    items = _inputs(ns.files, ns.recursive, report)
    _run_each(items, report, lambda item: _detect_one(item, ns.json))
    return report.return_code


def _detect_one(item: Input, as_json: bool) -> None:
    if item.path is None:
        detection = detect_stream(sys.stdin.buffer)
    else:
        with open(item.path, "rb") as source:
            detection = detect_stream(source)
    out(_detection_line(item.name, detection, as_json))


def _detection_line(name: str, det: Detection, as_json: bool) -> str:
    if as_json:
        return json.dumps(
            {"file": name, "encoding": det.encoding, "confidence": det.confidence, "evidence": det.evidence},
            ensure_ascii=False,
        )
    return f"{name}: {det.encoding} with confidence {det.confidence:.2f} ({'; '.join(det.evidence)})"


def _run_validate(ns: argparse.Namespace, console: Console) -> int:
    _check_encoding(ns.encoding)
    report = Report(console)
    items = _inputs(ns.files, ns.recursive, report)
    config = _stream_config(ns, decode_only=True, validate=True)

    def validate_one(item: Input) -> None:
        result = fix_file(item.open(), None, config, check=True)
        assert result.validation is not None
        if not result.validation.ok:
            report.found()
        out(_validation_line(item.name, result, ns.json))

    _run_each(items, report, validate_one)
    return report.return_code


def _validation_line(name: str, result: FileResult, as_json: bool) -> str:
    v = result.validation
    assert v is not None
    if as_json:
        return json.dumps(
            {
                "file": name,
                "verdict": v.verdict,
                "score": v.score,
                "ok": v.ok,
                "sampled": result.sampled,
                "encoding": result.detection.encoding,
                "findings": [
                    {
                        "kind": f.finding.kind,
                        "line": f.line,
                        "column": f.column,
                        "text": f.finding.text[:80],
                        "note": f.finding.note,
                    }
                    for f in result.findings[:50]
                ],
            },
            ensure_ascii=False,
        )
    shown = ", ".join(
        f"{f.finding.kind} {_short(f.finding.text)!r} at {f.line}:{f.column}" for f in result.findings[:SHOWN_FINDINGS]
    )
    more = len(result.findings) - SHOWN_FINDINGS
    tail = f" (+{more} more)" if more > 0 else ""
    sampled = ", sampled" if result.sampled else ""
    return f"{name}: {v.verdict} (score {v.score:.2f}{sampled}){': ' + shown + tail if shown else ''}"


def _short(text: str, limit: int = 24) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------- parsing


USAGES = {
    "fix": "umlautfix [fix] [OPTIONS] [FILE ...]",
    "detect": "umlautfix detect [--json] [-r] FILE ...",
    "validate": "umlautfix validate [--json] [-r] [-e ENC] FILE ...",
}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Shows -i as it is spelled: the suffix attached."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if action.dest == "in_place":
            return "-i[SUFFIX], --in-place[=SUFFIX]"
        return super()._format_action_invocation(action)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (and exit 2) instead of usage + error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _parser(command: str) -> _Parser:
    parser = _Parser(
        prog="umlautfix" if command == "fix" else f"umlautfix {command}",
        usage=USAGES[command],
        allow_abbrev=False,  # '--in FILE' must not be read as '--in-place=FILE'
        description=DESCRIPTIONS[command],
        epilog=EXAMPLES[command] + "\n\n" + EXIT_CODES,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"umlautfix {__version__}")
    parser.add_argument("files", nargs="*", metavar="FILE", help="input files; none or '-' reads stdin")
    parser.add_argument(
        "-r",
        "--recursive",
        action="store_true",
        help="walk directories (binary files are skipped with a note; .git and such are not entered)",
    )
    if command in ("fix", "validate"):
        parser.add_argument(
            "-e", "--encoding", metavar="ENC", help="the input's encoding: skip detection, decode strictly"
        )
    if command == "fix":
        _fix_options(parser)
    else:
        parser.add_argument("--json", action="store_true", help="one JSON object per file")
    return parser


def _fix_options(parser: _Parser) -> None:
    writing = parser.add_argument_group("where the output goes (default: stdout)")
    writing.add_argument(
        "-i",
        "--in-place",
        metavar="SUFFIX",
        default=None,
        help="rewrite each FILE atomically (only if it changes); -iSUFFIX / --in-place=SUFFIX "
        "also keeps the original as FILE+SUFFIX (the suffix must be attached)",
    )
    writing.add_argument(
        "-o", "--output", metavar="OUT", help="write to OUT (atomically) instead of stdout; one input only"
    )
    writing.add_argument(
        "--check", action="store_true", help="write nothing; name the files that would change on stdout; exit 1 if any"
    )
    writing.add_argument("--diff", action="store_true", help="write nothing but a unified diff on stdout")
    writing.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="with -i/-o, rewrite the target of a symbolic link (by default a link is refused)",
    )
    telling = parser.add_argument_group("what is told on stderr")
    telling.add_argument("--explain", action="store_true", help="each change as FILE:LINE:COL: before → after (reason)")
    telling.add_argument(
        "--report", choices=["json"], help="one JSON object per file: encoding, confidence, evidence, changes, verdict"
    )
    telling.add_argument("--no-progress", action="store_true", help="no progress bar (shown only on a terminal anyway)")
    telling.add_argument("-q", "--quiet", action="store_true", help="no notes (skipped files, summary)")
    coding = parser.add_argument_group("encodings")
    coding.add_argument(
        "--output-encoding", metavar="ENC", default="utf-8", help="the output's encoding (default utf-8)"
    )
    parser.add_argument(
        "-j",
        "--jobs",
        metavar="N",
        type=_positive_int,
        help="processes that repair a long input (over 4 MiB) in parallel: default one per CPU core; 1 for none",
    )


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {value!r}")
    return int(value)


SHORT_FLAGS = frozenset("rq")  # short options without a value, which may be clustered with -i (-ri.bak)


def _in_place_spelled_out(args: Sequence[str]) -> list[str]:
    """-i takes its suffix only attached (-i.bak, --in-place=.bak), as sed does: `-i notes.txt`
    rewrites notes.txt. argparse cannot say that, so the forms are spelled out first."""
    spelled: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            spelled.extend(args[index:])
            break
        if arg == "--in-place":
            spelled.append("--in-place=")
        elif arg.startswith("-") and not arg.startswith("--") and "i" in arg[1:]:
            spelled.extend(_cluster(arg))
        else:
            spelled.append(arg)
    return spelled


def _cluster(arg: str) -> list[str]:
    flags: list[str] = []
    for position, letter in enumerate(arg[1:], start=1):
        if letter == "i":
            return [*flags, "--in-place=" + arg[position + 1 :]]
        if letter not in SHORT_FLAGS:
            break
        flags.append("-" + letter)
    return [arg]


COMMANDS: dict[str, Callable[[argparse.Namespace, Console], int]] = {
    "fix": _run_fix,
    "detect": _run_detect,
    "validate": _run_validate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code (tests call main([...]) in-process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and args[0] in COMMANDS else "fix"
    console = Console()
    try:
        parser = _parser(command)
        ns = parser.parse_args(_in_place_spelled_out(args) if command == "fix" else args)
        console.quiet = getattr(ns, "quiet", False)
        return COMMANDS[command](ns, console)
    except UsageError as err:
        console.error(f"error: {err}")
        return EXIT_USAGE
    except SystemExit as exit_:  # --help, --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    except KeyboardInterrupt:
        console.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    """`umlautfix big.txt | head -1`: the reader has gone; point stdout at /dev/null so the
    interpreter's last flush does not complain, and end quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _terminated(signum: int, frame: object) -> NoReturn:
    """SIGTERM unwinds like Ctrl-C, so temporary files are removed on the way out."""
    raise SystemExit(EXIT_TERMINATED)


def entry_point() -> None:
    """Console-script entry: exit with main()'s code."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _terminated)
    sys.exit(main())
