"""The `clientgen` command. Exit codes: 0 ok, 1 a problem in the spec or the output, 2 a usage error."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__

T = TypeVar("T")

SPEC = click.argument("spec", type=click.Path(path_type=Path))


def _package_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    import keyword
    import re

    if value is not None and (not re.fullmatch(r"[a-z][a-z0-9_]*", value) or keyword.iskeyword(value)):
        raise click.BadParameter(f"{value!r} is not a lower-case Python package name such as acme_clear_street")
    return value


PACKAGE_NAME = click.option(
    "--package-name", callback=_package_name, metavar="NAME",
    help="Name of the generated SDK package instead of the spec's api.package (to vendor it under another name; "
         "its imports are relative, so the package works from any location).",
)
OUTPUT = click.option(
    "-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Output directory (for example generated/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clientgen")
def main() -> None:
    """Generate a typed Python SDK, a command-line client and API reference docs from one YAML API spec.

    \b
    Typical use:
      clientgen validate spec/clear_street.yaml
      clientgen generate spec/clear_street.yaml -o generated
      clientgen check spec/clear_street.yaml -o generated   # in CI
      clientgen diff git:HEAD:spec/clear_street.yaml spec/clear_street.yaml   # what an edit breaks
      clientgen verify vendor/clear_street --manifest vendor/clear_street.clientgen-manifest.json
    """


@main.command()
@SPEC
def validate(spec: Path) -> None:
    """Check SPEC and report every problem in it, gcc-style (file:line:col: error: ...)."""
    from .pipeline import load_api

    api = _or_exit(lambda: load_api(spec))
    methods = sum(len(r.methods) for r in api.all_resources())
    click.echo(f"{spec}: ok ({methods} methods, {len(api.modules)} type modules)")


@main.command()
@SPEC
@OUTPUT
@click.option("--force", is_flag=True, help="Write into a non-empty directory that clientgen did not create.")
@PACKAGE_NAME
@click.option("--version-bump", type=click.Choice(["auto"]),
              help="Compare the SDK surface with the one the output's manifest recorded, raise the packages' version "
                   "as the changes call for (major, minor, patch) and prepend them to the generated CHANGELOG.md.")
def generate(spec: Path, out_dir: Path, force: bool, package_name: str | None, version_bump: str | None) -> None:
    """Generate the clients for SPEC into the output directory.

    The directory is replaced atomically; files in it that clientgen did not write are kept. When SPEC has
    problems, they are all reported and nothing is written. The manifest records the SDK surface; a regeneration
    that breaks it says so in one line, with the `clientgen diff` command that lists the changes.
    """
    from .pipeline import generate as run
    from .regen import summary

    started = time.perf_counter()
    progress = _show_progress if sys.stderr.isatty() and not os.environ.get("CI") else None
    report = _or_exit(lambda: run(spec, out_dir, force=force, progress=progress, package_name=package_name,
                                  version_bump=version_bump), writes=True)
    if progress:
        click.echo("\r\033[K", nl=False, err=True)
    seconds = time.perf_counter() - started
    click.echo(
        f"clientgen: {out_dir}: {report.written} written, {report.unchanged} unchanged, "
        f"{report.removed} removed in {seconds:.2f}s"
    )
    if report.version:
        click.echo(f"clientgen: version {report.version}; {out_dir / 'CHANGELOG.md'} has the changes")
    if report.old_side:
        click.echo(f"clientgen: {summary(list(report.changes), report.old_side, str(spec))}", err=True)
    _spare_the_collector()


@main.command()
@SPEC
@OUTPUT
@PACKAGE_NAME
@click.option("--fail-on", type=click.Choice(["breaking", "any"]),
              help="Also compare SPEC's SDK surface with the recorded one (--baseline) and exit 1 when a change of "
                   "that level is found, listing the changes.")
@click.option("--baseline", metavar="SIDE",
              help="With --fail-on: the surface to compare with, any `clientgen diff` side (a spec, an OpenAPI "
                   "document, git:REF:path, a .clientgen-manifest.json). Default: OUTPUT's manifest.")
def check(spec: Path, out_dir: Path, package_name: str | None, fail_on: str | None, baseline: str | None) -> None:
    """Exit 1 with a diff when the output directory is not what `generate` would write.

    With --fail-on breaking, also exit 1 when SPEC breaks the SDK surface recorded in the output's manifest (or
    in --baseline): the gate for CI and pre-commit.
    """
    from .pipeline import check as run

    if baseline is not None and fail_on is None:
        raise click.UsageError("--baseline needs --fail-on")
    gate_failed = _surface_gate(spec, out_dir, package_name, fail_on, baseline) if fail_on else False
    problems = _or_exit(lambda: run(spec, out_dir, package_name))
    if gate_failed and not problems:
        sys.exit(1)
    if problems:
        click.echo("".join(problems), nl=False)
        click.echo(
            f"clientgen: {out_dir} is out of date ({len(problems)} files differ); "
            f"run: clientgen generate {spec} -o {out_dir}" + (f" --package-name {package_name}" if package_name else ""),
            err=True,
        )
        sys.exit(1)
    click.echo(f"clientgen: {out_dir} is up to date")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path),
              help="The manifest to check against (default: DIRECTORY/.clientgen-manifest.json). Give it for a "
                   "vendored copy of one package, with the manifest copied beside it.")
@click.option("--subtree", metavar="PATH",
              help="Which directory of the generated tree DIRECTORY is a copy of (python/clear_street); "
                   "guessed from the files when --manifest is given.")
def verify(directory: Path, manifest: Path | None, subtree: str | None) -> None:
    """Exit 1 listing files edited by hand, missing or extra, against the manifest; no spec needed.

    For the consuming repo of a vendored SDK: it proves the copy is exactly what clientgen generated.
    """
    from .verify import guess_subtree
    from .verify import verify as run

    if manifest is not None and subtree is None:
        subtree = _or_exit(lambda: guess_subtree(directory, manifest))
    result = _or_exit(lambda: run(directory, manifest, subtree))
    origin = f"{result.generator} from {result.spec_name} (sha256 {result.spec_sha256[:12]})"
    if result.problems:
        click.echo("\n".join(result.problems))
        click.echo(
            f"clientgen: {directory} does not match its manifest ({len(result.problems)} problems); it was generated "
            f"by {origin}: regenerate it with clientgen generate and copy it again rather than editing it",
            err=True,
        )
        sys.exit(1)
    click.echo(f"clientgen: {directory} matches its manifest ({result.files} files, {origin})")


@main.command("import-openapi")
@click.argument("openapi", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The spec file to write (for example spec/api.yaml).")
@click.option("--config", type=click.Path(path_type=Path),
              help="Overrides (YAML): rename types, methods, resources and parameters; move methods; pagination.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 1 and write nothing.")
def import_openapi(openapi: Path, output: Path, config: Path | None, strict: bool) -> None:
    """Convert an OpenAPI 3.0/3.1 document (YAML or JSON) into a clientgen spec.

    Whatever the spec format cannot express is reported as a warning with its JSON pointer in OPENAPI.
    """
    from .openapi import import_openapi as run
    from .openapi import write_spec

    result = _or_exit(lambda: run(openapi, config))
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    count = len(result.warnings)
    if strict and count:
        click.echo(f"clientgen: {count} warning{'s' if count != 1 else ''} (--strict); nothing was written", err=True)
        sys.exit(1)
    problems = _or_exit(lambda: write_spec(result, openapi, output))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"clientgen: {output} was written but does not validate ({len(problems)} errors)", err=True)
        sys.exit(1)
    click.echo(f"clientgen: {output}: {result.operations} operations imported, {count} warnings")
    _spare_the_collector()


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text: one line per change; markdown: a CHANGELOG section proposing the semver bump; json.")
@click.option("--fail-on", type=click.Choice(["breaking", "any"]), default="breaking", show_default=True,
              help="Which changes make the exit code 1.")
def diff_command(old: str, new: str, fmt: str, fail_on: str) -> None:
    """Report every change to the generated SDK's surface from OLD to NEW, each breaking or compatible.

    OLD and NEW are each a spec file, an OpenAPI document (imported in memory, nothing is written), git:REF:path
    (read with git show, the work tree untouched) or a .clientgen-manifest.json (the surface a generation
    recorded). Each line: level, rule id, SDK path, spec location, message.
    Exit 0: no change at the --fail-on level; 1: there is one; 2: a side cannot be read.
    """
    from .diff import BREAKING, compare, render
    from .sides import SideError, load_sides

    try:
        surfaces = load_sides(old, new)
    except SideError as error:
        click.echo(f"clientgen: error: {error}", err=True)
        sys.exit(2)
    changes = compare(*surfaces)
    click.echo(render(changes, fmt, old, new), nl=False)
    if any(c.level == BREAKING or fail_on == "any" for c in changes):
        sys.exit(1)


def _surface_gate(spec: Path, out_dir: Path, package_name: str | None, fail_on: str, baseline: str | None) -> bool:
    """`check --fail-on`: the changes from the recorded surface to SPEC's, printed; whether one is at that level."""
    from .diff import compare, render
    from .pipeline import surface_of
    from .regen import breaking
    from .write import MANIFEST

    old_label = baseline or str(out_dir / MANIFEST)
    old = _side(old_label)
    new = _or_exit(lambda: surface_of(spec, package_name))
    if old.get("surface") != new.get("surface"):
        click.echo(f"clientgen: error: {old_label} records the SDK surface in another format (surface "
                   f"{old.get('surface')!r}, this clientgen {new.get('surface')!r}); regenerate it first", err=True)
        sys.exit(2)
    changes = compare(old, new)
    failing = breaking(changes) if fail_on == "breaking" else changes
    if failing:
        click.echo(render(changes, "text", old_label, str(spec)), nl=False)
        count = len(failing)
        what = "breaking change" if fail_on == "breaking" else "change"
        click.echo(f"clientgen: {count} {what}{'s' if count != 1 else ''} to the SDK surface recorded in {old_label}: "
                   f"clientgen diff {old_label} {spec}", err=True)
    return bool(failing)


def _side(arg: str) -> dict[str, Any]:
    """One `clientgen diff` side; one that cannot be read is a usage error (exit 2)."""
    from .sides import SideError
    from .surface import load_side

    try:
        return load_side(arg)
    except SideError as exc:
        click.echo(f"clientgen: error: {exc}", err=True)
        sys.exit(2)


def _show_progress(done: int, total: int) -> None:
    """On a terminal only: one line, rewritten in place, while black formats."""
    width = 30
    filled = width * done // total
    click.echo(f"\rformatting [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", nl=False, err=True)


def _or_exit(action: Callable[[], T], *, writes: bool = False) -> T:
    """Run a pipeline step; spec and output problems become messages on stderr and exit code 1."""
    from .diagnostics import SpecError
    from .write import WriteError

    try:
        return action()
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(str(diagnostic), err=True)
        count = len(exc.diagnostics)
        summary = f"clientgen: {count} error{'s' if count != 1 else ''}"
        click.echo(summary + ("; nothing was written" if writes else ""), err=True)
    except WriteError as exc:
        click.echo(f"clientgen: error: {exc}", err=True)
    sys.exit(1)


def _spare_the_collector() -> None:
    """The process is about to end: move what it built out of the garbage collector's sight, so that the
    collection at exit does not walk the whole IR (a tenth of a small regeneration)."""
    import gc

    gc.freeze()
