"""Formatting a file piece by piece (generator/pieces.py) gives exactly what black gives for the whole file: on every
Python file the generator writes for the goldens, the Clear Street specs, the adversarial spec and fuzzed specs, and
on hypothesis-built modules full of what could trip a cut (comments, decorators, docstrings, stubs, strings that look
like code). And a file is only ever cut where the argument in pieces.py holds."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import format as fmt
from generator import pieces
from generator.diagnostics import SpecError
from generator.openapi import import_openapi, write_spec
from generator.pipeline import load_api
from generator.render import render
from tests.test_fuzz import mutated_specs
from tests.test_openapi import CLEAR_STREET

ROOT = Path(__file__).resolve().parent.parent
SPECS = [ROOT / "spec" / "clear_street.yaml", ROOT / "tests" / "adversarial" / "spec.yaml",
         *sorted((ROOT / "tests" / "golden").glob("*/spec.yaml"))]
CHECKED: set[str] = set()  # texts already compared, across examples


def whole(text: str) -> str:
    return black.format_str(text, mode=fmt._mode(black))


def by_pieces(text: str) -> str:
    files = [fmt.OutputFile("m.py", text)]
    return fmt.format_files(files).files[0].content


def check(text: str) -> bool:
    """Pieces and whole agree on `text`; True when it was cut at all."""
    cut = len(pieces.split(text)) > 1
    digest = hashlib.sha256(text.encode()).hexdigest()
    if cut and digest not in CHECKED:
        assert by_pieces(text) == whole(text)
        CHECKED.add(digest)
    return cut


def python_files(spec: Path) -> Iterator[str]:
    yield from (f.content for f in render(load_api(spec)) if f.is_python)


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.parent.name if p.name == "spec.yaml" else p.stem)
def test_every_generated_file_formats_the_same_in_pieces(spec: Path) -> None:
    assert sum(check(text) for text in python_files(spec)) >= 3  # resource modules and the base client are cut


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_the_imported_clear_street_api_formats_the_same_in_pieces(tmp_path: Path) -> None:
    spec = tmp_path / "clear_street.yaml"
    assert write_spec(import_openapi(CLEAR_STREET), CLEAR_STREET, spec) == []
    assert sum(check(text) for text in python_files(spec)) >= 10


def python_files_of(spec_text: bytes) -> list[str]:
    """The Python files rendered from a spec given as text; none when it has problems."""
    with tempfile.TemporaryDirectory() as directory:
        spec = Path(directory) / "spec.yaml"
        spec.write_bytes(spec_text)
        try:
            return list(python_files(spec))
        except SpecError:
            return []


FUZZ_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ_SETTINGS
@given(text=mutated_specs())
def test_fuzzed_specs_format_the_same_in_pieces(text: bytes) -> None:
    for content in python_files_of(text):
        check(content)


# --- hypothesis-built modules: every cut there is to make, made (MIN_LINES 1) ----------------------------------

NAME = st.sampled_from(["f", "g", "run", "_", "Model", "Thing", "overload", "cached_property"])
LONG = "x" * 70
# Mostly comments a file may be cut around; the others keep the whole file in one piece.
COMMENT = st.sampled_from(["# note", "# note", "# note", "#!shebang", "# type: ignore", "# fmt: off", "# coding: utf-8"])
BODY = st.sampled_from([
    "pass", "...", '"""Doc."""', '"""Doc.\n\n    More.\n    """', "return 1", f"return call({LONG!r}, {LONG!r})",
    "x = [\n        1,\n    ]", 'x = """\n\ndef fake():\n    pass\n"""', "if x:\n        pass\n\n    y = 2",
    "# only a comment\n    pass", "x: int = 1", f'"""{LONG} {LONG}"""',
])


@st.composite
def functions(draw: st.DrawFn, indent: str = "") -> str:
    decorators = draw(st.lists(st.sampled_from(["@property", "@staticmethod", "@overload", "@dec(1)"]), max_size=2))
    head = draw(st.sampled_from(["def", "async def"]))
    arguments = draw(st.sampled_from(["self", "self, a: int = 1", f"self, {LONG}: str, b_{LONG}: int", "*args"]))
    body = draw(BODY).replace("\n    ", "\n    " + indent)
    lines = [*decorators, f"{head} {draw(NAME)}({arguments}):", f"    {body}"]
    return "\n".join(indent + line if line else line for line in "\n".join(lines).split("\n")) + "\n"


@st.composite
def classes(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(["", "(Base)", "(Base, metaclass=M)", "(\n    Base,\n)"]))
    parts = [f"class {draw(NAME)}{base}:\n"]
    for index in range(draw(st.integers(1, 4))):
        parts.append(draw(gaps()) if index else draw(st.sampled_from(["", "\n"])))
        parts.append(draw(st.one_of(functions("    "), st.just('    """Doc."""\n'), st.just("    x = 1\n"),
                                    COMMENT.map(lambda c: f"    {c}\n"))))
    return "".join(parts)


@st.composite
def gaps(draw: st.DrawFn) -> str:
    plain = ["\n", "\n\n", "\n\n\n", "\n  \n"] * 3  # mostly gaps where a cut is made
    return draw(st.sampled_from([*plain, "", "# lead\n", "\n# lead\n", "\n# lead\n\n"]))


STATEMENTS = st.one_of(
    functions(), classes(), COMMENT.map(lambda c: c + "\n"),
    st.sampled_from(['"""Module docstring."""\n', "import os\n", "from a import (\n    b,\n)\n", "x = 1\n",
                     "if TYPE_CHECKING:\n    from a import b\n", "try:\n    pass\nexcept E:\n    pass\n",
                     f"call({LONG!r}, {LONG!r})\n", "@dec\n\nclass Gap:\n    pass\n"]),
)


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.tuples(gaps(), STATEMENTS), min_size=1, max_size=8))
def test_built_modules_format_the_same_in_pieces(parts: list[tuple[str, str]]) -> None:
    text = "".join(gap + statement for gap, statement in parts)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pieces, "MIN_LINES", 1)
        try:
            expected = whole(text)
        except black.parsing.InvalidInput:
            with pytest.raises(fmt.FormatError):
                by_pieces(text)
            return
        assert by_pieces(text) == expected


# --- where cuts are made -----------------------------------------------------------------------------------------


def cut_lines(text: str) -> list[str]:
    return [piece.text.removeprefix(pieces.WRAPPER).split("\n")[0] for piece in pieces.split(text)[1:]]


@pytest.fixture
def every_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "MIN_LINES", 1)


@pytest.mark.usefixtures("every_cut")
def test_cuts_are_made_before_definitions_after_plain_code() -> None:
    text = ("import os\n\n\nclass A(Base):\n    x = 1\n\n    def f(self):\n        pass\n\n    @property\n"
            "    def g(self):\n        pass\n\n\n@dec\ndef h():\n    pass\n")
    assert cut_lines(text) == ["class A(Base):", "    def f(self):", "    @property", "@dec"]
    assert [piece.nested for piece in pieces.split(text)] == [False, False, True, True, False]


@pytest.mark.usefixtures("every_cut")
@pytest.mark.parametrize("text", [
    "x = 1\n# leads f\n\ndef f():\n    pass\n",  # a comment before the gap
    "x = 1\ndef f():\n    pass\n",  # no blank line
    "class A:\n\n    def f(self):\n        pass\n",  # a class would be left without a body
    '"""Doc."""\n\n@dec\ndef f():\n    pass\n',  # a decorator after the module docstring
    "x = 1\n\n\ndef f():\n    pass\n# fmt: off\n",  # black directives
    "x = 1\n\n\ndef f():\n    # -*- coding: latin-1 -*-\n    pass\n",  # a would-be encoding cookie
    "x = 1\r\n\r\n\r\ndef f():\r\n    pass\r\n",  # other line breaks
    "class A:\n    x = 1\n\n    def f(self):\n        pass\ny = 2\n",  # methods running on into top-level code
    "class A:\n  x = 1\n\n  def f(self):\n    pass\n",  # a body not indented by four spaces
    "def f():\n    x = 1\n\n    def g():\n        pass\n",  # a function's inner functions
])
def test_no_cut_where_black_could_decide_otherwise(text: str) -> None:
    assert pieces.split(text) == [pieces.Piece(text, False)]


def test_small_pieces_are_not_cut() -> None:
    text = "x = 1\n\n\ndef f():\n    pass\n"
    assert pieces.split(text) == [pieces.Piece(text, False)]


@pytest.mark.usefixtures("every_cut")
def test_a_piece_black_will_not_take_alone_leaves_the_file_whole() -> None:
    text = 'x = """\n\n\ndef fake():\n    pass\n"""\n'
    assert len(pieces.split(text)) == 2  # cut inside the string: the first piece does not parse
    assert by_pieces(text) == whole(text)
    with pytest.raises(fmt.FormatError, match="invalid Python in m.py"):
        by_pieces("x = 1\n\n\ndef f(:\n    pass\n")
