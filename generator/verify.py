"""`clientgen verify`: check a generated tree, or a vendored copy of part of it, against its manifest alone.

No spec is needed: the manifest (`.clientgen-manifest.json`) records the SHA-256 of every file a generation wrote.
A file whose bytes differ was edited by hand; a listed file that is gone is missing; a file that sits where only
generated files belong is extra: anywhere inside a generated Python package (a directory whose `__init__.py` the
manifest lists, and everything below it), or directly in a directory that holds generated files. Files elsewhere
(a `.venv`, notes at the top) are the user's own. `__pycache__` directories are ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .write import DISPOSABLE_DIRS, MANIFEST, WriteError


@dataclass(frozen=True)
class Verification:
    files: int  # how many files the manifest expects here
    problems: list[str]  # 'edited: path', 'missing: path', 'extra: path', sorted by kind then path
    generator: str
    spec_name: str
    spec_sha256: str


def verify(root: Path, manifest: Path | None = None, subtree: str | None = None) -> Verification:
    """Compare `root` with `manifest` (default: the one inside `root`). With `subtree` (a directory of the generated
    tree, such as `python/clear_street`), `root` is a copy of that directory alone, as vendored into another repo."""
    root = Path(root)
    if not root.is_dir():
        raise WriteError(f"{root} is not a directory")
    manifest = manifest or root / MANIFEST
    data = _read(manifest)
    listed: dict[str, str] = {str(k): str(v) for k, v in data["files"].items()}
    if subtree is not None:
        prefix = subtree.strip("/") + "/"
        expected = {path[len(prefix):]: digest for path, digest in listed.items() if path.startswith(prefix)}
        if not expected:
            raise WriteError(f"{manifest} lists no files under '{subtree}'")
    else:
        expected = dict(listed)
    edited, missing = [], []
    for path, digest in sorted(expected.items()):
        try:
            content = (root / path).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            missing.append(path)
            continue
        if hashlib.sha256(content).hexdigest() != digest:
            edited.append(path)
    extra = [p for p in _extra_files(root, set(expected)) if not (subtree is None and p == MANIFEST)]
    problems = [f"edited: {p}" for p in edited] + [f"missing: {p}" for p in missing] + [f"extra: {p}" for p in extra]
    spec = data.get("spec") or {}
    return Verification(len(expected), problems, str(data.get("generator", "")), str(spec.get("name", "")),
                        str(spec.get("sha256", "")))


def guess_subtree(root: Path, manifest: Path) -> str | None:
    """For a vendored package copy: the generated directory whose files `root` holds most of (by name and hash).
    None when the manifest sits in `root` itself (a whole generated tree)."""
    if manifest.resolve().parent == root.resolve():
        return None
    listed = _read(manifest)["files"]
    candidates = {str(PurePosixPath(p).parent) for p in listed if PurePosixPath(p).name == "__init__.py"}
    best, best_score = None, 0
    for candidate in sorted(candidates):
        prefix = candidate + "/"
        score = sum((root / p[len(prefix):]).is_file() for p in listed if p.startswith(prefix))
        if score > best_score or (score == best_score and best is not None and len(candidate) < len(best)):
            best, best_score = candidate, score
    if best is None:
        raise WriteError(f"{root} holds none of the packages {manifest} lists; name one with --subtree")
    return best


def _read(manifest: Path) -> dict[str, Any]:
    if not manifest.is_file():
        raise WriteError(f"{manifest}: no manifest; this directory was not written by clientgen "
                         "(for a vendored copy, pass the manifest with --manifest)")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WriteError(f"{manifest}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise WriteError(f"{manifest}: unreadable manifest (no 'files' mapping)")
    return data


def _extra_files(root: Path, expected: set[str]) -> list[str]:
    """Files that are not in `expected` but sit where only generated files belong (see the module docstring)."""
    packages = {str(PurePosixPath(p).parent) for p in expected if PurePosixPath(p).name == "__init__.py"}
    generated_dirs = {str(PurePosixPath(p).parent) for p in expected}
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in DISPOSABLE_DIRS)
        relative = PurePosixPath(Path(directory).relative_to(root).as_posix())
        inside_package = any(relative == PurePosixPath(p) or PurePosixPath(p) in relative.parents for p in packages)
        for name in sorted(filenames):
            path = str(relative / name) if str(relative) != "." else name
            if path not in expected and (inside_package or str(relative) in generated_dirs):
                found.append(path)
    return found
