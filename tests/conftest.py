from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from tests.server import ScriptedServer, serve

ROOT = Path(__file__).resolve().parent.parent

# Tests must not read or fill the user's cache (compiled templates, records of earlier generations).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="clientgen-test-cache-")
SPEC = ROOT / "spec" / "clear_street.yaml"
SEEDS = ROOT.parent / "shared" / "seeds"

# The response example of seed 001 (SDK reference) for cancel_position_instruction, verbatim.
SEED_ENVELOPE: dict[str, Any] = json.loads("""{
  "metadata": {"request_id": "request_id", "next_page_token": "U3RhaW5sZXNzIHJvY2tz", "page_number": 0,
               "previous_page_token": "U3RhaW5sZXNzIHJvY2tz", "total_items": 0, "total_pages": 0},
  "error": {"code": 400, "message": "Order quantity must be greater than zero", "details": [{"foo": "bar"}]},
  "data": {"id": "0195f6d0-a1b2-7c3d-8e4f-5a6b7c8d9e02", "account_id": 122503, "instruction_id": "ui-20260424-001",
           "instruction_type": "EXERCISE", "instrument_id": "0195f6d0-a1b2-7c3d-8e4f-5a6b7c8d9e02", "quantity": "1",
           "status": "SENT", "symbol": "AAPL 280121C00195000", "accepted_quantity": null,
           "created_at": "2026-04-24T14:30:00Z", "rejection_reason": null, "updated_at": "2026-04-24T14:30:00Z"}
}""")


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from serve()


@pytest.fixture(scope="session")
def sdk_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The positions SDK, freshly generated from spec/ into a temporary directory and importable."""
    out = tmp_path_factory.mktemp("sdk")
    generate(SPEC, out)
    sys.path.insert(0, str(out / "python"))
    return out


@pytest.fixture(scope="session")
def clear_street(sdk_root: Path) -> Any:
    return importlib.import_module("clear_street")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The real-API suite's table (tests/test_real_apis.py), when it ran in this session."""
    module = sys.modules.get("tests.test_real_apis")
    text = module.summary() if module is not None else ""
    if text:
        terminalreporter.section("real APIs: calls passed per document")
        terminalreporter.write_line(text)
