"""Formatting a piece through its shape (generator/shapes.py) gives exactly what black gives for the piece itself:
on every piece of every Python file the generator writes for the specs of test_pieces (the goldens, Clear Street,
the adversarial spec, fuzzed specs), and on hypothesis-built code full of what black does read (quotes, escapes,
docstrings, keywords, soft keywords, wide characters, lines about as long as the limit, names that look like
stand-ins). And pieces of one shape cost black one call."""

from __future__ import annotations

from pathlib import Path

import black
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import format as fmt
from generator import statements as by_statements
from generator.openapi import import_openapi, write_spec
from generator.pieces import WRAPPER, Piece, split
from generator.shapes import restore, shape_of
from tests.test_fuzz import mutated_specs
from tests.test_openapi import CLEAR_STREET
from tests.test_pieces import FUZZ_SETTINGS, SPECS, python_files, python_files_of


def direct(piece: Piece) -> str | None:
    """black on the piece itself, no shape involved."""
    return fmt._black_piece(piece)


def assert_same_through_shapes(texts: list[str]) -> int:
    """Every piece of `texts` formats the same through its shape as directly; the number of pieces shaped."""
    shaped = 0
    for text in texts:
        for piece in split(text):
            shaped += shape_of(piece.text) is not None
            assert fmt.format_piece(piece) == direct(piece), piece.text[:400]
    return shaped


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.parent.name if p.name == "spec.yaml" else p.stem)
def test_every_generated_piece_formats_the_same_through_its_shape(spec: Path) -> None:
    assert assert_same_through_shapes(list(python_files(spec))) >= 40


@pytest.mark.skipif(not CLEAR_STREET.exists(), reason="the Clear Street document is not present")
def test_the_imported_clear_street_api_formats_the_same_through_shapes(tmp_path: Path) -> None:
    spec = tmp_path / "clear_street.yaml"
    assert write_spec(import_openapi(CLEAR_STREET), CLEAR_STREET, spec) == []
    assert assert_same_through_shapes(list(python_files(spec))) >= 300


@FUZZ_SETTINGS
@given(text=mutated_specs())
def test_fuzzed_specs_format_the_same_through_shapes(text: bytes) -> None:
    assert_same_through_shapes(python_files_of(text))


# --- hypothesis-built code ---------------------------------------------------------------------------------------

# Names of many lengths, and the ones black or the parser treat apart: soft keywords, builtins once keywords,
# one-letter names, names that are not ASCII (one of them wide), names shaped like stand-ins.
NAME = st.sampled_from(["x", "_", "Q", "ab", "Qa", "Qb_", "Qa__", "id", "match", "case", "type", "print", "exec",
                        "self", "value", "account_id", "extra_headers", "naïve", "名前", "__future__", "annotations",
                        "Widgets0001ListWidgets0001Response", "a" * 40, "b" * 41, "a_" * 30])
STRING = st.sampled_from([
    '""', "''", '"text"', "'text'", "'it\\'s'", '"say \\"hi\\""', "'say \"hi\"'", '"it\'s"', "'''a 'b' c'''",
    '"\\xAB \\u00E9 \\N{EM DASH}"', "r'\\d+'", "b'bytes'", "U'upper'", "Rb'\\x'", "f'{value!r}'", 'f"{x}" "y"',
    '"é"', '"漢字漢字"', '"#not a comment"', '"x" * 50', '"' + "word " * 20 + '"', "'''\nline\n  two\n'''",
    '"""ends with a "quote" """', '"""tab\there"""', '"""""x"""', '"Qa Qb_ names"',
])
DOCSTRING = st.sampled_from([
    '"""One line."""', "'''Single quotes.'''", '"""   Padded.   """', '"""Ends with a quote"""',
    '"""Two\n\n    lines, indented.\n    """', '"""Trailing spaces   \n    and\ttabs\t\n"""', '""" """', '""""""',
    '"""A backslash \\\\ here."""', '"""Escapes \\xAB."""', '"""' + "long " * 30 + '"""',
    '"""Line\n' + "x" * 115 + '"""', "u'''Prefixed.'''", '"""Wide 漢字."""',
])


# What an expression can be made of: a call, an attribute, a subscript, an operator, a list, a dict, parentheses,
# a lambda, a unary minus ({n}: a name, {a} and {b}: smaller expressions).
FORMS = ["{n}({args})", "{a}.{n}", "{a}[{b}{comma}]", "{a} {op} {b}", "[{args}{comma}]", "{{{a}: {b}}}", "({a})",
         "lambda {n}: {a}", "-{a}"]
OPERATORS = ["+", "or", "is not", "not in", "**", "==", "if x else"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    leaf = st.one_of(NAME, STRING, st.sampled_from(["1", "0xFF", "1e-5", "1_000", "None", "True", "..."]))
    if depth > 2 or draw(st.integers(0, 9)) == 0:
        return draw(leaf)
    sub = expressions(depth + 1)
    return draw(st.sampled_from(FORMS)).format(
        n=draw(NAME), a=draw(sub), b=draw(sub), args=", ".join(draw(st.lists(sub, max_size=4))),
        op=draw(st.sampled_from(OPERATORS)), comma=draw(st.sampled_from(["", ","])))


# Statements, black's keywords among them ({n}, {m}: names, {e}, {f}: expressions, {s}: a string, {i}: the indent).
STATEMENTS = ["{n} = {e}", "return {e}", "{n}: {f} = {e}  # {m} Qa_ note", "from .{n} import {m}, {n}",
              "del ({n}), {m}", "for ({n}) in {e}:\n{i}    pass", "if ({n} := {e}):\n{i}    print({s})",
              "assert {e}, {s}", "{e}"]


@st.composite
def statements(draw: st.DrawFn, indent: str = "") -> str:
    line = draw(st.sampled_from(STATEMENTS)).format(n=draw(NAME), m=draw(NAME), e=draw(expressions()),
                                                    f=draw(expressions()), s=draw(STRING), i=indent)
    return indent + line + "\n"


@st.composite
def definitions(draw: st.DrawFn) -> str:
    name, argument = draw(NAME), draw(NAME)
    annotation = draw(expressions())
    head = f"def {name}(self, {argument}: {annotation} = {draw(expressions())}, *, {draw(NAME)}: int = 1) -> {annotation}:"
    body = "".join(draw(st.lists(statements("        "), min_size=1, max_size=3)))
    docstring = draw(st.one_of(st.just(""), DOCSTRING.map(lambda d: f"        {d}\n")))
    return f"class {draw(NAME)}(Base):\n    {draw(DOCSTRING)}\n\n    {head}\n{docstring}{body}"


@settings(max_examples=500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(parts=st.lists(st.one_of(statements(), definitions(), DOCSTRING.map(lambda d: d + "\n")), min_size=1,
                      max_size=4))
def test_built_code_formats_the_same_through_its_shape(parts: list[str]) -> None:
    text = "\n".join(parts)
    for nested in (False, True):
        piece = Piece(WRAPPER + "    " + text.replace("\n", "\n    ").rstrip(" ") if nested else text,
                      nested)
        assert fmt.format_piece(piece) == direct(piece)


# --- what a shape is ---------------------------------------------------------------------------------------------


def test_a_shape_keeps_lengths_keywords_and_quotes_and_replaces_the_rest() -> None:
    shape = shape_of('def get(self, widget_id: str) -> Widget:\n    return fetch(widget_id, "/v1/it\'s")\n')
    assert shape is not None
    assert shape.text == 'def Qa_(Qa__, Qa_______: Qb_) -> Qa____:\n    return Qa___(Qa_______, "xxxxxx\'x")\n'
    assert shape.names["Qa_______"] == "widget_id"


def test_methods_alike_but_for_names_of_the_same_length_share_a_shape() -> None:
    one = shape_of('    def get_widget(self, widget_id: str) -> Widget:\n        """Get a Widget."""\n')
    two = shape_of('    def get_gadget(self, gadget_id: str) -> Gadget:\n        """Get a Gadget."""\n')
    assert one is not None and two is not None and one.text == two.text


@pytest.mark.parametrize("text", ['x = f"{name}"\n', "x = 1\n", "# only a comment\n", "if x:\n    pass\n"])
def test_text_with_an_f_string_or_nothing_to_replace_is_its_own_shape(text: str) -> None:
    assert shape_of(text) is None


def test_too_many_short_names_make_a_piece_its_own_shape() -> None:
    names = [a + b for a in "abcdefghij" for b in "abcdefghij"]  # 100 two-letter names; 62 stand-ins exist
    assert shape_of(" = ".join(names) + "\n") is None


def test_restore_refuses_black_output_that_lost_a_string() -> None:
    shape = shape_of('call("one", "two")\n')
    assert shape is not None
    assert restore(shape, shape.text) == 'call("one", "two")\n'
    assert restore(shape, 'Qa__("xxx")\n') is None


def test_pieces_of_one_shape_cost_black_the_same_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = fmt.format_python
    monkeypatch.setattr(fmt, "format_python", lambda text, path="<generated>": calls.append(text) or real(text, path))
    fmt._format_shape.cache_clear()
    by_statements._black.cache_clear()
    methods = [f"    def get_{name}(self, {name}_id: str) -> {name.title()}:\n        return self._get({name}_id)\n"
               for name in ("widget", "gadget", "sprock", "bucket")]
    counts = []
    for method in methods:
        piece = Piece(WRAPPER + method, True)
        assert fmt.format_piece(piece) == black.format_str(piece.text, mode=fmt._mode(black))[len(WRAPPER):]
        counts.append(len(calls))
    assert counts[0] > 0 and counts[-1] == counts[0]
