"""Automatic pagination, one style at a time (`pagination.style`), sync and async, on a real HTTP server on
127.0.0.1: each test walks the pages of a list, and checks the exact requests (the query of every page) and where
paging stops. The SDKs: tests/golden/pagination/spec.yaml (no envelope) and ENVELOPED below (pages in an envelope)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from tests.conftest import ROOT
from tests.server import Reply, ScriptedServer
from tests.test_sdk_runtime import KINDS, Harness

ENVELOPED = """\
clientgen: 1
api: {name: Boxed Pages, package: boxed_pages, client: BoxedPages, cli: boxed-pages,
      base_url: https://api.example.com, auth: {type: bearer}}
envelope:
  name: Envelope
  properties:
    meta:
      type: object
      properties:
        has_more: {type: boolean}
        total: {type: integer}
        pages: {type: integer}
schemas:
  Item:
    type: object
    required: [id]
    properties: {id: {type: string}}
resources:
  items:
    methods:
      list:
        http: GET /items
        pagination: {style: cursor, cursor_param: starting_after, has_more: meta.has_more}
        params:
          starting_after: {in: query, schema: {type: string}}
        response: {type: array, items: {$ref: "#/schemas/Item"}}
      pages:
        http: GET /items/pages
        pagination: {style: page, total: meta.total, per_page_param: size}
        params:
          page: {in: query, schema: {type: integer}}
          size: {in: query, schema: {type: integer}}
        response: {type: array, items: {$ref: "#/schemas/Item"}}
      numbered:
        http: GET /items/numbered
        pagination: {style: page, page_param: p, total_pages: meta.pages}
        params:
          p: {in: query, schema: {type: integer}}
        response: {type: array, items: {$ref: "#/schemas/Item"}}
      nested:
        http: GET /items/nested
        pagination: {style: token, items: data.entries, next_token: data.next}
        params:
          page_token: {in: query, schema: {type: string}}
        response:
          type: object
          required: [entries]
          properties:
            entries: {type: array, items: {$ref: "#/schemas/Item"}}
            next: {type: string, nullable: true}
"""


@pytest.fixture(scope="session")
def pages_sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("pages_sdk")
    generate(ROOT / "tests" / "golden" / "pagination" / "spec.yaml", out)
    sys.path.insert(0, str(out / "python"))
    return importlib.import_module("pages")


@pytest.fixture(scope="session")
def boxed_sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("boxed_sdk")
    spec = out / "spec.yaml"
    spec.write_text(ENVELOPED)
    generate(spec, out / "gen")
    sys.path.insert(0, str(out / "gen" / "python"))
    return importlib.import_module("boxed_pages")


@pytest.fixture(params=KINDS)
def pg(request: pytest.FixtureRequest, pages_sdk: Any, server: ScriptedServer) -> Iterator[Harness]:
    harness = Harness(request.param, pages_sdk, "Pages", server)
    yield harness
    harness.close()


@pytest.fixture(params=KINDS)
def boxed(request: pytest.FixtureRequest, boxed_sdk: Any, server: ScriptedServer) -> Iterator[Harness]:
    harness = Harness(request.param, boxed_sdk, "BoxedPages", server)
    yield harness
    harness.close()


def paths(server: ScriptedServer) -> list[str]:
    return [seen.path for seen in server.seen]


def page_class(harness: Harness, style: str) -> str:
    return ("Async" if harness.is_async else "Sync") + style + "Page"


# --- cursor: has_more + the last item's id -----------------------------------------------------------------------


def files(ids: str, has_more: bool) -> dict[str, Any]:
    data = [{"id": i, "filename": f"{i}.txt"} for i in ids]
    return {"object": "list", "data": data, "first_id": ids[:1] or None, "last_id": ids[-1:] or None,
            "has_more": has_more}


def test_cursor_walks_three_pages(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, files("ab", True)), Reply(200, files("c", True)), Reply(200, files("d", False)))
    page = pg.run(pg.client(base_url=server.url + "/v1").files.list(limit=2))
    assert type(page).__name__ == page_class(pg, "Cursor")
    assert [f.id for f in page.items] == ["a", "b"] and page.response.first_id == "a"
    assert [f.id for f in pg.collect(page)] == ["a", "b", "c", "d"]
    assert paths(server) == ["/v1/files?limit=2", "/v1/files?after=b&limit=2", "/v1/files?after=c&limit=2"]


def test_cursor_stops_at_an_empty_page_and_at_a_repeated_cursor(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, files("a", True)), Reply(200, files("", True)))
    assert [f.id for f in pg.collect(pg.run(pg.client().files.list()))] == ["a"]
    assert paths(server) == ["/files", "/files?after=a"]
    server.seen.clear()
    server.reply(Reply(200, files("x", True)))  # has_more, but the last id is the cursor just sent
    assert [f.id for f in pg.collect(pg.run(pg.client().files.list(after="x")))] == ["x"]
    assert paths(server) == ["/files?after=x"]


def test_cursor_steps_one_page_at_a_time(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, files("a", True)), Reply(200, files("b", False)))
    first = pg.run(pg.client().files.list())
    assert first.has_next_page()
    second = pg.run(first.get_next_page())
    assert [f.id for f in second.items] == ["b"] and not second.has_next_page()
    with pytest.raises(RuntimeError, match="No next page"):
        pg.run(second.get_next_page())
    assert repr(second) == f"{page_class(pg, 'Cursor')}(items=1, has_next_page=False)"


def test_raw_response_parses_into_the_page(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, files("a", True), {"X-Page": "1"}), Reply(200, files("b", False)))
    raw = pg.run(pg.client().files.with_raw_response.list())
    assert raw.headers["x-page"] == "1"
    page = raw.parse()
    assert type(page).__name__ == page_class(pg, "Cursor")
    assert [f.id for f in pg.collect(page)] == ["a", "b"]


# --- iterator: the body's iterator until done --------------------------------------------------------------------


def messages(ids: str, iterator: str | None, done: bool) -> dict[str, Any]:
    return {"data": [{"id": i, "text": i.upper()} for i in ids], "iterator": iterator, "prevIterator": "p",
            "done": done}


def test_iterator_walks_three_pages(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, messages("ab", "i2", False)), Reply(200, messages("c", "i3", False)),
                 Reply(200, messages("d", "i4", True)))
    page = pg.run(pg.client().messages.list("app 1", limit=2))
    assert type(page).__name__ == page_class(pg, "Iterator")
    assert [m.text for m in pg.collect(page)] == ["A", "B", "C", "D"]
    assert paths(server) == ["/app/app%201/msg?limit=2", "/app/app%201/msg?iterator=i2&limit=2",
                             "/app/app%201/msg?iterator=i3&limit=2"]


def test_iterator_stops_without_an_iterator_or_when_it_repeats(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, messages("a", None, False)))
    assert [m.id for m in pg.collect(pg.run(pg.client().messages.list("x")))] == ["a"]
    server.reply(Reply(200, messages("b", "same", False)))
    assert [m.id for m in pg.collect(pg.run(pg.client().messages.list("x", iterator="same")))] == ["b"]
    assert paths(server) == ["/app/x/msg", "/app/x/msg?iterator=same"]


# --- token: a next page token in the body ------------------------------------------------------------------------


def events(ids: str, token: str | None) -> dict[str, Any]:
    return {"events": [{"id": i} for i in ids], "next_page_token": token}


def test_token_walks_three_pages(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, events("ab", "t2")), Reply(200, events("c", "t3")), Reply(200, events("d", "")))
    page = pg.run(pg.client().events.list())
    assert type(page).__name__ == page_class(pg, "Token")
    assert [e.id for e in pg.collect(page)] == ["a", "b", "c", "d"]
    assert paths(server) == ["/events", "/events?page_token=t2", "/events?page_token=t3"]


def test_token_stops_at_an_empty_page(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, events("a", "t2")), Reply(200, events("", "t3")))
    assert [e.id for e in pg.collect(pg.run(pg.client().events.list()))] == ["a"]
    assert paths(server) == ["/events", "/events?page_token=t2"]


# --- next_url: links.next, absolute or relative -------------------------------------------------------------------


def users(names: str, next_url: str | None) -> dict[str, Any]:
    return {"results": [{"name": n} for n in names], "links": {"next": next_url}}


def test_next_url_walks_three_pages(pg: Harness, server: ScriptedServer) -> None:
    """The first link is absolute, the second relative to the host; the client's base URL has a path (/v1). The
    link's query replaces the parameters of the same name and keeps the others."""
    server.reply(Reply(200, users("ab", f"{server.url}/v1/users?role=admin&cursor=c2")),
                 Reply(200, users("c", "/v1/users?role=admin&cursor=c3")),
                 Reply(200, users("d", None)))
    page = pg.run(pg.client(base_url=server.url + "/v1").users.list(role="admin"))
    assert type(page).__name__ == page_class(pg, "NextURL")
    assert [u.name for u in pg.collect(page)] == ["a", "b", "c", "d"]
    assert paths(server) == ["/v1/users?role=admin", "/v1/users?role=admin&cursor=c2",
                             "/v1/users?role=admin&cursor=c3"]
    assert all(seen.headers["authorization"] == "Bearer sk-test-SECRET-123" for seen in server.seen)


def test_next_url_is_not_followed_to_another_host_or_to_the_same_page(pg: Harness, server: ScriptedServer,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    server.reply(Reply(200, users("a", "https://elsewhere.example/v1/users?cursor=2")))
    with caplog.at_level("WARNING"):
        assert [u.name for u in pg.collect(pg.run(pg.client().users.list()))] == ["a"]
    assert "another host" in caplog.text and "SECRET" not in caplog.text
    server.reply(Reply(200, users("b", "/users?role=x")))  # a link to the page just fetched
    assert [u.name for u in pg.collect(pg.run(pg.client().users.list(role="x")))] == ["b"]
    assert paths(server) == ["/users", "/users?role=x"]


# --- page: page numbers up to a total ----------------------------------------------------------------------------


def found(names: str, total: int) -> dict[str, Any]:
    return {"users": [{"name": n} for n in names], "total_count": total}


def test_page_numbers_walk_three_pages_up_to_the_total(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, found("ab", 5)), Reply(200, found("cd", 5)), Reply(200, found("e", 5)))
    page = pg.run(pg.client().users.search(q="x", per_page=2))
    assert type(page).__name__ == page_class(pg, "PageNumber")
    assert [u.name for u in pg.collect(page)] == ["a", "b", "c", "d", "e"]
    assert paths(server) == ["/users/search?q=x&per_page=2", "/users/search?q=x&page=2&per_page=2",
                             "/users/search?q=x&page=3&per_page=2"]


def test_page_size_is_the_first_pages_when_not_sent(pg: Harness, server: ScriptedServer) -> None:
    """Without per_page, the first page's length is the page size: 2 + 2 + 2 >= 6 ends the list there."""
    server.reply(Reply(200, found("ab", 6)), Reply(200, found("cd", 6)), Reply(200, found("ef", 6)))
    assert len(pg.collect(pg.run(pg.client().users.search(q="x", page=1)))) == 6
    assert paths(server) == ["/users/search?q=x&page=1", "/users/search?q=x&page=2", "/users/search?q=x&page=3"]


def test_a_list_body_is_paged_until_an_empty_page(pg: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, ["a", "b"]), Reply(200, ["c"]), Reply(200, ["d"]), Reply(200, []))
    page = pg.run(pg.client().tags.list(per_page=2))
    assert page.items == ["a", "b"]
    assert pg.collect(page) == ["a", "b", "c", "d"]
    assert paths(server) == ["/tags?per_page=2", "/tags?page=2&per_page=2", "/tags?page=3&per_page=2",
                             "/tags?page=4&per_page=2"]


# --- in an envelope ----------------------------------------------------------------------------------------------


def boxed_reply(data: Any, **meta: Any) -> Reply:
    return Reply(200, {"meta": meta, "data": data})


def test_cursor_in_an_envelope_walks_three_pages(boxed: Harness, server: ScriptedServer) -> None:
    server.reply(boxed_reply([{"id": "a"}, {"id": "b"}], has_more=True), boxed_reply([{"id": "c"}], has_more=True),
                 boxed_reply([{"id": "d"}], has_more=False))
    page = boxed.run(boxed.client().items.list())
    assert type(page).__name__ == page_class(boxed, "Cursor")
    assert [i.id for i in boxed.collect(page)] == ["a", "b", "c", "d"]
    assert paths(server) == ["/items", "/items?starting_after=b", "/items?starting_after=c"]


def test_page_numbers_in_an_envelope_walk_three_pages(boxed: Harness, server: ScriptedServer) -> None:
    server.reply(boxed_reply([{"id": "a"}], total=3), boxed_reply([{"id": "b"}], total=3),
                 boxed_reply([{"id": "c"}], total=3))
    assert [i.id for i in boxed.collect(boxed.run(boxed.client().items.pages(size=1)))] == ["a", "b", "c"]
    assert paths(server) == ["/items/pages?size=1", "/items/pages?page=2&size=1", "/items/pages?page=3&size=1"]


def test_page_numbers_stop_at_the_last_of_total_pages(boxed: Harness, server: ScriptedServer) -> None:
    server.reply(boxed_reply([{"id": "a"}], pages=3), boxed_reply([{"id": "b"}], pages=3),
                 boxed_reply([{"id": "c"}], pages=3), boxed_reply([{"id": "never"}], pages=3))
    assert [i.id for i in boxed.collect(boxed.run(boxed.client().items.numbered()))] == ["a", "b", "c"]
    assert paths(server) == ["/items/numbered", "/items/numbered?p=2", "/items/numbered?p=3"]


def test_token_inside_the_envelopes_data_walks_three_pages(boxed: Harness, server: ScriptedServer) -> None:
    server.reply(boxed_reply({"entries": [{"id": "a"}], "next": "n2"}),
                 boxed_reply({"entries": [{"id": "b"}], "next": "n3"}),
                 boxed_reply({"entries": [{"id": "c"}], "next": None}))
    page = boxed.run(boxed.client().items.nested())
    assert type(page).__name__ == page_class(boxed, "Token")
    assert [i.id for i in boxed.collect(page)] == ["a", "b", "c"]
    assert paths(server) == ["/items/nested", "/items/nested?page_token=n2", "/items/nested?page_token=n3"]


def test_sdk_modules_exist_only_where_used(pages_sdk: Any, boxed_sdk: Any) -> None:
    """Only the page classes some method returns are generated, and exported by the package."""
    assert {n for n in pages_sdk.__all__ if n.endswith("Page")} == {
        "AsyncCursorPage", "AsyncIteratorPage", "AsyncNextURLPage", "AsyncPage", "AsyncPageNumberPage",
        "AsyncTokenPage", "SyncCursorPage", "SyncIteratorPage", "SyncNextURLPage", "SyncPage", "SyncPageNumberPage",
        "SyncTokenPage"}
    assert {n for n in boxed_sdk.__all__ if n.endswith("Page")} == {
        "AsyncCursorPage", "AsyncPage", "AsyncPageNumberPage", "AsyncTokenPage", "SyncCursorPage", "SyncPage",
        "SyncPageNumberPage", "SyncTokenPage"}
    assert not (Path(ROOT) / "generated" / "python" / "clear_street" / "_pagination.py").exists()


def test_the_real_api_harness_checks_each_item_of_a_page(pg: Harness, server: ScriptedServer) -> None:
    """tests/real_apis.py checks a result against the method's return annotation: for these page classes, each item
    of the first page against the item type (no further page is fetched)."""
    from tests import real_apis

    server.reply(Reply(200, files("ab", True)))
    resource = pg.client().files
    declared = real_apis.return_type(resource.list)
    assert declared.__name__ == page_class(pg, "Cursor")
    page = pg.run(resource.list())
    assert real_apis.check(page, declared, body=True) == ""
    page.response.data[1] = {"id": "not a model"}
    assert real_apis.check(page, declared, body=True) == "item 1 is dict, not File"
    assert len(server.seen) == 1


def test_readme_examples_run_against_the_local_server(server: ScriptedServer) -> None:
    """The generated README's snippets (sync and async pages, raw response, options, errors) run as written."""
    import os
    import re
    import subprocess

    expected = ROOT / "tests" / "golden" / "pagination" / "expected" / "python"
    examples = re.findall(r"```python\n(.*?)```", (expected / "README.md").read_text(), flags=re.DOTALL)
    assert len(examples) >= 4
    env = {**os.environ, "PYTHONPATH": str(expected), "PAGES_BASE_URL": server.url, "PYTHONDONTWRITEBYTECODE": "1"}
    for example in examples:
        server.reply(Reply(200, files("ab", True)), Reply(200, files("c", False)))
        result = subprocess.run([sys.executable, "-c", example], env=env, capture_output=True, text=True, timeout=60,
                                check=False)
        assert result.returncode == 0, f"README example failed:\n{example}\n{result.stderr}"
    assert "/files?after=b&limit=0" in paths(server)  # the usage examples walked to the second page
