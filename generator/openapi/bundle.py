"""Documents in several files: every `$ref` to another file (`pets.yaml`, `../common.json#/components/schemas/Pet`)
is brought into the root document before the import, so that the rest of the importer sees one document.

- A reference in a schema's place becomes a schema of the root document's `components/schemas`, named after the
  last part of its pointer (`Pet`), or after the file when the whole file is the schema (`pet.yaml` -> `pet`); a
  name already taken by a different schema gets a number (`Pet2`). Each (file, pointer) is brought in once, so
  schemas of other files may refer to each other, and to themselves, as local ones do.
- Any other reference (a path item, a parameter, a response, a request body) is replaced by a copy of its target.
- References inside a file brought in are resolved against that file (`#/components/schemas/Tag` in `pets.yaml`
  is pets.yaml's `Tag`).

A file that cannot be read, a pointer that leads nowhere, a reference to a URL, or references that lead back to
themselves are warnings at the offending `$ref`, in the file that holds it (`pets.yaml:12:9: warning: ...`); the
reference is then read as "any value". Warnings about the parts brought in point into their own files too.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..diagnostics import SpecError
from ..load import Document, JsonPath, load, load_json

# Values that are data, not schemas or other objects: a "$ref" key inside them is not a reference.
DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})
Warn = Callable[[Document, JsonPath, str, str], None]


def pointer_parts(fragment: str) -> tuple[str, ...] | None:
    """'/components/schemas/A~1B' -> ('components', 'schemas', 'A/B'); '' -> (); None when not a JSON pointer."""
    if fragment == "":
        return ()
    if not fragment.startswith("/"):
        return None
    return tuple(p.replace("~1", "/").replace("~0", "~") for p in fragment[1:].split("/"))


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _at(node: Any, path: JsonPath) -> tuple[JsonPath | None, Any]:
    """The node at a JSON pointer's path, and the path with list indices as numbers (as positions are kept);
    None when there is no such node."""
    found: list[str | int] = []
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
            found.append(part)
        elif isinstance(node, list) and isinstance(part, str) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            found.append(int(part))
        else:
            return None, None
    return tuple(found), node


class Bundler:
    """Brings the other files a document refers to into it (in place); `origins` says where each part came from:
    a path in the root document -> (the file's document, the path there)."""

    def __init__(self, root: Document, warn: Warn) -> None:
        self.root = root
        self.warn = warn
        self.root_file = Path(root.file).resolve()
        self.documents: dict[Path, Document | None] = {self.root_file: root}
        self.brought: dict[tuple[Path, JsonPath], str] = {}  # (file, pointer) -> its name in components/schemas
        self.origins: dict[JsonPath, tuple[Document, JsonPath]] = {}

    def run(self) -> None:
        if isinstance(self.root.data, dict) and _has_external_ref(self.root.data):
            self._walk(self.root.data, (), self.root, (), False, ())
            self._alias_cycles()

    def _alias_cycles(self) -> None:
        """Schemas brought in that are only references, leading back to themselves (a.yaml is `$ref: b.yaml`, and
        b.yaml `$ref: a.yaml`), name no type: each such chain is reported once and read as any value."""
        schemas = self.root.data["components"]["schemas"]
        reported: set[str] = set()
        for name in list(self.brought.values()):
            chain = [name]
            while isinstance(schemas.get(chain[-1]), dict) and str(schemas[chain[-1]].get("$ref", "")).startswith(
                    "#/components/schemas/") and len(chain) < 100:
                following = pointer_parts(schemas[chain[-1]]["$ref"][1:])
                chain.append(str(following[-1]) if following else "")
                if chain[-1] in chain[:-1] or chain[-1] in reported:
                    break
            if chain[-1] in chain[:-1] and chain[-1] not in reported:
                cycle = chain[chain.index(chain[-1]):]
                reported.update(cycle)
                doc, path = self.origins.get(("components", "schemas", name), (self.root, ()))
                keys = [key for key, brought in self.brought.items() if brought in cycle]
                shown = " -> ".join(self._show(key) for key in keys + keys[:1])
                self._fail(schemas[name], doc, path, f"circular reference: {shown}")

    def _walk(self, node: Any, at: JsonPath, doc: Document, source: JsonPath, in_schema: bool,
              inlining: tuple[tuple[Path, JsonPath], ...]) -> None:
        """`node` sits at `at` in the root document and came from `source` in `doc`."""
        if isinstance(node, list):
            for index, item in enumerate(node):
                self._walk(item, at + (index,), doc, source + (index,), in_schema, inlining)
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("$ref"), str):
            self._reference(node, at, doc, source, in_schema, inlining)
            if "$ref" in node:  # a schema reference (now local) keeps its siblings, which may hold more
                for key, value in node.items():
                    if key != "$ref" and key not in DATA_KEYS and not key.startswith("x-"):
                        self._walk(value, at + (key,), doc, source + (key,), in_schema, inlining)
            return
        for key, value in list(node.items()):  # components/schemas grows as schemas of other files come in
            if key in DATA_KEYS or (isinstance(key, str) and key.startswith("x-")):
                continue
            if key == "discriminator" and in_schema and isinstance(value, dict) and isinstance(value.get("mapping"), dict):
                self._mapping(value["mapping"], at + (key, "mapping"), doc, source + (key, "mapping"), inlining)
                continue
            # Below `schema` (parameters, media types, headers) and `components/schemas`, everything is a schema.
            schema = in_schema or key == "schema" or (key == "schemas" and source[-1:] == ("components",))
            self._walk(value, at + (key,), doc, source + (key,), schema, inlining)

    def _reference(self, node: dict[str, Any], at: JsonPath, doc: Document, source: JsonPath, in_schema: bool,
                   inlining: tuple[tuple[Path, JsonPath], ...]) -> None:
        ref: str = node["$ref"]
        where, _, fragment = ref.partition("#")
        if doc is self.root and not where:
            return  # a local reference: the importer follows it
        if "://" in where:
            self._fail(node, doc, source, f"cannot resolve '{ref}': references to URLs are not fetched")
            return
        try:
            file = (Path(doc.file).parent / where).resolve() if where else Path(doc.file).resolve()
        except (OSError, ValueError) as error:  # a NUL in the name, a loop of symbolic links
            self._fail(node, doc, source, f"cannot resolve '{ref}': {error}")
            return
        pointer: JsonPath | None = pointer_parts(fragment)
        if pointer is None:
            self._fail(node, doc, source, f"cannot resolve '{ref}': '#{fragment}' is not a JSON pointer")
            return
        if file == self.root_file:
            node["$ref"] = "#" + fragment  # the root document itself, named by its file: a local reference
            return
        target_doc = self._document(file, node, doc, source, ref)
        if target_doc is None:
            return
        found, target = _at(target_doc.data, pointer)
        if found is None:
            self._fail(node, doc, source, f"cannot resolve '{ref}': '{fragment or '#'}' is not in {where or 'it'}")
            return
        if not isinstance(target, dict) and not (in_schema and isinstance(target, bool)):
            self._fail(node, doc, source, f"cannot resolve '{ref}': it names {type(target).__name__}, not a mapping")
            return
        pointer = found
        key = (file, pointer)
        if in_schema and key not in self.brought and len(at) == 3 and at[:2] == ("components", "schemas") \
                and set(node) == {"$ref"}:
            # A schema of the root that is only a reference to another file is that schema, under the root's name.
            self.brought[key] = str(at[2])
            node.clear()
            node.update(copy.deepcopy(target) if isinstance(target, dict) else {})
            self.origins[at] = (target_doc, pointer)
            self._walk(node, at, target_doc, pointer, True, inlining)
            return
        if in_schema:
            name = self._schema(key, target, target_doc, inlining)
            node["$ref"] = "#/components/schemas/" + _escape(name)
            return
        if key in inlining:
            chain = " -> ".join(self._show(k) for k in inlining[inlining.index(key):] + (key,))
            self._fail(node, doc, source, f"circular reference: {chain}")
            return
        node.clear()
        node.update(copy.deepcopy(target) if isinstance(target, dict) else {})
        self.origins[at] = (target_doc, pointer)
        self._walk(node, at, target_doc, pointer, False, inlining + (key,))

    def _mapping(self, mapping: dict[str, Any], at: JsonPath, doc: Document, source: JsonPath,
                 inlining: tuple[tuple[Path, JsonPath], ...]) -> None:
        """A discriminator's mapping values that are references (`pets.yaml#/Cat`, or `#/...` inside a file brought
        in) name schemas like `$ref`s do; plain schema names stay as they are."""
        for value, target in list(mapping.items()):
            if not isinstance(target, str):
                continue
            file_part = target.partition("#")[0]
            if not (file_part.endswith((".yaml", ".yml", ".json")) or (target.startswith("#/") and doc is not self.root)):
                continue
            reference = {"$ref": target}
            self._reference(reference, at + (value,), doc, source + (value,), True, inlining)
            if "$ref" in reference:
                mapping[value] = reference["$ref"]

    def _schema(self, key: tuple[Path, JsonPath], target: Any, doc: Document,
                inlining: tuple[tuple[Path, JsonPath], ...]) -> str:
        """The name in the root's components/schemas of the schema at `key`, brought in on first use."""
        if key in self.brought:
            return self.brought[key]
        components = self.root.data.setdefault("components", {})
        schemas = components.setdefault("schemas", {}) if isinstance(components, dict) else {}
        wanted = str(key[1][-1]) if key[1] else key[0].stem
        name, number = wanted, 2
        while name in schemas or name in self.brought.values():
            name, number = f"{wanted}{number}", number + 1
        self.brought[key] = name
        copied = copy.deepcopy(target)
        schemas[name] = copied
        at = ("components", "schemas", name)
        self.origins[at] = (doc, key[1])
        self._walk(copied, at, doc, key[1], True, inlining)
        return name

    def _document(self, file: Path, node: dict[str, Any], doc: Document, source: JsonPath, ref: str) -> Document | None:
        if file not in self.documents:
            shown = str(file) if Path(self.root.file).is_absolute() else os.path.relpath(file)
            try:
                self.documents[file] = load_json(shown) or load(shown)
            except (OSError, ValueError) as error:
                self.documents[file] = None
                self._fail(node, doc, source, f"cannot resolve '{ref}': {error}")
                return None
            except SpecError as error:
                first = error.diagnostics[0] if error.diagnostics else None
                problem = f"there is no file {shown}" if not file.is_file() else \
                    f"{shown}:{first.line}:{first.column}: {first.message}" if first else f"{shown} cannot be read"
                self.documents[file] = None
                self._fail(node, doc, source, f"cannot resolve '{ref}': {problem}")
                return None
        found = self.documents[file]
        if found is None:
            self._fail(node, doc, source, f"cannot resolve '{ref}': the file cannot be read")
        return found

    def _fail(self, node: dict[str, Any], doc: Document, source: JsonPath, message: str) -> None:
        self.warn(doc, source + ("$ref",), f"{message}; read as 'any value'", "unresolved-ref")
        node.clear()

    def _show(self, key: tuple[Path, JsonPath]) -> str:
        file, pointer = key
        return file.name + ("#" + "".join("/" + _escape(str(p)) for p in pointer) if pointer else "")


def _has_external_ref(node: Any) -> bool:
    """Whether any `$ref` names another file: most documents are one file, and need no walk that copies."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
