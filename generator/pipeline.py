"""The stages in order: load -> validate -> build IR -> render -> format, then write or compare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .format import format_files
from .ir import Api, build
from .load import load
from .render import OutputFile, render
from .validate import validate
from .write import Manifest, WriteReport, diff, write


@dataclass(frozen=True)
class Generation:
    api: Api
    files: list[OutputFile]
    manifest: Manifest


def load_api(spec: Path) -> Api:
    """Load, validate and build the IR; raises SpecError listing every problem."""
    doc = load(spec)
    validate(doc)
    return build(doc)


def generate_files(spec: Path) -> Generation:
    api = load_api(spec)
    files = format_files(render(api))
    manifest = Manifest.for_files(f"clientgen {__version__}", api.spec_name, api.spec_sha256, files)
    return Generation(api, files, manifest)


def generate(spec: Path, out_dir: Path, *, force: bool = False) -> WriteReport:
    generation = generate_files(spec)
    return write(out_dir, generation.files, generation.manifest, force=force)


def check(spec: Path, out_dir: Path) -> list[str]:
    generation = generate_files(spec)
    return diff(out_dir, generation.files, generation.manifest)
