"""Lines the templates write as black splits them (render.py): wherever a filter splits a line, its text is black's
own output for the line written whole, so black leaves it as it is (one pass) and the output cannot change."""

from __future__ import annotations

import pytest

from generator.escape import Code
from generator.format import format_python
from generator.render import call_statement, dict_argument, import_wrapped, sum_argument


def _same_as_black(whole: str, written: str) -> None:
    """Where a filter split the line, it split it as black does; where it did not, black still may (lines it leaves
    to black, such as a head too long to keep the call's bracket on it)."""
    assert format_python(written) == format_python(whole)
    if written != whole:
        assert format_python(written) == written  # black's already: one pass


@pytest.mark.parametrize("count", [1, 2, 3, 8])
@pytest.mark.parametrize("width", [10, 30, 60])
def test_a_dict_argument_is_split_as_black_splits_it(count: int, width: int) -> None:
    entries = [Code(f'"key{i}": value_{i}_' + "x" * width) for i in range(count)]
    whole = f"f(\n    a,\n    body={{{', '.join(entries)}}},\n)\n"
    _same_as_black(whole, f"f(\n    a,\n    {dict_argument(entries, 'body', 4)}\n)\n")


@pytest.mark.parametrize("count", [1, 2, 5])
def test_a_sum_argument_is_split_as_black_splits_it(count: int) -> None:
    terms = [Code('"/v1/' + "p" * 30 + '/"')] + [Code(f'_path_param("id{i}", id_{i}_' + "z" * 20 + ")")
                                                    for i in range(count - 1)]
    whole = f"f(\n    a,\n    {' + '.join(terms)},\n)\n"
    _same_as_black(whole, f"f(\n    a,\n    {sum_argument(terms, 4)}\n)\n")


@pytest.mark.parametrize("width", [10, 50, 100])
def test_a_call_statement_is_split_as_black_splits_it(width: int) -> None:
    statement = f"self.{'m' * width} = async_to_raw_response_wrapper(resource.{'m' * width})"
    body = "class A:\n    def __init__(self, resource: object) -> None:\n        "
    written = body + call_statement(statement, 8) + "\n"
    _same_as_black(body + statement + "\n", written)
    assert (written != body + statement + "\n") == (width == 50)  # short enough to keep; head too long to split


@pytest.mark.parametrize("names", [["N" + "a" * 20 + str(i) for i in range(4)], ["A" * 40 + " as " + "B" * 20],
                                   ["C" * 70], ["D", "E"]])
@pytest.mark.parametrize("indent", [0, 4])
def test_an_import_is_split_as_black_splits_it(names: list[str], indent: int) -> None:
    line = Code("from ." + "m" * 50 + " import " + ", ".join(names))
    block = "if TYPE_CHECKING:\n    " if indent else ""
    _same_as_black(f"{block}{line}\n", f"{block}{import_wrapped(line, indent)}\n")
