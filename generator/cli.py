"""The `clientgen` command. Exit codes: 0 ok, 1 a problem in the spec or the output, 2 a usage error."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, TypeVar

import click

from . import __version__

T = TypeVar("T")

SPEC = click.argument("spec", type=click.Path(path_type=Path))
OUTPUT = click.option(
    "-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Output directory (for example generated/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clientgen")
def main() -> None:
    """Generate typed API clients (Python SDK) from one YAML API spec.

    \b
    Typical use:
      clientgen validate spec/clear_street.yaml
      clientgen generate spec/clear_street.yaml -o generated
      clientgen check spec/clear_street.yaml -o generated   # in CI
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
def generate(spec: Path, out_dir: Path, force: bool) -> None:
    """Generate the clients for SPEC into the output directory.

    The directory is replaced atomically; files in it that clientgen did not write are kept. When SPEC has
    problems, they are all reported and nothing is written.
    """
    from .pipeline import generate as run

    started = time.perf_counter()
    report = _or_exit(lambda: run(spec, out_dir, force=force))
    seconds = time.perf_counter() - started
    click.echo(
        f"clientgen: {out_dir}: {report.written} written, {report.unchanged} unchanged, "
        f"{report.removed} removed in {seconds:.2f}s"
    )


@main.command()
@SPEC
@OUTPUT
def check(spec: Path, out_dir: Path) -> None:
    """Exit 1 with a diff when the output directory is not what `generate` would write."""
    from .pipeline import check as run

    problems = _or_exit(lambda: run(spec, out_dir))
    if problems:
        click.echo("".join(problems), nl=False)
        click.echo(
            f"clientgen: {out_dir} is out of date ({len(problems)} files differ); "
            f"run: clientgen generate {spec} -o {out_dir}",
            err=True,
        )
        sys.exit(1)
    click.echo(f"clientgen: {out_dir} is up to date")


def _or_exit(action: Callable[[], T]) -> T:
    """Run a pipeline step; spec and output problems become messages on stderr and exit code 1."""
    from .diagnostics import SpecError
    from .write import WriteError

    try:
        return action()
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(str(diagnostic), err=True)
        count = len(exc.diagnostics)
        click.echo(f"clientgen: {count} error{'s' if count != 1 else ''}; nothing was written", err=True)
    except WriteError as exc:
        click.echo(f"clientgen: error: {exc}", err=True)
    sys.exit(1)
