"""The two sides of `clientgen diff`, each read into its SDK surface (surface.py): a spec file, an OpenAPI document
(it has an `openapi` key; imported in memory, nothing written) or `git:REF:path` (read with `git show`, the work
tree untouched; the relative `$ref`s of a multi-file OpenAPI document are read from the same commit into a
temporary directory).

Both sides are read at once, one of them in a second process, when both are big (an import is most of the cost);
nothing is dumped as YAML or formatted. A surface is kept in the user's cache by the hash of the document's bytes
(and of the generator, and of the name it is shown under), so the side that did not change is not read again;
documents with `$ref`s to other files are not cached. CLIENTGEN_DIFF_NO_CACHE=1 turns the cache off,
CLIENTGEN_DIFF_SERIAL=1 the second process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from .diagnostics import SpecError
from .load import Document, JsonPath
from .surface import Locator, build, of_spec

GIT_PREFIX = "git:"
# A relative `$ref` to another file: the part before '#'.
_FILE_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?([^"'#\s,}]+)""")


class SideError(Exception):
    """A side that cannot be read: its one-line message says which and why (exit code 2)."""


def load_sides(old: str, new: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both surfaces; the old one in a second process when both sides are worth it (imports of big documents).
    Two files of the same bytes are read once (no change can have a location then)."""
    if _same_bytes(old, new):
        surface = load_side(new)
        return surface, surface
    if os.environ.get("CLIENTGEN_DIFF_SERIAL") or not (_costly(old) and _costly(new)):
        return load_side(old), load_side(new)
    import multiprocessing

    context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(load_side, old)
        new_surface = load_side(new)
        return future.result(), new_surface


def _same_bytes(old: str, new: str) -> bool:
    if old.startswith(GIT_PREFIX) or new.startswith(GIT_PREFIX):
        return False
    try:
        first, second = Path(old), Path(new)
        if first.stat().st_size != second.stat().st_size:
            return False
        raw = first.read_bytes()
        return raw == second.read_bytes() and not _refers_to_files(raw)
    except OSError:
        return False


def _refers_to_files(raw: bytes) -> bool:
    """Whether a document has `$ref`s to other files (whose contents its bytes do not tell)."""
    text = raw.decode("utf-8", "replace")
    return any("://" not in ref and not ref.startswith("#") for ref in _FILE_REF.findall(text))


def _costly(arg: str) -> bool:
    """Whether reading this side takes long enough that a second process pays for itself (over 256 KiB)."""
    if arg.startswith(GIT_PREFIX):
        return True
    try:
        big = Path(arg).stat().st_size > 256 * 1024
    except OSError:
        return False
    cache = _cache_file(Path(arg), arg) if big else None
    return big and not (cache is not None and cache.exists())


def load_side(arg: str) -> dict[str, Any]:
    if arg.startswith(GIT_PREFIX):
        ref, _, path = arg[len(GIT_PREFIX):].partition(":")
        if not ref or not path:
            raise SideError(f"{arg}: expected git:REF:path (for example git:HEAD~1:spec/api.yaml)")
        with tempfile.TemporaryDirectory(prefix="clientgen-diff-") as temporary:
            local = _git_files(ref, path, Path(temporary))

            def shown(file: str) -> str:  # the other files of the commit, as git:REF:their/path
                inside = Path(file).resolve().relative_to(Path(temporary).resolve())
                return arg if Path(file) == local else f"{GIT_PREFIX}{ref}:{inside.as_posix()}"

            return _surface(local, arg, shown)
    return _surface(Path(arg), arg)


def _surface(path: Path, display: str, shown: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The surface of the document at `path`, located as `display` (and its other files as `shown` names them)."""
    from .load import load, load_json

    cache = _cache_file(path, display)
    if cache is not None:
        try:
            found: dict[str, Any] = json.loads(cache.read_bytes())
            return found
        except (OSError, ValueError):
            pass
    try:
        doc = load_json(path) or load(path)  # under its own name: relative $refs are read from beside it
    except SpecError as error:
        raise SideError(_first(error, display, str(path))) from None
    if isinstance(doc.data, dict) and "openapi" in doc.data:
        surface = _openapi_surface(doc, display, shown)
    elif isinstance(doc.data, dict) and "files" in doc.data and "spec" in doc.data:
        return _recorded_surface(doc.data, display)  # a manifest: read at once, not worth a cache entry
    else:
        surface = _spec_surface(dataclasses.replace(doc, file=display), display)
    if cache is not None:
        _remember(cache, surface)
    return surface


CACHE_ENTRIES = 32


def _cache_file(path: Path, display: str) -> Path | None:
    """Where the surface of the document at `path` is kept; None without a cache (turned off, a document that
    refers to other files, or one that cannot be read: reading it again reports why)."""
    from .pipeline import generator_identity
    from .render import cache_root

    if os.environ.get("CLIENTGEN_DIFF_NO_CACHE"):
        return None
    try:
        raw = path.read_bytes()
        root = cache_root()
    except (OSError, RuntimeError):
        return None
    if _refers_to_files(raw):
        return None
    digest = hashlib.sha256(f"{generator_identity()}\0{display}\0".encode() + raw).hexdigest()
    return root / "surfaces" / f"{digest}.json"


def _remember(cache: Path, surface: dict[str, Any]) -> None:
    """Write the surface atomically; keep the newest CACHE_ENTRIES surfaces."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".surface.", dir=cache.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(surface, stream, separators=(",", ":"))
        os.replace(temporary, cache)
        entries = sorted(cache.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[CACHE_ENTRIES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _recorded_surface(manifest: dict[str, Any], display: str) -> dict[str, Any]:
    """The surface a generation recorded in its manifest (.clientgen-manifest.json; see regen.py)."""
    surface = manifest.get("surface")
    if not isinstance(surface, dict):
        raise SideError(f"{display}: this manifest records no SDK surface (written by an older clientgen); "
                        "regenerate once to record it")
    return surface


def _spec_surface(doc: Document, display: str) -> dict[str, Any]:
    from .surface import build_ir
    from .validate import validate

    try:
        validate(doc)
        api = build_ir(doc)
    except SpecError as error:
        raise SideError(_first(error, display)) from None
    return of_spec(api, doc, display)


def _openapi_surface(doc: Document, display: str, shown: Callable[[str], str] | None) -> dict[str, Any]:
    from .openapi import _Importer
    from .surface import build_ir
    from .validate import _Semantics

    try:
        importer = _Importer(doc, None)
        result = importer.run()
        spec_doc = Document(display, result.spec, doc.sha256, {}, {})
        # The semantic checks only: the importer writes the spec's structure itself (import-openapi checks it
        # against the JSON Schema, on every document of the real-API corpus too), and the schema is a quarter of
        # the work of this side.
        problems = _Semantics(spec_doc).run()
        if problems:
            raise SpecError(problems)
        api = build_ir(spec_doc)
    except SpecError as error:
        raise SideError(_first(error, display)) from None
    return build(api, _openapi_locator(importer, result.spec, doc.file, shown or (lambda f: display if f == doc.file
                                                                                  else f)), result.spec)


def _openapi_locator(importer: Any, spec: dict[str, Any], file: str, shown: Callable[[str], str]) -> Locator:
    """Spec paths -> the OpenAPI document's nodes they were imported from: operations by verb and path, schemas by
    their original names, `api` from `info`, `servers` and `securitySchemes`."""
    original = {new: old for old, new in importer.names.items()}
    operations: dict[str, JsonPath] = {}
    for route, verb, _ in importer._operations():
        operations[f"{verb.upper()} {_plain_route(route)}"] = ("paths", route, verb)

    def translate(path: JsonPath) -> JsonPath:
        if not path:
            return ()
        head = path[0]
        if head == "schemas" and len(path) > 1:
            return ("components", "schemas", original.get(str(path[1]), str(path[1]))) + path[2:]
        if head == "envelope":
            return ("components", "schemas", importer.envelope_name or "") + path[1:]
        if head == "api":
            rest = path[1:2]
            if rest in (("base_url",), ("environments",), ("server_variables",)):
                return ("servers",)
            if rest in (("auth",), ("security_schemes",)):
                return ("components", "securitySchemes")
            return ("info",)
        if head == "resources":
            return _operation_path(importer, spec, path, operations)
        return ()

    def locate(path: JsonPath) -> str:
        doc, where = importer._located(translate(path))
        line, column = doc.position(where, key=bool(where) and isinstance(where[-1], str))
        return f"{shown(doc.file)}:{line}:{column}"

    return locate


def _plain_route(route: str) -> str:
    return re.sub(r"\{[^{}]*\}", "{}", route)


def _operation_path(importer: Any, spec: dict[str, Any], path: JsonPath, operations: dict[str, JsonPath]) -> JsonPath:
    """The operation a method came from (and its parameter, request body or responses); a resource's first method."""
    if "methods" in path:
        at = path.index("methods") + 2
        method, rest = _node(spec, path[:at]), path[at:]
    else:
        method, rest = _node(spec, path), ()
        while isinstance(method, dict) and "http" not in method:
            children = list((method.get("methods") or {}).values()) or list((method.get("resources") or {}).values())
            method = children[0] if children else None
    if not isinstance(method, dict) or "http" not in method:
        return ("paths",)
    verb, _, route = str(method["http"]).partition(" ")
    operation = operations.get(f"{verb} {_plain_route(route)}")
    if operation is None:
        return ("paths",)
    if rest[:1] == ("params",) and len(rest) > 1:
        return _parameter_at(importer, operation, method, str(rest[1]))
    if rest[:1] == ("response",):
        return operation + ("responses",)
    return operation


def _unpointer(ref: str) -> list[str]:
    from .openapi.documents import _unpointer as unpointer

    return unpointer(ref)


def _parameter_at(importer: Any, operation: JsonPath, method: dict[str, Any], wire: str) -> JsonPath:
    """Where a parameter was declared: its entry in the operation's (or path's) `parameters`, or for a body field
    its property in the request body's schema (through a `$ref` to a component schema); else the request body."""
    param = (method.get("params") or {}).get(wire) or {}
    if param.get("in") != "body":
        for where in (operation, operation[:-1]):
            entries = _node(importer.root, where + ("parameters",))
            for index, entry in enumerate(entries if isinstance(entries, list) else ()):
                found, _ = importer._deref(entry, where + ("parameters", index))
                if isinstance(found, dict) and found.get("name") == wire:
                    return where + ("parameters", index)
        return operation
    body, body_path = importer._deref(_node(importer.root, operation + ("requestBody",)), operation + ("requestBody",))
    content = body.get("content") if isinstance(body, dict) else None
    for media, entry in _sent_first(importer, content):
        schema = entry.get("schema") if isinstance(entry, dict) else None
        at: JsonPath = body_path + ("content", media, "schema")
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/"):
            at = tuple(_unpointer(schema["$ref"]))
            schema = _node(importer.root, at)
        if isinstance(schema, dict) and wire in (schema.get("properties") or {}):
            return at + ("properties", wire)
    return operation + ("requestBody",)


def _sent_first(importer: Any, content: Any) -> list[tuple[str, Any]]:
    """A request body's media types, the one the importer sends (its body's fields are the method's) first: JSON,
    else the preferred one (bodies.py)."""
    from .openapi.bodies import _preferred_media

    if not isinstance(content, dict) or not content:
        return []
    sent, _ = importer._json_media(content) or _preferred_media(content)
    return sorted(content.items(), key=lambda item: item[0] != sent)


def _node(data: Any, path: JsonPath) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _first(error: SpecError, display: str, file: str = "") -> str:
    """One line for a side that does not load: its first problem (in `file`, shown as `display`), and how many more
    there are."""
    first = str(error.diagnostics[0])
    first = display + first[len(file):] if file and first.startswith(file) else first
    more = len(error.diagnostics) - 1
    text = first if first.startswith(display) else f"{display}: {first}"
    return text + (f" (and {more} more problem{'s' if more != 1 else ''}: clientgen validate)" if more else "")


def _git_files(ref: str, path: str, into: Path) -> Path:
    """`git show REF:path` into `into`, at its path in the repository, with the files its relative `$ref`s name
    (read from the same commit, recursively; a reference out of the repository is left unresolved); the local copy
    of `path`."""
    prefix = _git(["rev-parse", "--show-prefix"], f"{GIT_PREFIX}{ref}:{path}").decode().strip()
    main = PurePosixPath(os.path.normpath(prefix + path))
    wanted = [main]
    done: set[PurePosixPath] = set()
    while wanted:
        current = wanted.pop()
        if current in done or str(current).startswith(".."):
            continue
        done.add(current)
        try:
            text = _git(["show", f"{ref}:{current}"], f"{GIT_PREFIX}{ref}:{path}")
        except SideError:
            if current == main:
                raise
            continue
        target = into / current
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
        if b"$ref" in text:
            for found in _FILE_REF.findall(text.decode("utf-8", "replace")):
                if "://" not in found and not found.startswith("#"):
                    wanted.append(PurePosixPath(os.path.normpath(current.parent / found)))
    return into / main


def _git(args: list[str], display: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError as exc:
        raise SideError(f"{display}: cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SideError(f"{display}: {message[-1] if message else 'git ' + args[0] + ' failed'}")
    return done.stdout
