"""The only ways spec text becomes code: each function returns `Code`, text safe to paste into its context.

The renderer refuses to print any plain `str` (see render.py), so a template that forgets a filter fails loudly
instead of letting a description or a name inject code.
"""

from __future__ import annotations

import html
import json
import keyword
import math
import re
import shlex
import unicodedata
from typing import Any


class Code(str):
    """Text already made safe for the place it is printed."""

    __slots__ = ()


def _escape_char(char: str, quote: str) -> str:
    if char == "\\":
        return "\\\\"
    if char == quote:
        return "\\" + quote
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        point = ord(char)
        return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"
    return char


# What _escape_char changes in ASCII text (besides the quote); text without any is its own escape.
_ASCII_SPECIAL = re.compile(r"[\x00-\x1f\x7f\\]")
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _escaped(text: str, quote: str) -> str:
    if text.isascii() and not _ASCII_SPECIAL.search(text) and not (quote and quote in text):
        return text
    return "".join(_escape_char(c, quote) for c in text)


def py_str(text: str) -> Code:
    """A double-quoted Python string literal with exactly the value `text`."""
    return Code('"' + _escaped(text, '"') + '"')


def py_literal(value: Any) -> Code:
    """A Python literal for a JSON scalar from the spec (enum values, examples)."""
    if isinstance(value, str):
        return py_str(value)
    if value is None or isinstance(value, (bool, int)):
        return Code(repr(value))
    if isinstance(value, float):
        return Code(repr(value) if math.isfinite(value) else "None")
    raise TypeError(f"not a JSON scalar: {type(value).__name__}")


def docstring(text: str, indent: int = 0) -> Code:
    """The body of a triple-double-quoted docstring: backslashes, quotes and control characters are escaped.

    Continuation lines are indented by `indent` spaces, to sit under the opening quotes.
    """
    lines = []
    for line in text.strip().splitlines():
        escaped = _escaped(line.rstrip(), "")
        lines.append(escaped.replace('"""', '\\"\\"\\"'))
    body = "\n".join(" " * indent + line if line and number else line for number, line in enumerate(lines))
    trailing_backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
    if body.endswith('"') and trailing_backslashes % 2 == 0:  # an unescaped quote would merge with the closing ones
        body = body[:-1] + '\\"'
    return Code(body)


def oneline(text: str) -> str:
    """Whitespace (line breaks included) collapsed to single spaces; still plain text, to be escaped."""
    return " ".join(text.split())


def comment(text: str) -> Code:
    """One line of text safe after '#': line breaks become spaces."""
    flat = " ".join(text.split())
    if flat.isascii() and not _ASCII_CONTROL.search(flat):
        return Code(flat)
    return Code("".join(c for c in flat if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp")))


def ident(name: str) -> Code:
    """A name the IR already made an identifier; anything else is a bug, so it raises."""
    if not (isinstance(name, str) and name.isidentifier() and name.isascii() and not keyword.iskeyword(name)):
        raise ValueError(f"not a safe Python identifier: {name!r}")
    return Code(name)


def dotted(name: str) -> Code:
    """A dotted module path made of identifiers (relative imports: '..types.position')."""
    stripped = name.lstrip(".")
    for part in stripped.split("."):
        ident(part)
    return Code(name)


def py_value(value: Any) -> Code:
    """A Python expression for JSON data from the spec (examples): dicts, lists and scalars."""
    if isinstance(value, dict):
        return Code("{" + ", ".join(f"{py_str(str(k))}: {py_value(v)}" for k, v in value.items()) + "}")
    if isinstance(value, list):
        return Code("[" + ", ".join(py_value(v) for v in value) + "]")
    return py_literal(value)


def py_tuple(items: Any) -> Code:
    """A tuple literal of strings; no trailing comma but in a 1-tuple, so black may keep it on one line."""
    literals = [py_str(item) for item in items]
    return Code(f"({literals[0]},)" if len(literals) == 1 else f"({', '.join(literals)})")


def toml_str(text: str) -> Code:
    """A TOML basic string with exactly the value `text` (TOML has no \\x escapes, so \\u is used)."""
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return Code('"' + "".join(out) + '"')


def md_text(text: str, indent: int = 0) -> Code:
    """A Markdown paragraph of spec text, HTML escaped, continuation lines indented to stay in a list item."""
    lines = html.escape(text.strip(), quote=False).splitlines()
    return Code("\n".join(" " * indent + line if line and number else line for number, line in enumerate(lines)))


def md_cell(text: str) -> Code:
    """Spec text in one Markdown table cell: one line, HTML escaped, pipes escaped."""
    return Code(md_text(oneline(text)).replace("|", "\\|"))


def md_inline(text: str) -> Code:
    """Inline code whose backtick fence is longer than any backtick run inside it."""
    fence = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Code(f"{fence}{pad}{text}{pad}{fence}")


def md_fence(text: str, language: str = "") -> Code:
    """A fenced code block that no line of `text` can close early."""
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return Code(f"{fence}{language}\n{text.rstrip()}\n{fence}")


def shell(text: str) -> Code:
    """One shell word with exactly the value `text`."""
    return Code(shlex.quote(text))


def json_text(value: Any, indent: int | None = None) -> str:
    """JSON for spec data (examples): plain text, still to be escaped for where it goes."""
    return json.dumps(value, indent=indent, ensure_ascii=False)


def json_document(value: Any) -> Code:
    """A whole JSON file: json.dumps is its escaping (the file is data, never executed)."""
    return Code(json.dumps(value, indent=1, ensure_ascii=False) + "\n")


def spaces(count: int) -> Code:
    return Code(" " * count)


def _longest_run(text: str, char: str) -> int:
    longest = 0
    while char * (longest + 1) in text:
        longest += 1
    return longest
