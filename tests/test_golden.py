"""Golden files: generated output must equal the committed trees byte for byte (`make golden` rewrites them)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from generator.pipeline import check, generate_files
from tests.conftest import ROOT, SPEC

CASES = {"positions": (SPEC, ROOT / "generated")} | {
    case.name: (case / "spec.yaml", case / "expected") for case in sorted((ROOT / "tests" / "golden").iterdir())
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_output_matches_golden_tree(case: str) -> None:
    spec, expected = CASES[case]
    problems = check(spec, expected)
    assert not problems, "generated output differs from the golden tree; if intended, run `make golden` and read " \
                         "the diff:\n" + "".join(problems)


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_tree_holds_nothing_unexpected(case: str) -> None:
    spec, expected = CASES[case]
    generated = {f.path for f in generate_files(spec).files} | {".clientgen-manifest.json"}
    on_disk = {p.relative_to(expected).as_posix() for p in expected.rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and ".mypy_cache" not in p.parts}
    assert on_disk == generated


def test_check_reports_a_hand_edit_as_a_diff(tmp_path: Path) -> None:
    from generator.pipeline import generate

    generate(SPEC, tmp_path)
    models = tmp_path / "python" / "clear_street" / "_models.py"
    models.write_text(models.read_text() + "# hand edit\n")

    problems = check(SPEC, tmp_path)

    assert len(problems) == 1
    assert problems[0].startswith("--- a/python/clear_street/_models.py\n+++ b/python/clear_street/_models.py\n")
    assert "-# hand edit\n" in problems[0]


def test_edge_case_sdk_imports_and_parses(tmp_path: Path) -> None:
    """The edge-case SDK is not only lint-clean: its aliases, recursion and unions work at run time."""
    sys.path.insert(0, str(ROOT / "tests" / "golden" / "edge_cases" / "expected" / "python"))
    sys.dont_write_bytecode = True
    try:
        types = importlib.import_module("edge_cases.types")
        keywords = types.Keywords.model_validate(
            {"from": "a", "class": 1, "str": "s", "json": {"x": 1.5}, "model_config": "m", "2fa": True, "fooBar": "f"}
        )
        assert (keywords.from_, keywords.class_, keywords.str_, keywords.json_) == ("a", 1, "s", {"x": 1.5})
        assert (keywords.model_config_, keywords.n_2fa, keywords.foo_bar) == ("m", True, "f")
        tree = types.TreeNode.model_validate({"value": "root", "children": [{"value": "leaf", "children": []}]})
        assert tree.children[0].value == "leaf"
        parent = types.Parent.model_validate({"child": {"parent": {"child": None}}})
        assert isinstance(parent.child.parent, types.Parent)
        widget = types.Widget.model_validate({"name": "w", "size": 2, "created_at": "2026-01-02T03:04:05Z"})
        assert (widget.name, widget.size, widget.created_at.year) == ("w", 2, 2026)
        with pytest.raises(Exception, match="required_plain"):
            types.Nullability.model_validate({"required_nullable": "x"})
        # Responses are lenient: a nullable field the server leaves out reads as None, required or not.
        lenient = types.Nullability.model_validate({"required_plain": "x"})
        assert (lenient.required_nullable, lenient.optional_plain, lenient.optional_nullable) == (None, None, None)
        assert types.Color.__args__ == ("red", 'dark "green"', "back\\slash", "new\nline")
    finally:
        sys.dont_write_bytecode = False
