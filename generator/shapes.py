"""Format each distinct shape of code once: black decides from tokens and widths, never from what a name says.

A piece's shape is its text with every name replaced by a stand-in of the same length (the same stand-in for every
use of the same name) and the letters, digits and punctuation inside string literals replaced by `x`. black's
choices depend on token kinds, keywords, brackets, commas, quotes, backslashes, whitespace and line widths; a shape
keeps all of those, so black formats a shape as it formats every piece of that shape, and the formatted piece is
the formatted shape with the names and characters put back. Generated code is regular (the resources of a large
API are much alike), so it formats in a fraction of the time black needs for every piece.

Left as they are, because black reads them: keywords and soft keywords, one-letter names, names that are not ASCII
(their width on screen is not their length), numbers, comments and strings with a backslash (black rewrites
escapes). A piece with an f-string or t-string is its own shape (names inside those are code). Putting the text back
checks that black kept every name and string in order; where it did not, `restore` returns None and the piece is
formatted itself.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

# A string literal, without its prefix.
QUOTED = (r'"""(?:[^"\\]|\\.|"(?!""))*"""'
          r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
          r'|"(?:[^"\\\n]|\\.)*"'
          r"|'(?:[^'\\\n]|\\.)*'")
# Comments and strings first, so that nothing inside them is taken for a name; numbers, so that `1e5` is not.
TOKEN = re.compile(rf"#[^\n]*|(?P<string>(?P<prefix>[rRbBuUfFtT]{{0,2}})(?:{QUOTED}))|\.?\d(?:[eE][+-]|[\w.])*"
                    r"|(?P<name>[^\W\d]\w*)", re.DOTALL)
PLAIN = re.compile(r"[!#-&(-\[\]-~]")  # printable ASCII but quotes, backslash and space: what black never weighs
KEPT = frozenset([*keyword.kwlist, *keyword.softkwlist, "__future__", "print", "exec"])
_DIGITS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"  # no "_": it pads


@dataclass(frozen=True)
class Shape:
    text: str
    names: dict[str, str]  # stand-in -> the name it stands for
    strings: list[tuple[str, str | None]]  # each string literal in order: its body in the shape, its real body
    # (None: the string is in the shape as it is)


def shape_of(text: str) -> Shape | None:
    """The shape of `text`; None when it is its own shape (nothing to abstract, an f-string or t-string, or more
    names of one length than there are stand-ins)."""
    names: dict[str, str] = {}  # name -> stand-in
    taken: dict[int, int] = {}  # name length -> stand-ins of that length handed out
    strings: list[tuple[str, str | None]] = []
    whole = False  # an f-string, or too many short names

    def stand_in(match: re.Match[str]) -> str:
        nonlocal whole
        token = match.group()
        if match.group("name"):
            if token in KEPT or len(token) < 2 or not token.isascii():
                return token
            if token not in names:
                stand = _stand_in(len(token), taken)
                if stand is None:  # more names of this length than stand-ins: the piece is its own shape
                    whole = True
                    return token
                names[token] = stand
            return names[token]
        if match.group("string"):
            prefix, quote, body = _string_parts(match)
            if "f" in prefix.lower() or "t" in prefix.lower():
                whole = True
                return token
            if "\\" in body:  # black rewrites escapes (`\xAB` -> `\xab`): the string is part of the shape
                strings.append((body, None))
                return token
            shaped = PLAIN.sub("x", body)
            strings.append((shaped, body))
            return prefix + quote + shaped + quote
        return token

    shaped_text = TOKEN.sub(stand_in, text)
    if whole or shaped_text == text:
        return None
    return Shape(shaped_text, {stand: name for name, stand in names.items()}, strings)


def restore(shape: Shape, formatted: str) -> str | None:
    """`formatted` (black's output for `shape.text`) with the real names and strings; None if black did not keep
    them in order."""
    strings = iter(shape.strings)
    broken = False

    def put_back(match: re.Match[str]) -> str:
        nonlocal broken
        token = match.group()
        if match.group("name"):
            return shape.names.get(token, token)
        if match.group("string"):
            shaped_body, body = next(strings, ("", None))
            if body is None:
                return token
            prefix, quote, new_body = _string_parts(match)
            # Where black changed quotes or docstring whitespace, its characters are mapped back one by one.
            real = body if new_body == shaped_body else _map_back(new_body, body)
            if real is None:
                broken = True
                return token
            return prefix + quote + real + quote
        return token

    text = TOKEN.sub(put_back, formatted)
    if broken or next(strings, None) is not None:
        return None
    return text


def _stand_in(length: int, taken: dict[int, int]) -> str | None:
    """'Q', the count of stand-ins of this length so far in base 62, then '_' up to `length` (None: too many)."""
    number = taken.get(length, 0)
    digits, rest = "", number
    while True:
        rest, digit = divmod(rest, len(_DIGITS))
        digits += _DIGITS[digit]
        if not rest:
            break
    if len(digits) >= length:
        return None
    taken[length] = number + 1
    return "Q" + digits + "_" * (length - 1 - len(digits))


def _string_parts(match: re.Match[str]) -> tuple[str, str, str]:
    """A string literal's prefix, quotes and body."""
    token, prefix = match.group(), match.group("prefix")
    quote = token[len(prefix):len(prefix) + 3]
    if quote not in ('"""', "'''") or len(token) < len(prefix) + 6:
        quote = token[len(prefix)]
    return prefix, quote, token[len(prefix) + len(quote):len(token) - len(quote)]


def _map_back(new_body: str, body: str) -> str | None:
    """Each 'x' of `new_body` becomes the next plain character of `body`: black only moves quotes, backslashes and
    whitespace, so the plain characters are the same ones, in the same order."""
    plain = PLAIN.findall(body)
    if new_body.count("x") != len(plain):
        return None
    characters = iter(plain)
    return re.sub("x", lambda _: next(characters), new_body)
