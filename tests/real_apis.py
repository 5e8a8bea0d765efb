"""The real-API suite's machinery (tests/test_real_apis.py runs it; tests/REAL_APIS.md explains it).

For one OpenAPI document, `run_document` does what a new user would: `clientgen import-openapi`, `clientgen
generate`, ruff + black --check + mypy --strict on the SDK, then every generated method, sync and async, against
Prism serving the ORIGINAL document (or Steady, for the calls Prism cannot answer: STEADY_SERVES). The calls run
in a fresh interpreter (`python -m tests.real_apis calls ...`), so a generated package never shares a process with
another one or with pytest.

A call passes only when its result is what the method's return annotation declares (checked recursively: models,
lists, dicts, unions, literals, pages and streams item by item, binary bodies read to the end), and a `None` is a
failure wherever the document declares a success body.
"""

from __future__ import annotations

import asyncio
import collections.abc
import fnmatch
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import time
import types
import typing
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT.parent / "shared" / "specs"
CACHE = ROOT / ".cache" / "real-apis"
BIN = Path(sys.executable).parent
VERBS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
CALLS_TIMEOUT = 600  # seconds for all calls of one document, sync and async
MAX_RESTARTS = 30  # of a mock server that crashed on a call
REQUEST_TIMEOUT = 30.0


def documents() -> dict[str, Path]:
    """Every document of the suite by its test id: openai, the 49 oas-examples by file stem, clear-street."""
    found: dict[str, Path] = {}
    corpus = SPECS / "corpus"
    if (corpus / "openai.yaml").exists():
        found["openai"] = corpus / "openai.yaml"
    for path in sorted((corpus / "oas-examples").glob("*.json")):
        found[path.stem] = path
    if (SPECS / "clear-street-openapi.yml").exists():
        found["clear-street"] = SPECS / "clear-street-openapi.yml"
    return found


def package_name(doc_id: str) -> str:
    """A package name of its own per document, so no two generated SDKs ever shadow each other."""
    return "realapi_" + re.sub(r"\W", "_", doc_id)


# --- results -----------------------------------------------------------------------------------------------------


@dataclass
class Call:
    method: str  # dotted path from the client: models.list
    mode: str  # sync | async
    ok: bool
    detail: str = ""  # why it failed
    # The mock's response did not match the document's own response schema (why): the call is made again against
    # a mock that builds its responses from the schemas (`--ignoreExamples`), see `_schema_made`.
    invalid_mock_response: str = ""
    schema_made_response: bool = False  # the outcome is that of the call made again against the schema-made mock
    mock: str = "prism"  # the mock server that answered: prism | steady (STEADY_SERVES)

    @property
    def key(self) -> str:
        return f"{self.method} {self.mode}"


@dataclass
class Result:
    doc_id: str
    operations: int = 0  # as import-openapi reports them
    import_errors: list[str] = field(default_factory=list)
    warnings: int = 0
    generate_error: str = ""
    lint: dict[str, str] = field(default_factory=dict)  # tool -> '' when clean, else its output
    prism_error: str = ""
    calls_error: str = ""  # the call runner itself failed (import of the SDK, a crash, a timeout)
    calls: list[Call] = field(default_factory=list)
    prism_log: str = ""  # the mock's last lines when a call failed, for reading failures
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def lint_ok(self) -> bool:
        return bool(self.lint) and not any(self.lint.values())

    @property
    def passed(self) -> int:
        return sum(call.ok for call in self.calls)

    def lint_summary(self) -> str:
        if not self.lint:
            return "-"
        failed = [tool for tool, output in self.lint.items() if output]
        return "ok" if not failed else "FAIL " + ",".join(failed)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --- one document, end to end (runs in a worker process) ---------------------------------------------------------


def run_document(doc_id: str, document: Path, work: Path, mypy_cache: Path) -> Result:
    """Import, generate, lint, mock and call one document; every stage's outcome is recorded, none raises. The
    calls that `STEADY_SERVES` gives to Steady are made against Steady, the others against Prism."""
    from tests import mock_server

    result = Result(doc_id)
    work.mkdir(parents=True, exist_ok=True)
    spec, out = work / "spec.yaml", work / "out"
    package = package_name(doc_id)
    started = time.monotonic()
    patterns = steady_patterns(doc_id)
    servers: dict[str, mock_server.Server] = {}
    try:  # the mocks start while we import and generate
        if patterns != ("*",):
            servers["prism"] = mock_server.start(served_document(document, work))
        if patterns:
            servers["steady"] = mock_server.start(steady_document(document, work), mock=mock_server.STEADY)
    except Exception as exc:  # noqa: BLE001 - npm or node missing: every call fails with the reason
        result.prism_error = f"the mock server could not be started: {exc}"
    try:
        clock = time.monotonic()
        imported = _run([str(BIN / "clientgen"), "import-openapi", str(document), "-o", str(spec)])
        result.seconds["import"] = time.monotonic() - clock
        result.import_errors = [line for line in imported.stderr.splitlines() if ": error: " in line]
        summary = re.search(r"(\d+) operations imported, (\d+) warnings", imported.stdout)
        if summary:
            result.operations, result.warnings = int(summary[1]), int(summary[2])
        if imported.returncode != 0 and not result.import_errors:
            result.import_errors = [f"exit {imported.returncode}: {_tail(imported.stderr or imported.stdout)}"]
        if imported.returncode != 0 or not spec.exists():
            return result

        clock = time.monotonic()
        generated = _run([str(BIN / "clientgen"), "generate", str(spec), "-o", str(out), "--package-name", package])
        result.seconds["generate"] = time.monotonic() - clock
        if generated.returncode != 0:
            result.generate_error = _tail(generated.stderr or generated.stdout)
            return result

        clock = time.monotonic()
        result.lint = lint(out / "python", mypy_cache)
        result.seconds["lint"] = time.monotonic() - clock
        if result.operations == 0:  # webhooks only: types and a client without methods, nothing to call
            return result

        for server in servers.values():
            try:
                server.wait_ready(180)
            except mock_server.MockServerError as exc:
                result.prism_error += _tail(str(exc), 1500)
        result.seconds["prism"] = time.monotonic() - started
        if result.prism_error:
            return result
        clock = time.monotonic()
        names = _method_names(spec, package)
        on_steady = [name for name in names if _matches_any(name, patterns)]
        for name, server in list(servers.items()):
            only = on_steady if name == "steady" else [n for n in names if n not in on_steady]
            keys = [f"{method} {mode}" for mode in ("sync", "async") for method in only]
            servers[name] = _call_all(result, spec, out / "python", package, document, server, work, keys)
        _schema_made(result, spec, out / "python", package, document, served_document(document, work), work)
        result.seconds["calls"] = time.monotonic() - clock
        if result.calls_error or not all(call.ok for call in result.calls):
            for name, server in servers.items():
                result.prism_log += f"--- {name}:\n" + mock_server.strip_colors(server.log(40))
        return result
    finally:
        for server in servers.values():
            mock_server.stop(server)
        result.seconds["total"] = time.monotonic() - started


# Calls made against Steady (@stdy/cli, tests/steady) instead of Prism, each with the reason Prism cannot serve
# them: "DOC" (the whole document) or "DOC::resource.method" (shell wildcards allowed). tests/REAL_APIS.md has the
# table. Steady validates each request (an invalid one gets 400, and a call passes only when Steady also says
# `X-Steady-Request-Valid: true`) and answers with the document's examples, else a response made from the schema.
STEADY_SERVES: dict[str, str] = {
    "31-parameters-style": "no operation declares responses (Prism answers 500 NO_RESPONSE_RESPONSE_DEFINED after "
    "validating), and Prism 5.14.2 crashes on its header, path and delimited styles (TypeError in "
    "validator/deserializers/style/simple.js)",
    "31-readme-extensions": "no operation declares responses: Prism answers 500 NO_RESPONSE_RESPONSE_DEFINED",
    "31-schema-encoding-style": "its one operation declares no responses: Prism answers 500 "
    "NO_RESPONSE_RESPONSE_DEFINED",
    "31-schema-types": "no operation declares responses: Prism answers 500 NO_RESPONSE_RESPONSE_DEFINED",
    "30-parameters-style::anything.headers.*": "Prism 5.14.2 crashes when an optional array header is left out (TypeError: "
    "Cannot read properties of undefined (reading 'split'), validator/deserializers/style/simple.js)",
    "30-parameters-style::anything.path.*": "Prism 5.14.2 crashes on every array path parameter (TypeError: value.split is not "
    "a function), even on the canonical /anything/path/simple/a/b,c/name,x sent with curl",
    "30-parameters-style::anything.query.*_delimited": "Prism 5.14.2 throws 'Space/pipe/comma.. delimited "
    "style is only applicable to array parameter' on any request (the document puts the style on an object too)",
    "30-parameters-style::anything.form_data.*_delimited": "Prism 5.14.2 throws "
    "'Space/pipe/comma.. delimited style is only applicable to array parameter' on any request (the document's "
    "`encoding` puts the style on a primitive and an object too)",
    "30-circular-paths::anything.put": "Prism 5.14.2 crashes when an optional array header is left out "
    "(TypeError in validator/deserializers/style/simple.js); with the header it answers 200",
    "30-discriminators::potentially_undefined_form_data.create": "both members of the body's oneOf are the same "
    "schema, so every body matches both and Prism (oneOf as JSON Schema's exactly-one, discriminator unused) "
    "answers 422 to any body; Steady's oneOf is union-like by default (a body valid for one member passes, as the "
    "discriminator's mapping means here), and it checks that member's required properties and types",
}


def steady_patterns(doc_id: str) -> tuple[str, ...]:
    """The method patterns of `doc_id` that Steady serves: ("*",) for the whole document, () for none."""
    if doc_id in STEADY_SERVES:
        return ("*",)
    return tuple(key.split("::", 1)[1] for key in STEADY_SERVES if key.startswith(doc_id + "::"))


def _matches_any(method: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(method, pattern) for pattern in patterns)


def _method_names(spec: Path, package: str) -> list[str]:
    """Every generated method's dotted path from the client (`models.list_models`), as the calls name them."""
    from generator.pipeline import load_api

    api = load_api(spec, package)
    return [".".join((*resource.trail, method.name)) for resource in api.all_resources()
            for method in resource.methods]


def lint(sdk: Path, mypy_cache: Path) -> dict[str, str]:
    """What `make lint-generated` runs on an SDK: tool -> '' when clean, else its output."""
    checks = {
        "ruff": [str(BIN / "ruff"), "check", "--no-cache", "--quiet", "--output-format=concise", "."],
        "black": [str(BIN / "black"), "--check", "--quiet", "."],
        "mypy": [str(BIN / "mypy"), "--strict", "--cache-dir", str(mypy_cache), "."],
    }
    report = {}
    for tool, command in checks.items():
        done = _run(command, cwd=sdk)
        report[tool] = "" if done.returncode == 0 else _tail(done.stdout + done.stderr, 3000) or f"exit {done.returncode}"
    return report


def _call_all(result: Result, spec: Path, sdk: Path, package: str, document: Path, server: Any, work: Path,
              keys: list[str]) -> Any:
    """Run the calls `keys` ("method mode") against `server` in a fresh interpreter; when one crashes the mock,
    restart the mock and go on after it. Returns the mock now running."""
    from tests import mock_server

    if not keys:
        return server
    report, wanted = work / "calls.json", work / f"calls-{server.mock.name}.json"
    wanted.write_text(json.dumps(keys))
    deadline = time.monotonic() + CALLS_TIMEOUT
    made: list[Call] = []
    for _ in range(MAX_RESTARTS + 1):
        command = [sys.executable, "-m", "tests.real_apis", "calls", str(spec), str(sdk), package, str(document),
                   server.url, str(report), str(len(made)), str(wanted)]
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                                  timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            result.calls_error = f"the calls did not finish in {CALLS_TIMEOUT} s"
            return server
        if done.returncode != 0 or not report.exists():
            result.calls_error = f"the call runner failed (exit {done.returncode}):\n{_tail(done.stderr, 3000)}"
            return server
        batch = [Call(**call) for call in json.loads(report.read_text())]
        report.unlink()
        for call in batch:
            call.mock = server.mock.name
        made += batch
        result.calls += batch
        if not batch or not batch[-1].detail.startswith(CRASHED) or len(made) >= len(keys):
            return server
        result.prism_log += f"--- {server.mock.name} crashed on {made[-1].key}:\n" + \
            mock_server.strip_colors(server.log(12))
        server = mock_server.restart(server)
        server.wait_ready(180)
    result.calls_error = f"the mock server crashed more than {MAX_RESTARTS} times"
    return server


SCHEMA_MADE = ("--dynamic", "--seed", "1")


def _schema_made(result: Result, spec: Path, sdk: Path, package: str, document: Path, served: Path,
                 work: Path) -> None:
    """The calls whose response the SDK refused while the mock's body did not match the document's own response
    schema either (the mock serves the document's examples, and some examples contradict their schemas) are made
    again against a second mock of the same document whose responses are built from the schemas alone (Prism
    `--dynamic --seed 1`: json-schema-faker, deterministic); their outcome is that call's. Started only when
    needed."""
    from tests import mock_server

    again = [call for call in result.calls if not call.ok and call.invalid_mock_response and call.mock == "prism"]
    if not again:
        return
    keys, report = work / "schema-made.json", work / "schema-made-calls.json"
    keys.write_text(json.dumps([call.key for call in again]))
    prism = mock_server.start(served, options=SCHEMA_MADE)
    try:
        prism.wait_ready(180)
        command = [sys.executable, "-m", "tests.real_apis", "calls", str(spec), str(sdk), package, str(document),
                   prism.url, str(report), "0", str(keys)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=CALLS_TIMEOUT)
        made = {Call(**call).key: Call(**call) for call in json.loads(report.read_text())} if report.exists() else {}
        for call in again:
            redone = made.get(call.key)
            call.schema_made_response = True
            if redone is None:
                call.detail += f" | not made again against the schema-made mock (exit {done.returncode}): " \
                               + _tail(done.stderr, 500)
                continue
            call.ok = redone.ok
            call.detail = ("" if redone.ok else f"against the schema-made mock: {redone.detail} | ") + \
                f"the mock's example response does not match the document's schema ({call.invalid_mock_response})" \
                + ("" if redone.ok else f" | first: {call.detail}")
    finally:
        mock_server.stop(prism)
        report.unlink(missing_ok=True)


FRAMING_HEADERS = ("transfer-encoding", "content-length", "connection")


def served_document(document: Path, work: Path) -> Path:
    """The document the mock serves: the original, unless it declares response headers that frame the HTTP message
    itself (`Transfer-Encoding`, `Content-Length`, `Connection`; OpenAI's createSpeech declares `Transfer-Encoding:
    {type: string}`). Prism sends such a header with its schema's example as the value (`Transfer-Encoding:
    string`), which makes the response unreadable HTTP for any client; then a copy without those declarations.
    Also a `text/event-stream` response whose events have an object schema (OpenAI's streaming operations): Prism
    answers it with a 500 ("Cannot serialise complex objects as text"), so the copy declares it as a string whose
    example is one event built from the schema (`sample`), then `data: [DONE]`."""
    text = document.read_text(encoding="utf-8")
    if not any(name in text.lower() for name in FRAMING_HEADERS + (EVENT_STREAM,)) or _FILE_REF.search(text):
        return document  # (a document with references to other files is served as it is: a copy would break them)
    data = _load_document(document)
    removed = 0
    for response in _all_responses(data):
        response = _resolve(data, response)
        headers = response.get("headers") if isinstance(response, dict) else None
        if isinstance(headers, dict):
            for name in [n for n in headers if str(n).lower() in FRAMING_HEADERS]:
                del headers[name]
                removed += 1
        content = response.get("content") if isinstance(response, dict) else None
        for media_type, media in (content or {}).items() if isinstance(content, dict) else ():
            if str(media_type).split(";")[0].strip().lower() != EVENT_STREAM or not isinstance(media, dict):
                continue
            schema = _resolve(data, media.get("schema"))
            if not isinstance(schema, dict) or schema.get("type") == "string":
                continue
            event = json.dumps(sample(data, schema), default=str)
            content[media_type] = {"schema": {"type": "string"}, "example": f"data: {event}\n\ndata: [DONE]\n\n"}
            removed += 1
    return _copy(data, work / f"served-{document.stem}.json") if removed else document


# A `$ref` to another file: a copy of the document elsewhere would break it.
_FILE_REF = re.compile(r"\$ref[\"']?\s*:\s*[\"']?[^#\"'\s]")


def _copy(data: dict[str, Any], copy: Path) -> Path:
    """`data` written as JSON to `copy`, the document a mock serves instead of the original."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    # YAML timestamps (`2024-01-01`) are text to Prism's YAML 1.2 parser: text in the copy too.
    copy.write_text(json.dumps(data, default=lambda value: value.isoformat() if hasattr(value, "isoformat") else str(value)))
    return copy


EVENT_STREAM = "text/event-stream"


NO_RESPONSES = {"204": {"description": "(none declared: the 204 Steady documents for an operation without responses)"}}


def steady_document(document: Path, work: Path) -> Path:
    """The document Steady serves: the original, except that an operation which declares no responses (3.1 allows
    that) gets a bodiless 204. That is what Steady documents for such an operation (`steady explain E1010`:
    "Steady returns 204 No Content for these endpoints"), but 0.22.2 crashes on it instead (TypeError in
    `selectStatusCode`, before the request is validated). Nothing the request side declares is changed."""
    if _FILE_REF.search(document.read_text(encoding="utf-8")):
        return document  # references to other files: a copy would break them
    data = _load_document(document)
    added = 0
    for item in (data.get("paths") or {}).values():
        for verb in VERBS:
            operation = item.get(verb) if isinstance(item, dict) else None
            if isinstance(operation, dict) and "responses" not in operation:
                operation["responses"] = dict(NO_RESPONSES)
                added += 1
    return _copy(data, work / f"steady-{document.stem}.json") if added else document


def _all_responses(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(((data.get("components") or {}).get("responses") or {}).values())
    for item in (data.get("paths") or {}).values():
        for verb in VERBS:
            operation = item.get(verb) if isinstance(item, dict) else None
            if isinstance(operation, dict):
                found += list((operation.get("responses") or {}).values())
    return [response for response in found if isinstance(response, dict)]


def _count_methods(spec: Path) -> int:
    """How many methods the imported spec has (each is called twice: sync and async)."""
    from generator.load import load

    def count(tree: Mapping[str, Any]) -> int:
        return sum(len(r.get("methods") or {}) + count(r.get("resources") or {}) for r in tree.values())

    return count(load(spec).data.get("resources") or {})


def _run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=900, check=False, env=env)


def _tail(text: str, limit: int = 2000) -> str:
    text = text.strip()
    return text if len(text) <= limit else "..." + text[-limit:]


# --- the calls (a fresh interpreter: python -m tests.real_apis calls ...) ----------------------------------------


@dataclass(frozen=True)
class Planned:
    """One method to call, with what the document says of its success response."""

    dotted: str
    trail: tuple[str, ...]
    name: str
    args: list[Any]
    kwargs: dict[str, Any]
    body: bool  # the document declares a success body
    errors: tuple[int, ...]  # without any success response: the statuses it documents (the mock answers one)
    verb: str = ""
    path: str = ""


class MockCrashed(Exception):
    pass


def call_everything(spec: Path, sdk: Path, package: str, document: Path, url: str, start: int = 0,
                    only: set[str] | None = None) -> list[Call]:
    """Every method of the generated SDK, sync then async, against the mock server at `url`, from call number
    `start` on (of those keyed "method mode" in `only`, when given). Stops after a call that crashed the mock (the
    caller restarts it and goes on after that call)."""
    import httpx

    from generator.load import load
    from generator.pipeline import load_api

    api = load_api(spec, package)
    spec_methods = _spec_methods(load(spec).data.get("resources") or {})
    original = _load_document(document)
    sys.path.insert(0, str(sdk))
    sdk_package = importlib.import_module(package)
    sync_class = getattr(sdk_package, api.client_class)
    async_class = getattr(sdk_package, "Async" + api.client_class)
    servers = _server_urls(original)

    plan = []
    for resource in api.all_resources():
        for method in resource.methods:
            spec_method = spec_methods.get((method.verb.upper(), _shape(method.path)), {})
            spec_params = spec_method.get("params") or {}
            operation = _operation(original, method.verb, method.path)
            args = [_argument(p, spec_params, original, operation) for p in method.positional]
            kwargs = {p.name: _argument(p, spec_params, original, operation) for p in method.keyword
                      if p.required or "example" in (spec_params.get(p.wire_name) or {})}
            # A flattened body whose schema requires one of several properties (`anyOf: [{required: [a]},
            # {required: [b]}]`) has none of them required: the fields a sample of the whole body has are passed.
            whole = _body_sample(original, operation) if method.located("body") else {}
            kwargs.update({p.name: whole[p.wire_name] for p in method.located("body")
                           if p.name not in kwargs and p.wire_name in whole})
            body, errors = _success(original, method.verb, method.path)
            plan.append(Planned(".".join((*resource.trail, method.name)), resource.trail, method.name, args, kwargs,
                                body, errors, method.verb, method.path))
    todo = [("sync", p) for p in plan] + [("async", p) for p in plan]
    if only is not None:
        todo = [(mode, p) for mode, p in todo if f"{p.dotted} {mode}" in only]
    global _DOCUMENT
    _DOCUMENT = original

    calls: list[Call] = []
    if any(mode == "sync" for mode, _ in todo[start:]):
        sync_options = _client_options(sync_class, url, httpx.Client(transport=_sync_transport(url, servers)))
        with sync_class(**sync_options) as client:
            for mode, planned in todo[start:]:
                if mode == "sync":
                    calls.append(_call_sync(client, planned))
                    if _crashed(calls[-1], url):
                        return calls

    async def run_async() -> None:
        options = _client_options(async_class, url, httpx.AsyncClient(transport=_async_transport(url, servers)))
        async with async_class(**options) as client:
            for mode, planned in todo[start:]:
                if mode == "async":
                    calls.append(await _call_async(client, planned))
                    if _crashed(calls[-1], url):
                        return

    if not calls or not calls[-1].detail.startswith(CRASHED):
        asyncio.run(run_async())
    return calls


CRASHED = "the mock server crashed on this call"


def _crashed(call: Call, url: str) -> bool:
    """After a connection failure: is the mock still there? If not, the call is marked as the one that crashed it."""
    if call.ok or "ConnectionError" not in call.detail and "ConnectError" not in call.detail:
        return False
    import socket

    host, port = url.rsplit("//", 1)[1].split(":")
    for _ in range(3):
        time.sleep(0.2)
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
        except OSError:
            call.detail = f"{CRASHED} ({call.detail})"
            return True
    return False


def _call_sync(client: Any, planned: Planned) -> Call:
    _INVALID.clear()
    try:
        target = client
        for part in planned.trail:
            target = getattr(target, part)
        function = getattr(target, planned.name)
        declared = return_type(function)
        value = function(*planned.args, **planned.kwargs)
        problem = check(value, declared, planned.body) or " | ".join(_INVALID)
    except Exception as exc:  # noqa: BLE001 - whatever the SDK raised is the call's outcome
        problem = " | ".join(p for p in [expected_error(exc, planned), *_INVALID] if p)
        return Call(planned.dotted, "sync", not problem, problem, _invalid_mock_response(exc, planned))
    return Call(planned.dotted, "sync", not problem, problem)


async def _call_async(client: Any, planned: Planned) -> Call:
    _INVALID.clear()
    try:
        target = client
        for part in planned.trail:
            target = getattr(target, part)
        function = getattr(target, planned.name)
        declared = return_type(function)
        value = function(*planned.args, **planned.kwargs)
        if inspect.isawaitable(value):
            value = await value
        problem = await check_async(value, declared, planned.body) or " | ".join(_INVALID)
    except Exception as exc:  # noqa: BLE001 - whatever the SDK raised is the call's outcome
        problem = " | ".join(p for p in [expected_error(exc, planned), *_INVALID] if p)
        return Call(planned.dotted, "async", not problem, problem, _invalid_mock_response(exc, planned))
    return Call(planned.dotted, "async", not problem, problem)


_DOCUMENT: dict[str, Any] = {}  # the original document, in the calls' interpreter


def _invalid_mock_response(exc: Exception, planned: Planned) -> str:
    """When the SDK refused a JSON success response as not matching its types: '' if the body the mock sent is
    valid for the document's own schema of that response (then the SDK is at fault), else why it is not."""
    if type(exc).__name__ != "APIResponseValidationError" or not planned.verb:
        return ""
    response = getattr(exc, "response", None)
    if response is None or not response.headers.get("content-type", "").split(";")[0].strip().endswith("json"):
        return ""
    try:
        body = response.json()
    except ValueError:
        return ""
    operation = _operation(_DOCUMENT, planned.verb, planned.path) or {}
    responses = {str(code): r for code, r in (operation.get("responses") or {}).items()}
    declared = _resolve(_DOCUMENT, responses.get(str(response.status_code), responses.get("default"))) or {}
    content = declared.get("content") or {}
    media = next((m for t, m in content.items() if t.split(";")[0].strip().endswith("json")), None)
    if not isinstance(media, dict) or "schema" not in media:
        return ""
    return schema_problem(_DOCUMENT, body, media["schema"])


def schema_problem(document: dict[str, Any], value: Any, schema: Any) -> str:
    """'' when `value` is valid for the OpenAPI `schema` (3.0 or 3.1, the document's references resolved), else the
    first problem jsonschema finds, with where it is."""
    import jsonschema

    root = json_schema({"allOf": [schema], "components": document.get("components") or {}})
    errors = sorted(jsonschema.Draft202012Validator(root).iter_errors(value), key=jsonschema.exceptions.relevance,
                    reverse=True)  # the most relevant first, as best_match has it
    shown = "; ".join(f"at /{'/'.join(str(p) for p in error.absolute_path)}: {error.message[:200]}"
                      for error in errors[:3])
    return "" if not errors else f"{len(errors)} problem(s): {shown}"


def json_schema(node: Any) -> Any:
    """An OpenAPI 3.0/3.1 schema as JSON Schema 2020-12: 3.0's `nullable` (a null is also valid) and boolean
    exclusiveMinimum/Maximum; `x-` keys, `example`, `discriminator`... are annotations JSON Schema ignores."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("example", "examples", "enum", "const", "default"):  # values, not schemas
            out[key] = value
        elif key in ("properties", "patternProperties", "$defs", "definitions", "schemas") and isinstance(value, dict):
            out[key] = {name: json_schema(item) for name, item in value.items()}  # names, however they are spelt
        elif key != "nullable":
            out[key] = json_schema(value)
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(bound), bool) and out.pop(bound) and plain in out:  # 3.0: a flag on the bound
            out[bound] = out.pop(plain)
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def expected_error(exc: Exception, planned: Planned) -> str:
    """'' when the document declares no success response for the operation and the SDK raised its typed status
    error for one of the documented statuses (what the mock answers with): that is the documented behaviour.
    Anything else raised is a failure, described."""
    status = getattr(exc, "status_code", None)
    if planned.errors and status in planned.errors and type(exc).__name__.endswith("Error") \
            and any(cls.__name__ == "APIStatusError" for cls in type(exc).__mro__):
        return ""
    return _describe(exc)


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    status = getattr(exc, "status_code", None)
    body = getattr(exc, "body", None)
    if status is not None:
        text += f" [HTTP {status}]"
    if body is not None and str(body) not in text:
        text += f" body={json.dumps(body, default=str)[:600]}"
    return text[:1200]


def _client_options(client_class: type, url: str, http_client: Any) -> dict[str, Any]:
    """base_url at the mock, no retries, strict validation where the client has it, and a test value for every
    credential argument (an optional `str` argument: api_key, username, password, ...)."""
    parameters = inspect.signature(client_class.__init__).parameters
    options: dict[str, Any] = {"base_url": url, "max_retries": 0, "http_client": http_client}
    if "strict_response_validation" in parameters:
        options["strict_response_validation"] = True
    if "timeout" in parameters:
        options["timeout"] = REQUEST_TIMEOUT
    not_credentials = {"self", "base_url", "environment", "default_headers", "default_query", "http_client",
                       "timeout", "max_retries", "strict_response_validation", "initial_retry_delay",
                       "max_retry_delay"}
    for name, parameter in parameters.items():
        if name in not_credentials or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        annotation = str(parameter.annotation)
        if parameter.default in (None, inspect.Parameter.empty) and "str" in annotation:
            options[name] = f"test-{name.replace('_', '-')}"
    return {name: value for name, value in options.items() if name in parameters}


def _argument(param: Any, spec_params: Mapping[str, Any], document: dict[str, Any],
              operation: dict[str, Any] | None) -> Any:
    """A valid value for a parameter: the spec's example as the IR has it; else one built from the ORIGINAL
    document's schema, which keeps what the mock validates (formats, bounds, lengths); files as bytes."""
    annotation = str(param.type.annotation)
    if "FileTypes" in annotation or annotation in ("bytes", "FileContent"):
        return b"clientgen real-API test file\n"
    if operation is None:
        return param.example
    schema = _original_schema(param, document, operation)
    if "example" in (spec_params.get(param.wire_name) or {}) and not _breaks_format(param.example, schema):
        return param.example
    if schema is None:
        return param.example
    value = sample(document, schema)
    if param.location == "path" and value == {}:  # the SDK refuses an empty path segment, as a user's call would be
        properties = (_merged(document, _resolve(document, schema)).get("properties") or {})
        value = {name: sample(document, prop) for name, prop in properties.items()}
    return param.example if value is None and param.example is not None else value


def _body_sample(document: dict[str, Any], operation: dict[str, Any] | None) -> dict[str, Any]:
    """A valid sample of an operation's whole JSON object body (its required properties); {} for anything else."""
    if operation is None:
        return {}
    body = _resolve(document, operation.get("requestBody")) or {}
    content = body.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), {})
    schema = _resolve(document, (media or {}).get("schema"))
    value = sample(document, schema) if isinstance(schema, dict) else None
    return value if isinstance(value, dict) else {}


def _original_schema(param: Any, document: dict[str, Any], operation: dict[str, Any]) -> Any:
    if param.location == "body":
        body = _resolve(document, operation.get("requestBody")) or {}
        content = body.get("content") or {}
        media = content.get("application/json") or next(iter(content.values()), {})
        schema = _resolve(document, (media or {}).get("schema"))
        if schema is None or param.root:
            return schema
        return (_merged(document, schema).get("properties") or {}).get(param.wire_name)
    for candidate in operation.get("parameters") or []:
        candidate = _resolve(document, candidate)
        if isinstance(candidate, dict) and candidate.get("name") == param.wire_name:
            if "example" in candidate:
                return {"example": candidate["example"], **(candidate.get("schema") or {})}
            examples = [_resolve(document, e) for e in (candidate.get("examples") or {}).values()]
            values = [e["value"] for e in examples if isinstance(e, dict) and "value" in e]
            if values:
                return {"example": values[0], **(_resolve(document, candidate.get("schema")) or {})}
            return candidate.get("schema") or {}
    return None


FORMAT_SAMPLES = {
    "date": "2025-01-15", "date-time": "2025-01-15T14:30:00Z", "time": "14:30:00Z", "uuid":
    "0195f6d0-a1b2-7c3d-8e4f-5a6b7c8d9e02", "email": "user@example.com", "idn-email": "user@example.com",
    "uri": "https://example.com/a", "url": "https://example.com/a", "iri": "https://example.com/a",
    "uri-reference": "/a", "iri-reference": "/a", "uri-template": "https://example.com/{a}", "hostname": "example.com",
    "idn-hostname": "example.com", "ipv4": "127.0.0.1", "ipv6": "::1", "byte": "Y2xpZW50Z2Vu", "duration": "P1D",
    "json-pointer": "/a", "relative-json-pointer": "0", "regex": "^a$", "password": "secret",
}


def sample(document: dict[str, Any], schema: Any, depth: int = 0) -> Any:
    """A value valid for an OpenAPI schema: its example, default, const or first enum value, else one built from
    its type within its bounds; objects get their required properties."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict) or depth > 10:
        return None
    for key in ("example", "default", "const"):
        if key in schema and (key == "const" or not _breaks_format(schema[key], schema)):
            return _coerce(schema[key], schema)
    if isinstance(schema.get("examples"), list) and schema["examples"] \
            and not _breaks_format(schema["examples"][0], schema):
        return _coerce(schema["examples"][0], schema)
    if schema.get("enum"):
        return next((v for v in schema["enum"] if v is not None), None)
    if "allOf" in schema:
        return sample(document, _merged(document, schema), depth + 1)
    variants = [v for v in schema.get("oneOf") or schema.get("anyOf") or []
                if _resolve(document, v).get("type") != "null"]
    if variants and "properties" in schema:  # `anyOf: [{required: [a]}, {required: [b]}]` constrains the object
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
        variants = [_constrained(base, _resolve(document, variant)) for variant in variants]
    if variants:
        candidates = [sample(document, variant, depth + 1) for variant in variants]
        if "oneOf" in schema:  # the mock wants exactly one member to match
            for candidate in candidates:
                if sum(_valid(document, candidate, variant) for variant in variants) == 1:
                    return candidate
        return candidates[0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        return [sample(document, schema.get("items") or {}, depth + 1)] * max(1, int(schema.get("minItems", 1)))
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required") or [])
        return {name: sample(document, prop, depth + 1) for name, prop in (schema.get("properties") or {}).items()
                if name in required}
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(schema["exclusiveMinimum"], bool):
            low = schema["exclusiveMinimum"] + 1
        elif schema.get("exclusiveMinimum") is True:
            low += 1
        value = max(low, 1) if "maximum" not in schema or schema["maximum"] >= 1 else schema["maximum"]
        step = schema.get("multipleOf")
        if step:
            value = step * max(1, -(-value // step))
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    text = FORMAT_SAMPLES.get(str(schema.get("format", "")), "string")
    if isinstance(schema.get("pattern"), str) and "format" not in schema:
        matching = _matching(schema["pattern"], int(schema.get("minLength", 0)), schema.get("maxLength"))
        if matching is not None:
            return matching
    length = int(schema.get("minLength", 0))
    if len(text) < length:
        text += "x" * (length - len(text))
    return text[: int(schema["maxLength"])] if "maxLength" in schema else text


# The formats whose examples some documents get wrong, which the mocks check (Prism: ajv-formats): an example that
# breaks its own schema's format (30-schema-validation's duration `TBD` and json-pointer `#/a~1b`, 31-train-travel's
# trip_id uuid with 7 digits in its first group) is not a valid argument; the sample is made from the schema instead.
FORMAT_PATTERNS = {
    "uuid": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "duration": r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?",
    "json-pointer": r"(/([^~/]|~[01])*)*",
    "date": r"\d{4}-\d{2}-\d{2}",
}


def _breaks_format(value: Any, schema: Any) -> bool:
    """Is `value` a string that breaks its schema's `format` (of those in FORMAT_PATTERNS)?"""
    pattern = FORMAT_PATTERNS.get(str(schema.get("format"))) if isinstance(schema, dict) else None
    return isinstance(value, str) and pattern is not None and re.fullmatch(pattern, value) is None


def _constrained(base: dict[str, Any], variant: Any) -> dict[str, Any]:
    """An object schema with one member of its oneOf/anyOf: the member's required names and (non-empty)
    property schemas join the object's."""
    if not isinstance(variant, dict):
        return base
    properties = dict(base.get("properties") or {})
    properties.update({k: v for k, v in (variant.get("properties") or {}).items() if v or k not in properties})
    required = list(dict.fromkeys([*(base.get("required") or []), *(variant.get("required") or [])]))
    return {**base, **{k: v for k, v in variant.items() if k not in ("properties", "required")},
            "properties": properties, "required": required}
def _matching(pattern: str, low: int, high: Any) -> str | None:
    """The simplest string a (JSON Schema, unanchored) pattern matches within the length bounds: hypothesis
    shrinks to it, deterministically."""
    import hypothesis
    from hypothesis import strategies

    try:
        strings = strategies.from_regex(pattern).filter(
            lambda text: len(text) >= low and (high is None or len(text) <= int(high)))
        return hypothesis.find(strings, lambda _: True, settings=hypothesis.settings(database=None))
    except Exception:  # noqa: BLE001 - a pattern Python's re cannot read: the plain sample, as before
        return None


def _valid(document: dict[str, Any], value: Any, schema: Any) -> bool:
    """Does `value` match `schema` (JSON Schema, the document's own references resolved)?"""
    import jsonschema

    root = {"allOf": [schema], "components": document.get("components") or {}}
    try:
        return bool(jsonschema.Draft202012Validator(root).is_valid(value))
    except Exception:  # noqa: BLE001 - a schema jsonschema cannot read counts as not matching
        return False


def _merged(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """An allOf flattened into one object schema (properties and required of every member)."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    merged["properties"] = dict(schema.get("properties") or {})
    merged["required"] = list(schema.get("required") or [])
    for member in schema.get("allOf") or []:
        member = _resolve(document, member)
        if isinstance(member, dict) and "allOf" in member:
            member = _merged(document, member)
        if not isinstance(member, dict):
            continue
        merged["properties"].update(member.get("properties") or {})
        merged["required"] += member.get("required") or []
        for key, value in member.items():
            merged.setdefault(key, value)
    return merged


def _coerce(value: Any, schema: dict[str, Any]) -> Any:
    """Examples written as strings for numbers ("1" for an integer) become the declared type."""
    kind = schema.get("type")
    if isinstance(value, str) and kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, str) and kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    return value


# --- what the document says --------------------------------------------------------------------------------------


def _load_document(document: Path) -> dict[str, Any]:
    text = document.read_text(encoding="utf-8")
    if document.suffix == ".json":
        return json.loads(text)  # type: ignore[no-any-return]
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def _shape(path: str) -> str:
    """A path with its parameters as `{}`, the prefixes the importer writes for `label` (`.{id}`) and `matrix`
    (`;id={id}`) path parameters included, so the imported path and the document's are the same shape."""
    return re.sub(r"(?:;[^/;={}]*=|\.)?\{[^}]*\}", "{}", path.split("?", 1)[0]).rstrip("/") or "/"


def _spec_methods(tree: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(VERB, path shape) -> the imported spec's method."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for resource in tree.values():
        for method in (resource.get("methods") or {}).values():
            verb, _, path = str(method.get("http", "")).partition(" ")
            found[(verb.upper(), _shape(path))] = method
        found.update(_spec_methods(resource.get("resources") or {}))
    return found


def _resolve(document: dict[str, Any], node: Any) -> Any:
    for _ in range(20):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/")):
            return node
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node = target
    return node


def _operation(document: dict[str, Any], verb: str, path: str) -> dict[str, Any] | None:
    """The document's operation for a method, with its path item's parameters added to its own."""
    wanted = _shape(path)
    for route, item in (document.get("paths") or {}).items():
        item = _resolve(document, item)
        if _shape(route) != wanted or not isinstance(item, dict) or not isinstance(item.get(verb.lower()), dict):
            continue
        operation = dict(item[verb.lower()])
        operation["parameters"] = list(operation.get("parameters") or []) + list(item.get("parameters") or [])
        return operation
    return None


def _success(document: dict[str, Any], verb: str, path: str) -> tuple[bool, tuple[int, ...]]:
    """Of the operation's success response the mock sends (the lowest 2xx, else `default`): does the document give
    it a body? And when the operation has no success response at all, the statuses it documents instead."""
    operation = _operation(document, verb, path)
    if operation is None:
        return False, ()
    responses = {str(code): response for code, response in (operation.get("responses") or {}).items()}
    success = sorted(code for code in responses if code.startswith("2"))
    chosen = responses.get(success[0]) if success else responses.get("default")
    errors = () if success or "default" in responses else tuple(int(c) for c in responses if c.isdigit())
    return bool((_resolve(document, chosen) or {}).get("content")), errors


def _server_urls(document: dict[str, Any]) -> list[str]:
    """Every server URL the document names (top, path and operation level), variables at their defaults."""
    found: list[dict[str, Any]] = list(document.get("servers") or [])
    for item in (document.get("paths") or {}).values():
        if isinstance(item, dict):
            found += item.get("servers") or []
            found += [s for verb in VERBS if isinstance(item.get(verb), dict) for s in item[verb].get("servers") or []]
    urls = []
    for server in found:
        url = str(server.get("url", ""))
        for name, variable in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(variable.get("default", "")))
        urls.append(url.rstrip("/"))
    return sorted({u for u in urls if u}, key=len, reverse=True)


# --- every request goes to the mock ------------------------------------------------------------------------------


def _to_mock(request: Any, mock: str, servers: list[str]) -> None:
    """A request for one of the document's own servers (a method with its own `servers`) goes to the mock, with
    the server's path prefix taken off as Prism serves the paths at its root."""
    import httpx

    url = str(request.url)
    if url.startswith(mock):
        return
    rest = request.url.raw_path.decode("ascii")
    for server in servers:
        if url.startswith(server):
            rest = url[len(server):] or "/"
            break
    request.url = httpx.URL(mock + ("" if rest.startswith("/") else "/") + rest)
    request.headers["host"] = request.url.netloc.decode("ascii")


def _transports() -> tuple[type, type]:
    import httpx

    class ToMock(httpx.HTTPTransport):
        def __init__(self, mock: str, servers: list[str]) -> None:
            super().__init__()
            self.mock, self.servers = mock, servers

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            _to_mock(request, self.mock, self.servers)
            return _seen(super().handle_request(request))

    class AsyncToMock(httpx.AsyncHTTPTransport):
        def __init__(self, mock: str, servers: list[str]) -> None:
            super().__init__()
            self.mock, self.servers = mock, servers

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            _to_mock(request, self.mock, self.servers)
            return _seen(await super().handle_async_request(request))

    return ToMock, AsyncToMock


_INVALID: list[str] = []  # Steady's diagnostics of the requests of the call being made


def steady_problems(headers: Mapping[str, str]) -> str:
    """What Steady found wrong with a request, from its response headers (`X-Steady-Error-N-Code/Path/Message`),
    '' when nothing. Every diagnostic counts but a spec issue (E1xxx: about the document, not the request): with
    `--reject-on-sdk-error` (its default) a structural one (E3xxx: type, required, enum, content type...) also gets a
    400, but a value-level one (E4xxx: format, pattern, length, range) and an ambiguous one (E5xxx) leave the answer
    a 2xx with `X-Steady-Request-Valid: true`: the call must fail all the same."""
    count = int(headers.get("x-steady-error-count", "0") or 0)
    found = [(headers.get(f"x-steady-error-{n}-code", ""), headers.get(f"x-steady-error-{n}-path", ""),
              headers.get(f"x-steady-error-{n}-message", "")) for n in range(1, count + 1)]
    found = [problem for problem in found if not problem[0].startswith("E1")]
    if headers.get("x-steady-request-valid", "").lower() == "false" and not found:
        found = [("", "", "X-Steady-Request-Valid: false")]
    return "; ".join(f"{code} at {where}: {message}" for code, where, message in found[:3]) if found else ""


def _seen(response: Any) -> Any:
    problems = steady_problems(response.headers)
    if problems:
        _INVALID.append(f"Steady found the request invalid: {problems}")
    return response


def _sync_transport(mock: str, servers: list[str]) -> Any:
    return _transports()[0](mock, servers)


def _async_transport(mock: str, servers: list[str]) -> Any:
    return _transports()[1](mock, servers)


# --- is the result what the method declares? ---------------------------------------------------------------------


class _Names(dict):  # type: ignore[type-arg]
    """Where a return annotation's names are looked up: the method's module, then the SDK's types package (names
    imported only for type checking live there), then the SDK package."""

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__()
        self.module = module
        root = module.__name__.split(".")[0]
        self.places = [vars(module)]
        for name in (root + ".types", root):
            try:
                self.places.append(vars(importlib.import_module(name)))
            except ImportError:
                pass

    def __missing__(self, key: str) -> Any:
        for place in self.places:
            if key in place:
                return place[key]
        root = self.module.__name__.split(".")[0]
        for name in (root + ".types", root):
            try:
                return getattr(importlib.import_module(name), key)
            except (ImportError, AttributeError):
                continue
        for name, module in list(sys.modules.items()):  # a runtime class imported only for type checking
            if (name == root or name.startswith(root + ".")) and isinstance(getattr(module, key, None), type):
                return getattr(module, key)
        raise KeyError(key)


def return_type(function: Any) -> Any:
    """The method's declared return type, evaluated (the generated modules use `from __future__ import
    annotations`)."""
    function = inspect.unwrap(getattr(function, "__func__", function))
    annotation = function.__annotations__.get("return", Any)
    if isinstance(annotation, str):
        module = sys.modules[function.__module__]
        annotation = eval(annotation, dict(vars(module)), _Names(module))  # the generated code's own annotation
    return annotation


NO_EVENT = "the stream ended without an event, but the document declares a success body"


def check(value: Any, declared: Any, body: bool) -> str:
    """'' when `value` is what `declared` says (pages and streams: each item), else why not."""
    if value is None:
        if body:
            return f"returned None, but the document declares a success body (declared: {_name(declared)})"
        return "" if declared in (None, type(None)) or _allows_none(declared) else f"None is not {_name(declared)}"
    origin = typing.get_origin(declared)
    if isinstance(origin, type) and _is_stream(origin) and isinstance(value, origin):
        (item,) = typing.get_args(declared) or (Any,)
        problems = []
        with value:
            for count, event in enumerate(value):
                problems.append(matches(event, item, f"event {count}"))
        return next((p for p in problems if p), "") or (NO_EVENT if body and not problems else "")
    if isinstance(origin, type) and _is_page(origin) and isinstance(value, origin):
        (item,) = typing.get_args(declared) or (Any,)
        return next((p for i, x in enumerate(_page_items(value)) if (p := matches(x, item, f"item {i}"))), "")
    if _is_binary(value):
        content = value.read()
        return "" if isinstance(content, bytes) else f"read() gave {type(content).__name__}, not bytes"
    return matches(value, declared, "the result")


async def check_async(value: Any, declared: Any, body: bool) -> str:
    """`check` for the async client: async streams are entered and iterated with `async with` / `async for`."""
    origin = typing.get_origin(declared)
    if value is not None and isinstance(origin, type) and hasattr(origin, "__aiter__") \
            and hasattr(origin, "__aenter__") and isinstance(value, origin):
        (item,) = typing.get_args(declared) or (Any,)
        problems = []
        async with value:
            count = 0
            async for event in value:
                problems.append(matches(event, item, f"event {count}"))
                count += 1
        return next((p for p in problems if p), "") or (NO_EVENT if body and not problems else "")
    if value is not None and _is_binary(value) and inspect.iscoroutinefunction(value.read):
        content = await value.read()
        return "" if isinstance(content, bytes) else f"read() gave {type(content).__name__}, not bytes"
    return check(value, declared, body)


def matches(value: Any, declared: Any, where: str) -> str:
    """'' when `value` is an instance of the type `declared`, recursively; else where and why it is not."""
    if declared is Any or declared is object:
        return ""
    if declared is None or declared is type(None):
        return "" if value is None else f"{where} is {type(value).__name__}, not None"
    origin, args = typing.get_origin(declared), typing.get_args(declared)
    if origin is typing.Annotated:
        return matches(value, args[0], where)
    if origin is typing.Union or origin is types.UnionType:
        reasons = [matches(value, member, where) for member in args]
        return "" if any(not r for r in reasons) else f"{where} matches no member of {_name(declared)}: {reasons[0]}"
    if origin is typing.Literal:
        return "" if value in args else f"{where} is {value!r}, not one of {args}"
    if origin in (list, collections.abc.Sequence, tuple, set, frozenset):
        if not isinstance(value, (list, tuple, set, frozenset)):
            return f"{where} is {type(value).__name__}, not {_name(declared)}"
        item = args[0] if args else Any
        return next((p for i, x in enumerate(value) if (p := matches(x, item, f"{where}[{i}]"))), "")
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            return f"{where} is {type(value).__name__}, not {_name(declared)}"
        item = args[1] if len(args) == 2 else Any
        return next((p for k, x in value.items() if (p := matches(x, item, f"{where}[{k!r}]"))), "")
    if isinstance(origin, type):
        return "" if isinstance(value, origin) else f"{where} is {type(value).__name__}, not {_name(declared)}"
    if isinstance(declared, (typing.TypeVar, typing.ForwardRef)):
        return ""
    if isinstance(declared, type):
        if declared is float and isinstance(value, int) and not isinstance(value, bool):
            return ""
        if declared is int and isinstance(value, bool):
            return f"{where} is bool, not int"
        return "" if isinstance(value, declared) else f"{where} is {type(value).__name__}, not {_name(declared)}"
    if isinstance(declared, typing.TypeAliasType if hasattr(typing, "TypeAliasType") else ()):
        return matches(value, declared.__value__, where)
    # Anything else (a NewType, an unusual alias): pydantic decides.
    try:
        import pydantic

        pydantic.TypeAdapter(declared).validate_python(value, strict=True)
        return ""
    except Exception as exc:  # noqa: BLE001 - pydantic's reason is the answer
        return f"{where} is not {_name(declared)}: {exc}"


def _allows_none(declared: Any) -> bool:
    return typing.get_origin(declared) in (typing.Union, types.UnionType) and type(None) in typing.get_args(declared)


def _is_stream(cls: type) -> bool:
    return hasattr(cls, "__iter__") and hasattr(cls, "__enter__")


def _is_page(cls: type) -> bool:
    return hasattr(cls, "items") and (hasattr(cls, "has_next_page") or hasattr(cls, "next_page_token"))


def _page_items(page: Any) -> list[Any]:
    items = page.items
    return list(items() if callable(items) else items)


def _is_binary(value: Any) -> bool:
    return callable(getattr(value, "read", None)) and not hasattr(value, "model_fields") \
        and not isinstance(value, (str, bytes, dict, list))


def _name(declared: Any) -> str:
    return getattr(declared, "__name__", None) or str(declared).replace("typing.", "")


# --- the summary ---------------------------------------------------------------------------------------------------


def table(results: list[Result], expected: Mapping[str, str], limited: Mapping[str, str]) -> str:
    """The per-document table and the overall pass rate (markdown)."""
    lines = ["| document | operations | import errors | warnings | lint | calls passed/total | on Steady | limited | status |",
             "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |"]
    passed = total = 0
    for result in sorted(results, key=lambda r: r.doc_id):
        limits = [c for c in result.calls if is_limited(result.doc_id, c, limited)]
        status = "xfail" if result.doc_id in expected else ""
        lines.append(f"| {result.doc_id} | {result.operations} | {len(result.import_errors)} | {result.warnings} | "
                     f"{result.lint_summary()} | {result.passed}/{len(result.calls)} | "
                     f"{sum(call.mock == 'steady' for call in result.calls)} | {len(limits)} | {status} |")
        passed += result.passed
        total += len(result.calls)
    rate = f"{100 * passed / total:.1f}%" if total else "-"
    lines.append(f"\nOverall: {passed}/{total} calls passed ({rate}) over {len(results)} documents.")
    return "\n".join(lines)


def is_limited(doc_id: str, call: Call, limited: Mapping[str, str]) -> bool:
    """Is this call in the known mock limitations: the whole document ("DOC"), methods ("DOC::resource.method",
    shell wildcards allowed: "DOC::information_responses.*") in both modes, or one call ("DOC::res.method async")."""
    if doc_id in limited:
        return True
    return any(fnmatch.fnmatchcase(f"{call.method}", pattern) or fnmatch.fnmatchcase(call.key, pattern)
               for key in limited if key.startswith(doc_id + "::") for pattern in [key[len(doc_id) + 2:]])


def main(argv: list[str]) -> int:
    if argv[:1] == ["calls"] and len(argv) in (8, 9):
        spec, sdk, package, document, url, report, start = argv[1:8]
        only = set(json.loads(Path(argv[8]).read_text())) if len(argv) == 9 else None
        calls = call_everything(Path(spec), Path(sdk), package, Path(document), url, int(start), only)
        Path(report).write_text(json.dumps([asdict(call) for call in calls], indent=1))
        return 0
    if argv[:1] == ["run"] and len(argv) == 2:  # one document by hand: python -m tests.real_apis run 30-petstore
        work = CACHE / "work" / argv[1]
        result = run_document(argv[1], documents()[argv[1]], work, CACHE / "mypy")
        print(json.dumps(result.to_json(), indent=1))
        return 0
    print("usage: python -m tests.real_apis calls SPEC SDK PACKAGE DOCUMENT URL REPORT | run DOC_ID", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
