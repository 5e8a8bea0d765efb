"""The SDK surface an imported document gets with no overrides (`naming: derived`): resources from paths, CRUD and
action method names, collisions; and the whole OpenAI method surface as a golden API reference index.

Regenerate the golden deliberately with `CLIENTGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_openapi_surface.py`
(or `make golden`) and read the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import naming
from generator.ir import Api, Resource
from generator.openapi import import_openapi, names, write_spec
from generator.pipeline import generate, load_api
from generator.render import render_each
from tests.server import Reply, ScriptedServer

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "openapi"
OPENAI = ROOT.parent / "shared" / "specs" / "corpus" / "openai.yaml"
GOLDEN_API_MD = CASES / "openai_api.md"
UPDATE = os.environ.get("CLIENTGEN_UPDATE_GOLDEN") == "1"
CLIENTGEN = Path(sys.executable).parent / "clientgen"

needs_openai = pytest.mark.skipif(not OPENAI.exists(), reason="the OpenAI document is not present")


@pytest.fixture(scope="module")
def openai_api(tmp_path_factory: pytest.TempPathFactory) -> Api:
    """openai.yaml imported with no overrides, as a new user would, and built into the IR."""
    if not OPENAI.exists():
        pytest.skip("the OpenAI document is not present")
    spec = tmp_path_factory.mktemp("openai") / "openai.yaml"
    result = import_openapi(OPENAI)
    assert write_spec(result, OPENAI, spec) == []
    assert not [w for w in result.warnings if w.code == "renamed"]  # every name from the rules, none numbered
    return load_api(spec)


def _methods(api: Api) -> dict[str, Any]:
    return {f"{resource.python_path}.{method.name}": method for resource in api.all_resources()
            for method in resource.methods}


@needs_openai
def test_openai_api_md_golden(openai_api: Api) -> None:
    """The generated API reference index (docs/api.md) lists every method of the OpenAI SDK: its path from the
    client, signature, HTTP line and CLI command."""
    [page] = render_each(openai_api, [("docs/api.md.j2", "docs/api.md", {})])
    if UPDATE:
        GOLDEN_API_MD.write_text(page.content)
    assert page.content == GOLDEN_API_MD.read_text()


@needs_openai
def test_openai_methods_have_the_names_people_know(openai_api: Api) -> None:
    methods = _methods(openai_api)
    create = methods["chat.completions.create"]
    keywords = {p.name for p in create.keyword}
    assert create.positional == () and {"model", "messages"} <= keywords  # the allOf body, flattened
    # `model` is a string or one of the known ids (anyOf): the CLI takes it as text (`--model gpt-4o-mini`).
    assert {p.name: p.cli_kind for p in create.keyword}["model"] == "str"
    assert methods["files.list"].positional == ()
    assert [p.name for p in methods["files.retrieve"].positional] == ["file_id"]
    assert [p.name for p in methods["files.delete"].positional] == ["file_id"]
    assert "embeddings.create" in methods and methods["models.list"].positional == ()
    assert [p.name for p in methods["fine_tuning.jobs.cancel"].positional] == ["fine_tuning_job_id"]
    assert "chat.completions.messages.list" in methods and "files.content" in methods
    assert "threads.runs.submit_tool_outputs" in methods and "threads.runs.steps.list" in methods
    # Type names follow: {ResourceSingular}{Method}Params in the resource's parent's types package.
    assert create.params_type.endswith("CompletionCreateParams")


@needs_openai
def test_openai_method_names_carry_no_operation_id_noise(openai_api: Api) -> None:
    """No method repeats its resource's words, as an operationId in snake_case would
    (`chat.create_chat_completion`): the one exception is a fallback that keeps a collision apart."""
    noisy = []
    for resource in openai_api.all_resources():
        own = {w for part in resource.trail for w in (naming.singular(part), part)}
        for method in resource.methods:
            words = naming.words(method.name)
            if any(w in own or naming.singular(w) in own for w in words):
                noisy.append(f"{resource.python_path}.{method.name}")
    assert noisy == ["threads.runs.create_thread_and_run"]  # POST /threads/runs beside POST /threads/{id}/runs


@needs_openai
def test_openai_cli_groups_follow_the_resource_path(openai_api: Api) -> None:
    groups = {resource.cli_name: resource for resource in openai_api.command_resources}
    assert "create" in {m.cli_name for m in groups["chat:completions"].methods}
    assert "list" in {m.cli_name for m in groups["fine-tuning:jobs:checkpoints"].methods}


def _resource(api: Api, path: str) -> Resource:
    return next(r for r in api.all_resources() if r.python_path == path)


# The naming rules one by one, on small documents ------------------------------------------------------------------


def _doc(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "servers": [{"url": "https://t.example"}],
            "paths": paths}


def _op(operation_id: str | None = None, **extra: Any) -> dict[str, Any]:
    operation: dict[str, Any] = {"responses": {"204": {"description": "ok"}}, **extra}
    if operation_id:
        operation["operationId"] = operation_id
    return operation


def _surface(tmp_path: Path, paths: dict[str, Any], config: str | None = None) -> dict[str, str]:
    import json

    source = tmp_path / "doc.json"
    source.write_text(json.dumps(_doc(paths)))
    overrides = None
    if config is not None:
        overrides = tmp_path / "overrides.yaml"
        overrides.write_text(config)
    result = import_openapi(source, overrides)
    assert write_spec(result, source, tmp_path / "spec.yaml") == []
    assert not [w for w in result.warnings if w.code == "renamed"]  # an expected fallback is no warning
    found: dict[str, str] = {}

    def walk(tree: dict[str, Any], trail: list[str]) -> None:
        for name, node in tree.items():
            for method, spec in (node.get("methods") or {}).items():
                found[spec["http"]] = ".".join([*trail, name, method])
            walk(node.get("resources") or {}, [*trail, name])

    walk(result.spec["resources"], [])
    return found


def test_crud_names_and_resources_from_paths(tmp_path: Path) -> None:
    surface = _surface(tmp_path, {
        "/v1/widgets": {"get": _op("listAllWidgets"), "post": _op("makeWidget")},
        "/v1/widgets/{widget_id}": {"get": _op("getWidget"), "patch": _op("modifyWidget"),
                                    "delete": _op("removeWidget")},
        "/v1/widgets/{widget_id}/parts": {"get": _op(), "post": _op()},
        "/v1/widgets/{widget_id}/parts/{part_id}": {"put": _op(), "delete": _op()},
        "/v1/clock": {"get": _op("getClock")},
    })
    assert surface == {
        "GET /v1/widgets": "v1.widgets.list",
        "POST /v1/widgets": "v1.widgets.create",
        "GET /v1/widgets/{widget_id}": "v1.widgets.retrieve",
        "PATCH /v1/widgets/{widget_id}": "v1.widgets.update",
        "DELETE /v1/widgets/{widget_id}": "v1.widgets.delete",
        "GET /v1/widgets/{widget_id}/parts": "v1.widgets.parts.list",
        "POST /v1/widgets/{widget_id}/parts": "v1.widgets.parts.create",
        "PUT /v1/widgets/{widget_id}/parts/{part_id}": "v1.widgets.parts.update",
        "DELETE /v1/widgets/{widget_id}/parts/{part_id}": "v1.widgets.parts.delete",
        "GET /v1/clock": "v1.clock.retrieve",  # a singular last segment: one thing, not a list
    }


def test_actions_are_methods_on_their_parent(tmp_path: Path) -> None:
    surface = _surface(tmp_path, {
        "/jobs": {"get": _op("listJobs")},
        "/jobs/{id}": {"get": _op("getJob")},
        "/jobs/{id}/cancel": {"post": _op("cancelJob")},  # after a parameter: an action
        "/jobs/{id}/content": {"get": _op("downloadJobContent")},  # a singular word after a parameter
        "/jobs/{id}/events": {"get": _op("listJobEvents")},  # a plural word: a collection
        "/jobs/{id}/uploads": {"post": _op("addJobUpload")},  # a plural word, even with only a POST
        "/jobs/search": {"post": _op("searchJobs")},  # beside /jobs, which has operations
        "/graders/run": {"post": _op("runGrader")},  # the operationId starts with the segment
        "/audio/speech": {"post": _op("createSpeech")},  # /audio has no operations: a resource
    })
    assert surface == {
        "GET /jobs": "jobs.list",
        "GET /jobs/{id}": "jobs.retrieve",
        "POST /jobs/{id}/cancel": "jobs.cancel",
        "GET /jobs/{id}/content": "jobs.content",
        "GET /jobs/{id}/events": "jobs.events.list",
        "POST /jobs/{id}/uploads": "jobs.uploads.create",
        "POST /jobs/search": "jobs.search",
        "POST /graders/run": "graders.run",
        "POST /audio/speech": "audio.speech.create",
    }


def test_operation_ids_without_the_resource_words(tmp_path: Path) -> None:
    """Outside the CRUD shapes (and where the operationId says another verb), the operationId without the resource's
    words, version prefixes and joining words at its ends; run-together operationIds are split."""
    surface = _surface(tmp_path, {
        "/chat/completions/{completion_id}/messages": {"get": _op("getChatCompletionMessages")},
        "/v1/app/{app_id}/endpoints": {"delete": _op("v1.app.endpoints.purgeAll"),
                                       "put": _op("v1.endpoints.replaceAllInApp")},
        "/evals/{eval_id}/runs/{run_id}": {"post": _op("cancelEvalRun")},  # not update: the verb is cancel
        "/organization/spend_limit": {"get": _op("Getorganizationspendlimit"),
                                      "post": _op("Updateorganizationspendlimit")},
        "/organization/costs": {"get": _op("usage-costs")},
        "/vector_stores/{id}/file_batches/{batch_id}/files": {"get": _op("listFilesInVectorStoreBatch")},
    })
    assert surface == {
        "GET /chat/completions/{completion_id}/messages": "chat.completions.messages.list",
        "DELETE /v1/app/{app_id}/endpoints": "v1.app.endpoints.purge_all",
        "PUT /v1/app/{app_id}/endpoints": "v1.app.endpoints.replace_all",
        "POST /evals/{eval_id}/runs/{run_id}": "evals.runs.cancel",
        "GET /organization/spend_limit": "organization.spend_limit.retrieve",
        "POST /organization/spend_limit": "organization.spend_limit.update",
        "GET /organization/costs": "organization.costs.usage",
        "GET /vector_stores/{id}/file_batches/{batch_id}/files": "vector_stores.file_batches.files.list",
    }
    assert names.leftover("CreateanAPIkeyforaserviceaccount", ["service_accounts", "api_keys"]) == ["create"]


def test_collisions_fall_back_to_the_fuller_name(tmp_path: Path) -> None:
    """The operation whose words say no more than the name keeps it (the shortest operationId of several); the
    others take their operationId without the resource's words, then the whole operationId, then the HTTP verb
    and path. None of this warns. Sibling resources with one singular get distinct type names."""
    surface = _surface(tmp_path, {
        "/responses": {"post": _op("createResponse")},
        "/responses?beta=true": {"post": _op("beta_createResponse")},
        "/threads/runs": {"post": _op("createThreadAndRun")},
        "/threads/{thread_id}/runs": {"post": _op("createRun")},
        "/status/200": {"get": _op()},
        "/status/201": {"get": _op()},
        "/videos/{id}": {"get": _op("getVideo")},
        "/videos/{id}/content": {"get": _op("downloadVideoContent")},  # `content` is a sub-resource's name
        "/videos/content/{content_id}": {"get": _op("getContent")},
    })
    assert surface == {
        "POST /responses": "responses.create",
        "POST /responses?beta=true": "responses.beta_create",
        "POST /threads/runs": "threads.runs.create_thread_and_run",
        "POST /threads/{thread_id}/runs": "threads.runs.create",
        "GET /status/200": "status.get_status_200",
        "GET /status/201": "status.get_status_201",
        "GET /videos/{id}": "videos.retrieve",
        "GET /videos/{id}/content": "videos.download_content",
        "GET /videos/content/{content_id}": "videos.content.retrieve",
    }


def test_sibling_resources_with_one_singular_get_distinct_type_names(tmp_path: Path) -> None:
    import json

    source = tmp_path / "doc.json"
    source.write_text(json.dumps(_doc({"/pet": {"get": _op("getPet")}, "/pets": {"get": _op("listPets")}})))
    result = import_openapi(source)
    assert result.spec["resources"]["pets"]["singular"] == "pets"  # PetsListParams beside PetRetrieveParams
    assert write_spec(result, source, tmp_path / "spec.yaml") == []


def test_naming_operation_id_keeps_the_operation_ids(tmp_path: Path) -> None:
    paths = {"/v1/widgets/{widget_id}": {"get": _op("getWidget", tags=["Widget Things"])},
             "/v1/widgets/{widget_id}/cancel": {"post": _op("cancel_widget", tags=["Widget Things"])},
             "/health": {"get": _op()}}
    assert _surface(tmp_path, paths, "naming: operation_id\n") == {
        "GET /v1/widgets/{widget_id}": "v1.widget_things.get_widget",
        "POST /v1/widgets/{widget_id}/cancel": "v1.widget_things.cancel_widget",
        "GET /health": "health.get_health",
    }
    # Method overrides win in both namings.
    config = "methods:\n  getWidget: {name: fetch, resource: things}\n"
    assert _surface(tmp_path, paths, config)["GET /v1/widgets/{widget_id}"] == "things.fetch"
    assert _surface(tmp_path, paths, "naming: operation_id\n" + config)["GET /v1/widgets/{widget_id}"] == "things.fetch"


def test_a_bad_naming_value_is_an_error(tmp_path: Path) -> None:
    config = tmp_path / "o.yaml"
    config.write_text("naming: operation-id\n")
    result = subprocess.run([str(CLIENTGEN), "import-openapi", str(CASES / "v31" / "openapi.json"), "-o",
                             str(tmp_path / "o.yaml"), "--config", str(config)], check=False, capture_output=True,
                            text=True)
    assert result.returncode == 1
    assert "'naming' is one of derived, operation_id, not 'operation-id'; did you mean 'operation_id'?" in result.stderr


def test_the_generated_cli_groups_commands_by_the_resource_path(tmp_path: Path, server: ScriptedServer) -> None:
    """The naming_crud case's SDK and CLI, generated, run as a subprocess against a local server: groups are the
    resource path (`v1:widgets:parts`), commands the method names."""
    generate(CASES / "naming_crud" / "expected.yaml", tmp_path / "out")
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'out' / 'python'}:{tmp_path / 'out' / 'cli'}",
           "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "naming_crud_cli", *args, "--base-url", server.url]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)

    server.reply(Reply(204))
    for args, request in [(("v1:widgets:parts", "update", "--widget-id", "w1", "--part-id", "p2"),
                           ("PUT", "/v1/widgets/w1/parts/p2")),
                          (("v1:widgets", "cancel", "--widget-id", "w1"), ("POST", "/v1/widgets/w1/cancel")),
                          (("v1:clock", "retrieve"), ("GET", "/v1/clock"))]:
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert (server.seen[-1].method, server.seen[-1].path) == request
    usage = run("v1:widgets", "update-widget", "--widget-id", "w1")
    assert usage.returncode == 2 and "No such command 'update-widget'" in usage.stderr
