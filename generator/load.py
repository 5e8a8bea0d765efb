"""Stage 1, load: read a YAML spec into plain data, remembering where every key and value came from.

PyYAML silently keeps the last of two duplicate keys and reads `on`/`no` as booleans and dates as datetimes;
a spec format cannot afford either, so we compose the node graph ourselves with YAML 1.2 core-schema scalars.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Union

import yaml

from .diagnostics import Diagnostic, SpecError

JsonPath = tuple[Union[str, int], ...]

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

_Parser = getattr(yaml, "CParser", None)
if _Parser is not None:

    class _Composer(yaml.CParser, _CoreResolver):  # type: ignore[misc]
        def __init__(self, text: str) -> None:
            yaml.CParser.__init__(self, text)
            _CoreResolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml

    class _Composer(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _CoreResolver
    ):
        def __init__(self, text: str) -> None:
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _CoreResolver.__init__(self)


_SCALARS = yaml.constructor.SafeConstructor()


def load(path: str | Path, display_name: str | None = None) -> Document:
    """Read and parse `path`; raise SpecError with positioned diagnostics for anything unreadable."""
    name = display_name or str(path)
    raw = _read_bytes(Path(path), name)
    text = _decode(raw, name)
    node = _compose(text, name)
    builder = _Builder(name)
    data = builder.build(node, ())
    if builder.errors:
        raise SpecError(builder.errors)
    return Document(name, data, hashlib.sha256(raw).hexdigest(), builder.values, builder.keys)


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
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(name, f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); specs must be UTF-8", "encoding", line, column)
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise _fail(name, "NUL byte in spec", "encoding", line, offset - text.rfind("\n", 0, offset))
    return text


def _compose(text: str, name: str) -> yaml.Node:
    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise _fail(name, f"YAML syntax error: {problem}", "yaml-syntax", line, column) from None
    except yaml.YAMLError as exc:
        raise _fail(name, f"YAML syntax error: {exc}", "yaml-syntax") from None
    except RecursionError:
        raise _fail(name, f"nesting deeper than {MAX_DEPTH} levels", "too-deep") from None
    finally:
        composer.dispose()
    if node is None:
        raise _fail(name, "spec is empty; expected a mapping with 'api', 'schemas' and 'resources'", "empty")
    return node


class _Builder:
    """Turns a composed node graph into dicts/lists/scalars and records each node's position."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[JsonPath, tuple[int, int]] = {}
        self.keys: dict[JsonPath, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self.nodes = 0

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self._error_at(node, f"more than {MAX_NODES} nodes (alias expansion?)", "too-large")
        if len(path) > MAX_DEPTH:
            raise self._error_at(node, f"nesting deeper than {MAX_DEPTH} levels", "too-deep")
        self.values[path] = _position(node)
        if isinstance(node, yaml.MappingNode):
            return dict(self._mapping_items(node, path))
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        try:
            return _SCALARS.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self._error_at(node, f"cannot read value: {exc.problem}", "yaml-syntax") from None

    def _mapping_items(self, node: yaml.MappingNode, path: JsonPath) -> Iterator[tuple[str, Any]]:
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._error_at(key_node, "mapping keys must be plain strings", "yaml-syntax")
            key = key_node.value
            line, column = _position(key_node)
            if key in seen:
                message = f"duplicate key '{key}' (first defined on line {seen[key]})"
                self.errors.append(Diagnostic(self.name, line, column, message, "duplicate-key"))
                continue
            seen[key] = line
            self.keys[path + (key,)] = (line, column)
            yield key, self.build(value_node, path + (key,))

    def _error_at(self, node: yaml.Node, message: str, code: str) -> SpecError:
        line, column = _position(node)
        return SpecError([*self.errors, Diagnostic(self.name, line, column, message, code)])


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
