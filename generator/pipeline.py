"""The stages in order: load -> validate -> build IR -> render -> format, then write or compare."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .format import FORMATTER, Progress, format_files, workers
from .render import OutputFile, input_keys, render_each, render_plan, templates_dir
from .write import (
    Manifest,
    Record,
    Reusable,
    WriteReport,
    diff,
    has_record,
    remember,
    reusable,
    unchanged,
    write,
)

if TYPE_CHECKING:
    from .diff import Change
    from .ir import Api
    from .load import Document
    from .regen import Previous


@dataclass(frozen=True)
class Generation:
    api: Api
    files: list[OutputFile]
    manifest: Manifest
    record: Record  # what the next generation into the same directory may reuse
    changes: list[Change] = field(default_factory=list)  # from the surface the output directory recorded
    bumped: str = ""  # 'old -> new' when --version-bump raised the packages' version


def load_api(spec: Path, package_name: str | None = None) -> Api:
    """Load, validate and build the IR; raises SpecError listing every problem.

    `package_name` renames the generated SDK package (for vendoring: `acme_clear_street`); environment variable
    names stay those of the spec, they belong to the API, not to where its client is copied."""
    built = recall_built(spec)
    if built is not None:
        return _renamed(built[0], package_name)
    return _build(_load_valid(spec), package_name)


def _api_and_surface(spec: Path, package_name: str | None) -> tuple[Api, dict[str, Any]]:
    """The IR and its SDK surface: as import-openapi kept them, unless the package is renamed (the surface names
    it), else loaded, validated and built."""
    built = recall_built(spec)
    if built is not None and _renamed(built[0], package_name) is built[0]:
        return built
    doc = _load_valid(spec)
    api = _build(doc, package_name)
    return api, _surface(doc, api)


def _surface(doc: Document, api: Api, label: str | None = None) -> dict[str, Any]:
    """The SDK surface of `api`, located in `doc` under `label` (default: the spec's file name)."""
    from .surface import of_spec

    return of_spec(api, doc, label or api.spec_name)


def _load_valid(spec: Path) -> Document:
    from .load import load  # imported here: a generation with nothing to do needs none of these stages
    from .validate import validate

    doc = load(spec)
    validate(doc)
    return doc


def _build(doc: Document, package_name: str | None) -> Api:
    from .ir import build

    return _renamed(build(doc), package_name)


def _renamed(api: Api, package_name: str | None) -> Api:
    if package_name and package_name != api.package:
        api = replace(api, package=package_name, package_option=package_name)
    return api


# --- the IR of a spec that `import-openapi` has just written and checked ----------------------------------------
# Checking the spec it writes, `import-openapi` loads, validates and builds it as `generate` would; the `generate`
# that usually follows then takes that IR instead of doing all of it again (for a large API, a third of a second
# per thousand lines of spec). Kept in the user's cache, under a key of the spec's bytes, its file name (the IR
# names it) and the generator (its code and templates), so that any change to one of them is a miss.

BUILT_KEPT = 4  # entries kept: the IRs of the last few imports


def _built_path(name: str, sha256: str) -> Path:
    from .render import cache_root

    spec_name = name.replace("\\", "/").rsplit("/", 1)[-1]
    key = hashlib.sha256(f"{generator_identity()}\0{spec_name}\0{sha256}".encode()).hexdigest()
    return cache_root() / "built" / key


def built_entry(doc: Document, api: Api) -> bytes:
    """What remember_built keeps of `api`, the IR built from `doc`: it and its SDK surface."""
    import pickle
    import zlib

    return zlib.compress(pickle.dumps((api, _surface(doc, api)), protocol=pickle.HIGHEST_PROTOCOL), 1)


def remember_built(doc: Document, entry: bytes) -> None:
    """Keep `entry` (built_entry of `doc`, which is valid) for the next load_api or generate of the same file; best
    effort."""
    import os
    import tempfile

    path = _built_path(doc.file, doc.sha256)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".built.", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(entry)
        os.replace(temporary, path)
        entries = sorted((p for p in path.parent.iterdir() if not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[BUILT_KEPT:]:
            old.unlink(missing_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to find a cache in
        pass  # no cache, no harm: generate builds the IR itself


def recall_built(spec: Path) -> tuple[Api, dict[str, Any]] | None:
    """The IR and surface remember_built kept for exactly this spec file, or None."""
    import pickle
    import zlib

    try:
        path = _built_path(str(spec), hashlib.sha256(Path(spec).read_bytes()).hexdigest())
        data = path.read_bytes()
    except (OSError, RuntimeError):
        return None
    try:
        built: tuple[Api, dict[str, Any]] = pickle.loads(zlib.decompress(data))
    except Exception:  # noqa: BLE001 - a damaged entry: build the IR as if there were none
        return None
    return built


def fingerprint(spec: Path, package_name: str | None = None) -> str:
    """A hash of everything the output depends on: the spec's bytes and the generator (generator_identity).
    '' if the spec is unreadable."""
    try:
        spec_bytes = Path(spec).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(generator_identity(package_name).encode() + b"\0" + spec_bytes).hexdigest()


@lru_cache(maxsize=8)
def generator_identity(package_name: str | None = None) -> str:
    """A hash of what the output depends on besides the spec: the options, the formatter, and the generator's own
    code and templates (so editing a template is a change too)."""
    digest = hashlib.sha256(f"{__version__}\0{FORMATTER}\0{package_name or ''}\0".encode())
    own = [p for p in Path(__file__).parent.iterdir() if p.suffix in (".py", ".json")]
    templates = [p for p in templates_dir().rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for root, paths in ((Path(__file__).parent, own), (templates_dir(), templates)):
        for path in sorted(paths):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def generate_files(spec: Path, reuse_from: Path | None = None, progress: Progress | None = None,
                   package_name: str | None = None, key: str | None = None, before: Previous | None = None,
                   version_bump: str | None = None) -> Generation:
    """Every output file. From what `reuse_from` holds as the last generation wrote it, files made from the same
    inputs are taken as they are, and pieces black would format the same are reused. `key` is the fingerprint when
    the caller has computed it already. `before` is what the output directory recorded (regen.previous): its
    version and CHANGELOG are kept, and with `version_bump` ('auto') the changes from its surface bump them."""
    from . import regen

    before = before or regen.Previous()
    # Workers start first and import black while the rest goes on: after a generation into the same place, few
    # pieces need black, and one worker spares the cores the others' imports would take.
    with workers(1 if reuse_from and has_record(reuse_from) else None) as pool:
        api, surface = _api_and_surface(spec, package_name)
        changes, version, changelog, bumped = _version(surface, api, before, version_bump)
        if version != api.version:
            api = replace(api, version=version)
        plan = render_plan(api)
        inputs = input_keys(api, plan, generator_identity(package_name))
        reuse = reusable(reuse_from, FORMATTER, inputs) if reuse_from else Reusable({}, {})
        formatted = format_files(render_each(api, plan, reuse.outputs), reuse.formatting, progress, pool)
    kept = [OutputFile(path, text) for path, text in reuse.outputs.items()]
    extra = [OutputFile(regen.CHANGELOG, changelog)] if changelog is not None else []
    files = sorted(formatted.files + kept + extra, key=lambda f: f.path)
    sources = {path: reuse.formatting[path][0] for path in reuse.outputs if path in reuse.formatting}
    spans = {path: reuse.formatting[path][2] for path in sources}
    manifest = Manifest.for_files(f"clientgen {__version__}", api.spec_name, api.spec_sha256, files, version, surface)
    record = Record(key if key is not None else fingerprint(spec, package_name), FORMATTER,
                    {**sources, **formatted.sources}, {**spans, **formatted.spans}, inputs, manifest.written())
    return Generation(api, files, manifest, record, changes, bumped)


def _version(surface: dict[str, Any], api: Api, before: Previous, version_bump: str | None
             ) -> tuple[list[Change], str, str | None, str]:
    """The changes of the SDK surface from the recorded one, the packages' version, the CHANGELOG text and
    'old -> new' when the version was bumped."""
    from . import regen
    from .diff import bump, compare, markdown

    changes = regen.changes_from(before.surface, surface, compare)
    version = regen.effective_version(api.version, before.version)
    changelog = before.changelog
    bumped = ""
    if version_bump is not None and changes:
        level = bump(changes)
        if level is not None:
            old_version, version = version, regen.bumped(version, level)
            section = markdown(changes, old_version, version, heading=f"## {version}")
            changelog = regen.changelog_with(changelog, section)
            bumped = f"{old_version} -> {version} ({level})"
    return changes, version, changelog, bumped


def generate(spec: Path, out_dir: Path, *, force: bool = False, progress: Progress | None = None,
             package_name: str | None = None, version_bump: str | None = None) -> WriteReport:
    """Generate into `out_dir`; nothing at all to do when it already holds exactly this generation. The report
    lists what the generation changed in the SDK surface the manifest recorded (see regen)."""
    from . import regen

    key = fingerprint(spec, package_name)
    nothing_to_do = unchanged(out_dir, key)
    if nothing_to_do:  # the very generation the manifest records: the same surface, nothing to bump
        return nothing_to_do
    before = regen.previous(out_dir)
    generation = generate_files(spec, reuse_from=out_dir, progress=progress, package_name=package_name, key=key,
                                before=before, version_bump=version_bump)
    report = write(out_dir, generation.files, generation.manifest, force=force)
    remember(out_dir, generation.record)
    old = regen.old_side(out_dir, before) if regen.breaking(generation.changes) else ""
    return replace(report, changes=tuple(generation.changes), old_side=old, version=generation.bumped)


def surface_of(spec: Path, package_name: str | None = None) -> dict[str, Any]:
    """SPEC's SDK surface, located in SPEC as named."""
    doc = _load_valid(spec)
    return _surface(doc, _build(doc, package_name), str(spec))


def check(spec: Path, out_dir: Path, package_name: str | None = None) -> list[str]:
    from . import regen

    generation = generate_files(spec, package_name=package_name, before=regen.previous(out_dir))
    return diff(out_dir, generation.files, generation.manifest)
