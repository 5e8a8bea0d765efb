"""The stages in order: load -> validate -> build IR -> render -> format, then write or compare."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .format import FORMATTER, Progress, format_files, workers
from .render import OutputFile, render, templates_dir
from .write import Manifest, Record, WriteReport, diff, previous_formatting, remember, unchanged, write

if TYPE_CHECKING:
    from .ir import Api


@dataclass(frozen=True)
class Generation:
    api: Api
    files: list[OutputFile]
    manifest: Manifest
    record: Record  # what the next generation into the same directory may reuse


def load_api(spec: Path, package_name: str | None = None) -> Api:
    """Load, validate and build the IR; raises SpecError listing every problem.

    `package_name` renames the generated SDK package (for vendoring: `acme_clear_street`); environment variable
    names stay those of the spec, they belong to the API, not to where its client is copied."""
    from .ir import build  # imported here: a generation with nothing to do needs none of these stages
    from .load import load
    from .validate import validate

    doc = load(spec)
    validate(doc)
    api = build(doc)
    if package_name and package_name != api.package:
        api = replace(api, package=package_name, package_option=package_name)
    return api


def fingerprint(spec: Path, package_name: str | None = None) -> str:
    """A hash of everything the output depends on: the spec's bytes, the options, the formatter, and the
    generator's own code and templates (so editing a template is a change too). '' if the spec is unreadable."""
    digest = hashlib.sha256(f"{__version__}\0{FORMATTER}\0{package_name or ''}\0".encode())
    try:
        digest.update(Path(spec).read_bytes())
    except OSError:
        return ""
    own = [p for p in Path(__file__).parent.iterdir() if p.suffix in (".py", ".json")]
    templates = [p for p in templates_dir().rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for root, paths in ((Path(__file__).parent, own), (templates_dir(), templates)):
        for path in sorted(paths):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def generate_files(spec: Path, reuse_from: Path | None = None, progress: Progress | None = None,
                   package_name: str | None = None, key: str | None = None) -> Generation:
    """Every output file; files that `reuse_from` holds exactly as black would format them again are reused.
    `key` is the fingerprint when the caller has computed it already."""
    api = load_api(spec, package_name)
    reuse = previous_formatting(reuse_from, FORMATTER) if reuse_from else {}
    # Workers start now and import black while rendering goes on: with nothing to reuse, most pieces need black;
    # otherwise few do, and one worker spares the cores the others' imports would take.
    with workers(None if not reuse else 1) as pool:
        formatted = format_files(render(api), reuse, progress, pool)
    manifest = Manifest.for_files(f"clientgen {__version__}", api.spec_name, api.spec_sha256, formatted.files)
    record = Record(key if key is not None else fingerprint(spec, package_name), FORMATTER, formatted.sources,
                    formatted.spans)
    return Generation(api, formatted.files, manifest, record)


def generate(spec: Path, out_dir: Path, *, force: bool = False, progress: Progress | None = None,
             package_name: str | None = None) -> WriteReport:
    """Generate into `out_dir`; nothing at all to do when it already holds exactly this generation."""
    key = fingerprint(spec, package_name)
    nothing_to_do = unchanged(out_dir, key)
    if nothing_to_do:
        return nothing_to_do
    generation = generate_files(spec, reuse_from=out_dir, progress=progress, package_name=package_name, key=key)
    report = write(out_dir, generation.files, generation.manifest, force=force)
    remember(out_dir, generation.record)
    return report


def check(spec: Path, out_dir: Path, package_name: str | None = None) -> list[str]:
    generation = generate_files(spec, package_name=package_name)
    return diff(out_dir, generation.files, generation.manifest)
