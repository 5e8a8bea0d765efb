"""Writing: the spec as readable YAML (`dump`) and `write_spec`, which writes it atomically and checks it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..diagnostics import Diagnostic, SpecError
from ..load import Document, lazy_positions, positions, text_positions

if TYPE_CHECKING:
    from . import ImportResult


# libyaml's emitter writes the same bytes four times faster; the pure-Python one where PyYAML lacks it.
_SafeDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_SafeDumper):  # type: ignore[misc, valid-type]
    """Block style, keys in the order built; short mappings/lists of scalars in flow style; multi-line text as
    literal block scalars; a string YAML 1.2 would read as another type (1e3, 0o17) is quoted."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("tag:yaml.org,2002:int", r"^(?:0o[0-7]+|0x[0-9a-fA-F]+)$", "0"),
):
    _Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    if "\n" in text.strip("\n") and all(line == line.rstrip() for line in text.splitlines()):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


def _is_flat(value: Any) -> bool:
    return not isinstance(value, (dict, list)) and not (isinstance(value, str) and ("\n" in value or len(value) > 60))


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and len(data) <= 4 and all(_is_flat(v) for v in data.values()) and \
        len(json.dumps(data, ensure_ascii=False)) <= 70
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(_is_flat(v) for v in data) and len(json.dumps(data, ensure_ascii=False)) <= 100
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


class _Block(dict):  # type: ignore[type-arg]
    """A mapping always written in block style (the top level)."""


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Block, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(), False))
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def dump(spec: dict[str, Any], source: str) -> str:
    """The spec as YAML a person would keep in git: top-level sections separated by blank lines."""
    header = (f"# Imported from {source} by `clientgen import-openapi`.\n"
              "# Re-import rather than edit by hand: put renames and moves in an overrides file (--config).\n")
    sections = []
    for key, value in spec.items():
        text = yaml.dump(_Block({key: value}), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100_000,
                         indent=2)
        sections.append(text)
    return header + "\n".join(sections)


def write_spec(result: ImportResult, source: Path, output: Path) -> list[Diagnostic]:
    """Write the spec atomically and check it as `clientgen validate` would; returns the problems found in it."""
    import os
    import tempfile

    from ..ir import build
    from ..pipeline import built_entry, remember_built

    text = dump(result.spec, source.name)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, output)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as exc:
        raise SpecError([Diagnostic(str(output), 1, 1, f"cannot write the spec: {exc.strerror or exc}", "io")]) from None
    # Checked as written, without reading it back (the dump round-trips). Positions, when asked for (the surface
    # remember_built keeps asks for thousands), come from the text's YAML events, else from the file.
    values, keys = lazy_positions(lambda: text_positions(text) or positions(output))
    doc = Document(str(output), result.spec, hashlib.sha256(text.encode()).hexdigest(), values, keys)
    # The checks run in a child process while this one builds the IR and its surface for the `generate` that
    # usually follows, and keeps them only once the checks pass. Built from an invalid spec, the IR may fail any
    # way: then the problems found are what is reported.
    problems = _in_child(_problems, doc)
    try:
        entry: bytes | Exception = built_entry(doc, build(doc))
    except Exception as error:  # noqa: BLE001 - reported below, once the checks have said whether the spec is valid
        entry = error
    found = problems()
    if found:
        return found
    if isinstance(entry, Exception):
        raise entry
    remember_built(doc, entry)
    return []


def _problems(doc: Document) -> list[Diagnostic]:
    from ..validate import validate

    try:
        validate(doc)
    except SpecError as error:
        return list(error.diagnostics)
    return []


def _in_child(function: Callable[[Document], list[Diagnostic]], doc: Document) -> Callable[[], list[Diagnostic]]:
    """function(doc), run now in a forked child process; what is returned waits for its result. Where there is no
    fork, or the child fails, function runs here when its result is asked for."""
    import os
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:  # forking copies no other thread, held locks included
        return lambda: function(doc)
    import multiprocessing

    context = multiprocessing.get_context("fork")  # the child has `doc` without it being pickled
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_send, args=(sending, function, doc))
    child.start()
    sending.close()

    def result() -> list[Diagnostic]:
        try:
            found: list[Diagnostic] | None = receiving.recv()
        except EOFError:  # the child died: the real error, from here
            found = None
        finally:
            receiving.close()
            child.join()
        return function(doc) if found is None else found

    return result


def _send(connection: Any, function: Callable[[Document], list[Diagnostic]], doc: Document) -> None:
    """In the child: function(doc) to the parent; None if it fails (the parent then runs it, and reports)."""
    try:
        found: list[Diagnostic] | None = function(doc)
    except Exception:  # noqa: BLE001 - reported by the parent, which runs function itself
        found = None
    connection.send(found)
