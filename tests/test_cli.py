"""The command line end to end: `python -m umlautfix` in a subprocess (pipes, files,
signals, a terminal), and `main(argv) -> int` in process.

Expected outputs were written by hand from the inputs: the repaired German a
reader expects, the exit codes of the table in cli.EXIT_CODES.
"""

from __future__ import annotations

import codecs
import fcntl
import hashlib
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from umlautfix import cli
from umlautfix.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_b3aca760ed6914d7.txt"
EXPECTED = ROOT / "fixtures" / "seed" / "000_b3aca760ed6914d7.expected.txt"
UMLAUTFIX = [sys.executable, "-m", "umlautfix"]
BOM = codecs.BOM_UTF8
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def run(
    *args: str | Path, stdin: bytes = b"", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*UMLAUTFIX, *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def mojibake(text: str) -> bytes:
    """UTF-8 read as cp1252 and saved as UTF-8 again: what umlautfix repairs."""
    return text.encode("utf-8").decode("cp1252").encode("utf-8")


def stderr_lines(proc: subprocess.CompletedProcess[bytes]) -> list[str]:
    return proc.stderr.decode().splitlines()


# ---------------------------------------------------------------------------- the seed


@pytest.mark.parametrize("how", ["stdin", "argument", "fix command"])
def test_seed_gives_exactly_the_expected_file(how: str) -> None:
    if how == "stdin":
        proc = run(stdin=SEED.read_bytes())
    elif how == "argument":
        proc = run(SEED)
    else:
        proc = run("fix", SEED)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED.read_bytes()
    assert proc.stderr == b""


@pytest.mark.parametrize("chunk", ["1", "2", "3", "5"])
def test_multibyte_characters_split_between_reads(chunk: str) -> None:
    # the seed's 🔥 (4 bytes) and its mojibake (2 bytes a character) are cut by reads of 1..5 bytes
    proc = run(SEED, env={"UMLAUTFIX_CHUNK_BYTES": chunk})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED.read_bytes()


def test_in_process_main_gives_the_expected_file(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main([str(SEED)]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out == EXPECTED.read_bytes()
    assert captured.err == b""


# ---------------------------------------------------------------------------- bytes that must pass untouched


UNTOUCHED = [
    # (file content, why)
    ("Grüße aus Köln\r\nZweite Zeile\r\n".encode(), "CRLF line ends"),
    (BOM + "Grüße aus Köln\nÄrger\n".encode(), "a UTF-8 byte-order mark"),
    (BOM + "Grüße\r\nohne Zeilenende am Schluss".encode(), "BOM, CRLF and no final newline"),
    ("kein Zeilenende: Straße".encode(), "no final newline"),
    (b"", "an empty file"),
]


@pytest.mark.parametrize(("data", "why"), UNTOUCHED, ids=[c[1] for c in UNTOUCHED])
def test_clean_utf8_comes_out_byte_for_byte(tmp_path: Path, data: bytes, why: str) -> None:
    path = tmp_path / "clean.txt"
    path.write_bytes(data)
    assert run(path).stdout == data, why
    assert run(stdin=data).stdout == data, why
    check = run("--check", path)
    assert (check.returncode, check.stdout) == (0, b""), why


# ---------------------------------------------------------------------------- files, stdin, -r, -o


def test_several_files_one_after_another_like_cat(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(mojibake("Grüße aus Köln\n"))
    (tmp_path / "b.txt").write_bytes("schon richtig: Äpfel".encode())  # no final newline: none added
    (tmp_path / "c.txt").write_bytes("Schöne Grüße aus Köln, die Äpfel sind für Sie\n".encode("cp1252"))
    proc = run("a.txt", "b.txt", "-", "c.txt", cwd=tmp_path, stdin=mojibake("aus der Pipe: Öl\n"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode() == (
        "Grüße aus Köln\nschon richtig: Äpfelaus der Pipe: Öl\nSchöne Grüße aus Köln, die Äpfel sind für Sie\n"
    )


def test_recursive_walk_skips_binary_files_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / ".git").mkdir()
    (tmp_path / "tree" / "sub" / "a.txt").write_bytes(mojibake("Grüße\n"))
    (tmp_path / "tree" / "b.txt").write_bytes(mojibake("Köln\n"))
    (tmp_path / "tree" / "image.png").write_bytes(PNG)
    (tmp_path / "tree" / ".git" / "config").write_bytes(mojibake("not to be entered\n"))
    proc = run("-r", "tree", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.decode() == "Köln\nGrüße\n"  # sorted: tree/b.txt, then tree/sub/a.txt
    assert stderr_lines(proc) == ["umlautfix: tree/image.png: skipped, binary input (PNG image)"]
    check = run("-r", "--check", "-q", "tree", cwd=tmp_path)
    assert check.returncode == 1
    assert check.stdout.decode().splitlines() == ["tree/b.txt", "tree/sub/a.txt"]
    assert check.stderr == b""  # -q: no note, no summary


def test_output_file(tmp_path: Path) -> None:
    proc = run(SEED, "-o", tmp_path / "out.txt")
    assert (proc.returncode, proc.stdout) == (0, b"")
    assert (tmp_path / "out.txt").read_bytes() == EXPECTED.read_bytes()
    piped = run("-", "-o", tmp_path / "piped.txt", stdin=SEED.read_bytes())
    assert piped.returncode == 0
    assert (tmp_path / "piped.txt").read_bytes() == EXPECTED.read_bytes()


def test_mixed_file_gets_its_8bit_line_decoded_and_explained(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("Grüße aus Köln\n".encode() + "Äpfel für Günther\n".encode("cp1252") + b"Ende\n")
    proc = run("--explain", path)
    assert proc.stdout.decode() == "Grüße aus Köln\nÄpfel für Günther\nEnde\n"
    [note] = stderr_lines(proc)
    assert note.startswith(f"{path}:2: not valid utf-8")


# ---------------------------------------------------------------------------- in place


def test_in_place_rewrites_keeps_mode_and_backs_up(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(mojibake("Grüße aus Köln\r\n"))
    broken.chmod(0o640)
    clean = tmp_path / "clean.txt"
    clean.write_bytes("Grüße\n".encode())
    clean_before = clean.stat()
    proc = run("-i.bak", broken, clean)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    assert broken.read_bytes() == "Grüße aus Köln\r\n".encode()
    assert broken.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "broken.txt.bak").read_bytes() == mojibake("Grüße aus Köln\r\n")
    assert (clean.stat().st_ino, clean.stat().st_mtime_ns) == (clean_before.st_ino, clean_before.st_mtime_ns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.txt", "broken.txt.bak", "clean.txt"]
    assert stderr_lines(proc) == ["umlautfix: 1 file rewritten, 1 file unchanged"]


IN_PLACE_SPELLINGS = [
    # (arguments before the file, backup name or None, why)
    (["-i"], None, "-i FILE: the file is a file, not a suffix (as sed)"),
    (["--in-place"], None, "--in-place FILE likewise"),
    (["-i.orig"], "a.txt.orig", "attached suffix"),
    (["--in-place=~"], "a.txt~", "--in-place=SUFFIX"),
    (["-ri.b"], "a.txt.b", "clustered with -r"),
]


@pytest.mark.parametrize(("flags", "backup", "why"), IN_PLACE_SPELLINGS, ids=[c[2][:25] for c in IN_PLACE_SPELLINGS])
def test_in_place_spellings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], backup: str | None, why: str
) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(mojibake("Grüße\n"))
    assert main([*flags, str(path)]) == 0, why
    assert path.read_bytes() == "Grüße\n".encode(), why
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["a.txt", *([backup] if backup else [])]), why


def test_in_place_refuses_a_symlink_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_bytes(mojibake("Grüße\n"))
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    proc = run("-i", link)
    assert proc.returncode == cli.EXIT_USAGE
    [line] = stderr_lines(proc)
    assert line.startswith(f"umlautfix: {link}: is a symbolic link")
    assert link.is_symlink() and target.read_bytes() == mojibake("Grüße\n")
    walked = run("-r", "-i", tmp_path)
    assert walked.returncode == 0  # found by -r: skipped with a note (the target itself is rewritten)
    assert stderr_lines(walked)[0].startswith(f"umlautfix: {link}: skipped, is a symbolic link")
    assert link.is_symlink() and target.read_bytes() == "Grüße\n".encode()
    target.write_bytes(mojibake("Grüße\n"))
    followed = run("-i", "--follow-symlinks", link)
    assert followed.returncode == 0
    assert link.is_symlink() and target.read_bytes() == "Grüße\n".encode()


def big_broken_file(path: Path, megabytes: int) -> bytes:
    """Every other line mojibake, so the whole file is work; returns its sha256."""
    block = (
        mojibake("Die Größe der Straße überrascht die Bürger in Köln.\n")
        + b"An ASCII line between them, to fill the file up a little.\n"
    ) * 500
    with open(path, "wb") as fh:
        for _ in range(megabytes * 1_000_000 // len(block)):
            fh.write(block)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wait_for_temporary_file(directory: Path, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> Path:
    """The in-place temporary file, once some output has been written to it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before the test could stop it"
        for entry in os.scandir(directory):
            if entry.name.endswith(".umlautfix") and entry.stat().st_size > 0:
                return Path(entry.path)
        time.sleep(0.001)
    raise AssertionError("no temporary file appeared")


@pytest.mark.parametrize(
    ("sig", "code"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGINT, cli.EXIT_INTERRUPTED), (signal.SIGTERM, cli.EXIT_TERMINATED)],
    ids=["SIGKILL", "SIGINT", "SIGTERM"],
)
def test_in_place_killed_mid_write_leaves_the_original_intact(tmp_path: Path, sig: int, code: int) -> None:
    path = tmp_path / "big.txt"
    digest = big_broken_file(path, 24)
    proc = subprocess.Popen(
        [*UMLAUTFIX, "-i", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "UMLAUTFIX_CHUNK_BYTES": "65536"},
    )
    temporary = wait_for_temporary_file(tmp_path, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert path.is_file() and not path.is_symlink()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # not partial, not empty: the original
    if sig == signal.SIGKILL:
        assert temporary.exists()  # nobody could clean up; the name says whose it is
    else:
        assert not temporary.exists()  # unwound: the temporary file is gone
        assert err == (b"umlautfix: interrupted\n" if sig == signal.SIGINT else b"")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["big.txt", *([temporary.name] * (sig == 9))])


# ---------------------------------------------------------------------------- --check, --diff, --explain, --report


def check_cases(tmp: Path) -> list[tuple[list[str], int, list[str], str]]:
    (tmp / "clean.txt").write_bytes("Grüße\n".encode())
    (tmp / "broken.txt").write_bytes(mojibake("Grüße\n"))
    (tmp / "latin.txt").write_bytes("Schöne Grüße aus Köln, die Äpfel sind für Sie\n".encode("cp1252"))
    return [
        # (files, exit code, names on stdout, why)
        (["clean.txt"], 0, [], "nothing would change"),
        (["broken.txt"], 1, ["broken.txt"], "mojibake would be repaired"),
        (["clean.txt", "broken.txt"], 1, ["broken.txt"], "one of two would change"),
        (["latin.txt"], 1, ["latin.txt"], "cp1252 would become UTF-8: the bytes change"),
        (["missing.txt"], 3, [], "no such file"),
        (["broken.txt", "missing.txt"], 3, ["broken.txt"], "a failure outranks 'would change'"),
    ]


def test_check_stops_early_but_still_fails_on_a_later_bad_byte_under_a_given_encoding(tmp_path: Path) -> None:
    # --check alone may stop at the first difference; with -e the whole file is still decoded strictly
    path = tmp_path / "late.txt"
    path.write_bytes(mojibake("Grüße\n") + b"clean ASCII line\n" * 100_000 + b"bad \xff byte\n")
    assert run("--check", "-q", path).returncode == cli.EXIT_FOUND
    strict = run("--check", "-q", "-e", "utf-8", path)
    assert strict.returncode == cli.EXIT_UNDECODABLE
    assert b"line 100002" in strict.stderr


@pytest.mark.parametrize(
    ("options", "why"),
    [
        (["--explain"], "--explain tells every change"),
        (["--report", "json"], "the report counts every change"),
        (["--diff"], "the diff shows every changed line"),
    ],
)
def test_check_with_a_report_still_reads_the_whole_file(tmp_path: Path, options: list[str], why: str) -> None:
    path = tmp_path / "two.txt"
    path.write_bytes(mojibake("Grüße\n") + b"clean ASCII line\n" * 100_000 + mojibake("Köln\n"))
    proc = run("--check", *options, path)
    assert proc.returncode == cli.EXIT_FOUND, why
    told = proc.stdout + proc.stderr
    assert "Köln".encode() in told or b"100002" in told, why  # the second broken line, at the end, is reported


def test_check_exit_codes(tmp_path: Path) -> None:
    for files, code, names, why in check_cases(tmp_path):
        proc = run("--check", "-q", *files, cwd=tmp_path)
        assert proc.returncode == code, why
        assert proc.stdout.decode().splitlines() == names, why
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.txt", "clean.txt", "latin.txt"]  # nothing written


def test_diff_is_a_unified_diff_of_the_changed_lines(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"eins\nzwei\n" + mojibake("drei: Grüße\n") + b"vier\nfuenf\nsechs\nsieben\n")
    proc = run("--diff", path)
    assert proc.returncode == 0
    assert proc.stdout.decode() == (
        f"--- {path}\t(before umlautfix)\n+++ {path}\t(after umlautfix)\n"
        "@@ -1,6 +1,6 @@\n eins\n zwei\n-drei: GrÃ¼ÃŸe\n+drei: Grüße\n vier\n fuenf\n sechs\n"
    )
    assert path.read_bytes().startswith(b"eins")  # --diff writes nothing
    assert run("--diff", "--check", path).returncode == 1


def test_explain_lists_each_change_on_stderr() -> None:
    proc = run("--explain", SEED)
    assert proc.stdout == EXPECTED.read_bytes()
    lines = stderr_lines(proc)
    pattern = re.compile(rf"^{re.escape(str(SEED))}:(\d+):(\d+): '(.+)' → '(.+)' \((.+)\)$")
    parsed = [pattern.match(line) for line in lines]
    assert all(parsed), lines
    first = parsed[0]
    assert first is not None
    # line 3 is 'title: "ğŸ”¥ğŸ”¥ ...': the mojibake starts after 'title: "', in column 9
    assert first.groups()[:4] == ("3", "9", "ğŸ”¥ğŸ”¥", "🔥🔥")
    assert {m.group(3) for m in parsed if m} == {"ğŸ”¥ğŸ”¥", "Ã¤", "Ã¼", "ÃŸ", "Ã¶", "Ãœ"}


def test_report_json_one_object_per_file(tmp_path: Path) -> None:
    proc = run("--report", "json", SEED, EXPECTED)
    assert proc.returncode == 0
    first, second = (json.loads(line) for line in stderr_lines(proc))
    assert set(first) >= {"file", "encoding", "confidence", "evidence", "changes", "verdict"}
    assert (first["file"], first["encoding"], first["changed"]) == (str(SEED), "utf-8", True)
    assert first["verdict"] == "clean"  # the verdict on the output: the repaired seed
    assert {c["before"] for c in first["changes"]} == {"ğŸ”¥ğŸ”¥", "Ã¤", "Ã¼", "ÃŸ", "Ã¶", "Ãœ"}
    assert first["changes"][0] == {
        "line": 3,
        "column": 9,
        "before": "ğŸ”¥ğŸ”¥",
        "after": "🔥🔥",
        "reason": first["changes"][0]["reason"],
    }
    assert (second["changed"], second["changes"], second["verdict"]) == (False, [], "clean")


# ---------------------------------------------------------------------------- errors: one line, a distinct code


def test_error_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(PNG)
    (tmp_path / "latin.txt").write_bytes(b"erste\nzweite\nGr\xfc\xdfe\n")
    (tmp_path / "dir").mkdir()
    cases = [
        # (arguments, exit code, stderr line, why)
        (["missing.txt"], 3, "umlautfix: missing.txt: no such file", "missing file"),
        (["dir"], 3, "umlautfix: dir: is a directory (use -r to walk it)", "a directory without -r"),
        (["image.png"], 4, "umlautfix: image.png: binary input (PNG image)", "binary input named on purpose"),
        (
            ["-o", "nodir/out.txt", "image.png"],
            3,
            "umlautfix: nodir/out.txt: no such file",
            "the output's directory is missing: the error names the output",
        ),
        (
            ["-e", "utf-8", "latin.txt"],
            5,
            "umlautfix: latin.txt: line 3: not decodable as utf-8 (0xfc: invalid start byte)",
            "undecodable under -e",
        ),
        (
            ["--output-encoding", "ascii", "-e", "latin-1", "latin.txt"],
            5,
            "umlautfix: latin.txt: line 3: 'üß' cannot be written in ascii",
            "the run of unwritable characters",
        ),
    ]
    for args, code, message, why in cases:
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == code, why
        assert stderr_lines(proc) == [message], why


@pytest.mark.parametrize(("closed", "message"), [(0, "<stdin>: stdin is closed"), (1, "<stdin>: stdout is closed")])
def test_closed_stdin_or_stdout_is_a_one_line_error(closed: int, message: str) -> None:
    # `umlautfix <&-` and `umlautfix >&-`: the child closes the descriptor before it starts
    proc = subprocess.run(
        [*UMLAUTFIX, "-"],
        stdin=subprocess.DEVNULL if closed else None,
        stdout=subprocess.DEVNULL if closed == 0 else None,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),
        timeout=60,
        check=False,
    )
    assert proc.returncode == cli.EXIT_PERMISSION
    assert proc.stderr.decode() == f"umlautfix: {message}\n"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "secret.txt"
    path.write_bytes(b"geheim\n")
    if os.geteuid() != 0:
        path.chmod(0)
    else:  # root reads everything: make the open fail as it would for anyone else
        import builtins

        real_open = builtins.open

        def refusing_open(file: object, *args: object, **kwargs: object) -> object:
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(builtins, "open", refusing_open)
    assert main([str(path)]) == cli.EXIT_PERMISSION
    assert capsys.readouterr().err == f"umlautfix: {path}: permission denied\n"


USAGE_ERRORS = [
    # (arguments, why)
    (["--no-such-option"], "unknown option"),
    (["-e", "klingon", "x.txt"], "unknown encoding"),
    (["--output-encoding", "klingon", "x.txt"], "unknown output encoding"),
    (["-o", "out.txt", "a.txt", "b.txt"], "-o with two inputs"),
    (["-i"], "-i without files: it cannot rewrite stdin"),
    (["--in", "a.txt"], "no abbreviated options: '--in a.txt' is not '--in-place=a.txt'"),
    (["-i", "--check", "a.txt"], "-i and --check"),
    (["--report", "xml"], "no such report format"),
    (["--output-encoding", "rot13", "a.txt"], "rot13 is a codec, but not a text encoding"),
    (["validate", "--frobnicate"], "validate: unknown option"),
    (["-j", "0", "a.txt"], "--jobs takes one process or more"),
    (["--jobs", "two", "a.txt"], "--jobs takes a number"),
]


@pytest.mark.parametrize(("args", "why"), USAGE_ERRORS, ids=[c[1] for c in USAGE_ERRORS])
def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path, args: list[str], why: str) -> None:
    (tmp_path / "a.txt").write_bytes(b"a\n")
    (tmp_path / "b.txt").write_bytes(b"b\n")
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 2, why
    [line] = stderr_lines(proc)
    assert line.startswith("umlautfix: error: "), why


def test_a_long_file_comes_out_the_same_with_worker_processes_or_without(tmp_path: Path) -> None:
    # past 4 MiB the CLI hands the work to one process per core (-j); the output and the
    # explanations must not depend on that
    paragraphs = [
        line for p in sorted((ROOT / "fixtures" / "text" / "de").glob("*.txt")) for line in p.read_text().splitlines()
    ]
    lines = []
    while sum(map(len, lines)) < 5_000_000:
        for index, line in enumerate(paragraphs):
            lines.append(line.encode().decode("sloppy-windows-1252") if index % 7 == 0 else line)
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    alone = run("-j", "1", "--explain", path)
    with_workers = run("-j", "2", "--explain", path)
    assert alone.returncode == with_workers.returncode == 0
    assert with_workers.stdout == alone.stdout
    assert with_workers.stderr == alone.stderr
    assert "Ã".encode() not in alone.stdout  # the broken lines were repaired ...
    assert alone.stderr.count(b"\n") > 1_000  # ... and explained


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux only")
def test_worker_processes_go_when_the_main_process_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes((ROOT / "fixtures" / "text" / "de" / "news.txt").read_bytes() * 400)  # ~10 MB
    proc = subprocess.Popen([*UMLAUTFIX, "-j", "2", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        read = 0
        while read < 6_000_000:  # past the first 4 MiB, where the workers start; then the output waits
            read += len(proc.stdout.read(1 << 16))
        workers = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert workers, "no worker process started"
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers)


def _running(pid: str) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def test_version_and_help() -> None:
    assert run("--version").stdout == b"umlautfix 0.1.0\n"
    help_text = run("--help").stdout.decode()
    for needle in (
        "usage: umlautfix [fix] [OPTIONS] [FILE ...]",
        "examples:",
        "umlautfix -i *.csv",
        "exit codes:",
        "-i[SUFFIX], --in-place[=SUFFIX]",
    ):
        assert needle in help_text
    assert "examples:" in run("validate", "--help").stdout.decode()


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("Grüße aus Köln\n".encode() + b"plain ASCII line to make the output long\n" * 200_000)
    command = " ".join(UMLAUTFIX) + f' {path} | head -1; echo "rc=${{PIPESTATUS[0]}}" >&2'
    proc = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "UMLAUTFIX_CHUNK_BYTES": "4096"},
    )
    assert proc.stdout == "Grüße aus Köln\n".encode()
    assert proc.stderr == b"rc=0\n"  # no traceback, no 'Broken pipe', exit 0


def wait_until_reading_a_pipe(pid: int, timeout: float = 60.0) -> None:
    """Wait until the process sleeps in a read from a pipe (Linux: /proc/PID/wchan), so that a
    signal finds it waiting for input and not still importing on a busy machine; where /proc
    does not tell, a second's grace."""
    wchan = Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if "pipe" in wchan.read_text():
                return
        except OSError:
            time.sleep(1.0)
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} never waited for input within {timeout} s")


def test_ctrl_c_while_reading_stdin_is_clean() -> None:
    proc = subprocess.Popen(UMLAUTFIX, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    proc.stdin.write(b"noch nicht fertig\n")
    proc.stdin.flush()
    wait_until_reading_a_pipe(proc.pid)  # started (handlers set) and waiting for more input
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == cli.EXIT_INTERRUPTED
    assert err == b"umlautfix: interrupted\n"


# ---------------------------------------------------------------------------- progress bar


def run_on_terminal(*args: str | Path, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run with stderr on a pseudo-terminal (stdout a pipe); returns code, stdout, terminal output."""
    leader, follower = pty.openpty()
    # a terminal of 24 rows and 80 columns (a new pseudo-terminal has 0 x 0, where tqdm draws nothing)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [*UMLAUTFIX, *map(str, args)], stdout=subprocess.PIPE, stderr=follower, env={**os.environ, **env}
    )
    os.close(follower)
    screen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        screen += data
    out, _ = proc.communicate(timeout=30)
    os.close(leader)
    return proc.returncode, out, screen


def test_progress_bar_on_a_terminal_only() -> None:
    code, out, screen = run_on_terminal(SEED, env={"UMLAUTFIX_PROGRESS_DELAY": "0"})
    assert (code, out) == (0, EXPECTED.read_bytes())
    assert b"umlautfix" in screen and b"%|" in screen  # tqdm's bar: 'umlautfix: 100%|####| ...'
    _, _, quiet_screen = run_on_terminal("--no-progress", SEED, env={"UMLAUTFIX_PROGRESS_DELAY": "0"})
    assert quiet_screen == b""
    piped = run(SEED, env={"UMLAUTFIX_PROGRESS_DELAY": "0"})
    assert piped.stderr == b""  # never on a pipe


# ---------------------------------------------------------------------------- detect and validate


def test_detect_like_chardetect(tmp_path: Path) -> None:
    (tmp_path / "dos.txt").write_bytes("Die Übergröße passt für Männer und Frauen\n".encode("cp850"))
    (tmp_path / "image.png").write_bytes(PNG)
    proc = run("detect", SEED, "dos.txt", "image.png", cwd=tmp_path)
    assert proc.returncode == cli.EXIT_BINARY
    seed_line, dos_line = proc.stdout.decode().splitlines()
    assert re.fullmatch(rf"{re.escape(str(SEED))}: utf-8 with confidence 1\.00 \(.+\)", seed_line)
    assert re.fullmatch(r"dos\.txt: cp850 with confidence [01]\.\d\d \(.+\)", dos_line)
    assert stderr_lines(proc) == ["umlautfix: image.png: binary input (PNG image)"]
    [obj] = [json.loads(line) for line in run("detect", "--json", "dos.txt", cwd=tmp_path).stdout.splitlines()]
    assert (obj["file"], obj["encoding"]) == ("dos.txt", "cp850") and obj["evidence"]


def test_validate_one_line_per_file_and_exit_codes() -> None:
    clean = run("validate", EXPECTED)
    assert clean.returncode == 0
    assert re.fullmatch(rf"{re.escape(str(EXPECTED))}: clean \(score [01]\.\d\d\).*\n", clean.stdout.decode())
    both = run("validate", EXPECTED, SEED)
    assert both.returncode == 1
    seed_line = both.stdout.decode().splitlines()[1]
    # the first mojibake of the seed: 'ğŸ”¥' on line 3, column 9
    assert seed_line.startswith(f"{SEED}: mojibake (score ") and "mojibake 'ğŸ”¥' at 3:9" in seed_line
    [obj] = [json.loads(line) for line in run("validate", "--json", SEED).stdout.splitlines()]
    assert (obj["verdict"], obj["ok"]) == ("mojibake", False)
    first = next(f for f in obj["findings"] if f["kind"] == "mojibake")
    assert (first["line"], first["column"], first["text"]) == (3, 9, "ğŸ”¥")
