"""Names in generated imports and `__all__` are sorted as ruff sorts them (isort's I001 and RUF022): CONSTANTS,
Classes, then the rest, numbers in names in natural order (`Option9` before `Option10`). Checked against ruff
itself on names made to trip a text sort."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from generator.ir import all_order, import_order

NAMES = [
    "RunStreamEventOption", "RunStreamEventOption1", "RunStreamEventOption9", "RunStreamEventOption10",
    "RunStreamEventOption10a", "Option2a", "Option2_b", "Option10b", "option9", "option10", "OPTION_9", "OPTION_10",
    "A1B2", "A1B10", "A10B1", "Ab1", "AB1x", "aB2", "x_1", "x1", "x_", "X2", "Xa", "ab", "a_b", "a1_b",
    "abc12def3", "abc12def10", "abc2def", "Item100", "Item99", "item_2", "item_10",
]


def test_numbered_names_sort_naturally() -> None:
    assert sorted(["Option10", "Option9", "Option1"], key=all_order) == ["Option1", "Option9", "Option10"]
    assert sorted(["Option10", "option9", "OPTION_1"], key=import_order) == ["OPTION_1", "Option10", "option9"]
    assert sorted(["b10", "B9", "a2"], key=import_order) == ["B9", "a2", "b10"]


def test_ruff_accepts_the_order(tmp_path: Path) -> None:
    names = NAMES[:]
    random.Random(12).shuffle(names)
    imported = "".join(f"    {name},\n" for name in sorted(names, key=import_order))
    exported = "".join(f'    "{name}",\n' for name in sorted(names, key=all_order))
    module = tmp_path / "module.py"
    module.write_text(f"from package import (\n{imported})\n\n__all__ = [\n{exported}]\n")
    ruff = Path(sys.executable).parent / "ruff"
    run = subprocess.run([str(ruff), "check", "--isolated", "--select", "I001,RUF022", str(module)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
