"""Wall time and peak memory of the `umlautfix` command on a large generated file.

The file (default 1024 MiB) is built from the project's own German fixtures
(fixtures/text/de/*.txt, one paragraph a line), cycled in order; every
--mojibake-every'th line is UTF-8 read as cp1252 (`kÃ¤mpfen`), the rest is
clean UTF-8. It is written to a temporary directory (--tmp, default the system's)
and deleted afterwards, also when the run is interrupted. The text repeats every
~320 paragraphs: the pipeline has no cache of its own, but the repair stage
caches its readings per mojibake run and its neighbours, and those are all warm
after the first round, so text that never repeats may run slower than this.
--unique-lines numbers every line ("17. "), as speed_bench's CLI file does, so
that no whole line repeats (the runs and their neighbours still do).

Each command runs as a child process, started by a small wrapper process (so that
its peak RSS is its own: a child forked from this process would count this
process's memory, inherited across exec, as its peak); its wall time is measured
around it, and its CPU time (user + system) and peak RSS come from the kernel
(os.wait4 gives the child's rusage). On a shared machine the wall time grows with the other
load while the CPU time barely does, so both are shown. The commands, on the
same file, one after another:

- umlautfix: `python -m umlautfix FILE > /dev/null`, the CLI as users run it;
- plain loop, lines: `for line in file: out.write(line.decode("utf-8").encode("utf-8"))`,
  what any line-by-line Python filter costs at least;
- plain loop, 1 MiB chunks: the same with an incremental decoder on 1 MiB reads,
  the floor of a streaming Python filter;
- startup: `python -m umlautfix EMPTY`, the fixed cost of a run (imports), so
  that a small --size-mb is not mistaken for the streaming speed. umlautfix's modules
  are compiled to bytecode before any run, as an installed copy has them.

Ratios are speeds relative to the line loop (loop time / run time: issue #8 asks
for the CLI on a large clean file >= 0.6x), by wall and by CPU time. The CLI's
output is also checked: its repaired lines are counted against the generated
mojibake lines.

    python benchmarks/cli_bench.py                   # 1024 MiB; 16 s on 2 cores (2026-11-25), peak RSS 66 MiB
    python benchmarks/cli_bench.py --size-mb 32      # a quick look
    python benchmarks/cli_bench.py --size-mb 32 --mojibake-every 0   # all clean: issue #8's CLI target
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "text" / "de"
MIB = 1 << 20

LINE_LOOP = """
import sys
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst:
    for line in src:
        dst.write(line.decode("utf-8").encode("utf-8"))
"""
CHUNK_LOOP = """
import codecs, sys
decoder = codecs.getincrementaldecoder("utf-8")()
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as dst:
    while chunk := src.read(1 << 20):
        dst.write(decoder.decode(chunk).encode("utf-8"))
    dst.write(decoder.decode(b"", final=True).encode("utf-8"))
"""
# Starts the measured command (argv[3:]) with its stdout to argv[2] and reports its wall time,
# CPU time, peak RSS (KiB) and exit code in argv[1]; it is small, so what the command inherits
# across exec is small too.
CHILD_WRAPPER = """
import os, sys, time
out = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.dup2(out, 1)
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[3], sys.argv[3:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(sys.argv[1], "w") as report:
    report.write(f"{seconds} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


# Compiles the bytecode of the umlautfix that `python -m umlautfix` runs, beside its sources.
COMPILE = (
    "import compileall, pathlib, sys, umlautfix\n"
    "sys.exit(not compileall.compile_dir(pathlib.Path(umlautfix.__file__).parent, quiet=1))\n"
)


def compile_bytecode() -> None:
    """Compile umlautfix's modules to bytecode first, as `pip install` does: an editable install
    run with PYTHONDONTWRITEBYTECODE=1 would compile its sources at every start (~80 ms)."""
    subprocess.run([sys.executable, "-c", COMPILE], check=True)


@dataclass(frozen=True)
class Measure:
    name: str
    seconds: float
    cpu_seconds: float  # user + system of the child
    peak_rss_mib: float
    exit_code: int


def generate(path: Path, size_bytes: int, mojibake_every: int, unique: bool = False) -> tuple[int, int]:
    """Write the test file; returns (lines, mojibake lines). `unique`: each line starts with its
    number ("17. "), so no line repeats and no cache keyed by whole lines could help."""
    paragraphs = [
        line for p in sorted(FIXTURES.glob("*.txt")) for line in p.read_text("utf-8").splitlines() if line.strip()
    ]
    clean = [(line + "\n").encode("utf-8") for line in paragraphs]
    broken = [_mojibake(line + "\n") for line in paragraphs]
    lines = mojibake = written = 0
    buffer: list[bytes] = []
    buffered = 0
    with open(path, "wb") as fh:
        while written < size_bytes:
            index = lines % len(paragraphs)
            is_broken = mojibake_every > 0 and lines % mojibake_every == mojibake_every - 1
            data = broken[index] if is_broken else clean[index]
            if unique:
                data = f"{lines + 1}. ".encode() + data
            buffer.append(data)
            buffered += len(data)
            written += len(data)
            lines += 1
            mojibake += is_broken
            if buffered >= 8 * MIB:
                fh.write(b"".join(buffer))
                buffer, buffered = [], 0
        fh.write(b"".join(buffer))
    return lines, mojibake


def _mojibake(text: str) -> bytes:
    """UTF-8 read as cp1252 and saved as UTF-8 (`kÃ¤mpfen`)."""
    return text.encode("utf-8").decode("cp1252", "replace").encode("utf-8")


def measure(name: str, command: list[str], stdout_path: str) -> Measure:
    """Run `command` with stdout to `stdout_path` (through CHILD_WRAPPER); wall time, CPU time
    and the child's own peak RSS."""
    with tempfile.TemporaryDirectory(prefix="umlautfix-cli-child-") as tmp:
        report = Path(tmp) / "report"
        done = subprocess.run(
            [sys.executable, "-S", "-c", CHILD_WRAPPER, str(report), stdout_path, *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
        )
        seconds, cpu, peak_kib, exit_code = report.read_text().split()
    if done.stderr:
        print(f"[{name}] stderr: {done.stderr.decode(errors='replace')[:500]}", file=sys.stderr)
    return Measure(name, float(seconds), float(cpu), int(peak_kib) / 1024, int(exit_code))  # ru_maxrss: KiB on Linux


def count_repaired(original: Path, repaired: Path) -> tuple[int, int]:
    """Lines that differ between input and output, and lines that still hold 'Ã' (streamed)."""
    differing = left = 0
    with open(original, "rb") as a, open(repaired, "rb") as b:
        for line_a, line_b in zip(a, b, strict=True):
            differing += line_a != line_b
            left += "Ã".encode() in line_b
    return differing, left


def table(size: int, lines: int, mojibake: int, results: list[Measure], unique: bool) -> str:
    base = next(m for m in results if m.name.startswith("plain loop, lines"))
    rows = [
        f"input: {size / MIB:.0f} MiB, {lines:,} lines, {mojibake:,} of them mojibake "
        f"(fixtures/text/de cycled{', lines numbered' if unique else ''}; UTF-8 read as cp1252)",
        "",
        "| run | wall s | CPU s | MiB/s (wall) | peak RSS MiB | speed / line loop, wall | ... CPU | exit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in results:
        streaming = not m.name.startswith("startup")
        speed = f"{size / MIB / m.seconds:.2f}" if streaming else "-"
        wall_ratio = f"{base.seconds / m.seconds:.3f}x" if streaming else "-"
        cpu_ratio = f"{base.cpu_seconds / m.cpu_seconds:.3f}x" if streaming and m.cpu_seconds else "-"
        rows.append(
            f"| {m.name} | {m.seconds:.2f} | {m.cpu_seconds:.2f} | {speed} | {m.peak_rss_mib:.1f} "
            f"| {wall_ratio} | {cpu_ratio} | {m.exit_code} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated file in MiB (default 1024)")
    parser.add_argument("--mojibake-every", type=int, default=20, help="every Nth line is mojibake (default 20)")
    parser.add_argument(
        "--unique-lines", action="store_true", help="number every line, so that no line repeats (as speed_bench does)"
    )
    parser.add_argument("--tmp", default=None, help="directory for the generated file (default: the system's)")
    parser.add_argument("--skip-check", action="store_true", help="do not compare the CLI's output with its input")
    args = parser.parse_args()

    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="umlautfix-cli-bench-", dir=args.tmp) as tmp:
        source = Path(tmp) / "input.txt"
        output = Path(tmp) / "output.txt"
        started = time.perf_counter()
        lines, mojibake = generate(source, args.size_mb * MIB, args.mojibake_every, args.unique_lines)
        size = source.stat().st_size
        print(f"generated {size / MIB:.0f} MiB in {time.perf_counter() - started:.1f} s: {source}", flush=True)
        results = [
            measure("plain loop, lines", [sys.executable, "-c", LINE_LOOP, str(source), os.devnull], os.devnull),
            measure(
                "plain loop, 1 MiB chunks", [sys.executable, "-c", CHUNK_LOOP, str(source), os.devnull], os.devnull
            ),
        ]
        empty = Path(tmp) / "empty.txt"
        empty.write_bytes(b"")
        results.append(measure("startup: umlautfix EMPTY", [sys.executable, "-m", "umlautfix", str(empty)], os.devnull))
        for m in results:
            print(f"  {m.name}: {m.seconds:.1f} s, {m.cpu_seconds:.1f} s CPU, {m.peak_rss_mib:.1f} MiB", flush=True)
        cli = measure("umlautfix FILE > OUT", [sys.executable, "-m", "umlautfix", str(source)], str(output))
        results.append(cli)
        print(f"  {cli.name}: {cli.seconds:.1f} s, {cli.cpu_seconds:.1f} s CPU, {cli.peak_rss_mib:.1f} MiB", flush=True)
        print()
        print(table(size, lines, mojibake, results, args.unique_lines))
        if not args.skip_check:
            differing, left = count_repaired(source, output)
            print(
                f"\noutput check: {differing:,} lines changed (of {mojibake:,} mojibake lines generated); "
                f"{left:,} output lines still hold 'Ã'"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
