"""The seed (a real scraped news post, UTF-8 read as cp1254) end to end.

The expected file was made by replacing the six mojibake sequences seen in the
seed by eye (ğŸ”¥ Ã¤ Ã¼ ÃŸ Ã¶ Ãœ), nothing else; the test below checks that the
expected file differs from the seed in exactly those places.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

import umlautfix
from umlautfix.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "seed"
SEED = FIXTURES / "000_b3aca760ed6914d7.txt"
EXPECTED = FIXTURES / "000_b3aca760ed6914d7.expected.txt"


def test_expected_file_differs_from_seed_only_in_the_mojibake() -> None:
    seed = SEED.read_text("utf-8")
    expected = EXPECTED.read_text("utf-8")
    seed_lines = seed.split("\n")
    expected_lines = expected.split("\n")
    assert len(seed_lines) == len(expected_lines)
    for before, after in zip(seed_lines, expected_lines, strict=True):
        if before != after:
            assert any(m in before for m in ("Ã", "ğŸ"))
    for word in (
        "🔥🔥",
        "kämpfen",
        "schließlich",
        "Überfall",
        "Länder",
        "südkoreanischen",
        "unterstützt",
        "Präsidenten",
        "getötet",
        "verbündeten",
        "militärische",
    ):
        assert word in expected
    assert "Ã" not in expected and "ğ" not in expected
    # front matter, URLs, blank lines and the trailing newlines survive as they were
    assert expected.startswith("---\nlayout: post\n")
    assert expected.endswith("gesprochen haben soll.\n\n\n\n")
    url = "https://img.zeit.de/politik/ausland/2024-12/"
    assert url + "nordkoreanischer-soldat-gestorben-ukraine-gefangenschaft-bild/wide__1300x731)" in expected


def test_fix_bytes_gives_the_expected_file() -> None:
    assert umlautfix.fix_bytes(SEED.read_bytes()) == EXPECTED.read_bytes().decode("utf-8")


def test_fix_text_gives_the_expected_file() -> None:
    seed = SEED.read_bytes().decode("utf-8")
    assert umlautfix.fix_text(seed) == EXPECTED.read_bytes().decode("utf-8")


def test_every_change_is_mojibake_and_replays() -> None:
    seed = SEED.read_bytes().decode("utf-8")
    result = umlautfix.repair(seed)
    assert {c.before for c in result.changes} == {"ğŸ”¥ğŸ”¥", "Ã¤", "Ã¼", "ÃŸ", "Ã¶", "Ãœ"}
    for c in result.changes:
        assert seed[c.start : c.end] == c.before
    assert result.changes[0].reason == "utf-8 read as cp1254"


def test_fix_file_to_a_path(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    result = umlautfix.fix_file(SEED, out)
    assert out.read_bytes() == EXPECTED.read_bytes()
    assert result.changed


def test_fix_file_on_file_objects() -> None:
    sink = io.BytesIO()
    umlautfix.fix_file(io.BytesIO(SEED.read_bytes()), sink)
    assert sink.getvalue() == EXPECTED.read_bytes()


@pytest.mark.parametrize("how", ["stdin", "argument"])
def test_cli_subprocess(how: str) -> None:
    cmd = [sys.executable, "-m", "umlautfix"]
    if how == "stdin":
        proc = subprocess.run(cmd, input=SEED.read_bytes(), capture_output=True, check=False)
    else:
        proc = subprocess.run([*cmd, str(SEED)], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == EXPECTED.read_bytes()
    assert proc.stderr == b""


def test_cli_in_process(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main([str(SEED)]) == 0
    assert capsysbinary.readouterr().out == EXPECTED.read_bytes()


def test_cli_check_reports_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(SEED)]) == 1
    assert main(["--check", str(EXPECTED)]) == 0


def test_validate_tells_seed_from_its_repair() -> None:
    assert umlautfix.validate(SEED.read_text("utf-8")).verdict == "mojibake"
    assert umlautfix.validate(EXPECTED.read_text("utf-8")).ok
