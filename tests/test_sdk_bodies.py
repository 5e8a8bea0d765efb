"""Request bodies other than JSON, cookie parameters, query styles and parameter names, on a real HTTP server:
the SDK of tests/golden/bodies/spec.yaml on every client kind (sync on urllib3, sync on a caller's httpx.Client,
async, async on a caller's httpx.AsyncClient), checking the exact bytes sent."""

from __future__ import annotations

import datetime
import importlib
import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from tests.conftest import ROOT
from tests.server import Reply, ScriptedServer
from tests.test_sdk_runtime import KINDS, Harness

BODIES_SPEC = ROOT / "tests" / "golden" / "bodies" / "spec.yaml"
UPLOAD = {"request_id": "r-1", "data": {"id": "file-1", "size": 3}}


@pytest.fixture(scope="session")
def bodies_sdk(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("bodies_sdk")
    generate(BODIES_SPEC, out)
    sys.path.insert(0, str(out / "python"))
    return importlib.import_module("bodies")


@pytest.fixture(params=KINDS)
def sdk(request: pytest.FixtureRequest, bodies_sdk: Any, server: ScriptedServer) -> Iterator[Harness]:
    harness = Harness(request.param, bodies_sdk, "Bodies", server)
    yield harness
    harness.close()


def multipart(boundary: str, *parts: tuple[str, bytes]) -> bytes:
    """The expected multipart body: each part's header lines, then its content."""
    out = b""
    for headers, content in parts:
        out += f"--{boundary}\r\n{headers}\r\n\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def boundary_of(content_type: str) -> str:
    media, _, rest = content_type.partition("; boundary=")
    assert media == "multipart/form-data" and rest
    return rest


def test_form_body_encodes_arrays_and_nested_objects(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, {"request_id": "r", "data": "tok"}))
    client = sdk.client()

    result = sdk.run(client.uploads.create_token(
        grant_type="client_credentials",
        scope=["read", "write all"],
        address={"city": "Paris & Co", "zip": "75001"},
        tags=["a", "b,c"],
        meta={"owner": {"name": "Ann"}, "labels": ["x", "y"]},
        extra_body={"extra": 1},
    ))

    assert result.data == "tok"
    seen = server.seen[-1]
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen.body == (
        b"grant_type=client_credentials&scope=read&scope=write+all"
        b"&address%5Bcity%5D=Paris+%26+Co&address%5Bzip%5D=75001"
        b"&tags=a,b%2Cc"
        b"&meta%5Bowner%5D%5Bname%5D=Ann&meta%5Blabels%5D%5B0%5D=x&meta%5Blabels%5D%5B1%5D=y"
        b"&extra=1"
    )


def test_form_body_leaves_out_omitted_fields(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, {"request_id": "r", "data": "tok"}))

    sdk.run(sdk.client().uploads.create_token(grant_type="password"))

    assert server.seen[-1].body == b"grant_type=password"


def test_multipart_with_each_kind_of_file(sdk: Harness, server: ScriptedServer, tmp_path: Path) -> None:
    server.reply(Reply(200, UPLOAD))
    path = tmp_path / "report.csv"
    path.write_bytes(b"a,b\n1,2\n")
    client = sdk.client()

    with open(path, "rb") as opened:
        upload = sdk.run(client.uploads.upload_file(
            file=path,
            purpose="fine-tune",
            attachments=[b"\x00\x01", opened, ("notes.txt", b"hi", "text/x-custom"), ("blob", io.BytesIO(b"zz"))],
            metadata={"city": "Oslo"},
            labels=["l1", "l2"],
            count=3,
        ))

    assert upload.data.id == "file-1"
    seen = server.seen[-1]
    boundary = boundary_of(seen.headers["content-type"])
    assert seen.body == multipart(
        boundary,
        ('Content-Disposition: form-data; name="file"; filename="report.csv"\r\nContent-Type: text/csv', b"a,b\n1,2\n"),
        ('Content-Disposition: form-data; name="purpose"', b"fine-tune"),
        (('Content-Disposition: form-data; name="attachments"; filename="attachments"\r\n'
         "Content-Type: application/octet-stream"), b"\x00\x01"),
        ('Content-Disposition: form-data; name="attachments"; filename="report.csv"\r\nContent-Type: text/csv',
         b"a,b\n1,2\n"),
        ('Content-Disposition: form-data; name="attachments"; filename="notes.txt"\r\nContent-Type: text/x-custom',
         b"hi"),
        (('Content-Disposition: form-data; name="attachments"; filename="blob"\r\n'
         "Content-Type: application/octet-stream"), b"zz"),
        ('Content-Disposition: form-data; name="metadata"\r\nContent-Type: application/json', b'{"city":"Oslo"}'),
        ('Content-Disposition: form-data; name="labels"', b"l1"),
        ('Content-Disposition: form-data; name="labels"', b"l2"),
        ('Content-Disposition: form-data; name="count"', b"3"),
    )
    assert seen.headers["content-length"] == str(len(seen.body))


def test_multipart_file_as_bytes_alone(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, UPLOAD))

    sdk.run(sdk.client().uploads.upload_file(file=b"abc", purpose="x"))

    seen = server.seen[-1]
    assert seen.body == multipart(
        boundary_of(seen.headers["content-type"]),
        ('Content-Disposition: form-data; name="file"; filename="file"\r\nContent-Type: application/octet-stream',
         b"abc"),
        ('Content-Disposition: form-data; name="purpose"', b"x"),
    )


def test_multipart_retry_sends_the_same_bytes(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(503, {"error": "busy"}), Reply(200, UPLOAD))
    stream = io.BytesIO(b"once")  # read once: the retry must not find it at its end

    sdk.run(sdk.client().with_options(max_retries=1).uploads.put_content("f1", content=stream))

    assert [s.body for s in server.seen] == [b"once", b"once"]


def test_a_str_for_a_file_is_a_clear_error(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, UPLOAD))

    with pytest.raises(TypeError, match="`file` is a file"):
        sdk.run(sdk.client().uploads.upload_file(file="report.csv", purpose="x"))
    assert server.seen == []


@pytest.mark.parametrize("form", ["bytes", "path", "file", "chunks"])
def test_binary_upload(sdk: Harness, server: ScriptedServer, tmp_path: Path, form: str) -> None:
    server.reply(Reply(200, UPLOAD))
    data = bytes(range(256)) * 3
    path = tmp_path / "image.png"
    path.write_bytes(data)
    values: dict[str, Any] = {"bytes": data, "path": path, "file": open(path, "rb"),  # noqa: SIM115
                              "chunks": (data[i:i + 100] for i in range(0, len(data), 100))}
    try:
        sdk.run(sdk.client().uploads.put_content("f/1", content=values[form]))
    finally:
        values["file"].close()

    seen = server.seen[-1]
    assert (seen.method, seen.path) == ("PUT", "/files/f%2F1/content")
    assert seen.headers["content-type"] == "image/png"
    assert seen.body == data


def test_text_body(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b""))

    assert sdk.run(sdk.client().uploads.put_note("f1", note="héllo\nworld")) is None

    seen = server.seen[-1]
    assert seen.headers["content-type"] == "text/plain; charset=utf-8"
    assert seen.body == "héllo\nworld".encode()


def test_query_styles_cookies_and_names(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, {"request_id": "r", "data": []}))

    sdk.run(sdk.client().reports.search(
        session_id="abc;1",
        prefs=["dark", "compact"],
        date=datetime.date(2026, 1, 2),
        type="daily",
        class_="A",
        filter={"status": "open", "owner": {"id": 7}},
        ids=[1, 2, 3],
        words=["big red", "dog"],
        point={"x": 1, "y": 2},
        start_time_lt="2026-01-02",
        start_time_gt="2025-12-01",
        x_trace="t-1",
    ))

    seen = server.seen[-1]
    assert seen.path == (
        "/reports?date=2026-01-02&type=daily&class=A"
        "&filter%5Bstatus%5D=open&filter%5Bowner%5D%5Bid%5D=7"
        "&ids=1%7C2%7C3&words=big+red%20dog&x=1&y=2"
        "&StartTime%3C=2026-01-02&StartTime%3E=2025-12-01"
    )
    assert seen.headers["cookie"] == "session_id=abc%3B1; prefs=dark,compact"
    assert seen.headers["x-trace"] == "t-1"


def test_cookie_left_out_when_no_cookie_param_is_given(bodies_sdk: Any, server: ScriptedServer) -> None:
    server.reply(Reply(200, {"request_id": "r", "data": []}))
    with bodies_sdk.Bodies(api_key="k", base_url=server.url) as client:
        client.reports.search(session_id="s")
    assert server.seen[-1].headers["cookie"] == "session_id=s"
    assert server.seen[-1].path == "/reports"


def test_parameter_names(bodies_sdk: Any) -> None:
    parameters = inspect.signature(bodies_sdk.Bodies(api_key="k").reports.search).parameters
    assert {"date", "type", "filter", "class_", "start_time_lt", "start_time_gt"} <= set(parameters)
    assert "date_" not in parameters and "class" not in parameters


def test_cli_uploads_files_given_as_paths(bodies_sdk: Any, server: ScriptedServer, tmp_path: Path) -> None:
    """The CLI's file options: `--file @PATH` or `--file PATH`, repeated for an array of files; a missing file is
    a usage error, not a traceback."""
    from click.testing import CliRunner

    sys.path.insert(0, str(Path(bodies_sdk.__file__).parents[2] / "cli"))
    app = importlib.import_module("bodies_cli._app")
    root = app.build(app.load_groups())
    server.reply(Reply(200, UPLOAD))
    (tmp_path / "a.txt").write_bytes(b"AAA")
    (tmp_path / "b.bin").write_bytes(b"BBB")
    common = ["uploads", "upload-file", "--api-key", "k", "--base-url", server.url]

    result = CliRunner().invoke(root, [*common, "--file", f"@{tmp_path / 'a.txt'}", "--purpose", "p",
                                       "--attachments", str(tmp_path / "b.bin"), "--attachments",
                                       str(tmp_path / "a.txt")])

    assert result.exit_code == 0, result.output
    seen = server.seen[-1]
    assert seen.body == multipart(
        boundary_of(seen.headers["content-type"]),
        ('Content-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain', b"AAA"),
        ('Content-Disposition: form-data; name="purpose"', b"p"),
        (('Content-Disposition: form-data; name="attachments"; filename="b.bin"\r\n'
         "Content-Type: application/octet-stream"), b"BBB"),
        ('Content-Disposition: form-data; name="attachments"; filename="a.txt"\r\nContent-Type: text/plain', b"AAA"),
    )
    missing = CliRunner().invoke(root, [*common, "--file", str(tmp_path / "nope"), "--purpose", "p"])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_array_and_object_path_parameters(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(200, {"request_id": "r", "data": ["x"]}))

    cells = sdk.run(sdk.client().reports.get_cells({"row": 1, "col": "a/b,c"}, ids=(i for i in [1, 2])))

    assert cells.data == ["x"]
    assert server.seen[-1].path == "/reports/1,2/cells/;at=row,1,col,a%2Fb%2Cc"


def test_exploded_path_parameters_of_each_style(sdk: Harness, server: ScriptedServer) -> None:
    """OpenAPI's exploded path styles: label `.1.2`, matrix `;row=1;col=a%2Fb`, simple `x=1,y=2` (each key and
    value percent-encoded), as the document's `style`/`explode` say."""
    server.reply(Reply(200, {"request_id": "r", "data": ["x"]}))

    rows = sdk.run(sdk.client().reports.get_rows({"x": 1, "y": 2}, ids=[1, 2], at={"row": 1, "col": "a/b"}))

    assert rows.data == ["x"]
    assert server.seen[-1].path == "/reports/.1.2/rows/;row=1;col=a%2Fb/x=1,y=2"


def test_an_optional_text_body_left_out_sends_no_body(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b""))

    sdk.run(sdk.client().uploads.put_note("f1"))

    seen = server.seen[-1]
    assert seen.body == b"" and "content-type" not in seen.headers


def test_header_and_path_values_in_simple_style(bodies_sdk: Any) -> None:
    utils = importlib.import_module("bodies._utils")
    assert utils.header_value({"a": 1, "b": True}) == "a,1,b,true"
    assert utils.header_value(["x", "y"]) == "x,y"
    assert utils.path_param("ids", ["a b", "c"]) == "a%20b,c"
    with pytest.raises(ValueError, match="non-empty"):
        utils.path_param("ids", [])
    assert utils.styled_path_param("ids", ["a b", "c"], "matrix", True) == ";ids=a%20b;ids=c"
    assert utils.styled_path_param("ids", ["a b", "c"], "matrix", False) == ";ids=a%20b,c"
    assert utils.styled_path_param("at", {"k": "v,w"}, "label", False) == ".k,v%2Cw"
    assert utils.styled_path_param("at", {"k": "v", "n": 1}, "label", True) == ".k=v.n=1"
    assert utils.styled_path_param("id", "x", "matrix", True) == ";id=x"
    with pytest.raises(ValueError, match="non-empty"):
        utils.styled_path_param("at", {}, "matrix", True)


def test_multipart_with_every_field_left_out(bodies_sdk: Any) -> None:
    files = importlib.import_module("bodies._files")
    body = files.multipart_body({"file": bodies_sdk.omit, "purpose": None}, None, ("file",))
    boundary = boundary_of(body.content_type)
    assert body.content == f"--{boundary}--\r\n".encode()


def test_text_body_of_another_text_type(sdk: Harness, server: ScriptedServer) -> None:
    server.reply(Reply(204, b""))

    sdk.run(sdk.client().uploads.put_table("f1", table="a,b\n1,2\n"))

    seen = server.seen[-1]
    assert (seen.headers["content-type"], seen.body) == ("text/csv; charset=utf-8", b"a,b\n1,2\n")
