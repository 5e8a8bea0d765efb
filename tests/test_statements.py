"""black's output put together statement by statement (generator/statements.py) is black's own: on every piece the
generator writes for the goldens, Clear Street and the adversarial spec (where it must also cover nearly every
piece, or it saves nothing), and on hypothesis-built classes and modules full of what black does read (docstrings
in and out of docstring position, blank lines in every number, comments, decorators, stub bodies, semicolons, lines
about as long as the limit, names and words of many lengths). Where it cannot vouch for a text, it says None."""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import format as fmt
from generator.pieces import split
from generator.statements import _walk, formatted
from tests.test_pieces import SPECS, python_files


def black_of(text: str) -> str | None:
    try:
        return black.format_str(text, mode=fmt._mode(black))
    except black.parsing.InvalidInput:
        return None


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.parent.name if p.name == "spec.yaml" else p.stem)
def test_every_generated_piece_is_formatted_as_black_does(spec: Path) -> None:
    covered = total = 0
    for text in python_files(spec):
        for piece in split(text):
            result = formatted(piece.text, black_of)
            total += 1
            if result is not None:
                covered += 1
                assert result == black_of(piece.text), piece.text[:400]
    assert covered >= 0.9 * total


# --- hypothesis-built code ---------------------------------------------------------------------------------------

NAME = st.sampled_from(["x", "ab", "Qa", "Z0", "id", "type", "match", "print", "value", "account_id",
                        "Widgets0001ListWidgets0001Response", "a" * 40, "naïve", "名前"])
ANNOTATION = st.sampled_from(["str", "int | None", "list[Widget]", 'Literal["a", "b"]', "dict[str, Any] | None",
                              'Literal["' + '", "'.join(["value"] * 12) + '"]', "Annotated[A | B, Field(x=1)]",
                              "tuple[int, ...]", "list[  int ]", "Optional[str]"])
DEFAULT = st.sampled_from(["", " = None", ' = Field(alias="x")', " = 1", " = 'single'", ' = "' + "w " * 40 + '"',
                           ' = Field(default=None, alias="wire")', " = [1, 2,]", " = (1)"])
DOCSTRING = st.sampled_from(['"""One line."""', '"""   Padded.   """', "'''Single.'''", '"""Ends with "quote\\""""',
                             '"""Two\n\n    lines.\n    """', '"""Two\n    lines, the last one long enough ' + "x" * 60
                             + '"""', '""" """', '"""' + "long " * 30 + '"""', '"""Wide 漢字."""', "u'''Prefixed.'''",
                             '"""Trailing   \n    spaces."""', '"a plain string"', '"""A \\\\ backslash."""'])
COMMENT = st.sampled_from(["# a comment", "#tight", "# fmt: skip", "# type: ignore"])


@st.composite
def fields(draw: st.DrawFn, indent: str) -> str:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return indent + draw(DOCSTRING)
    if kind == 1:
        return indent + draw(COMMENT)
    if kind == 2:
        return indent + draw(st.sampled_from(["pass", "...", "x = 1; y = 2", "return x", "del x",
                                              "raise ValueError('no')", "import os", "from . import x"]))
    line = f"{indent}{draw(NAME)}: {draw(ANNOTATION)}{draw(DEFAULT)}"
    if draw(st.booleans()):
        line += "\n" + indent + draw(DOCSTRING)
    return line


@st.composite
def blocks(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 5))
    body = draw(st.lists(fields("    "), min_size=1, max_size=6))
    gaps = [draw(st.sampled_from(["\n", "\n\n", "\n\n\n"])) for _ in body]
    inner = "".join(gap + line for gap, line in zip(gaps, body))
    if kind == 0:
        return f"def {draw(NAME)}(self, {draw(NAME)}: {draw(ANNOTATION)}) -> {draw(ANNOTATION)}:{inner}"
    if kind == 1:
        return f"@decorator\nclass {draw(NAME)}(Base, total=False):{inner}"
    if kind == 2:
        return draw(fields(""))
    return f"class {draw(NAME)}({draw(NAME)}):{inner}"


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(parts=st.lists(blocks(), min_size=1, max_size=4),
       gaps=st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "\n\n\n\n"]), min_size=4, max_size=4))
def test_built_code_is_formatted_as_black_does_or_not_at_all(parts: list[str], gaps: list[str]) -> None:
    text = "".join(part + gap for part, gap in zip(parts, gaps))
    result = formatted(text, black_of)
    if result is not None:
        assert result == black_of(text)


# --- what it leaves to black whole -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "x = 1  # fmt: skip\n", "x = \\\n    1\n", "if x:\n\tpass\n", "x = 1", "class A:\n   x = 1\n",
])
def test_text_it_cannot_vouch_for_is_left_to_black(text: str) -> None:
    assert formatted(text, black_of) is None


def test_a_statement_black_changes_is_formatted_on_its_own_and_put_back() -> None:
    text = ('class Widget(BaseModel):\n    """A widget."""\n\n    kind: Literal["' + '", "'.join(["gadget"] * 14)
            + '"]\n    """Its kind."""\n\n    name: str\n')
    assert formatted(text, black_of) == black_of(text) != text


def test_a_stub_body_black_joins_to_its_header_is_left_to_black() -> None:
    text = "class Proto(Protocol):\n    def read(self) -> bytes:\n        ...\n\n    x: int\n"
    assert black_of(text) != text
    assert formatted(text, black_of) is None


# --- the skeleton's walk -----------------------------------------------------------------------------------------


@given(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=40))
def test_the_walk_keeps_every_step_and_takes_no_other(run: list[str]) -> None:
    walked = _walk(run)
    steps = set(zip(["\0" + run[0], *run[1:]], run[1:]))
    kept = set(zip(["\0" + walked[0], *walked[1:]], walked[1:]))
    assert walked[0] == run[0] and walked[-1] == run[-1]
    assert kept == steps
