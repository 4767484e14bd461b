"""Stage 1, detect: tables of cases (input, expected, why), and properties."""

from __future__ import annotations

import codecs
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umlautfix.detect import (
    BinaryInputError,
    Detection,
    IncrementalDetector,
    UndecodableBytesWarning,
    check_binary,
    decode,
    decode_mixed,
    detect,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "detect"

# A German sentence for each code page, using only characters the code page has;
# where a code page's own bytes occur, the expected name is that code page.
SENTENCE_CASES = [
    # (text, codec it is saved in, expected Detection.encoding, why)
    (
        "Die Bürgermeisterin begrüßte „alle Gäste“ – Öffnungszeiten: Mo–Fr",
        "cp1252",
        "cp1252",
        "„ “ – are cp1252's 0x80-0x9F bytes",
    ),
    (
        "Schöne Grüße aus Köln, die Äpfel sind für Sie",
        "latin-1",
        "latin-1",
        "no 0x80-0x9F byte: latin-1, cp1252 and iso-8859-15 decode it identically; the base is named",
    ),
    (
        "Die Äpfel kosten 5 € pro Kilo, schöne Grüße",
        "iso-8859-15",
        "iso-8859-15",
        "€ at 0xA4 is iso-8859-15's own (latin-1 and cp1252 read ¤ there)",
    ),
    (
        "Die Übergröße passt für Männer und Frauen",
        "cp850",
        "cp850",
        "DOS letters at 0x80-0x9F; cp850 and cp437 share them, cp850 is German DOS",
    ),
    (
        "Die Kreiszahl π ist größer als drei, sagt Jürgen",
        "cp437",
        "cp437",
        "π at 0xE3 exists in cp437 only (cp850 has Ò there)",
    ),
    (
        "Spaghetti à la Mamma mit Salat",
        "cp850",
        "cp850",
        "à (0x85) is a frequent word in German text ('à la', '3 Stück à 2 €'); cp1252 would read '…'",
    ),
    ("Größe für Äpfel und Öl, schöne Grüße", "mac-roman", "mac-roman", "Mac Roman letters"),
    (
        "Laden Sie den Akku bei 5 °C bis 40 °C",
        "mac-roman",
        "mac-roman",
        "° (0xA1) is glued to C as German writes it; cp1252 reads ¡C, cp850 íC",
    ),
    (
        "Die Firma Łukasiewicz aus Łódź liefert nach Köln, sagt Paweł Świątek",
        "cp1250",
        "cp1250",
        "Ł ź ł Ś ą exist in cp1250 only; ö and ó are shared with latin-1",
    ),
    ("Grüße aus Düsseldorf – 20 € für Straßenbahn", "utf-8", "utf-8", "valid UTF-8"),
    ("Grüße aus Düsseldorf – 20 € für Straßenbahn", "utf-16-le", "utf-16-le", "UTF-16 LE without a BOM"),
    ("Grüße aus Düsseldorf – 20 € für Straßenbahn", "utf-16-be", "utf-16-be", "UTF-16 BE without a BOM"),
    ("Grüße aus Düsseldorf", "utf-32-le", "utf-32-le", "UTF-32 LE without a BOM"),
    ("Grüße aus Düsseldorf 🔥", "utf-32-be", "utf-32-be", "UTF-32 BE without a BOM, a character beyond U+FFFF"),
    ("Καλημέρα σας, τι κάνετε σήμερα;", "utf-16-le", "utf-16-le", "UTF-16 without a BOM: NULs only in spaces"),
    ("Hallo Welt", "ascii", "ascii", "only ASCII bytes"),
]


@pytest.mark.parametrize(("text", "codec", "expected", "why"), SENTENCE_CASES)
def test_detect_sentence(text: str, codec: str, expected: str, why: str) -> None:
    data = text.encode(codec)
    det = detect(data)
    assert det.encoding == expected, why
    assert det.evidence, "every answer says why"
    assert decode(data) == text


BOM_CASES = [
    (codecs.BOM_UTF8 + "Grüße".encode(), "utf-8-sig", "Grüße"),
    (codecs.BOM_UTF16_LE + "Grüße".encode("utf-16-le"), "utf-16", "Grüße"),
    (codecs.BOM_UTF16_BE + "Grüße".encode("utf-16-be"), "utf-16", "Grüße"),
    (codecs.BOM_UTF32_LE + "Grüße".encode("utf-32-le"), "utf-32", "Grüße"),
    (codecs.BOM_UTF32_BE + "Grüße".encode("utf-32-be"), "utf-32", "Grüße"),
]


@pytest.mark.parametrize(("data", "expected", "text"), BOM_CASES)
def test_byte_order_marks(data: bytes, expected: str, text: str) -> None:
    det = detect(data)
    assert (det.encoding, det.confidence) == (expected, 1.0)
    assert "byte-order mark" in det.evidence[0]
    assert decode(data) == text


DECLARED_CASES = [
    # (bytes, expected encoding, evidence contains, why)
    (
        '<?xml version="1.0" encoding="ISO-8859-15"?><p>Preis: 5 € für Äpfel</p>'.encode("iso-8859-15"),
        "iso-8859-15",
        "declared charset ISO-8859-15",
        "a right declaration is trusted",
    ),
    (
        '<meta charset="windows-1252"><p>Schöne Grüße</p>'.encode("cp1252"),
        "cp1252",
        "declared charset windows-1252",
        "right, and latin-1 reads the same: the declaration names it (in Python's spelling)",
    ),
    (
        '<meta charset="utf-8"><p>„Schöne Grüße“</p>'.encode("cp1252"),
        "cp1252",
        "do not decode",
        "declared UTF-8, but the bytes are not valid UTF-8",
    ),
    (
        '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>Grüße</p>'.encode(),
        "utf-8",
        "read more German as utf-8",
        "declared latin-1, but the bytes are UTF-8 (Ã¼ under latin-1)",
    ),
    (
        '<?xml version="1.0" encoding="windows-1252"?><p>Größe für Öl</p>'.encode("mac-roman"),
        "mac-roman",
        "read more German as mac-roman",
        "declared cp1252 decodes (Gršße) but reads worse",
    ),
    ('<meta charset="klingon-8"><p>Größe</p>'.encode("cp1252"), "latin-1", "unknown", "an unknown charset is ignored"),
]


@pytest.mark.parametrize(("data", "expected", "said", "why"), DECLARED_CASES)
def test_declared_charset(data: bytes, expected: str, said: str, why: str) -> None:
    det = detect(data)
    assert det.encoding == expected, why
    assert any(said in e for e in det.evidence), det.evidence


def test_mixed_utf8_and_cp1252_lines() -> None:
    lines = ["Grüße aus Köln\n", "„Straße“ in Düsseldorf\n", "Äpfel und Öl\n", "Fuß und „Fuß“\n"]
    saved_as = ["utf-8", "cp1252", "utf-8", "cp1252"]
    data = b"".join(line.encode(codec) for line, codec in zip(lines, saved_as, strict=True))
    det = detect(data)
    assert (det.encoding, det.mixed, det.single_byte) == ("utf-8", True, "cp1252")
    assert decode(data) == "".join(lines)


MIXED_CODE_PAGE_CASES = [
    # (lines, what each is saved in, expected single_byte, why)
    (
        ["Grüße aus Köln\n", "Schöne Grüße\n", "Äpfel und Öl\n", "Fuß und Größe\n"],
        ["utf-8", "cp850", "utf-8", "cp850"],
        "cp850",
        "ü is 0x81 in cp850, which cp1252 cannot decode; cp850 and cp437 read alike, cp850 comes first",
    ),
    (
        ["Grüße aus Köln\n", "Schöne Grüße\n", "Äpfel und Öl\n", "Fuß und Größe\n"],
        ["utf-8", "cp1252", "utf-8", "cp1252"],
        "latin-1",
        "no 0x80-0x9F byte: latin-1, cp1252, iso-8859-15 and cp1250 read the lines alike; the base is named",
    ),
]


@pytest.mark.parametrize(("lines", "saved_as", "expected", "why"), MIXED_CODE_PAGE_CASES)
def test_mixed_file_code_page(lines: list[str], saved_as: list[str], expected: str, why: str) -> None:
    data = b"".join(line.encode(codec) for line, codec in zip(lines, saved_as, strict=True))
    det = detect(data)
    assert (det.encoding, det.mixed, det.single_byte) == ("utf-8", True, expected), why
    assert decode(data) == "".join(lines)


MIXED_LINE_CASES = [
    # (bytes, expected text, why)
    (
        "Straße „Fuß“\n".encode("cp1252"),
        "Straße „Fuß“\n",
        "ß“ (DF 93) is valid UTF-8 (U+07D3): the whole line in cp1252 reads more German",
    ),
    (
        "Grüße ".encode() + "aus Köln\n".encode("cp1252"),
        "Grüße aus Köln\n",
        "UTF-8 and a cp1252 run in one line: the run alone is decoded in cp1252",
    ),
    (b"Gr\x81\xe1e\n", "Grüße\n", "cp1252 cannot decode 0x81: the line falls back to cp850"),
]


@pytest.mark.parametrize(("data", "expected", "why"), MIXED_LINE_CASES)
def test_decode_mixed_lines(data: bytes, expected: str, why: str) -> None:
    assert decode_mixed(data, "cp1252") == expected, why


UTF8_CONFIDENCE_CASES = [
    # (bytes, expected confidence, evidence contains, why)
    ("Grüße".encode(), 1.0, "all German typography", "two characters, but ü, ß as UTF-8 are no code page's accident"),
    (
        "„Schöne Grüße“ – 5 € für".encode(),
        1.0,
        "8 or more multi-byte",
        "„ ö ü ß “ – € ü: eight multi-byte characters; no single-byte text is valid UTF-8 that often",
    ),
    (
        "Привет".encode(),
        1.0,
        "no code page reads it clearly more German",
        "Cyrillic is not German typography, so it is scored: as cp1252 it reads ÐŸÑ€Ð¸Ð²ÐµÑ‚, far worse",
    ),
    (
        "Fuß“".encode("cp1252"),
        0.5,
        "reads more German as cp1252",
        "cp1252 'ß“' is DF 93, valid UTF-8 (U+07D3, an N'Ko letter): UTF-8 it stays, but doubtful",
    ),
]


@pytest.mark.parametrize(("data", "confidence", "said", "why"), UTF8_CONFIDENCE_CASES)
def test_valid_utf8_confidence(data: bytes, confidence: float, said: str, why: str) -> None:
    det = detect(data)
    assert (det.encoding, det.confidence) == ("utf-8", confidence), why
    assert said in det.evidence[-1], det.evidence
    assert decode(data) == data.decode("utf-8")


# Pieces of bytes for mixed files: ASCII, line breaks, UTF-8, lone code-page bytes,
# a cut UTF-8 sequence, a surrogate's encoding (invalid), and other break-like bytes.
MIXED_PIECES = st.sampled_from(
    [
        *(b"a", b" ", b"\n", b"\r", b"\r\n", "ä".encode(), "€".encode(), "🔥".encode(), b"\xe4", b"\xdf", b"\x93"),
        *(b"\x81", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\x0b", b"\x1c", b"\x85", "\u2028".encode()),
    ]
)


@given(st.lists(MIXED_PIECES, max_size=30).map(b"".join), st.sampled_from(["cp1252", "cp850", "mac-roman"]))
@settings(max_examples=300, deadline=None)
def test_decode_mixed_whole_equals_line_by_line(data: bytes, codec: str) -> None:
    """The CLI decodes a mixed file line by line (lines as bytes.splitlines cuts
    them); the whole-input decoding must give the same text, and keep every line."""
    lines = data.splitlines(keepends=True)
    assert decode_mixed(data, codec) == "".join(decode_mixed(line, codec) for line in lines)


BINARY_CASES = [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
    (b"GIF89a\x01\x00\x01\x00", "GIF image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "ZIP archive"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip data"),
    (b"RIFF\x24\x08\x00\x00WEBPVP8 ", "WebP image"),
    (b"Hallo\x00Welt\x00\x00\x01\x02 und mehr Text", "NUL bytes"),
    (b"wOFFOTTO\x00\x00\x12\x34", "WOFF font"),
    (b"\x00asm\x01\x00\x00\x00", "WebAssembly module"),
    (bytes(range(1, 9)) * 4 + b"Text", "control bytes"),
]

TEXT_THAT_STARTS_LIKE_A_SIGNATURE = [
    (b"ID3 tags speichern Titel und Interpret", "ascii", "ID3 without its version bytes"),
    ("BZh, die Abkürzung für Bezirkshauptmannschaft".encode(), "utf-8", "BZh without bzip2's block magic"),
    (b"%PDF sagt man zu einer PDF-Datei", "ascii", "%PDF without the dash and version"),
    (b"wOFF heisst die Datei", "ascii", "wOFF without a WOFF flavour after it"),
    (
        b"\x1b[31mFehler\x1b[0m: Datei nicht gefunden\n" * 4,
        "ascii",
        "ANSI colour codes: ESC is a control that text uses",
    ),
]


@pytest.mark.parametrize(("data", "expected", "why"), TEXT_THAT_STARTS_LIKE_A_SIGNATURE)
def test_text_that_starts_like_a_signature_is_text(data: bytes, expected: str, why: str) -> None:
    assert detect(data).encoding == expected, why


@pytest.mark.parametrize(("data", "kind"), BINARY_CASES)
def test_binary_input_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(BinaryInputError, match=kind):
        detect(data)
    with pytest.raises(BinaryInputError, match=kind):
        check_binary(data)
    with pytest.raises(BinaryInputError):
        decode(data)


@pytest.mark.parametrize(("data", "kind"), BINARY_CASES)
def test_binary_input_can_be_forced(data: bytes, kind: str) -> None:
    det = detect(data, allow_binary=True)
    assert isinstance(det, Detection)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndecodableBytesWarning)
        assert isinstance(decode(data, allow_binary=True), str)


def test_empty_input() -> None:
    det = detect(b"")
    assert (det.encoding, det.confidence, det.evidence) == ("ascii", 1.0, ["empty input"])
    assert decode(b"") == ""


def test_a_cut_off_character_is_surfaced_not_dropped() -> None:
    data = "Grüße aus Köln".encode() + b"\xc3"
    with pytest.warns(UndecodableBytesWarning, match="first at byte 17"):
        assert decode(data) == "Grüße aus Köln\ufffd"
    with pytest.raises(UnicodeDecodeError):
        decode(data, errors="strict")


def test_a_given_encoding_is_strict() -> None:
    with pytest.raises(UnicodeDecodeError):
        decode("Grüße".encode("cp1252"), encoding="utf-8")


def test_a_lone_high_byte_at_the_end_is_a_code_page() -> None:
    """'Weiß' in latin-1 ends in 0xDF, a UTF-8 lead byte: not cut-off UTF-8."""
    det = detect("Weiß".encode("latin-1"))
    assert det.encoding == "latin-1"


INCREMENTAL_CASES = [
    # (chunks, expected encoding, why)
    ([b"Gr\xc3", b"\xbc\xc3\x9fe aus K\xc3", b"\xb6ln"], "utf-8", "ü, ß and ö split across chunks"),
    ([b"Gro\xdf", b"e ", b"Gr\xfc\xdfe"], "latin-1", "single-byte text in pieces"),
    ([b""], "ascii", "one empty chunk: empty input"),
]


@pytest.mark.parametrize(("chunks", "expected", "why"), INCREMENTAL_CASES)
def test_incremental_feeding(chunks: list[bytes], expected: str, why: str) -> None:
    detector = IncrementalDetector()
    for chunk in chunks:
        detector.feed(chunk)
    det = detector.close()
    assert det.encoding == expected, why
    assert detector.result == det == detect(b"".join(chunks))


def test_incremental_sample_cut_inside_a_character() -> None:
    """The sample ends inside ü: later bytes exist, so a cut character is expected, not an error."""
    data = "Grüße".encode() * 3  # 7 bytes each; byte 9 (from 0) is the first of the second ü
    detector = IncrementalDetector(sample_bytes=10)
    detector.feed(data[:5])
    assert not detector.done
    detector.feed(data[5:])
    assert detector.done
    det = detector.close()
    assert (det.encoding, det.confidence) == ("utf-8", 1.0)


def test_incremental_full_sample_fed_exactly() -> None:
    """The CLI feeds exactly `sample_bytes` and stops: the cut ü is not taken for an error."""
    data = "Grüße".encode() * 3
    detector = IncrementalDetector(sample_bytes=10)
    detector.feed(data[:10])
    assert data[:10].endswith(b"\xc3")
    det = detector.close()
    assert (det.encoding, det.confidence) == ("utf-8", 1.0)


def test_confidence_is_high_for_a_german_document_and_low_for_a_tie() -> None:
    document = ("Die Straßenbahn fährt künftig über die Brücke nach Süden. " * 20).encode("cp1252")
    assert detect(document).confidence >= 0.99
    # "à" in cp850 is 0x85, which cp1252 reads as "…": both plausible, neither sure
    assert detect("à".encode("cp850")).confidence < 0.9


OTHER_LANGUAGE_CASES = [
    # (text, saved as, expected encoding: chardet's choice, in Python's codec names)
    (
        "Ahoj všichni, nevíte o někom, kdo umí opravit starý gramofon? Zdědil jsem ho po dědečkovi.",
        "iso-8859-2",
        "iso8859-2",
    ),
    ("Привет, как дела? Сегодня хорошая погода в Москве, и мы идём гулять.", "cp1251", "cp1251"),
    ("今天天氣很好，我們去公園散步吧。", "big5", "big5hkscs"),  # Big5-HKSCS is a superset of Big5
    ("今日はいい天気ですね。散歩に行きましょう。", "shift_jis", "cp932"),  # cp932 extends Shift JIS
]


@pytest.mark.parametrize(("text", "codec", "expected"), OTHER_LANGUAGE_CASES)
def test_other_language_falls_back_to_chardet(text: str, codec: str, expected: str) -> None:
    """CJK double bytes can form valid UTF-8 by chance: that is not a mixed file."""
    data = text.encode(codec)
    det = detect(data)
    assert (det.encoding, det.mixed) == (expected, False)
    assert "not German" in det.evidence[-1]
    assert det.confidence <= 0.8, "the fallback is not measured to 99 %"
    assert decode(data) == text


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.bin")), ids=lambda p: p.name)
def test_fixture_files(path: Path) -> None:
    """fixtures/detect/NAME.ENCODING.bin decodes to fixtures/detect/NAME.txt (UTF-8)."""
    name, encoding = path.name.removesuffix(".bin").rsplit(".", 1)
    expected = (FIXTURES / f"{name}.txt").read_text("utf-8")
    det = detect(path.read_bytes())
    assert det.encoding == encoding
    assert det.confidence >= 0.9
    assert decode(path.read_bytes()) == expected


GERMAN_TEXT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüßÄÖÜ „“–€.,!?\n", min_size=1, max_size=200)


@given(GERMAN_TEXT)
@settings(max_examples=200, deadline=None)
def test_valid_utf8_is_never_decoded_as_anything_else(text: str) -> None:
    assert decode(text.encode()) == text


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_no_byte_is_dropped_silently(data: bytes) -> None:
    """Whatever the bytes, decode returns text; a U+FFFD it adds comes with a warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = decode(data, allow_binary=True)
    added = text.count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")
    if added > 0:
        assert any(issubclass(w.category, UndecodableBytesWarning) for w in caught)
