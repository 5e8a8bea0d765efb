"""A spec that differs from one that passed the JSON Schema only in its free text (descriptions, summaries,
titles) passes without jsonschema running; any other difference is checked again. The shortcut is sound only while
the schema gives every such key #/$defs/text, so the schema is held to that here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator import validate as validate_module
from generator.diagnostics import SpecError
from generator.load import load
from generator.validate import NAMED_MAPPINGS, TEXT_KEYS, TEXT_LIMIT, spec_schema, validate
from tests.test_diagnostics import BASE


def open_mappings(node: Any, name: str = "") -> set[str]:
    """Names of the properties whose value is an open mapping (a schema under additionalProperties)."""
    found = set()
    if isinstance(node, dict):
        if isinstance(node.get("additionalProperties"), dict) and name:
            found.add(name)
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for prop, schema in value.items():
                    found |= open_mappings(schema, prop)
            elif key == "$defs" and isinstance(value, dict):
                for definition, schema in value.items():
                    found |= open_mappings(schema, definition)
            elif key not in ("properties", "$defs"):
                found |= open_mappings(value, "")
    elif isinstance(node, list):
        for value in node:
            found |= open_mappings(value, "")
    return found


def text_key_schemas(node: Any) -> list[Any]:
    """The schema of every property named like a text key, anywhere in the spec schema."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found += [schema for prop, schema in value.items() if prop in TEXT_KEYS]
            found += text_key_schemas(value)
    elif isinstance(node, list):
        for value in node:
            found += text_key_schemas(value)
    return found


def test_the_schema_gives_every_text_key_the_text_definition() -> None:
    schema = spec_schema()
    assert schema["$defs"]["text"] == {"type": "string", "maxLength": TEXT_LIMIT}
    found = text_key_schemas(schema)
    assert len(found) >= 8
    assert all(s.get("$ref") == "#/$defs/text" and set(s) <= {"$ref", "description"} for s in found), found


def test_the_only_mappings_of_names_are_the_known_ones() -> None:
    # $defs/resources is what the 'resources' keys refer to.
    assert open_mappings(spec_schema()) - {"additionalProperties"} == NAMED_MAPPINGS


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "spec.yaml"
    path.write_text(BASE)
    validate(load(path))  # passes, and is remembered
    return path


def jsonschema_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    runs: list[int] = []
    real = validate_module._validator_class

    def counted() -> Any:
        runs.append(1)
        return real()

    monkeypatch.setattr(validate_module, "_validator_class", counted)
    return runs


def test_rewording_a_description_is_not_checked_again(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = jsonschema_runs(monkeypatch)
    spec.write_text(BASE.replace("description: A position.", "description: A position, reworded at length."))
    validate(load(spec))
    assert runs == []


@pytest.mark.parametrize("edit, code", [
    (("description: A position.", "description: 12"), "wrong-type"),  # text that is not a string
    (("description: A position.", "description: " + "x" * (TEXT_LIMIT + 1)), "invalid"),  # too long
    (("type: object\n    description: A position.", "type: objekt\n    description: A position."), "bad-value"),
    (("symbol: {type: string}", "description: A field named description.\n      symbol: {type: string}"),
     "wrong-type"),  # a property named 'description' is a schema, not text
])
def test_any_other_difference_is_checked_again(spec: Path, monkeypatch: pytest.MonkeyPatch,
                                                edit: tuple[str, str], code: str) -> None:
    runs = jsonschema_runs(monkeypatch)
    assert edit[0] in BASE
    spec.write_text(BASE.replace(*edit))
    with pytest.raises(SpecError) as raised:
        validate(load(spec))
    assert runs == [1]
    assert code in {d.code for d in raised.value.diagnostics}


def test_without_a_cache_directory_it_still_validates(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/clientgen-cannot-write-here")
    runs = jsonschema_runs(monkeypatch)
    validate(load(spec))
    validate(load(spec))
    assert runs == [1, 1]
    assert json.dumps(spec.read_text())  # the spec itself is untouched
