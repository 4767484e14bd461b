"""Each public name of DESIGN.md exists and does what it promises, end to end."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import umlautfix

SENTENCE = "Die Bürgermeisterin öffnete am Montag die neue Fußgängerzone in Lüneburg."


def test_public_names() -> None:
    for name in ("fix_text", "repair", "detect", "decode", "fix_bytes", "validate", "fix_file"):
        assert callable(getattr(umlautfix, name))
    for name in ("Change", "Repair", "Detection", "Validation"):
        assert isinstance(getattr(umlautfix, name), type)


def test_fix_text() -> None:
    assert umlautfix.fix_text("Im Ukrainekrieg kÃ¤mpfen Nordkoreaner") == "Im Ukrainekrieg kämpfen Nordkoreaner"


def test_repair_records_changes_with_input_offsets() -> None:
    damaged = "FÃ¼r die GrÃ¶ÃŸe"
    result = umlautfix.repair(damaged)
    assert result.text == "Für die Größe"
    assert [(c.start, c.end, c.before, c.after) for c in result.changes] == [
        (1, 3, "Ã¼", "ü"),
        (11, 15, "Ã¶ÃŸ", "öß"),  # F Ã ¼ r _ d i e _ G r = 0..10
    ]
    assert all(c.reason == "utf-8 read as cp1252" for c in result.changes)


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("utf-8", "utf-8"), ("cp850", "cp850"), ("mac_roman", "mac_roman"), ("utf-16", "utf-16")],
)
def test_detect(codec: str, expected: str) -> None:
    data = (SENTENCE + " " + SENTENCE.upper()).encode(codec)
    det = umlautfix.detect(data)
    assert det.encoding.replace("-", "_") == expected.replace("-", "_")
    assert 0.0 <= det.confidence <= 1.0
    assert det.evidence


@pytest.mark.parametrize("codec", ["utf-8", "cp1252", "cp850", "mac_roman", "utf-16"])
def test_decode(codec: str) -> None:
    assert umlautfix.decode(SENTENCE.encode(codec)) == SENTENCE


def test_decode_mixed_utf8_and_cp1252_lines() -> None:
    data = "Grüße aus Köln\n".encode() + "Straße in Düsseldorf\n".encode("cp1252") + "Äpfel und Öl\n".encode()
    assert umlautfix.decode(data) == "Grüße aus Köln\nStraße in Düsseldorf\nÄpfel und Öl\n"


def test_fix_bytes_double_encoded() -> None:
    data = SENTENCE.encode("utf-8").decode("cp1252").encode("utf-8")
    assert umlautfix.fix_bytes(data) == SENTENCE


def test_binary_input_is_refused() -> None:
    with pytest.raises(umlautfix.BinaryInputError):
        umlautfix.decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(umlautfix.BinaryInputError):
        umlautfix.fix_bytes(b"abc\x00\x00\x01def")


def test_validate() -> None:
    text = " ".join([SENTENCE] * 3)
    v = umlautfix.validate(text)
    assert v.verdict == "clean" and v.ok and 0.0 < v.score <= 1.0
    broken = umlautfix.validate(text.encode().decode("cp1252"))
    assert broken.verdict == "mojibake" and not broken.ok
    assert broken.findings and broken.findings[0].text.startswith("Ã")
    assert umlautfix.validate("Hallo").verdict == "too_short"


def test_fix_file_in_place_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(SENTENCE.encode().decode("cp1252").encode() + b"\r\n")
    path.chmod(0o640)
    result = umlautfix.fix_file(path)
    assert path.read_bytes() == SENTENCE.encode() + b"\r\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert result.changed and result.changes[0].line == 1
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_fix_file_check_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    damaged = SENTENCE.encode().decode("cp1252").encode()
    path.write_bytes(damaged)
    assert umlautfix.fix_file(path, check=True).changed
    assert path.read_bytes() == damaged


def test_fix_file_streams_file_objects() -> None:
    sink = io.BytesIO()
    umlautfix.fix_file(io.BytesIO("GrÃ¼ÃŸe\n".encode()), sink)
    assert sink.getvalue() == "Grüße\n".encode()
