"""`make bench`: generation speed of clientgen against openapi-python-client, measured side by side in one run.

    python tests/bench/generation.py [--runs 5] [--sizes 250,500,1000] [--peer-timeout 600]
                                     [--sections clear-street,openai,scale,help] [--skip-peer]

Prints a table of medians, the ratios clientgen/peer, and peak memory. Everything runs here, now: no number is
taken from elsewhere. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / ".bench"
PEER_VERSION = "0.29.1"
SHARED_DOC = ROOT.parent / "shared" / "specs" / "clear-street-openapi.yml"
OPENAI_DOC = ROOT.parent / "shared" / "specs" / "corpus" / "openai.yaml"
CLIENTGEN = Path(sys.executable).parent / "clientgen"
SECTIONS = ("clear-street", "openai", "scale", "help")
sys.path.insert(0, str(ROOT / "tests" / "bench"))

from synthetic import document


@dataclass
class Sample:
    seconds: float
    peak_mib: float
    ok: bool
    cpu: float = 0.0  # user + system seconds of the command and its children (the formatting workers too)


def run(command: list[str], *, env: dict[str, str] | None = None, timeout: float = 600, cwd: Path | None = None) -> Sample:
    """Wall time and peak resident memory of one command (and its children, which wait4 folds in)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            return Sample(timeout, usage.ru_maxrss / 1024, False, usage.ru_utime + usage.ru_stime)
        time.sleep(0.01)
    return Sample(time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status) == 0,
                  usage.ru_utime + usage.ru_stime)


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples), max(s.peak_mib for s in samples),
                  all(s.ok for s in samples), statistics.median(s.cpu for s in samples))


def clear(*trees: Path) -> None:
    """Remove the output of an earlier run, and let the disk finish with that before the clock starts: the file
    system makes the next run pay for deleting thousands of files otherwise (measured here: 0.4 s to write 3,800
    small files into an idle file system, up to 4 s right after deleting as many)."""
    for tree in trees:
        shutil.rmtree(tree, ignore_errors=True)
    os.sync()
    time.sleep(1)


# --- the peer ----------------------------------------------------------------------------------------------------


def peer() -> Path:
    """openapi-python-client (and black, for its black variant) in a venv of their own."""
    venv = BENCH / "peer"
    binary = venv / "bin" / "openapi-python-client"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        f"openapi-python-client=={PEER_VERSION}", "black==26.10.1"], check=True)
    return binary


def peer_run(doc: Path, work: Path, formatter: str, timeout: float) -> Sample:
    out = work / "peer-out"
    clear(out)
    command = [str(peer()), "generate", "--path", str(doc), "--output-path", str(out), "--meta", "none", "--overwrite"]
    if formatter == "black":
        config = work / "black.yaml"
        config.write_text('post_hooks:\n  - "black ."\n')
        command += ["--config", str(config)]
    env = {**os.environ, "PATH": f"{peer().parent}:{os.environ['PATH']}"}
    return run(command, env=env, timeout=timeout)


# --- clientgen ---------------------------------------------------------------------------------------------------


def ours_cold(doc: Path, work: Path) -> Sample:
    """Document to SDK + CLI + docs with nothing cached: fresh output, fresh template cache."""
    clear(work / "out", work / "cache")
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "CI": "1"}
    script = (f"{CLIENTGEN} import-openapi {doc} -o {work / 'spec.yaml'} 2>/dev/null && "
              f"{CLIENTGEN} generate {work / 'spec.yaml'} -o {work / 'out'}")
    return run(["sh", "-c", script], env=env)


def ours_generate(work: Path) -> Sample:
    env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache"), "CI": "1"}
    return run([str(CLIENTGEN), "generate", str(work / "spec.yaml"), "-o", str(work / "out")], env=env)


def edit_one_description(spec: Path, round_number: int) -> None:
    """Change the description of the first method in the spec (a different text each round)."""
    data = yaml.safe_load(spec.read_text())
    stack = [data["resources"]]
    while stack:
        for resource in stack.pop().values():
            methods = resource.get("methods") or {}
            if methods:
                first = next(iter(methods.values()))
                first["description"] = f"Edited for benchmark round {round_number}."
                spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
                return
            stack.append(resource.get("resources") or {})


# --- the runs ----------------------------------------------------------------------------------------------------


def shared_document(work: Path) -> Path:
    """The shared Clear Street document as JSON with every scalar a string where YAML would guess a date
    (the peer rejects `version: 2025-10-31` read as a date); both tools read this same file."""
    doc = work / "clear-street.json"
    doc.write_text(json.dumps(yaml.safe_load(SHARED_DOC.read_text()), default=str))
    return doc


def synthetic_document(work: Path, operations: int, deep: bool) -> Path:
    doc = work / f"synthetic-{operations}{'-deep' if deep else ''}.json"
    doc.write_text(json.dumps(document(operations, deep)))
    return doc


def bench_shared(work: Path, runs: int, timeout: float) -> list[tuple[str, Sample]]:
    doc = shared_document(work)
    rows = [("peer, ruff hooks (default)", median([peer_run(doc, work, "ruff", timeout) for _ in range(runs)])),
            ("peer, black", median([peer_run(doc, work, "black", timeout) for _ in range(runs)]))]
    rows.append(("clientgen cold", median([ours_cold(doc, work) for _ in range(runs)])))
    rows.append(("clientgen warm no-op", median([ours_generate(work) for _ in range(runs)])))
    changed = []
    for round_number in range(runs):
        edit_one_description(work / "spec.yaml", round_number)
        changed.append(ours_generate(work))
    rows.append(("clientgen one description changed", median(changed)))
    return rows


@dataclass
class PerMethod:
    """Cold import + generate of OpenAI's document and of Clear Street's, run in pairs (each OpenAI run right
    after a Clear Street one, each with a fresh cache), so that both of a pair see the same load on the machine."""
    openai: list[Sample]
    clear_street: list[Sample]
    openai_methods: int
    clear_street_methods: int

    def ratios(self, cpu: bool = False) -> list[float]:
        """Per pair: OpenAI's time per method over Clear Street's (wall clock, or CPU time)."""
        return [((o.cpu if cpu else o.seconds) / self.openai_methods)
                / ((c.cpu if cpu else c.seconds) / self.clear_street_methods)
                for o, c in zip(self.openai, self.clear_street)]


def bench_openai(work: Path, runs: int, timeout: float, peer_too: bool) -> tuple[PerMethod, Sample | None]:
    """Import + generate of OpenAI's document (no envelope, streams, uploads), per method against Clear Street's
    document, and against the peer on the same file (None: not run)."""
    cs_doc = shared_document(work)
    result = PerMethod([], [], 0, 0)
    for _ in range(runs):
        result.clear_street.append(ours_cold(cs_doc, work))
        result.clear_street_methods = methods_in(work / "spec.yaml")
        result.openai.append(ours_cold(OPENAI_DOC, work))
        result.openai_methods = methods_in(work / "spec.yaml")
    theirs = median([peer_run(OPENAI_DOC, work, "ruff", timeout) for _ in range(runs)]) if peer_too else None
    return result, theirs


def methods_in(spec: Path) -> int:
    return sum(len(resource.get("methods") or {}) for resource in _resources(yaml.safe_load(spec.read_text())
                                                                              ["resources"]))


def _resources(tree: dict[str, dict]) -> list[dict]:
    found = list(tree.values())
    for resource in tree.values():
        found += _resources(resource.get("resources") or {})
    return found


def bench_scale(work: Path, sizes: list[int], timeout: float,
                imports: dict[str, float]) -> list[tuple[str, int, Sample, Sample]]:
    rows = []
    for deep in (False, True):
        for operations in sizes:
            doc = synthetic_document(work, operations, deep)
            label = f"synthetic{' deep' if deep else ''}"
            ours = ours_cold(doc, work)
            imports[f"{label} {operations}"] = sdk_import(work, 5)
            rows.append((label, operations, ours, peer_run(doc, work, "ruff", timeout)))
    return rows


def sdk_import(work: Path, runs: int) -> float:
    """Median seconds to import the SDK just generated into work/out, create its client and reach its first
    resource (which imports that resource's module and the types it uses)."""
    from generator import naming

    api = yaml.safe_load((work / "spec.yaml").read_text())
    trail, tree = [], api["resources"]
    while tree:
        name, resource = next(iter(tree.items()))
        trail.append(naming.member_name(name))
        if resource.get("methods"):
            break
        tree = resource.get("resources") or {}
    package, client = api["api"]["package"], api["api"]["client"]
    code = (f"import time; t = time.perf_counter(); import {package}; "
            f"c = {package}.{client}(api_key='k', base_url='http://127.0.0.1:9'); c.{'.'.join(trail)}; "
            "print(time.perf_counter() - t)")
    # With bytecode, as users import an installed package (pip compiles it); PYTHONDONTWRITEBYTECODE, if set here,
    # would have every run compile the SDK's source again, and that grows with the API.
    compileall.compile_dir(work / "out" / "python", quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(work / "out" / "python")
    samples = [float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True).stdout) for _ in range(runs)]
    return statistics.median(samples)


def bench_help(runs: int) -> tuple[Sample, Sample]:
    ours = median([run([str(CLIENTGEN), "--help"]) for _ in range(runs * 2)])
    floor = median([run([sys.executable, "-c", "import click"]) for _ in range(runs * 2)])
    return ours, floor


def show_openai(per_method: PerMethod, theirs: Sample | None) -> None:
    ours = median(per_method.openai)
    print(f"\nOpenAI document ({per_method.openai_methods} methods), import + generate, cold")
    print(f"  clientgen {show(ours)} (CPU {ours.cpu:.2f} s)  peak {ours.peak_mib:7.1f} MiB")
    if theirs is None:
        print("  peer: not run (--skip-peer)")
    elif theirs.ok:
        print(f"  peer with ruff {show(theirs)}  peak {theirs.peak_mib:7.1f} MiB")
        print(f"  clientgen / peer with ruff:          {ours.seconds / theirs.seconds:6.2f}x  (goal <= 1.0)")
    else:
        print(f"  peer with ruff {show(theirs)}: the peer failed on this document (or timed out): no ratio")
    cs = median(per_method.clear_street)
    wall, cpu = per_method.ratios(), per_method.ratios(cpu=True)
    ratio = statistics.median(wall)
    print(f"  per method, against Clear Street's document ({per_method.clear_street_methods} methods) in pairs of "
          "cold runs:")
    print(f"    OpenAI {ours.seconds / per_method.openai_methods * 1000:.1f} ms, Clear Street "
          f"{cs.seconds / per_method.clear_street_methods * 1000:.1f} ms (medians)")
    print(f"    OpenAI per method / Clear Street per method: {ratio:.2f}x (pairs: {min(wall):.2f}-{max(wall):.2f}x;"
          f" CPU time {statistics.median(cpu):.2f}x)  goal <= 1.0: {'met' if ratio <= 1.0 else 'NOT met'}")


def show(value: Sample) -> str:
    return f"{value.seconds:8.2f} s{'' if value.ok else ' (failed/timed out)'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="250,500,1000")
    parser.add_argument("--peer-timeout", type=float, default=600)
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"which parts to run, of {','.join(SECTIONS)} (default: all)")
    parser.add_argument("--skip-peer", action="store_true",
                        help="OpenAI section: leave out the peer (its ruff hooks take minutes on that document)")
    arguments = parser.parse_args()
    sizes = [int(s) for s in arguments.sizes.split(",")]
    sections = set(arguments.sections.split(","))
    if sections - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(sections - set(SECTIONS)))}")
    # Compiled as pip compiles an installed package (the peer's is): an editable install leaves that to the first
    # import, and with PYTHONDONTWRITEBYTECODE set every clientgen process would compile the generator again.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    print(f"machine: {os.cpu_count()} cores; peer openapi-python-client {PEER_VERSION}; medians of {arguments.runs}")
    with tempfile.TemporaryDirectory(prefix="clientgen-bench-") as tmp:
        work = Path(tmp)
        imports: dict[str, float] = {}
        if "clear-street" in sections:
            show_shared(dict(bench_shared(work, arguments.runs, arguments.peer_timeout)))
            imports["Clear Street 61"] = sdk_import(work, 5)

        if "openai" in sections:
            show_openai(*bench_openai(work, arguments.runs, arguments.peer_timeout, not arguments.skip_peer))

        if "scale" in sections:
            show_scale(bench_scale(work, sizes, arguments.peer_timeout, imports), sizes)

        if imports and "Clear Street 61" in imports:
            print("\nImport the generated SDK, create the client, reach its first resource")
            for label, seconds in imports.items():
                print(f"  {label:24} {seconds * 1000:7.0f} ms  ({seconds / imports['Clear Street 61']:.2f}x the "
                      "61-operation SDK; goal for 1000 operations <= 1.2)")

        if "help" in sections:
            ours, floor = bench_help(arguments.runs)
            print(f"\nclientgen --help {ours.seconds:.3f} s; python -c 'import click' {floor.seconds:.3f} s; "
                  f"ratio {ours.seconds / floor.seconds:.2f}x (goal <= 2)")


def show_shared(shared: dict[str, Sample]) -> None:
    print("\nClear Street OpenAPI document (61 operations)")
    for label, sample in shared.items():
        print(f"  {label:36} {show(sample)}  peak {sample.peak_mib:7.1f} MiB")
    cold = shared["clientgen cold"].seconds
    print(f"  cold / peer with black:              {cold / shared['peer, black'].seconds:6.2f}x  (goal <= 0.25)")
    print(f"  cold / peer with ruff:               {cold / shared['peer, ruff hooks (default)'].seconds:6.2f}x"
          "  (stretch <= 1.0)")
    print(f"  warm no-op / cold:                   {shared['clientgen warm no-op'].seconds / cold:6.2f}x"
          "  (goal <= 0.1)")
    print(f"  one change / cold:                   "
          f"{shared['clientgen one description changed'].seconds / cold:6.2f}x  (goal <= 0.2)")


def show_scale(rows: list[tuple[str, int, Sample, Sample]], sizes: list[int]) -> None:
    print("\nScale (cold; per operation; peak memory)")
    per_op: dict[str, dict[int, float]] = {}
    for label, operations, ours, theirs in rows:
        per_op.setdefault(label, {})[operations] = ours.seconds / operations
        print(f"  {label:17} {operations:5} ops  clientgen {show(ours)} ({ours.seconds / operations * 1000:6.1f}"
              f" ms/op, {ours.peak_mib:6.1f} MiB)  peer {show(theirs)} ({theirs.peak_mib:6.1f} MiB)"
              f"  ratio {ours.seconds / theirs.seconds:5.2f}x")
    for label, table in per_op.items():
        if min(sizes) in table and max(sizes) in table:
            growth = table[max(sizes)] / table[min(sizes)]
            print(f"  {label}: time per operation at {max(sizes)} / at {min(sizes)} = {growth:.2f}x"
                  "  (goal <= 1.25)")

if __name__ == "__main__":
    main()
