"""Stage 1, load: read a YAML spec into plain data, remembering where every key and value came from.

PyYAML silently keeps the last of two duplicate keys and reads `on`/`no` as booleans and dates as datetimes;
a spec format cannot afford either, so we compose the node graph ourselves with YAML 1.2 core-schema scalars.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, SpecError

JsonPath = tuple[str | int, ...]

MAX_SPEC_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000  # bounds alias expansion ("billion laughs")


@dataclass(frozen=True)
class Document:
    file: str
    data: Any
    sha256: str
    value_positions: Mapping[JsonPath, tuple[int, int]] = field(repr=False)
    key_positions: Mapping[JsonPath, tuple[int, int]] = field(repr=False)

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """The position of the node at `path` (or of its key), else of its closest known ancestor."""
        table = self.key_positions if key else self.value_positions
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.value_positions.get(path[:end])
            if found:
                return found
        return (1, 1)

    def error(self, path: JsonPath, code: str, message: str, *, key: bool = False) -> Diagnostic:
        line, column = self.position(path, key=key)
        return Diagnostic(self.file, line, column, message, code)


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: only true/false, null, ints and floats are implicit; everything else is a string."""


_TAG = "tag:yaml.org,2002:"
_IMPLICIT = {
    "tag:yaml.org,2002:bool": (r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    "tag:yaml.org,2002:null": (r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    "tag:yaml.org,2002:int": (r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    "tag:yaml.org,2002:float": (
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
}
for _tag, (_pattern, _first) in _IMPLICIT.items():
    _CoreResolver.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
_CORE_PATTERNS = {tag: re.compile(pattern) for tag, (pattern, _) in _IMPLICIT.items()}


class _Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _CoreResolver):
    """The pure-Python composer, never libyaml's: its messages and marks differ, and diagnostics must not depend on
    how PyYAML was built."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _CoreResolver.__init__(self)


_CParser = getattr(getattr(yaml, "cyaml", None), "CParser", None)
if _CParser is not None:

    class _FastComposer(_CParser, _CoreResolver):  # type: ignore[misc, valid-type]
        """libyaml's composer, about five times faster, for specs that parse cleanly: anything it rejects is
        parsed again by the pure-Python composer, whose messages and positions are the ones we report."""

        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)  # type: ignore[misc]
            _CoreResolver.__init__(self)


def _core_int(text: str) -> int:
    """017 is seventeen in YAML 1.2 (PyYAML's 1.1 constructor would read octal 15)."""
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _core_float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith((".inf", ".nan")):
        return float(lowered.replace(".", ""))  # "-.inf" -> "-inf", ".nan" -> "nan"
    return float(text)


# Only the core schema's types: explicit tags like !!binary or !!timestamp would smuggle bytes and datetimes in.
_SCALAR_VALUES: dict[str, Callable[[str], Any]] = {
    _TAG + "str": str,
    _TAG + "null": lambda text: None,
    _TAG + "bool": lambda text: text.lower() == "true",
    _TAG + "int": _core_int,
    _TAG + "float": _core_float,
}


def load(path: str | Path, display_name: str | None = None) -> Document:
    """Read and parse `path`; raise SpecError with positioned diagnostics for anything unreadable."""
    name = display_name or str(path)
    raw = _read_bytes(Path(path), name)
    text = _decode(raw, name)
    fast = _fast_build(text, name)
    if fast:
        builder, data = fast
    else:  # the careful path, which reports every problem
        builder = _Builder(name)
        data = builder.build(_compose(text, name), ())
        if builder.errors:
            raise SpecError(builder.errors)
    return Document(name, data, hashlib.sha256(raw).hexdigest(), builder.values, builder.keys)


def load_json(path: str | Path) -> Document | None:
    """A JSON document, read by the json module (many times faster than as YAML); None if it is not JSON. Positions
    are worked out only when one is asked for: most documents never need one."""
    name = str(path)
    raw = _read_bytes(Path(path), name)
    try:  # NaN and Infinity are not JSON, and YAML reads them as strings
        text = raw.decode("utf-8-sig")
        data = json.loads(text, parse_constant=_not_json)
    except ValueError:
        return None
    values, keys = lazy_positions(lambda: json_positions(text))
    return Document(name, data, hashlib.sha256(raw).hexdigest(), values, keys)


# A JSON token: a string, punctuation, or a number or literal (the text is valid JSON: json.loads read it).
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def json_positions(text: str) -> Positions:
    """The positions YAML gives the values and keys of a valid JSON text (line and column of their first character),
    found by a scan of its tokens, several times faster than composing it as YAML."""
    values: dict[JsonPath, tuple[int, int]] = {}
    keys: dict[JsonPath, tuple[int, int]] = {}
    newlines = [-1] + [match.start() for match in re.finditer("\n", text)]
    line = 0
    stack: list[list[Any]] = []  # per open container: its path, the next index (lists) or key (mappings)
    path: JsonPath = ()
    for match in _JSON_TOKEN.finditer(text):
        token, offset = match.group(), match.start()
        while line + 1 < len(newlines) and newlines[line + 1] < offset:
            line += 1
        where = (line + 1, offset - newlines[line])
        if token in ",:":
            continue
        if token in "]}":
            stack.pop()
            continue
        top = stack[-1] if stack else None
        if top is not None and top[1] is None:  # a mapping's key
            top[1] = json.loads(token)
            keys[top[0] + (top[1],)] = where
            continue
        if top is not None:
            path = top[0] + (top[1],)
            top[1] = top[1] + 1 if isinstance(top[1], int) else None
        values[path] = where
        if token in "[{":
            stack.append([path, 0 if token == "[" else None])
    return values, keys


def lazy_positions(tables: Callable[[], Positions]) -> Positions:
    """Position tables (values, keys) that `tables` works out on first use."""
    once = cache(tables)
    return _LazyTable(once, 0), _LazyTable(once, 1)


Positions = tuple[Mapping[JsonPath, tuple[int, int]], Mapping[JsonPath, tuple[int, int]]]


class _LazyTable(Mapping[JsonPath, tuple[int, int]]):
    def __init__(self, tables: Callable[[], Positions], index: int) -> None:
        self._tables, self._index = tables, index

    def __getitem__(self, path: JsonPath) -> tuple[int, int]:
        return self._tables()[self._index][path]

    def __iter__(self) -> Iterator[JsonPath]:
        return iter(self._tables()[self._index])

    def __len__(self) -> int:
        return len(self._tables()[self._index])


def positions(path: str | Path) -> Positions:
    """The position tables of the document at `path`; none if it cannot be read as YAML."""
    try:
        doc = load(path)
    except SpecError:  # JSON that YAML cannot read (tabs): no positions
        return {}, {}
    return doc.value_positions, doc.key_positions


def text_positions(text: str) -> Positions | None:
    """The position tables `positions` gives a file holding `text`, taken from libyaml's event stream without
    composing or building a node graph: four times faster, and the same marks, since `load` reads with libyaml too.
    None (ask `positions`) without libyaml and for anything `load` would not read cleanly: another result must
    never differ from what `positions` says, as `Document.position` falls back to ancestors of a missing path."""
    if _CParser is None or len(text.encode()) > MAX_SPEC_BYTES or text.startswith("\ufeff") \
            or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    values: dict[JsonPath, tuple[int, int]] = {}
    keys: dict[JsonPath, tuple[int, int]] = {}
    # Per open collection: its path and what comes next, an index (sequences), None (a mapping's key) or the key
    # whose value comes next.
    stack: list[list[Any]] = []
    parser = _CParser(text)
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:  # tags the builder may refuse; no aliases
                    return None
                mark = event.start_mark
                where = (mark.line + 1, mark.column + 1)
                if not stack:
                    if values or kind is yaml.ScalarEvent:  # a second document, or no collection at all
                        return None
                    path: JsonPath = ()
                else:
                    top = stack[-1]
                    step = top[1]
                    if step is None:  # a key: a plain scalar, not a merge key ('<<'), and not seen before
                        if kind is not yaml.ScalarEvent or (event.value == "<<" and not event.style):
                            return None
                        path = top[0] + (event.value,)
                        if path in keys:
                            return None
                        keys[path] = where
                        top[1] = event.value
                        continue
                    path = top[0] + (step,)
                    top[1] = step + 1 if type(step) is int else None
                    if len(path) > MAX_DEPTH:
                        return None
                    if kind is yaml.ScalarEvent and not event.style and len(event.value) > 640 \
                            and _CORE_PATTERNS[_TAG + "int"].match(event.value):
                        return None  # an integer int() may refuse (640 digits is its lowest limit): load reports it
                values[path] = where
                if kind is yaml.MappingStartEvent:
                    stack.append([path, None])
                elif kind is yaml.SequenceStartEvent:
                    stack.append([path, 0])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
            elif kind is yaml.AliasEvent:
                return None
            elif kind is yaml.StreamEndEvent:
                return (values, keys) if 0 < len(values) <= MAX_NODES else None
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _fast_build(text: str, name: str) -> tuple[_Builder, Any] | None:
    """Parse with libyaml when it is there; None on any problem at all, so that the caller starts over."""
    if _CParser is None:
        return None
    composer = _FastComposer(text)
    try:
        node = composer.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"):
            return None
        builder = _Builder(name)
        data = builder.build(node, ())
        return None if builder.errors else (builder, data)
    except (yaml.YAMLError, SpecError, RecursionError, ValueError):
        return None
    finally:
        composer.dispose()


def _fail(name: str, message: str, code: str, line: int = 1, column: int = 1) -> SpecError:
    return SpecError([Diagnostic(name, line, column, message, code)])


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        if path.is_dir():
            raise _fail(name, "is a directory, not a spec file", "io")
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            limit = MAX_SPEC_BYTES // (1024 * 1024)
            raise _fail(name, f"spec is {size / 1024 / 1024:.1f} MiB; the limit is {limit} MiB", "too-large")
        return path.read_bytes()
    except OSError as exc:
        raise _fail(name, f"cannot read spec: {exc.strerror or exc}", "io") from None


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        # Columns count characters, as YAML marks do, so a bad byte after 'é' is not reported one column late.
        column = len(raw[line_start:exc.start].decode("utf-8-sig")) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _fail(name, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); specs must be UTF-8", "encoding", line, column)
    # PyYAML rejects these too, but only with a character offset into the whole file.
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:
        offset = bad.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        kind = "control character" if ord(bad.group()) < 0xA0 else "character"  # else U+FFFE or U+FFFF
        message = f"{kind} U+{ord(bad.group()):04X} is not allowed in YAML"
        raise _fail(name, message, "encoding", line, column)
    return text


def _compose(text: str, name: str) -> yaml.Node:
    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        problem, mark = _syntax_problem(exc)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _fail(name, f"YAML syntax error: {problem}", "yaml-syntax", line, column) from None
    except yaml.YAMLError as exc:
        raise _fail(name, f"YAML syntax error: {exc}", "yaml-syntax") from None
    except RecursionError:
        raise _fail(name, f"nesting deeper than {MAX_DEPTH} levels", "too-deep") from None
    finally:
        composer.dispose()
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"):  # nothing, or '---'
        raise _fail(name, "spec is empty; expected a mapping with 'clientgen', 'api', 'envelope' and 'resources'",
                    "empty")
    return node


_CONTEXT = re.compile(r"while (?:parsing|scanning) an? (.+)")


def _syntax_problem(exc: yaml.MarkedYAMLError) -> tuple[str, yaml.Mark | None]:
    """PyYAML's problem and where to report it, plus where the construct it was reading began: an unclosed '['
    or quote is reported only where the parser gave up, often lines later."""
    problem, mark, start = exc.problem or "invalid YAML", exc.problem_mark or exc.context_mark, exc.context_mark
    if "'\\t'" in problem:
        problem += "; indent with spaces, not tabs"
    if problem == "mapping values are not allowed here":  # usually 'summary: Note: ...'
        problem += "; quote a value that contains ': '"
    if problem == "could not find expected ':'" and start:  # a line 'key' without ': value'; PyYAML points past it
        if start.buffer and len(start.buffer[start.pointer:start.pointer + 1025].split("\n")[0]) > 1024:
            return "a key longer than 1024 characters; YAML does not allow longer keys", start
        return "expected ':' after this key", start
    context = _CONTEXT.fullmatch(exc.context or "")
    where = f"line {start.line + 1}, column {start.column + 1}" if start else ""
    if context and start:
        problem += f" (in the {context.group(1)} that starts at {where})"
    elif exc.context and start:  # "found duplicate anchor 'x'; first occurrence", "expected a single document"
        problem = f"{exc.context} ({where}), {problem}"
    return problem, mark


class _Builder:
    """Turns a composed node graph into dicts/lists/scalars and records each node's position."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[JsonPath, tuple[int, int]] = {}
        self.keys: dict[JsonPath, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self.nodes = 0
        self.open: set[int] = set()  # collections being built, to catch an anchor that contains its own alias

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error_at(node, f"more than {MAX_NODES} nodes (alias expansion?)", "too-large")
        if len(path) > MAX_DEPTH:
            raise self._error_at(node, f"nesting deeper than {MAX_DEPTH} levels", "too-deep")
        self.values[path] = _position(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag != _TAG + ("map" if isinstance(node, yaml.MappingNode) else "seq"):
            message = f"unsupported YAML tag '{_short_tag(node.tag)}'; use a plain mapping or list"
            self._report(node, message, "unsupported-yaml")
        if id(node) in self.open:
            message = "recursive alias: this anchored value contains an alias to itself"
            raise self._error_at(node, message, "yaml-syntax")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return dict(self._mapping_items(node, path))
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        construct = _SCALAR_VALUES.get(node.tag)
        if construct is None:
            message = f"unsupported YAML tag '{_short_tag(node.tag)}'; a value is a string, number, boolean or null"
            self._report(node, message, "unsupported-yaml")
            return None
        pattern = _CORE_PATTERNS.get(node.tag)
        if pattern and not pattern.match(node.value):  # an explicit tag on a value that does not fit it
            self._report(node, f"'{node.value}' is not a valid {_short_tag(node.tag)}", "unsupported-yaml")
            return None
        try:
            return construct(node.value)
        except ValueError:  # an integer of more digits than Python converts (sys.get_int_max_str_digits())
            self._report(node, f"integer of {len(node.value)} digits; write it as a string (quoted)", "too-large")
            return None

    def _mapping_items(self, node: yaml.MappingNode, path: JsonPath) -> Iterator[tuple[str, Any]]:
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._error_at(key_node, "mapping keys must be plain strings", "yaml-syntax")
            key = key_node.value
            line, column = _position(key_node)
            if key == "<<" and not key_node.style:  # plain, not quoted (libyaml says "", PyYAML None)
                # YAML 1.2 has no merge keys; read literally, '<<' would only surface later as a puzzling name.
                message = "YAML merge keys ('<<') are not supported; write the keys out"
                self._report(key_node, message, "unsupported-yaml")
                continue
            if key in seen:
                message = f"duplicate key '{key}' (first defined on line {seen[key]})"
                self.errors.append(Diagnostic(self.name, line, column, message, "duplicate-key"))
                continue
            seen[key] = line
            self.keys[path + (key,)] = (line, column)
            yield key, self.build(value_node, path + (key,))

    def _report(self, node: yaml.Node, message: str, code: str) -> None:
        self.errors.append(Diagnostic(self.name, *_position(node), message, code))

    def _error_at(self, node: yaml.Node, message: str, code: str) -> SpecError:
        line, column = _position(node)
        return SpecError([*self.errors, Diagnostic(self.name, line, column, message, code)])


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
