"""`make bench`: `clientgen diff` of the OpenAI document against a copy with one field removed, as a ratio to one
`clientgen import-openapi` of that document, both measured here, now, interleaved (goal: <= 1.5).

    python tests/bench/diff.py [--runs 3]

Every timed command starts from an empty cache of its own, but for the second import (which then finds its spec's
structure checked already) and the diff whose old side's surface was cached by an untimed run before it (a CI job
that diffs against the last release twice). Three ratios, to the faster import: with an empty cache (both sides
read and imported, in two processes), with the old side cached, and with an empty cache and the sides read one
after the other (CLIENTGEN_DIFF_SERIAL=1: what one core gets). Medians of the runs; the CPU time (user + system,
every process) beside the wall time, since wall time on a busy machine says little. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OPENAI_DOC = ROOT.parent / "shared" / "specs" / "corpus" / "openai.yaml"
CLIENTGEN = Path(sys.executable).parent / "clientgen"
REMOVED = ("    CreateCompletionRequest:", "        echo:")  # the field removed in the copy


def without_one_field(doc: Path, into: Path) -> Path:
    """A copy of `doc` without CreateCompletionRequest's `echo` property (its lines, found by indentation)."""
    lines = doc.read_text(encoding="utf-8").split("\n")
    schema = lines.index(REMOVED[0])
    start = lines.index(REMOVED[1], schema)
    end = start + 1
    while lines[end].startswith(" " * 10):
        end += 1
    copy = into / "openai-without-echo.yaml"
    copy.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    return copy


def timed(command: list[str], env: dict[str, str], expect: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != expect:
        sys.exit(f"{' '.join(command)}: exit {done.returncode}, expected {expect}\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="clientgen-diff-bench-") as temporary:
        work = Path(temporary)
        new = without_one_field(OPENAI_DOC, work)
        import_cmd = [str(CLIENTGEN), "import-openapi", str(OPENAI_DOC), "-o", str(work / "openai.yaml")]
        diff_cmd = [str(CLIENTGEN), "diff", str(OPENAI_DOC), str(new)]
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in NAMES}
        for round_number in range(runs):
            def fresh(name: str, round_number: int = round_number) -> dict[str, str]:  # an empty cache of its own
                return {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-{name}-{round_number}"),
                        "CLIENTGEN_DIFF_NO_CACHE": "", "CLIENTGEN_DIFF_SERIAL": ""}

            samples["import"].append(timed(import_cmd, fresh("import"), 0))
            samples["import-warm"].append(timed(import_cmd, fresh("import"), 0))  # its schema check cached
            samples["cold"].append(timed(diff_cmd, fresh("cold"), 1))
            warm = fresh("warm")
            subprocess.run([str(CLIENTGEN), "diff", str(OPENAI_DOC), str(ROOT / "spec" / "clear_street.yaml")],
                           env=warm, check=False, stdout=subprocess.DEVNULL)  # caches the old side (not timed)
            samples["warm"].append(timed(diff_cmd, warm, 1))
            samples["serial"].append(timed(diff_cmd, {**fresh("serial"), "CLIENTGEN_DIFF_SERIAL": "1"}, 1))
    wall = {name: statistics.median(w for w, _ in values) for name, values in samples.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in samples.items()}
    print(f"clientgen diff of openai.yaml against a copy without one field, vs one import-openapi ({runs} runs, "
          f"medians; goal: <= 1.5x; ratios to the faster import, the one with its schema check cached)")
    for name, label in NAMES.items():
        ratio = "" if name.startswith("import") else (
            f"  ratio {wall[name] / wall['import-warm']:.2f}x wall, {cpu[name] / cpu['import-warm']:.2f}x CPU")
        print(f"  {label:<36}{wall[name]:6.2f}s wall  {cpu[name]:6.2f}s CPU{ratio}")
    print(f"  both from an empty cache: diff/import {wall['cold'] / wall['import']:.2f}x wall, "
          f"{cpu['cold'] / cpu['import']:.2f}x CPU")


NAMES = {"import": "import-openapi, empty cache", "import-warm": "import-openapi, schema check cached",
         "cold": "diff, empty cache, 2 processes", "warm": "diff, old side's surface cached",
         "serial": "diff, empty cache, one process"}


if __name__ == "__main__":
    main()
