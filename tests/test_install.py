"""Packaging: in fresh virtual environments, `pip install .` gives a working clientgen, and the generated SDK
installs and runs with only its declared dependencies."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_ENVELOPE, SPEC
from tests.server import Reply, ScriptedServer
from tests.test_write import snapshot

SEED_EXAMPLE = """
from clear_street import ClearStreet

client = ClearStreet(
    api_key="My API Key",
    base_url=BASE_URL,
)

response = client.v1.positions.cancel_position_instruction(
    instruction_id="182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e",
    account_id=0,
)
print(response)
print("status:", response.data.status)
"""


def fresh_venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin" / "python"


def pip_install(python: Path, *targets: str) -> None:
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *targets]
    subprocess.run(command, check=True, capture_output=True, timeout=600)


@pytest.mark.slow
def test_generated_sdk_installs_and_runs_the_seed_example(tmp_path: Path, server: ScriptedServer) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, str(ROOT / "generated" / "python"))
    server.reply(Reply(200, SEED_ENVELOPE))

    freeze = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True).stdout
    result = subprocess.run([str(python), "-c", f"BASE_URL = {server.url!r}\n{SEED_EXAMPLE}"],
                            capture_output=True, text=True, cwd=tmp_path, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("status: SENT\n")
    assert "data=PositionInstruction(id='0195f6d0-a1b2-7c3d-8e4f-5a6b7c8d9e02', account_id=122503," in result.stdout
    installed = {re.split(r"[=@ ]", line)[0].lower().replace("_", "-") for line in freeze.splitlines()}
    assert {"clear-street", "httpx", "pydantic"} <= installed
    assert not installed & {"jinja2", "pyyaml", "black", "click", "jsonschema"}  # nothing of the generator


@pytest.mark.slow
def test_non_editable_install_finds_its_templates(tmp_path: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, str(ROOT))
    out = tmp_path / "out"

    result = subprocess.run([str(tmp_path / "venv" / "bin" / "clientgen"), "generate", str(SPEC), "-o", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, check=False)

    assert result.returncode == 0, result.stderr
    assert snapshot(out) == {path: data for path, data in snapshot(ROOT / "generated").items()
                             if "__pycache__" not in path}
    assert sys.executable not in result.stdout
