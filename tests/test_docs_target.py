"""The reference docs hold every fact of the seed documents (../shared/seeds) for cancel_position_instruction, and say
so when a method has no response body."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS

DOCS = ROOT / "generated" / "docs"
SDK_SEED = next(SEEDS.glob("001_*.txt"), None)
CLI_SEED = next(SEEDS.glob("000_*.txt"), None)
RUNTIME_DOCS = ROOT / "tests" / "golden" / "runtime" / "expected" / "docs"
needs_seeds = pytest.mark.skipif(SDK_SEED is None or CLI_SEED is None, reason="seed documents not present")


def normalized(text: str) -> str:
    """Compare text as the seeds were captured: without whitespace, Markdown marks or case."""
    return re.sub(r"[\s`*#]", "", text).lower()


def section(markdown: str, anchor: str) -> str:
    start = markdown.index(f'<a id="{anchor}"></a>')
    end = markdown.find("<a id=", start + 1)
    return markdown[start:end if end > 0 else None]


def json_documents(text: str) -> list[Any]:
    """Every top-level JSON object in free text."""
    decoder, found, index = json.JSONDecoder(), [], 0
    while (index := text.find("{", index)) >= 0:
        try:
            value, end = decoder.raw_decode(text, index)
        except ValueError:
            index += 1
            continue
        found.append(value)
        index = end
    return found


def sdk_facts(seed: str) -> list[str]:
    """Every inline-code span and every prose fragment of seed 001 (before its example blocks)."""
    reference = seed.split("### Example")[0]
    spans = re.findall(r"`([^`]+)`", reference)
    prose = [p.strip(" -#.,") for p in re.split(r"`[^`]+`", reference)]
    return spans + [p for p in prose if len(p) > 3]


def cli_facts(seed: str) -> list[str]:
    """Every line of seed 000 outside its JSON blocks (a JSON block starts with '{' at the end of a line)."""
    text = re.sub(r"^\}([A-Za-z])", "}\n\\1", seed, flags=re.MULTILINE)  # "}Returns Examples" -> two lines
    lines = re.split(r"\n|(?=\{\n)", text)
    return [line.strip(" \\") for line in lines if line.strip() and not re.match(r'\s*[{}\[\]"]', line)]


def assert_all_facts(facts: list[str], ours: str) -> None:
    missing = [fact for fact in facts if normalized(fact) not in normalized(ours)]
    assert not missing, f"{len(facts) - len(missing)}/{len(facts)} facts matched; missing: {missing}"


def our_section(page: str) -> str:
    return section((DOCS / page).read_text(), "cancel_position_instruction")


@needs_seeds
def test_sdk_reference_holds_every_fact_of_seed_001() -> None:
    assert SDK_SEED is not None
    seed = SDK_SEED.read_text()
    ours = our_section("python/v1/positions.md")
    facts = sdk_facts(seed)
    assert_all_facts(facts, ours)
    example = seed.split("```python")[1].split("```")[0]
    assert normalized(example) in normalized(ours.split("```python")[1].split("```")[0])
    assert json_documents(seed)[-1] == json_documents(ours)[-1]
    assert len(facts) >= 60


@needs_seeds
def test_cli_reference_holds_every_fact_of_seed_000() -> None:
    assert CLI_SEED is not None
    seed = CLI_SEED.read_text()
    ours = our_section("cli/v1/positions.md")
    facts = cli_facts(seed)
    assert_all_facts(facts, ours)
    seed_documents = json_documents(seed)
    assert seed_documents and all(document == json_documents(ours)[-1] for document in seed_documents)
    assert len(facts) >= 10


def test_index_links_every_method_in_both_references() -> None:
    index = (DOCS / "api.md").read_text()
    for method in ("cancel_position_instruction", "get_position_instructions", "submit_position_instructions"):
        assert f"(python/v1/positions.md#{method})" in index
        assert f"(cli/v1/positions.md#{method})" in index
    for page in ("python/v1/positions.md", "cli/v1/positions.md", "python/types.md"):
        assert (DOCS / page).is_file()
    assert "[../docs/api.md](../docs/api.md)" in (ROOT / "generated" / "python" / "README.md").read_text()
    assert "[../docs/api.md](../docs/api.md)" in (ROOT / "generated" / "cli" / "README.md").read_text()


def test_a_method_without_a_response_body_says_so_in_both_references() -> None:
    """`orders.cancel` of the runtime golden case declares no response."""
    python = section((RUNTIME_DOCS / "python" / "orders.md").read_text(), "cancel")
    assert "OrderCancelParams**kwargs) -> None`" in python
    assert "### Returns\n\n`None`: a success response has no body.\n" in python
    assert "client.orders.cancel(" in python and "response" not in python.split("### Example")[1]
    cli = section((RUNTIME_DOCS / "cli" / "orders.md").read_text(), "cancel")
    assert "### Returns\n\nNothing: a success response has no body, so the command prints nothing" in cli
    assert not json_documents(cli)
