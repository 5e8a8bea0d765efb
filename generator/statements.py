"""black's output for a piece, put together from its statements, without black reading all of it.

black's output is each logical line formatted on its own (from its tokens, its depth and, for a string statement,
whether it is a docstring) with blank lines between them that depend only on the kinds of the lines around (import,
def, class, decorator, comment, docstring, block header) and on the blank lines already there. So black's output
for a piece is

- each statement (a `def` header with a `pass` body) as black formats it on its own, at its depth (inside `class _:`
  wrappers) and in its docstring position; the templates write code as black formats it, so that is mostly the
  statement itself, which is checked on its shape (below): one check serves a thousand fields like it;
- with the blank lines as they are, when its skeleton is unchanged by black: the piece with each of those statements
  replaced by one of the same kind (`Z = Z`, `import Z`, `def Z():`, `\"\"\"x\"\"\"`), and other block headers,
  decorators, stub bodies (`...`, which black joins to their `def`), comments and blank lines in their places, as
  their shapes. Runs of like statements are shortened first (_shortest).

A line's shape: a statement on one physical line that fits has its names shortened and the words of its strings cut
to `x` (`Z0: Z1 | None = None`): black keeps such a line whole and as written exactly when it fits and has no magic
trailing comma, and its real width is checked. A string statement keeps only what black reads of it: the whitespace
at the edges of its lines, its quotes, and the length of its last line. Anything else is its exact shape (shapes.py),
on which black decides as on the line itself. Where the argument does not cover a piece (tabs, backslash
continuations, `fmt:` directives, a skeleton black changes), it goes to black whole, as before.
tests/test_statements.py holds the result to black's on every generated piece and on built code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .render import LINE_LENGTH
from .shapes import KEPT, PLAIN, QUOTED, TOKEN, Shape, restore, shape_of

Black = Callable[[str], str | None]  # black's output, or None where it cannot parse the text

# What a logical line ends at: newlines outside brackets, comments and strings.
_LOGICAL = re.compile(rf"#[^\n]*|[rRbBuUfFtT]{{0,2}}(?:{QUOTED})|[(\[{{]|[)\]}}]|\n", re.DOTALL)
_STRING_STATEMENT = re.compile(rf"(?P<prefix>[rRuU]?)(?P<string>{QUOTED})[ ]*", re.DOTALL)
_WORDS = re.compile(PLAIN.pattern + "+")  # runs of what black never weighs in a string (shapes.PLAIN)
_EDGES = re.compile(r"([ ]*)(.*?)([ ]*)", re.DOTALL)
_FIRST_WORD = re.compile(r"[^\W\d]\w*|\.\.\.")
# Statements that stay in the skeleton: stub bodies (black joins them to their header) and print and exec (once
# statements). Others that start with a keyword (return, raise, del...) are formatted like any statement, and black
# puts blank lines around them as around any.
_COMPOUND = frozenset({"if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
                       "async"})  # on one line with its body, a compound statement is kept
_IN_SKELETON = frozenset({"print", "exec", "..."}) | _COMPOUND
_DEF_HEADER = re.compile(r"(?:async )?def ")
_SAME = Shape("", {}, [])  # a line that is its own shape: black's answer is the line's


def formatted(text: str, black: Black) -> str | None:
    """black's output for `text` put together statement by statement (see above); None where that is not sure."""
    if "\t" in text or "\r" in text or "\f" in text or "\\\n" in text or "fmt:" in text or not text.endswith("\n"):
        return None
    skeleton: list[tuple[str, bool]] = []  # its lines, and whether each stands in for a statement
    lines: list[str] = []  # the result's logical lines
    docstring = True  # a string statement here would be a docstring: first in the text or in a block
    logical = _logical_lines(text)
    for index, line in enumerate(logical):
        code = line.lstrip(" ")
        indent = line[:len(line) - len(code)]
        if len(indent) % 4:
            return None
        statement = bool(code) and not code.startswith("#")
        opens = statement and _opens_block(code)
        stand_in = _stand_in(code, opens, _next_code(logical, index) if opens else "") if statement else None
        if stand_in is None:
            skeleton.append((_shape(line)[0] if code else line, False))
            lines.append(line)
        else:
            alone = _alone(line, docstring, black)
            if alone is None:
                return None
            skeleton.append((indent + stand_in, True))
            lines.append(alone)
        if statement:
            docstring = opens
    if not _unchanged("\n".join(_shortest(skeleton)) + "\n", black):
        return None
    return "\n".join(lines) + "\n"


def _shortest(skeleton: list[tuple[str, bool]]) -> list[str]:
    """The skeleton's lines with repeats left out where black's blank lines cannot tell: in a run of stand-ins at
    one depth, the blank lines black puts before one depend only on it and the one before it (and, for the first,
    on what precedes the run). So each run is walked as a path from stand-in to stand-in (each with the blank lines
    before it), and a stretch that comes back to a stand-in without a step not taken before is cut out: every step
    stays, and only steps that were there."""
    lines: list[str] = []
    run: list[str] = []
    blanks = ""
    for line, standing in skeleton:
        if not line.strip():
            blanks += line + "\n"
            continue
        entry, blanks = blanks + line, ""
        if standing and run and _depth(entry) == _depth(run[0]):
            run.append(entry)
            continue
        lines += _walk(run)
        run = [entry] if standing else []
        if not standing:
            lines.append(entry)
    return lines + _walk(run) + ([blanks[:-1]] if blanks else [])


def _walk(run: list[str]) -> list[str]:
    """`run` without the stretches that come back to an entry taking no step not taken before. The first entry
    follows what precedes the run (after a class header, a docstring gets a blank line after it): it counts as an
    entry of its own."""
    if not run:
        return []
    keys = ["\0" + run[0], *run[1:]]
    walked, new_steps = [0], [0]  # indexes into run; how many new steps the walk has taken up to each
    taken: set[tuple[str, str]] = set()
    at: dict[str, int] = {}  # entry -> where the walk last was at it
    for index in range(1, len(run)):
        step = (keys[walked[-1]], keys[index])
        new_steps.append(new_steps[-1] + (step not in taken))
        taken.add(step)
        walked.append(index)
        before = at.get(keys[index])
        if before is not None and before < len(walked) - 1 and keys[walked[before]] == keys[index] and \
                new_steps[-1] == new_steps[before]:
            del walked[before + 1:], new_steps[before + 1:]
        at[keys[index]] = len(walked) - 1
    return [run[index] for index in walked]


def _depth(entry: str) -> int:
    line = entry.lstrip("\n")
    return len(line) - len(line.lstrip(" "))


def _logical_lines(text: str) -> list[str]:
    """The logical lines of `text` (no newline at the end), each from its indentation on."""
    lines = []
    depth, start = 0, 0
    for match in _LOGICAL.finditer(text):
        token = match.group()
        if token == "\n" and depth == 0:
            lines.append(text[start:match.start()])
            start = match.end()
        elif token in ("(", "[", "{"):
            depth += 1
        elif token in (")", "]", "}"):
            depth -= 1
    return lines + ([text[start:]] if text[start:] else [])


def _next_code(logical: list[str], index: int) -> str:
    """The statement after the one at `index` (comments and blank lines aside), or ''."""
    for line in logical[index + 1:]:
        code = line.strip()
        if code and not code.startswith("#"):
            return code
    return ""


def _stand_in(code: str, opens: bool, following: str) -> str | None:
    """The statement of the same kind that stands for `code` in the skeleton; None: `code` stays there itself.
    `opens`: `code` is a block header; `following`, the next statement then (black joins a body of `...` to its
    `def`)."""
    string = _STRING_STATEMENT.fullmatch(code)
    if string:
        return '"""x"""' if string.group("string")[:3] in ('"""', "'''") else '"x"'
    first = _FIRST_WORD.match(code)
    if first is None or ";" in _LOGICAL.sub("", code):
        return None
    if opens:
        header = _DEF_HEADER.match(code)
        return header.group() + "Z():" if header and following != "..." else None
    if code.startswith("@") or first.group() in _IN_SKELETON:
        return None
    return "import Z" if first.group() in ("import", "from") else "Z = Z"


def _opens_block(code: str) -> bool:
    """The statement ends with a colon (a trailing comment aside): a block header."""
    end = len(code.rstrip())
    comments = [m for m in _LOGICAL.finditer(code) if m.group().startswith("#")]
    if comments and comments[-1].end() >= end:
        end = comments[-1].start()
    return code[:end].rstrip().endswith(":")


def _alone(line: str, docstring: bool, black: Black) -> str | None:
    """The statement `line` as black formats it on its own, at its depth and docstring position."""
    code = line.lstrip(" ")
    indent = line[:len(line) - len(code)]
    before = "" if docstring or not _STRING_STATEMENT.fullmatch(code) else indent + "Z = Z\n"
    wrapper = "".join("    " * level + "class _:\n" for level in range(len(indent) // 4)) + before
    body = indent + "    pass\n" if _DEF_HEADER.match(code) else ""  # a def header needs one
    result = None
    if "\n" in line or _width(line) <= LINE_LENGTH:  # else black most likely splits it: no need to ask
        shaped, exact = _shape(line)
        asked = wrapper + shaped + "\n" + body
        answer = _black(asked, black)
        if answer == asked:
            return line
        if answer is not None and exact is not None:  # black's answer for the line itself, names put back
            result = restore(exact, answer) if shaped != line else answer
    if result is None:
        result = _black(wrapper + line + "\n" + body, black)
    if result is None or not result.startswith(wrapper) or not result.endswith(body):
        return None
    return result[len(wrapper):len(result) - len(body) - 1]


@lru_cache(maxsize=16384)  # per process: black on one statement of each shape, and on each skeleton
def _black(text: str, black: Black) -> str | None:
    return black(text)


def _unchanged(text: str, black: Black) -> bool:
    return _black(text, black) == text


def _shape(line: str) -> tuple[str, Shape | None]:
    """What black is asked about `line` (see the module's doc): short names and words where its width cannot matter,
    the exact shape where it can; with that exact shape, from which black's answer can be put back (its names and
    words), or None when the names and words were shortened."""
    code = line.lstrip(" ")
    string = _STRING_STATEMENT.fullmatch(code)
    if string and "\\" not in code:
        last = line.rsplit("\n", 1)[-1]
        if "\n" not in code or len(last) <= LINE_LENGTH:  # else black moves the closing quotes: by the length
            indent = line[:len(line) - len(code)]
            return indent + string.group("prefix") + _words_cut(string.group("string"), True), None
    elif "\n" not in line and "**" not in line and _width(line) <= LINE_LENGTH:
        short = _shortened(line)
        if short is not None:
            return short, None
    shape = shape_of(line)
    return (shape.text, shape) if shape is not None else (line, _SAME)


def _shortened(line: str) -> str | None:
    """A one-line statement with short names and cut words; None if it has a string black would rewrite (an
    escape) or that holds code (an f-string or t-string)."""
    names: dict[str, str] = {}
    refused = False

    def shorten(match: re.Match[str]) -> str:
        nonlocal refused
        token = match.group()
        if match.group("name"):
            if token in KEPT or len(token) < 2 or not token.isascii():
                return token
            return names.setdefault(token, f"Z{len(names)}")
        if match.group("string"):
            prefix = match.group("prefix")
            refused = refused or "\\" in token or bool(set(prefix) & set("fFtT"))
            return prefix + _words_cut(token[len(prefix):], False)
        return token

    shortened = TOKEN.sub(shorten, line)
    return None if refused else shortened


def _words_cut(string: str, statement: bool) -> str:
    """A string literal (quotes included) with its words cut to `x`; for a string statement, all of each line
    between the whitespace at its edges (unless it holds a quote, which black looks at)."""
    quote = string[:3] if string[:3] in ('"""', "'''") and len(string) >= 6 else string[0]
    lines = []
    for text in string[len(quote):len(string) - len(quote)].split("\n"):
        lead, middle, trail = _EDGES.fullmatch(text).groups()  # type: ignore[union-attr]
        if statement and middle and not set("\"'") & set(middle):
            middle = "x"
        lines.append(lead + _WORDS.sub("x", middle) + trail)
    return quote + "\n".join(lines) + quote


def _width(line: str) -> int:
    if line.isascii():
        return len(line)
    from black.strings import str_width

    return int(str_width(line))
