"""SIGKILL at random moments of the write stage: the output directory is always exactly the old tree or exactly the
new one (the user's own files included), never a mix; the next run recovers whatever a killed run left beside it.

The generation itself (load to format) is done once here; each run is a subprocess that only writes it, with every
file-system step slowed down a little so the kills land all over the write phase, and prints WRITING when the
phase starts. The delays are drawn from a seeded generator, and the window runs past the end of the phase, so both
outcomes occur.
"""

from __future__ import annotations

import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.pipeline import generate_files
from tests.conftest import SPEC
from tests.test_write import smaller_spec

REPO = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("CLIENTGEN_KILLS", "60"))
STEP_DELAY = 0.002  # seconds added to each file-system step of the write stage

# Writes the pickled generation; every file-system call the write stage makes is slowed down.
WRITER = """
import functools, os, pickle, shutil, sys, time
from pathlib import Path
import generator.write as write

def slow(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        time.sleep({delay})
        return function(*args, **kwargs)
    return wrapper

for name in ("rename", "link", "symlink", "mkdir", "unlink", "rmdir"):
    setattr(os, name, slow(getattr(os, name)))
Path.write_bytes = slow(Path.write_bytes)
Path.mkdir = slow(Path.mkdir)
shutil.rmtree = slow(shutil.rmtree)
write._exchange = slow(write._exchange)
with open(sys.argv[1], "rb") as f:
    files, manifest = pickle.load(f)
print("WRITING", flush=True)
started = time.perf_counter()
write.write(Path(sys.argv[2]), files, manifest)
print("DONE", time.perf_counter() - started, flush=True)
"""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and directory under `root` (directories as a marker), caches excluded."""
    found = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" not in path.parts:
            found[path.relative_to(root).as_posix()] = path.read_bytes() if path.is_file() else b"<dir>"
    return found


def start_writer(pickled: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-c", WRITER.format(delay=STEP_DELAY), str(pickled), str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line == "WRITING\n", line + (process.stderr.read() if process.stderr else "")
    return process


def set_up_old(out: Path, old_tree: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(old_tree, out, symlinks=True)


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(the old tree with a user's files in it, the new tree, the pickled new generation)."""
    root = tmp_path_factory.mktemp("trees")
    old = generate_files(smaller_spec(root))
    new = generate_files(SPEC)
    for name, generation in (("old", old), ("new", new)):
        pickled = root / f"{name}.pickle"
        pickled.write_bytes(pickle.dumps((generation.files, generation.manifest)))
        subprocess.run([sys.executable, "-c", WRITER.format(delay=0), str(pickled), str(root / name)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
        (root / name / "NOTES.md").write_text("the user's own file\n")
        (root / name / "python" / "local").mkdir()
        (root / name / "python" / "local" / "settings.py").write_text("x = 1\n")
    assert snapshot(root / "old") != snapshot(root / "new")
    return root / "old", root / "new", root / "new.pickle"


def test_sigkill_during_the_write_leaves_old_or_new_never_a_mix(trees: tuple[Path, Path, Path],
                                                                 tmp_path: Path) -> None:
    old_tree, new_tree, pickled = trees
    old, new = snapshot(old_tree), snapshot(new_tree)
    out = tmp_path / "out"

    # One uninterrupted run measures how long the slowed write phase takes.
    set_up_old(out, old_tree)
    process = start_writer(pickled, out)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    duration = float(stdout.split()[-1])
    assert snapshot(out) == new

    outcomes = {"old": 0, "new": 0, "mixed": 0}
    rng = random.Random(20260424)
    for _ in range(KILLS):
        set_up_old(out, old_tree)  # siblings a killed run left stay: the next run must recover from them
        process = start_writer(pickled, out)
        time.sleep(rng.uniform(0, duration * 1.25))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=120)
        now = snapshot(out)
        outcome = "old" if now == old else "new" if now == new else "mixed"
        outcomes[outcome] += 1
        assert outcome != "mixed", sorted(set(now.items()) ^ set(old.items()))[:5]
    print(f"kills: {KILLS}, outcomes: {outcomes}")

    assert outcomes["mixed"] == 0
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes  # the kills did land before and after the swap
    # A run after all that recovers: the new tree, and nothing left beside it.
    set_up_old(out, old_tree)
    process = start_writer(pickled, out)
    assert process.wait(timeout=120) == 0
    assert snapshot(out) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_concurrent_runs_of_different_specs_leave_one_whole_tree(trees: tuple[Path, Path, Path],
                                                                 tmp_path: Path) -> None:
    old_tree, new_tree, new_pickle = trees
    old_pickle = new_pickle.with_name("old.pickle")
    old, new = snapshot(old_tree), snapshot(new_tree)
    out = tmp_path / "out"
    for round_ in range(4):
        set_up_old(out, old_tree)
        first, second = (new_pickle, old_pickle) if round_ % 2 else (old_pickle, new_pickle)
        runs = [start_writer(first, out), start_writer(second, out), start_writer(new_pickle, out)]
        for run in runs:
            assert run.wait(timeout=120) == 0, run.stderr.read() if run.stderr else ""
        assert snapshot(out) in (old, new)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
