"""`clientgen diff`: the changes between two SDK surfaces (surface.py), each classified breaking or compatible by
a rule with an id, the semver bump they call for, and the report as text, Markdown (a CHANGELOG section) or JSON.

    compare(old, new) -> list[Change]; bump(changes) -> "major" | "minor" | "patch" | None;
    render(changes, fmt, old_label, new_label) -> str

What counts as a change is what a user of the generated SDK sees: names they call or import, arguments they pass,
the types they get back, how the client authenticates and where it sends requests. Decisions on the tricky cases:

- Types are compared by shape (difftypes.py). A field whose schema moved into a `$ref`'d schema of the same shape,
  a reordered `oneOf`, or an inline class renamed because its parent was (`OrderShipping` -> `PurchaseShipping`)
  are no change of their own: inline class names follow their parent, and the parent's rename is the one reported
  (`model-renamed`). The spec's own schemas (and their request-side twins `FooParam`) are importable names: each is
  compared once, where it is defined (`types.Foo.field`), not at every method that uses it. A type that no method
  sends or returns, through any reference (the response-side class of a request-only schema, the schema of a
  flattened body, a webhook's event), counts by its name and description only: its fields are nobody's values.
- A flattened body field is a keyword argument of its method: removing it is `param-removed`.
- Request types may widen (accept more) and response types may narrow; an enum value added to a response is
  compatible because the runtime keeps unknown enum values (lenient enums); removing one from a request breaks.
- A method whose verb or path changes but whose Python signature does not is `endpoint-changed` (compatible: the
  regenerated SDK calls the new endpoint). A method removed and one added with the same verb and path is a rename
  (`method-renamed`, also when it moved to another resource); a resource whose methods all moved under another
  name is `resource-renamed`, and its methods are compared with their new selves.
- Parameters are matched by wire name and place, then by Python name, then the positional one: a path parameter
  renamed in the URL is `param-renamed` (callers pass it by position), a parameter sent elsewhere `param-moved`.
- The semver bump is the largest the changes call for (diff.RULES): breaking -> major, additions -> minor,
  descriptions only -> patch, nothing -> None.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .difftypes import Finding, Types, parse

BREAKING, COMPATIBLE = "breaking", "compatible"

# Rule id -> (level, semver bump it calls for, what it means). The CHANGELOG and `--fail-on` read levels from here.
RULES: dict[str, tuple[str, str, str]] = {
    # the client
    "package-renamed": (BREAKING, "major", "the SDK's package name changed: every import changes"),
    "client-renamed": (BREAKING, "major", "the client class was renamed"),
    "base-url-changed": (BREAKING, "major", "the default base URL (or an environment's URL) changed"),
    "environment-removed": (BREAKING, "major", "a named environment was removed"),
    "environment-added": (COMPATIBLE, "minor", "a named environment was added"),
    "server-variable-removed": (BREAKING, "major", "a server variable (client argument) was removed"),
    "server-variable-added": (COMPATIBLE, "minor", "a server variable with a default was added"),
    "auth-changed": (BREAKING, "major", "how the client or a method authenticates changed"),
    "env-var-changed": (BREAKING, "major", "a credential or the base URL is read from another environment variable"),
    # resources and methods
    "resource-removed": (BREAKING, "major", "a resource (client.a.b) was removed"),
    "resource-renamed": (BREAKING, "major", "a resource was renamed (same methods under another name)"),
    "resource-added": (COMPATIBLE, "minor", "a resource was added"),
    "method-removed": (BREAKING, "major", "a method was removed"),
    "method-renamed": (BREAKING, "major", "a method was renamed (same verb and path)"),
    "method-added": (COMPATIBLE, "minor", "a method was added"),
    "method-deprecated": (COMPATIBLE, "minor", "a method is now deprecated"),
    "endpoint-changed": (COMPATIBLE, "minor", "a method calls another verb or path, with the same signature"),
    "request-format-changed": (COMPATIBLE, "minor", "a method sends its body in another media type"),
    "pagination-changed": (BREAKING, "major", "a method's pagination was added, removed or changed"),
    "return-type-changed": (BREAKING, "major", "a method returns another type"),
    # parameters
    "param-removed": (BREAKING, "major", "a parameter (or a flattened body field) was removed"),
    "param-renamed": (BREAKING, "major", "a parameter's Python name changed (same wire name)"),
    "param-added-required": (BREAKING, "major", "a required parameter was added"),
    "param-added": (COMPATIBLE, "minor", "an optional parameter was added"),
    "param-required": (BREAKING, "major", "an optional parameter is now required"),
    "param-optional": (COMPATIBLE, "minor", "a required parameter is now optional"),
    "param-positional-changed": (BREAKING, "major", "a parameter moved between positional and keyword-only"),
    "param-moved": (COMPATIBLE, "minor", "a parameter is sent in another place (query, header, body...)"),
    # types, in parameters, request models, responses and response models
    "type-changed": (BREAKING, "major", "a type the caller sends changed incompatibly"),
    "type-widened": (COMPATIBLE, "minor", "a type the caller sends accepts more values"),
    "type-narrowed": (BREAKING, "major", "a type the caller sends accepts fewer values (None)"),
    "enum-value-removed": (BREAKING, "major", "an enum value the caller sends was removed"),
    "enum-value-added": (COMPATIBLE, "minor", "an enum value the caller sends was added"),
    "response-enum-value-added": (COMPATIBLE, "minor", "an enum value in a response was added (lenient runtime)"),
    "response-enum-value-removed": (COMPATIBLE, "minor", "an enum value in a response was removed"),
    "response-type-changed": (BREAKING, "major", "a type in a response changed incompatibly"),
    "response-type-narrowed": (COMPATIBLE, "minor", "a type in a response holds fewer values"),
    "response-became-nullable": (BREAKING, "major", "a value in a response may now be None"),
    "response-not-nullable": (COMPATIBLE, "minor", "a value in a response is never None now"),
    "field-removed": (BREAKING, "major", "a field of a request type was removed"),
    "field-renamed": (BREAKING, "major", "a field's Python name changed (same wire name)"),
    "field-added": (COMPATIBLE, "minor", "an optional field of a request type was added"),
    "required-field-added": (BREAKING, "major", "a required field of a request type was added"),
    "field-required": (BREAKING, "major", "a field of a request type is now required"),
    "field-optional": (COMPATIBLE, "minor", "a field of a request type is now optional"),
    "response-field-removed": (BREAKING, "major", "a response field was removed"),
    "response-field-added": (COMPATIBLE, "minor", "a response field was added"),
    "response-field-optional": (BREAKING, "major", "a response field may now be missing (None)"),
    "response-field-required": (COMPATIBLE, "minor", "a response field is now always present"),
    # named types
    "model-removed": (BREAKING, "major", "a type of the spec's schemas was removed"),
    "model-renamed": (BREAKING, "major", "a type was renamed (same shape under another name)"),
    "model-added": (COMPATIBLE, "minor", "a type was added"),
    "model-kind-changed": (BREAKING, "major", "a type changed between a class and an alias"),
    # documentation
    "description-changed": (COMPATIBLE, "patch", "a description or summary changed"),
}
_ORDER = {BREAKING: 0, COMPATIBLE: 1}


@dataclass(frozen=True)
class Change:
    rule: str
    level: str  # breaking | compatible
    sdk_path: str  # client.v1.positions.cancel_position_instruction(account_id), types.Position.quantity
    location: str  # file:line:col, in the new side (the old one for what was removed)
    message: str

    def line(self) -> str:
        return f"{self.level} {self.rule} {self.sdk_path} {self.location or '-'} {self.message}"


def change(rule: str, sdk_path: str, location: str, message: str) -> Change:
    return Change(rule, RULES[rule][0], sdk_path, location, message)


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from surface `old` to surface `new`, breaking ones first, then by SDK path."""
    from .diffrules import Comparison

    changes = Comparison(old, new, Types(old.get("types", {}), new.get("types", {}))).run()
    unique = list(dict.fromkeys(changes))
    return sorted(unique, key=lambda c: (_ORDER[c.level], c.sdk_path, c.rule))


def bump(changes: list[Change]) -> str | None:
    """The semver bump: major for anything breaking, minor for additions, patch for descriptions only."""
    levels = {RULES[c.rule][1] for c in changes}
    return next((level for level in ("major", "minor", "patch") if level in levels), None)


def render(changes: list[Change], fmt: str, old_label: str, new_label: str) -> str:
    if fmt == "json":
        return json.dumps({"old": old_label, "new": new_label, "bump": bump(changes), "summary": _counts(changes),
                           "changes": [asdict(c) for c in changes]}, indent=2) + "\n"
    if fmt == "markdown":
        return markdown(changes, old_label, new_label)
    lines = [c.line() for c in changes]
    lines.append(f"clientgen diff {old_label} {new_label}: {summary(changes)}")
    return "\n".join(lines) + "\n"


def _counts(changes: list[Change]) -> dict[str, int]:
    return {level: sum(1 for c in changes if c.level == level) for level in (BREAKING, COMPATIBLE)}


def summary(changes: list[Change]) -> str:
    """'2 breaking, 3 compatible changes; semver bump: major' (or 'no changes')."""
    if not changes:
        return "no changes to the SDK surface"
    counts = _counts(changes)
    return (f"{counts[BREAKING]} breaking, {counts[COMPATIBLE]} compatible change"
            f"{'s' if counts[COMPATIBLE] != 1 else ''}; semver bump: {bump(changes)}")


_SECTIONS = (("Breaking changes", "major"), ("Added and changed", "minor"), ("Documentation", "patch"))


def markdown(changes: list[Change], old_label: str, new_label: str, heading: str | None = None) -> str:
    """A CHANGELOG section: the proposed bump, then the changes by kind. `heading` replaces the first line."""
    proposed = bump(changes)
    title = heading or (f"## Unreleased ({proposed} bump proposed)" if proposed else "## Unreleased")
    out = [title, "", f"SDK surface changes from `{old_label}` to `{new_label}`: {summary(changes)}.", ""]
    for name, level in _SECTIONS:
        picked = [c for c in changes if RULES[c.rule][1] == level]
        if not picked:
            continue
        out += [f"### {name}", ""]
        out += [f"- `{c.sdk_path}`: {c.message} ({c.rule}{', ' + c.location if c.location else ''})" for c in picked]
        out.append("")
    return "\n".join(out)


def finding_change(finding: Finding, prefix: str, location: str) -> Change:
    return change(finding.rule, prefix + finding.where, finding.location or location, finding.message)


__all__ = ["BREAKING", "COMPATIBLE", "RULES", "Change", "bump", "compare", "markdown", "parse", "render", "summary"]
