"""`text_positions`, the position tables write_spec gives the spec it just wrote without reading the file back: they
must be exactly those `positions` gives (Document.position falls back to the closest known ancestor, so even a
missing path would move a location), or None."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.diagnostics import SpecError
from generator.load import load, positions, text_positions
from generator.openapi import dump, import_openapi, write_spec
from generator.pipeline import _surface, recall_built

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "openapi"
SPECS = ROOT.parent / "shared" / "specs"
CLEAR_STREET = SPECS / "clear-street-openapi.yml"
CORPUS = sorted(p for p in (SPECS / "corpus").rglob("*") if p.suffix in (".yaml", ".json"))
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*/spec.yaml"))


def _same_as_positions(text: str, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    found = text_positions(text)
    assert found is not None
    values, keys = positions(path)
    assert found[0] == values and found[1] == keys and values


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_clear_street_import(tmp_path: Path) -> None:
    """With its overrides, as the SDK is imported; the surface write_spec keeps locates as one built from the file."""
    result = import_openapi(CLEAR_STREET, CASES / "clear_street.overrides.yaml")
    _same_as_positions(dump(result.spec, CLEAR_STREET.name), tmp_path)
    output = tmp_path / "written.yaml"
    assert write_spec(result, CLEAR_STREET, output) == []
    kept = recall_built(output)
    assert kept is not None
    api, surface = kept
    assert surface == _surface(load(output), api)


@pytest.mark.parametrize("source", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_imports(source: Path, tmp_path: Path) -> None:
    """OpenAI's document and every one of the corpus that imports (with warnings or not)."""
    try:
        result = import_openapi(source)
    except SpecError:
        pytest.skip("does not import")
    _same_as_positions(dump(result.spec, source.name), tmp_path)


@pytest.mark.parametrize("spec", GOLDEN, ids=[p.parent.name for p in GOLDEN])
def test_golden_specs(spec: Path, tmp_path: Path) -> None:
    """Re-dumped, and as written by hand (any YAML libyaml reads cleanly gets the tables `positions` gives)."""
    _same_as_positions(dump(load(spec).data, spec.name), tmp_path)
    _same_as_positions(spec.read_text(encoding="utf-8"), tmp_path)


LITERAL = "intro\nkey: value\n- item\n  - nested: x\n# not a comment\n\n  indented first?\n"
EDGES: dict[str, Any] = {
    "literal": {"text": LITERAL, "keep": "a\nb\n\n", "strip": "a\nb", "lead": "  lead\nline"},
    "quoted": {"trailing": "a \nb", "one newline": "abc\n", "tab": "x\ty\nz\t", "crlf": "a\r\nb", "ls": "x\u2028y"},
    "flow": {"empty list": [], "empty map": {}, "list": [1, "two", None, True, 2.5], "map": {"a": 1, "b": "c d"},
             "in list": [[], {}, [1], {"k": "v"}, [[1, 2], [3]]]},
    "keys": {"a: b": 1, "- x": 2, "#c": 3, "": 4, "1e3": 5, "true": 6, "null": 7, "'q'": 8, '"d"': 9, "[x]": 10,
             "k" * 140: {"long key": "k" * 200}, "é ü 漢字": "ünïcødé 🎉", "<<": "not a merge"},
    "lists": [{"a": 1, "b": [1, 2, {"c": [3]}]}, [[["deep"]]], "- dash", ["x: y", "a\nb"], {"m": {"n": "long " * 30}}],
    "numbers": [0, -1, 10**30, 1e300, float("inf"), float("-inf"), "0o17", "0x1f", "017", "1_000"],
}


def test_edge_cases(tmp_path: Path) -> None:
    _same_as_positions(dump(EDGES, "edges.json"), tmp_path)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=12) | st.sampled_from(["a\nb", "a \nb", "x\n", "- y", "k: v", "|", "#"]),
                    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
                    max_leaves=40)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(value=st.dictionaries(st.text(min_size=1, max_size=8), JSON, min_size=1, max_size=4))
def test_any_dump(value: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Exactly the tables of `positions`, or None where the file would not load (characters YAML refuses)."""
    text = dump(value, "any.json")
    path = tmp_path_factory.mktemp("any") / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load(path)
    except SpecError:
        assert text_positions(text) is None
        return
    assert text_positions(text) == positions(path)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",  # a duplicate key: load reports it
    "a: &x [1]\nb: *x\n",  # aliases
    "a: !!binary aGk=\n",  # a tag
    "a: 1\n---\nb: 2\n",  # two documents
    "<<: {a: 1}\n",  # a merge key
    "a: [1\n",  # a syntax error
    "just text\n", "",  # no collection
    "a: " + "9" * 5000 + "\n",  # an integer int() refuses
    "a: \ufffe\n",  # a character YAML does not allow
    "[" * 70 + "]" * 70 + "\n",  # too deep
])
def test_what_load_would_not_read_cleanly_is_left_to_positions(text: str) -> None:
    assert text_positions(text) is None
