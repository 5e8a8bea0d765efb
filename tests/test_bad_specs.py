"""The corpus of broken specs in tests/bad_specs/: each `NAME.yaml` must give exactly the lines of `NAME.expected`.

Every case runs `clientgen generate` in a subprocess with an address-space limit and must: exit 1, print at least
one `file:line:col: error:` line and no traceback, stay under the memory bound, and leave the output directory
(a real earlier generation) byte for byte and timestamp for timestamp as it was. Three cases have no `.yaml` in the
repository, because their input cannot or should not be committed: a 50 MB file, a missing file and a directory.

Regenerate the expectations after a deliberate wording change with CLIENTGEN_UPDATE_GOLDEN=1, then read the diff.
A BOM or CRLF line endings alone are not errors (they are accepted, see spec/README.md); the corpus pins that the
positions reported in such files are still right (`encoding_bom_then_unknown_key`, `encoding_crlf_with_unknown_key`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.pipeline import generate
from tests.test_diagnostics import BASE

CORPUS = Path(__file__).resolve().parent / "bad_specs"
REPO = CORPUS.parent.parent
UPDATE = os.environ.get("CLIENTGEN_UPDATE_GOLDEN") == "1"
ADDRESS_SPACE_LIMIT = 2 * 1024**3  # RLIMIT_AS of each run: an alias bomb or a runaway parser dies of MemoryError
PEAK_RSS_LIMIT_KIB = 400 * 1024  # and what a run may actually use (the interpreter and its imports take ~60 MiB)
TIMEOUT = 120  # seconds; generous, it only stops a hang
DIAGNOSTIC = re.compile(r"^[^:\n]+:\d+:\d+: error: .+ \[[a-z-]+\]$", re.MULTILINE)

# Runs the CLI under the limits and reports its own peak RSS (KiB) on file descriptor 3's stand-in, a file.
RUNNER = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
def report():
    with open({rss!r}, "w") as out:
        out.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
import atexit
atexit.register(report)
from generator.cli import main
sys.argv = ["clientgen", *sys.argv[1:]]
main()
"""


def _huge(directory: Path) -> str:
    """50 MB: a valid spec followed by comment lines (created here, never committed)."""
    path = directory / "huge_file_50mb.yaml"
    line = b"# " + b"x" * 97 + b"\n"
    with path.open("wb") as out:
        out.write(BASE.encode())
        out.write(line * (50 * 1024 * 1024 // len(line)))
    return path.name


def _missing(directory: Path) -> str:
    return "missing_file.yaml"


def _directory(directory: Path) -> str:
    (directory / "a_directory.yaml").mkdir()
    return "a_directory.yaml"


DYNAMIC: dict[str, Callable[[Path], str]] = {
    "huge_file_50mb": _huge,
    "missing_file": _missing,
    "directory_instead_of_file": _directory,
}
CASES = sorted([p.stem for p in CORPUS.glob("*.yaml")] + list(DYNAMIC))


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry under `root` with its content (files) and modification time."""
    found = {}
    for path in sorted(root.rglob("*")):
        content = path.read_bytes() if path.is_file() else b"<dir>"
        found[path.relative_to(root).as_posix()] = (content, path.stat().st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real generation that every case then tries, and must fail, to replace."""
    root = tmp_path_factory.mktemp("previous")
    (root / "spec.yaml").write_text(BASE)
    generate(root / "spec.yaml", root / "out")
    (root / "out" / "NOTES.md").write_text("mine\n")
    return root / "out"


def run_case(name: str, workdir: Path, out_dir: Path) -> tuple[subprocess.CompletedProcess[str], int, str]:
    """Place the case's input in `workdir` and run clientgen generate on it: (result, peak RSS in KiB, spec arg)."""
    if name in DYNAMIC:
        spec = DYNAMIC[name](workdir)
    else:
        spec = f"{name}.yaml"
        shutil.copyfile(CORPUS / spec, workdir / spec)
    rss_file = workdir / "rss.txt"
    code = RUNNER.format(limit=ADDRESS_SPACE_LIMIT, rss=str(rss_file))
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-c", code, "generate", spec, "-o", str(out_dir)], cwd=workdir,
                            check=False, capture_output=True, text=True, timeout=TIMEOUT, env=env, errors="replace")
    return result, int(rss_file.read_text()), spec


def test_the_corpus_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40
    assert all((CORPUS / f"{name}.expected").exists() or UPDATE for name in CASES)
    orphans = {p.stem for p in CORPUS.glob("*.expected")} - set(CASES)
    assert not orphans, f"expectations without a case: {sorted(orphans)}"


@pytest.mark.parametrize("name", CASES)
def test_bad_spec(name: str, tmp_path: Path, previous_output: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(previous_output, out, copy_function=shutil.copy2)
    before = snapshot(out)
    workdir = tmp_path / "work"
    workdir.mkdir()

    result, peak_rss, _ = run_case(name, workdir, out)

    expected_file = CORPUS / f"{name}.expected"
    if UPDATE:
        expected_file.write_text(result.stderr)
    assert result.stderr == expected_file.read_text()
    assert result.returncode == 1
    assert result.stdout == ""
    assert DIAGNOSTIC.search(result.stderr), "no file:line:col: error: line"
    assert "Traceback" not in result.stderr
    print(f"{name}: peak RSS {peak_rss // 1024} MiB")
    assert peak_rss < PEAK_RSS_LIMIT_KIB, f"peak RSS {peak_rss} KiB"
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "work"]  # no half-built sibling left behind


def test_validate_reports_the_same_diagnostics(tmp_path: Path) -> None:
    """`clientgen validate` shares the stages: spot-check that it prints the same lines (minus the summary)."""
    for name in ("syntax_tab_indent", "name_collisions", "encoding_nul_byte"):
        shutil.copyfile(CORPUS / f"{name}.yaml", tmp_path / f"{name}.yaml")
        result = subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", "validate", f"{name}.yaml"], cwd=tmp_path,
                                check=False, capture_output=True, text=True, timeout=TIMEOUT,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
        expected = (CORPUS / f"{name}.expected").read_text().splitlines()
        assert result.returncode == 1
        assert result.stderr.splitlines()[:-1] == expected[:-1]
