"""The command line: a thin shell over the library.

    umlautfix [fix] [OPTIONS] [FILE ...]   repair to stdout (or -i in place)
    umlautfix detect FILE ...               encoding, confidence, evidence
    umlautfix validate FILE ...             verdict and score; exit 1 unless all clean

Exit codes: 0 success (nothing to report), 1 `--check` found files to change or
`validate` found text that is not clean, 2 usage error, 3 file missing or
unreadable, 4 binary input, 5 undecodable under `--encoding`, 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from . import __version__
from .detect import BinaryInputError, IncrementalDetector
from .pipeline import FileResult, fix_stream
from .validate import validate

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_BINARY = 4
EXIT_UNDECODABLE = 5
EXIT_INTERRUPTED = 130

COMMANDS = ("fix", "detect", "validate")

EPILOG = """examples:
  umlautfix broken.md > fixed.md        repair a file to stdout
  curl -s URL | umlautfix               repair a pipe
  umlautfix -i *.csv                    repair files in place (atomically)
  umlautfix --check --explain notes.txt list what would change
  umlautfix detect legacy.txt           guess an encoding
  umlautfix validate corpus/*.txt       exit 1 unless all clean German

exit codes: 0 ok, 1 found (--check / validate), 2 usage, 3 unreadable,
4 binary, 5 undecodable under --encoding, 130 interrupted
"""


class Report:
    """Owns the exit code: commands record what happened, the report decides."""

    def __init__(self) -> None:
        self.code = EXIT_OK

    def found(self) -> None:
        self.code = max(self.code, EXIT_FOUND) if self.code < EXIT_USAGE else self.code

    def failed(self, code: int, message: str) -> None:
        print(f"umlautfix: {message}", file=sys.stderr)
        if self.code in (EXIT_OK, EXIT_FOUND) or code > self.code:
            self.code = code


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="umlautfix" if command == "fix" else f"umlautfix {command}",
        description="Repair mojibake in German text (UTF-8 read as cp1252, lost umlauts, ...).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"umlautfix {__version__}")
    parser.add_argument("files", nargs="*", metavar="FILE", help="input files; none or '-' reads stdin")
    if command == "fix":
        parser.add_argument("-i", "--in-place", nargs="?", const="", default=None, metavar="SUFFIX",
                            help="rewrite files atomically; with SUFFIX keep a backup")
        parser.add_argument("--check", action="store_true", help="write nothing; list files that would change; exit 1 if any")
        parser.add_argument("--explain", action="store_true", help="print each change on stderr")
        parser.add_argument("--report", choices=["json"], help="print one JSON object per file on stderr")
        parser.add_argument("-e", "--encoding", help="input encoding (skip detection)")
        parser.add_argument("--output-encoding", default="utf-8", help="encoding of the output (default utf-8)")
    if command == "validate":
        parser.add_argument("--json", action="store_true", help="one JSON object per file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (for tests: main([...]) in-process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = "fix"
    if args and args[0] in COMMANDS:
        command = args.pop(0)
    try:
        ns = _parser(command).parse_args(args)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code in (0, None) else EXIT_USAGE
    report = Report()
    try:
        if command == "detect":
            _detect(ns, report)
        elif command == "validate":
            _validate(ns, report)
        else:
            _fix(ns, report)
    except KeyboardInterrupt:
        print("umlautfix: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_broken_pipe()
        return report.code
    return report.code


def _silence_broken_pipe() -> None:
    """`umlautfix big.txt | head -1`: the reader left; exit quietly."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    try:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _inputs(files: list[str]) -> list[str]:
    return files or ["-"]


def _open(name: str, report: Report) -> BinaryIO | None:
    if name == "-":
        return sys.stdin.buffer
    path = Path(name)
    try:
        if path.is_dir():
            report.failed(EXIT_UNREADABLE, f"{name}: is a directory")
            return None
        return open(path, "rb")
    except FileNotFoundError:
        report.failed(EXIT_UNREADABLE, f"{name}: no such file")
    except PermissionError:
        report.failed(EXIT_UNREADABLE, f"{name}: permission denied")
    except OSError as err:
        report.failed(EXIT_UNREADABLE, f"{name}: {err.strerror or err}")
    return None


def _fix(ns: argparse.Namespace, report: Report) -> None:
    from .pipeline import atomic_writer

    for name in _inputs(ns.files):
        source = _open(name, report)
        if source is None:
            continue
        try:
            if ns.check:
                result = fix_stream(source, None, encoding=ns.encoding)
                if result.changed:
                    print(name)
                    report.found()
            elif ns.in_place is not None and name != "-":
                path = Path(name)
                with atomic_writer(path, backup_suffix=ns.in_place or None) as out:
                    result = fix_stream(source, out, encoding=ns.encoding, output_encoding=ns.output_encoding)
            else:
                result = fix_stream(source, sys.stdout.buffer, encoding=ns.encoding, output_encoding=ns.output_encoding)
                sys.stdout.buffer.flush()
        except BinaryInputError as err:
            report.failed(EXIT_BINARY, f"{name}: {err}")
            continue
        except UnicodeDecodeError as err:
            report.failed(EXIT_UNDECODABLE, f"{name}: not decodable as {ns.encoding or err.encoding}: {err.reason}")
            continue
        except LookupError:
            report.failed(EXIT_USAGE, f"unknown encoding: {ns.encoding}")
            return
        finally:
            if source is not sys.stdin.buffer:
                source.close()
        _explain(name, result, ns)


def _explain(name: str, result: FileResult, ns: argparse.Namespace) -> None:
    if ns.explain:
        for lc in result.changes:
            c = lc.change
            print(f"{name}:{lc.line}:{lc.column}: {c.before!r} → {c.after!r} ({c.reason})", file=sys.stderr)
        for lc in result.unresolved:
            c = lc.change
            print(f"{name}:{lc.line}:{lc.column}: {c.before!r} left alone ({c.reason})", file=sys.stderr)
        for line in result.undecodable_lines:
            print(f"{name}:{line}: not valid UTF-8, decoded as a single-byte code page", file=sys.stderr)
    if ns.report == "json":
        det = result.detection
        obj = {
            "file": name,
            "encoding": det.encoding,
            "confidence": det.confidence,
            "evidence": det.evidence,
            "changes": [
                {"line": lc.line, "column": lc.column, "before": lc.change.before, "after": lc.change.after, "reason": lc.change.reason}
                for lc in result.changes
            ],
        }
        print(json.dumps(obj, ensure_ascii=False), file=sys.stderr)


def _detect(ns: argparse.Namespace, report: Report) -> None:
    for name in _inputs(ns.files):
        source = _open(name, report)
        if source is None:
            continue
        detector = IncrementalDetector()
        try:
            while not detector.done:
                chunk = source.read(65536)
                if not chunk:
                    break
                detector.feed(chunk)
            det = detector.close()
        except BinaryInputError as err:
            report.failed(EXIT_BINARY, f"{name}: {err}")
            continue
        finally:
            if source is not sys.stdin.buffer:
                source.close()
        print(f"{name}: {det.encoding} with confidence {det.confidence:.2f} ({'; '.join(det.evidence)})")


def _validate(ns: argparse.Namespace, report: Report) -> None:
    from .detect import decode

    for name in _inputs(ns.files):
        source = _open(name, report)
        if source is None:
            continue
        try:
            text = decode(source.read())
        except BinaryInputError as err:
            report.failed(EXIT_BINARY, f"{name}: {err}")
            continue
        finally:
            if source is not sys.stdin.buffer:
                source.close()
        v = validate(text)
        if not v.ok:
            report.found()
        if ns.json:
            obj = {
                "file": name,
                "verdict": v.verdict,
                "score": v.score,
                "ok": v.ok,
                "findings": [f.__dict__ for f in v.findings[:50]],
            }
            print(json.dumps(obj, ensure_ascii=False))
        else:
            first = ", ".join(f"{f.kind} {f.text!r} at {f.start}" for f in v.findings[:3])
            print(f"{name}: {v.verdict} (score {v.score:.2f}){': ' + first if first else ''}")


def entry_point() -> None:
    """Console-script entry: exit with main()'s code; default SIGPIPE handling off."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
