"""The clientgen command as users run it: help texts, exit codes, messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.pipeline import generate_files
from tests.conftest import ROOT, SPEC


def clientgen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from generator.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)


@pytest.mark.parametrize("command", [[], ["generate"], ["validate"], ["check"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = clientgen(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: ")
    assert "Show this message and exit." in result.stdout


def test_version() -> None:
    assert clientgen("--version").stdout.strip() == f"clientgen, version {__version__}"


def test_validate_ok() -> None:
    result = clientgen("validate", "spec/clear_street.yaml")
    assert (result.returncode, result.stdout) == (0, "spec/clear_street.yaml: ok (3 methods, 15 type modules)\n")


def test_usage_error_exits_2() -> None:
    result = clientgen("generate", str(SPEC))
    assert result.returncode == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_generate_then_check(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generated = clientgen("generate", str(SPEC), "-o", str(out))
    assert generated.returncode == 0, generated.stderr
    expected = len(generate_files(SPEC).files) + 1  # and the manifest
    assert generated.stdout.startswith(f"clientgen: {out}: {expected} written, 0 unchanged, 0 removed in ")

    assert clientgen("check", str(SPEC), "-o", str(out)).returncode == 0

    (out / "python" / "clear_street" / "_version.py").write_text("tampered\n")
    (out / "python" / "clear_street" / "py.typed").unlink()
    stale = clientgen("check", str(SPEC), "-o", str(out))
    assert stale.returncode == 1
    assert "-tampered\n" in stale.stdout
    assert "missing: python/clear_street/py.typed" in stale.stdout
    assert f"is out of date (2 files differ); run: clientgen generate {SPEC} -o {out}" in stale.stderr


def test_refusal_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = clientgen("generate", str(SPEC), "-o", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"clientgen: error: {tmp_path} is not empty and was not written by clientgen")
    assert "Traceback" not in result.stderr
