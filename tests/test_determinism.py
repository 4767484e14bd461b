"""Invariant 5, deterministic: the same input gives the same output in every process.

String hashing is salted per process (PYTHONHASHSEED), so anything that depends on
the iteration order of a set or dict of strings can differ between runs. Each run
below is a fresh interpreter with its own seed, over the same fixed inputs:
fixture paragraphs, their mojibake in eight code pages, other languages, damaged
odds and ends, and the same texts as bytes in several encodings. Everything the
library reports is compared: text, changes, unresolved damage, detections,
verdicts, scores and findings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs)

from umlautfix.charmaps import MOJIBAKE_CODECS

TEXT_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"
SEEDS = ("0", "1", "4242")
BYTE_ENCODINGS = ("utf-8", "cp1252", "cp850", "mac_roman", "iso-8859-15", "utf-16")
ODDS_AND_ENDS = (
    "F?r die Gr??e der Stra?e",
    "F\ufffdr die Gr\ufffd\ufffde",
    "kã¤mpfen FÃœR die GRÃ–ÃŸE",
    "&Atilde;&frac14;ber die Br&uuml;cke",
    "Gr”áe aus K”ln",
    "Ã¤ Ã¶ Ã¼ ÃŸ â€ž â€œ â‚¬",
    "Zażółć gęślą jaźń",
    "Äöü ÄÖÜ ß ẞ",
)

# The child: read the inputs, run every public function, print one JSON document.
CHILD = r"""
import json, sys
import umlautfix

def change(c):
    return [c.start, c.end, c.before, c.after, c.reason]

inputs = json.load(open(sys.argv[1], encoding="utf-8"))
out = {"texts": [], "bytes": []}
for text in inputs["texts"]:
    r = umlautfix.repair(text)
    v = umlautfix.validate(text)
    out["texts"].append({
        "text": r.text,
        "changes": [change(c) for c in r.changes],
        "unresolved": [change(c) for c in r.unresolved],
        "verdict": [v.verdict, v.score, [[f.kind, f.start, f.end, f.text, f.note] for f in v.findings]],
    })
for hexed in inputs["bytes"]:
    data = bytes.fromhex(hexed)
    d = umlautfix.detect(data)
    out["bytes"].append([d.encoding, d.confidence, list(d.evidence), umlautfix.fix_bytes(data)])
print(json.dumps(out, ensure_ascii=True, sort_keys=True))
"""


def paragraphs(path: Path, every: int) -> list[str]:
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    return lines[::every]


def fixed_inputs() -> dict[str, list[str]]:
    german = [p for path in sorted((TEXT_FIXTURES / "de").glob("*.txt")) for p in paragraphs(path, 8)]
    other = [p for path in sorted((TEXT_FIXTURES / "other").glob("*.txt")) for p in paragraphs(path, 10)]
    mojibake = [g.encode("utf-8").decode(codec) for g in german[::3] for codec in MOJIBAKE_CODECS]
    texts = german + other + mojibake + list(ODDS_AND_ENDS)
    raw = [g.encode(enc, errors="replace").hex() for g in german[::3] for enc in BYTE_ENCODINGS]
    raw.append(("Grüße\n".encode() + "Straße in Düsseldorf\n".encode("cp1252")).hex())
    return {"texts": texts, "bytes": raw}


def test_same_results_under_every_hash_seed(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs.json"
    inputs.write_text(json.dumps(fixed_inputs()), encoding="utf-8")
    runs = {}
    children = {
        seed: subprocess.Popen(
            [sys.executable, "-c", CHILD, str(inputs)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in SEEDS
    }
    for seed, child in children.items():
        stdout, stderr = child.communicate(timeout=300)
        assert child.returncode == 0, f"PYTHONHASHSEED={seed}: {stderr[-2000:]}"
        runs[seed] = json.loads(stdout)
    first, *others = SEEDS
    for seed in others:
        for kind in ("texts", "bytes"):
            for index, (a, b) in enumerate(zip(runs[first][kind], runs[seed][kind], strict=True)):
                assert a == b, f"{kind}[{index}] differs between PYTHONHASHSEED={first} and {seed}"
        assert runs[first] == runs[seed]
