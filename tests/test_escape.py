"""Spec text reaches code only through escape.py, and the renderer refuses anything unescaped."""

from __future__ import annotations

import ast

import jinja2
import pytest
import tomllib

from generator import escape
from generator.render import UnescapedTextError, environment

NASTY = [
    "",
    'plain "double" and \'single\'',
    '"""triple""" and \'\'\'triple\'\'\'',
    "back\\slash at end\\",
    "ends with quote\"",
    "{{ jinja }} {% if x %} {# comment #}",
    "nul \x00 bell \x07 del \x7f",
    "line\nbreak\r\ncrlf\ttab",
    "unicode é ü 中文 \u2028 \u2029 \ufeff 🎉",
    "__import__('os').system('touch /tmp/pwned')",
]


@pytest.mark.parametrize("text", NASTY)
def test_py_str_is_a_literal_with_exactly_that_value(text: str) -> None:
    literal = escape.py_str(text)
    assert ast.literal_eval(literal) == text
    assert "\n" not in literal


@pytest.mark.parametrize("text", NASTY)
def test_docstring_cannot_end_the_string_early(text: str) -> None:
    source = f'def f():\n    """{escape.docstring(text, 4)}"""\n'
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1
    value = ast.literal_eval(function.body[0].value)  # type: ignore[attr-defined]
    assert "\n".join(line.strip() for line in value.splitlines()) == "\n".join(
        line.strip() for line in text.strip().splitlines()
    )


@pytest.mark.parametrize("text", NASTY)
def test_comment_stays_on_one_line(text: str) -> None:
    source = f"# {escape.comment(text)}\nx = 1\n"
    assert ast.parse(source).body[0].lineno == 2


@pytest.mark.parametrize("text", NASTY)
def test_toml_string_round_trips(text: str) -> None:
    assert tomllib.loads(f"key = {escape.toml_str(text)}")["key"] == text


def test_markdown_escapes_html() -> None:
    assert escape.md_text("<script>alert(1)</script> & co") == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"


@pytest.mark.parametrize("name", ["from", "a b", "1x", "", "x;import os", "é"])
def test_ident_refuses_anything_but_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError):
        escape.ident(name)


def test_py_value_renders_json_examples() -> None:
    value = {"a": [1, 2.5, None, True], "b\"": {"c": "d"}}
    assert ast.literal_eval(escape.py_value(value)) == value


def test_templates_cannot_print_unescaped_text() -> None:
    env = environment()
    with pytest.raises(UnescapedTextError, match="without an escaping filter"):
        env.from_string("x = {{ value }}").render(value="__import__('os')")
    assert env.from_string("x = {{ value | pystr }}").render(value="a\"b") == 'x = "a\\"b"'
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing | pystr }}").render()
