"""Stage 6, write: the whole output tree is swapped in at once, and files we did not write are never touched.

The new tree is built in a sibling directory, with every file the manifest does not list (the user's own, such as
a `.venv` or notes) hard-linked into it; then the two directories are exchanged atomically (renameat2 on Linux,
two renames elsewhere, recoverable), so a kill at any moment leaves the old tree or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import difflib
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .render import OutputFile, cache_root

MANIFEST = ".clientgen-manifest.json"
DISPOSABLE_DIRS = frozenset({"__pycache__"})  # caches Python rebuilds; not carried into a new tree


class WriteError(Exception):
    """The output directory cannot be written safely; nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    generator: str
    spec_name: str
    spec_sha256: str
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of content
    version: str | None = None  # the generated packages' version (regen.effective_version)
    surface: dict[str, Any] | None = None  # the SDK surface (surface.build), what the next generation compares to

    def render(self) -> str:
        data: dict[str, Any] = {"generator": self.generator,
                                "spec": {"name": self.spec_name, "sha256": self.spec_sha256}}
        if self.version is not None:
            data["version"] = self.version
        data["files"] = dict(sorted(self.files.items()))
        text = json.dumps(data, indent=2, ensure_ascii=False)
        if self.surface is not None:
            text = text[:-2] + f',\n  "surface": {_entry_per_line(self.surface, 1)}\n}}'
        return text + "\n"

    @classmethod
    def for_files(cls, generator: str, spec_name: str, spec_sha256: str, files: list[OutputFile],
                  version: str | None = None, surface: dict[str, Any] | None = None) -> Manifest:
        return cls(generator, spec_name, spec_sha256, {f.path: _sha256(f.content.encode()) for f in files},
                   version, surface)

    def written(self) -> dict[str, str]:
        """path -> sha256 of every file a write of this generation leaves, the manifest itself included."""
        return {**self.files, MANIFEST: _sha256(self.render().encode())}


def _entry_per_line(value: Any, depth: int) -> str:
    """JSON with one line per entry of the surface's sections (a method, a type): a change to the surface is a
    change to the lines of what changed, and a big API's surface does not take a line per field."""
    if depth > 2 or not isinstance(value, dict) or not value:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    indent = "  " * (depth + 1)
    items = [f"{indent}{json.dumps(k, ensure_ascii=False)}: {_entry_per_line(v, depth + 1)}"
             for k, v in sorted(value.items())]
    return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"


@dataclass(frozen=True)
class Record:
    """What the last generation into a directory was made from. It is kept in the user's cache, not in the
    output: the output and its manifest stay the same when only clientgen's own code changes."""

    fingerprint: str  # everything the output depends on (pipeline.fingerprint)
    formatter: str  # black's version and settings: `sources` and `spans` are only reusable with the same one
    sources: dict[str, str]  # path -> sha256 of the text before formatting
    # path -> (key, start, end) of each piece black formatted on its own, in the formatted file (format.Span)
    spans: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # path -> hash of what render made it from (input_keys)
    # path -> sha256 of each file as this generation wrote it, the manifest too (Manifest.written). A file on disk
    # is this generation's only when its bytes have that hash: git may bring back older files with their older
    # manifest (a checkout, a rebase), which agree with each other but not with this record.
    written: dict[str, str] = field(default_factory=dict)


def remember(out_dir: Path, record: Record) -> None:
    """Keep `record` for the next generation into `out_dir`; a cache that cannot be written is no error."""
    path = _record_path(out_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record.__dict__, sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass


def has_record(out_dir: Path) -> bool:
    """Whether an earlier generation into `out_dir` left a record (its reuse is then likely)."""
    return _record_path(out_dir).exists() and (Path(out_dir) / MANIFEST).exists()


def _recall(out_dir: Path) -> Record | None:
    """The record of the last generation into `out_dir`, if there is one that lists what it wrote."""
    try:
        record = Record(**json.loads(_record_path(out_dir).read_text(encoding="utf-8")))
        if not isinstance(record.written, dict) or not record.written:
            return None  # a record from before `written`: nothing on disk can be trusted as its output
        return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _record_path(out_dir: Path) -> Path:
    key = hashlib.sha256(os.path.abspath(out_dir).encode()).hexdigest()
    return cache_root() / "outputs" / f"{key}.json"


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    changes: tuple[Any, ...] = ()  # diff.Change: what this generation changed in the recorded SDK surface
    old_side: str = ""  # a `clientgen diff` side holding the surface recorded before (regen.old_side)
    version: str = ""  # the generated packages' version, when this generation bumped it


def read_manifest(out_dir: Path) -> dict[str, str] | None:
    """The file hashes an earlier generation recorded in `out_dir`, or None when it has no manifest."""
    path = out_dir / MANIFEST
    if not path.exists():
        return None
    try:
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not a mapping")
        return {str(k): str(v) for k, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WriteError(f"{path}: unreadable manifest ({exc}); move it away or use --force") from None


def unchanged(out_dir: Path, fingerprint: str) -> WriteReport | None:
    """A report of nothing to do, when `out_dir` was generated from exactly these inputs and holds every file (and
    the manifest) as that generation wrote it; None otherwise (then the caller generates)."""
    record = _recall(out_dir)
    if not fingerprint or record is None or record.fingerprint != fingerprint:
        return None
    for path, digest in record.written.items():
        if _disk_hash(Path(out_dir) / path) != digest:
            return None
    return WriteReport(0, len(record.written), 0)


Reuse = dict[str, tuple[str, str, list[tuple[str, int, int]]]]  # format.Reuse


@dataclass(frozen=True)
class Reusable:
    """What the last generation into a directory left that the next one may use, among the files still exactly
    as it wrote them."""

    formatting: Reuse  # path -> (hash of its text before formatting, the file as formatted, its pieces)
    outputs: dict[str, str]  # path -> the file, for files made from the very inputs the next one has


def reusable(out_dir: Path, formatter: str, inputs: dict[str, str] | None = None) -> Reusable:
    """What `out_dir` holds for a generation with this formatter whose files come from `inputs` (path -> input key).
    Anything unexpected just means nothing is reused."""
    record = _recall(out_dir)
    if record is None or record.formatter != formatter:
        return Reusable({}, {})
    hashes = record.written  # not the manifest's: restored together, older files and manifest agree
    same = {path for path, key in (inputs or {}).items() if record.inputs.get(path) == key}
    formatting: Reuse = {}
    outputs = {}
    for path in sorted(set(record.sources) | same):
        content = _disk_bytes(Path(out_dir) / path)
        if content is None or _sha256(content) != hashes.get(path):
            continue
        text = content.decode("utf-8", "replace")
        if path in record.sources:
            spans = [(str(key), int(start), int(end)) for key, start, end in record.spans.get(path, [])]
            formatting[path] = (record.sources[path], text, spans)
        if path in same:
            outputs[path] = text
    return Reusable(formatting, outputs)


def _disk_hash(path: Path) -> str | None:
    content = _disk_bytes(path)
    return None if content is None else _sha256(content)


def write(out_dir: Path, files: list[OutputFile], manifest: Manifest, *, force: bool = False) -> WriteReport:
    out_dir = Path(os.path.abspath(out_dir))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir.parent):
        _recover(out_dir)
        old = _previous_files(out_dir, force)
        all_files = files + [OutputFile(MANIFEST, manifest.render())]
        if not force:
            _refuse_to_overwrite(out_dir, [f.path for f in files if f.path not in old])
        changed = [f for f in all_files if _disk_bytes(out_dir / f.path) != f.content.encode()]
        stale = sorted(set(old) - {f.path for f in all_files})
        report = WriteReport(len(changed), len(all_files) - len(changed), len(stale))
        if changed or stale:
            same = {f.path for f in all_files} - {f.path for f in changed}
            _swap_in(out_dir, all_files, set(old) | {MANIFEST}, same)
        return report


def diff(out_dir: Path, files: list[OutputFile], manifest: Manifest) -> list[str]:
    """Unified diffs between `out_dir` and what generation would write there; empty when it is current."""
    out_dir = Path(out_dir)
    old = read_manifest(out_dir) or {}
    problems: list[str] = []
    for f in files + [OutputFile(MANIFEST, manifest.render())]:
        on_disk = _disk_bytes(out_dir / f.path)
        if on_disk is None:
            problems.append(f"missing: {f.path}\n")
        elif on_disk != f.content.encode():
            before = on_disk.decode("utf-8", "replace").splitlines(keepends=True)
            after = f.content.splitlines(keepends=True)
            problems.append("".join(difflib.unified_diff(before, after, f"a/{f.path}", f"b/{f.path}")))
    for path in sorted(set(old) - {f.path for f in files}):
        if (out_dir / path).exists():
            problems.append(f"stale: {path} (no longer generated)\n")
    return problems


# --- internals ---------------------------------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _disk_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _previous_files(out_dir: Path, force: bool) -> dict[str, str]:
    if not out_dir.exists():
        return {}
    if not out_dir.is_dir():
        raise WriteError(f"{out_dir} exists and is not a directory")
    manifest = None if force and not (out_dir / MANIFEST).exists() else read_manifest(out_dir)
    if manifest is None and not force and any(out_dir.iterdir()):
        raise WriteError(
            f"{out_dir} is not empty and was not written by clientgen (no {MANIFEST}); "
            "refusing to write into it. Choose an empty directory, or use --force to generate beside its files"
        )
    return manifest or {}


def _refuse_to_overwrite(out_dir: Path, new_paths: list[str]) -> None:
    taken = [p for p in new_paths if (out_dir / p).exists() or (out_dir / p).is_symlink()]
    if taken:
        listed = ", ".join(taken[:5]) + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        raise WriteError(f"{out_dir}: {listed} would be overwritten but clientgen did not write it; "
                         "move it away, or use --force to replace it")


def _siblings(out_dir: Path) -> tuple[Path, Path]:
    return (out_dir.with_name(f".{out_dir.name}.clientgen-new"), out_dir.with_name(f".{out_dir.name}.clientgen-old"))


def _recover(out_dir: Path) -> None:
    """Finish or undo what a killed run left: the old tree comes back if the new one never arrived."""
    new, old = _siblings(out_dir)
    if old.exists() and not out_dir.exists():
        os.rename(old, out_dir)
    for leftover in (new, old):
        if leftover.exists():
            shutil.rmtree(leftover)


def _swap_in(out_dir: Path, files: list[OutputFile], managed: set[str], same: set[str]) -> None:
    """Build the new tree beside `out_dir` and exchange the two; files whose content is the `same` as in the old
    tree are hard-linked from it (cheaper than writing them, and their times stay those of their last change)."""
    new, old = _siblings(out_dir)
    new.mkdir()
    try:
        made = {new}
        for f in files:
            target = new / f.path
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if f.path not in same or not _linked(out_dir / f.path, target):
                target.write_bytes(f.content.encode())
        generated = {f.path for f in files}
        if out_dir.exists():
            _carry_over(out_dir, new, managed | generated)
            _exchange(new, out_dir, old)
            _carry_over(new, out_dir, managed | generated, only_missing=True)  # anything written meanwhile
            shutil.rmtree(new)
        else:
            os.rename(new, out_dir)
    except BaseException:
        if new.exists():
            shutil.rmtree(new, ignore_errors=True)
        raise


def _linked(origin: Path, destination: Path) -> bool:
    """Hard-link a regular file (never a symbolic link: the output holds only files clientgen wrote)."""
    try:
        if origin.is_symlink():
            return False
        os.link(origin, destination)
        return True
    except OSError:
        return False


def _carry_over(source: Path, target: Path, managed: set[str], only_missing: bool = False) -> None:
    """Link every file in `source` that clientgen does not manage into `target` at the same place."""
    for path in _foreign_entries(source, managed):
        destination = target / path
        if only_missing and (destination.exists() or destination.is_symlink()):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        origin = source / path
        if origin.is_dir() and not origin.is_symlink():
            destination.mkdir(exist_ok=True)
        elif origin.is_symlink():
            os.symlink(os.readlink(origin), destination)
        else:
            try:
                os.link(origin, destination)
            except OSError:
                shutil.copy2(origin, destination)


def _foreign_entries(root: Path, managed: set[str]) -> Iterator[str]:
    """Relative paths of files (and empty directories) under `root` that the manifest does not list."""
    for directory, dirnames, filenames in os.walk(root):
        empty = not dirnames and not filenames
        dirnames[:] = sorted(d for d in dirnames if d not in DISPOSABLE_DIRS)
        relative = Path(directory).relative_to(root)
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(directory, d))]:
            path = (relative / name).as_posix()
            if path not in managed:
                yield path
        if empty and relative != Path("."):
            yield relative.as_posix()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(new: Path, out_dir: Path, old: Path) -> None:
    """Atomically put `new` at `out_dir` (the previous tree ends up at `new`)."""
    libc_name = ctypes.util.find_library("c")
    renameat2 = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if renameat2 is not None:
        result = renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(out_dir), _RENAME_EXCHANGE)
        if result == 0:
            return
        if ctypes.get_errno() not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(out_dir))
    # No atomic exchange here: two renames; _recover() puts the old tree back if we die between them.
    os.rename(out_dir, old)
    os.rename(new, out_dir)
    os.rename(old, new)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One generation at a time per parent directory (flock; released by the OS if the process dies)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
