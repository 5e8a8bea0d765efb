"""Generation is byte-identical across runs, processes and hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SPEC
from tests.test_write import snapshot


def run_generate(out: Path, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-c", "from generator.cli import main; main()", "generate", str(SPEC), "-o", str(out)]
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)


def test_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "1", "4242"):
        run_generate(tmp_path / seed, seed)
        trees.append(snapshot(tmp_path / seed))
    assert trees[0] == trees[1] == trees[2]
    assert len(trees[0]) > 20


def test_no_absolute_paths_or_timestamps_in_output(tmp_path: Path) -> None:
    run_generate(tmp_path / "out", "0")
    for path, content in snapshot(tmp_path / "out").items():
        text = content.decode()
        assert str(tmp_path) not in text and str(ROOT) not in text, path
        assert "2026-11" not in text, path
