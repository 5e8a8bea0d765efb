"""Cut a Python file into pieces that black formats exactly as it formats them inside the whole file.

black formats each top-level statement, and each statement of a class body, on its own; only the blank lines
between statements depend on their neighbours. Before a `def`, `class` or decorator that follows plain code and at
least one blank line, those are fixed: two at the top level, one in a class body. So the file is cut there, each
piece is formatted apart (a method inside a one-line `class _:`, so its indentation and line lengths stay the same),
and the formatted pieces are joined with those blank lines: byte for byte what black makes of the whole file, as
tests/test_pieces.py checks on every generated file. A cut is made only where that argument holds; a file with
anything else near a cut (a comment, a block that opens, `# fmt:` directives, other line breaks) stays whole.

Cutting pays twice: black formats a file twice whenever its first pass changes anything, so a file with one long
line costs two passes over all of it, a piece only over itself; and a piece that did not change since the last
generation is not formatted again at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

WRAPPER = "class _:\n"  # a method is formatted inside it, at the same depth as in its class
MIN_LINES = 40  # smaller pieces cost more in black's start-up per call than they save
# Anything that makes black's output depend on more than the statement: directives, a comment that could be an
# encoding cookie (black looks for one on a file's first two lines), and line breaks other than \n (black keeps the
# file's first one everywhere).
_WHOLE_FILE = re.compile(r"fmt:|yapf:|#[^\n]*coding[:=]|[\r\f\v\x1c-\x1e\x85\u2028\u2029]")
_TOP_LEVEL = ("def ", "async def ", "class ", "@")
_IN_CLASS = tuple("    " + start for start in _TOP_LEVEL)
_CLASS_HEADER = re.compile(r"class [A-Za-z_][A-Za-z0-9_]*(\([^()#\n]*\))?:[ \t]*\n")


@dataclass(frozen=True)
class Piece:
    text: str  # what black formats: for a method, WRAPPER and the method
    nested: bool  # a statement of a class body, after one blank line; else a top-level one, after two


def split(text: str) -> list[Piece]:
    """The pieces of `text` in order; one piece, the whole text, when it has no cut we can vouch for."""
    if _WHOLE_FILE.search(text):
        return [Piece(text, False)]
    lines = text.splitlines(keepends=True)
    cuts = _cuts(lines)
    if not cuts:
        return [Piece(text, False)]
    bounds = [(0, False), *cuts, (len(lines), False)]
    pieces = []
    for (start, nested), (end, _) in pairwise(bounds):
        while end > start and not lines[end - 1].strip():
            end -= 1  # the blank lines between pieces are join's
        body = "".join(lines[start:end])
        pieces.append(Piece(WRAPPER + body if nested else body, nested))
    return pieces


def strip_wrapper(piece: Piece, formatted: str) -> str | None:
    """black's output for `piece` as it stands in the file: a method without its wrapper (None if it lost it)."""
    if not piece.nested:
        return formatted
    return formatted[len(WRAPPER):] if formatted.startswith(WRAPPER) else None


def join(pieces: list[Piece], formatted: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The formatted pieces (wrappers stripped) put back together, and where each one ended up."""
    parts: list[str] = []
    spans = []
    offset = 0
    for piece, text in zip(pieces, formatted):
        if parts:
            parts.append("\n" if piece.nested else "\n\n")
            offset += len(parts[-1])
        parts.append(text)
        spans.append((offset, offset + len(text)))
        offset += len(text)
    return "".join(parts), spans


def _cuts(lines: list[str]) -> list[tuple[int, bool]]:
    """(line index, nested) of every cut: before a top-level definition, or before a method of a top-level class
    whose body is indented by four spaces and runs up to the next top-level cut (or the end)."""
    cuts: list[tuple[int, bool]] = []
    class_start = -1  # the header of the top-level class whose body the lines are in, if any
    for index, line in enumerate(lines):
        since = index - (cuts[-1][0] if cuts else 0)
        if line[:1] in ("", " ", "\t", "\n"):
            if class_start >= 0 and line.startswith(_IN_CLASS) and since >= MIN_LINES and _cuttable(lines, index):
                cuts.append((index, True))
            continue
        nested = bool(cuts) and cuts[-1][1]
        if line.startswith(_TOP_LEVEL) and _cuttable(lines, index) and (since >= MIN_LINES or nested):
            cuts.append((index, False))
        elif nested:  # the class's methods would run on into top-level code: keep that class in one piece
            cuts = [cut for cut in cuts if not (cut[1] and cut[0] > class_start)]
        class_start = index if _CLASS_HEADER.fullmatch(line) and _body_indent(lines, index) == 4 else -1
    return cuts


def _cuttable(lines: list[str], index: int) -> bool:
    """After at least one blank line, and before that neither a comment (black moves blank lines around comments
    that lead a definition), nor the header of a block (which would be left without a body), nor a string before a
    decorator (a decorator right after the module's docstring gets one blank line, not two)."""
    if index < 2 or lines[index - 1].strip():
        return False
    before = index - 2
    while before > 0 and not lines[before].strip():
        before -= 1
    code = lines[before].strip()
    decorator = lines[index].lstrip().startswith("@")
    return bool(code) and not code.startswith("#") and not code.endswith(":") and not (
        decorator and code.endswith(("'", '"')))


def _body_indent(lines: list[str], header: int) -> int:
    """The indentation of the first line after a class header that is not blank."""
    for line in lines[header + 1:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0
