"""Reading JSON and YAML documents: one reader for scenario files, batches and rows.

Every text a scenario comes from -- a scenario file, a batch's JSON list,
YAML list or JSON Lines, a CSV sheet -- is read by :func:`read_text`, and
every JSON or YAML document is parsed by :func:`parse_document`, so the checks
and the messages are the same wherever it comes from:

* only a regular file is opened (a FIFO or ``/dev/zero`` behind a link is
  refused before opening), and never more than the size allowed is read;
* text is UTF-8 (a byte-order mark is fine);
* a key given twice in one mapping is refused, naming the key and its line;
* YAML aliases may not expand the document by more than
  :data:`MAX_ALIAS_NODES` values (a "billion laughs" of 500 bytes is
  refused at once), nor refer to themselves;
* a document nested more than :data:`MAX_DEPTH` levels is refused (a
  scenario needs 4), so nothing downstream recurses without end;
* a syntax error gives its line and column.

Problems raise :class:`~crmroi_xl.errors.ScenarioError` naming the source::

    pme.yaml: invalid YAML at line 3, column 5: duplicate key 'name' (first at line 2)

>>> parse_document('{"a": 1, "a": 2}', "JSON", "s.json")
Traceback (most recent call last):
crmroi_xl.errors.ScenarioError: s.json: invalid JSON at line 1, column 10: duplicate key 'a'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node

from ..errors import ScenarioError
from ..excel.files import read_regular
from ..scenario.messages import echo

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "SAFE_LOADER",
    "Kind",
    "load_document",
    "parse_document",
    "read_text",
]

Kind = Literal["JSON", "YAML"]

#: Values YAML aliases may add to a document in all (a real scenario repeats a few dozen).
MAX_ALIAS_NODES = 100_000

#: Levels of nesting a document may have (a scenario has 4, a batch list 5).
MAX_DEPTH = 32


def read_text(path: str | Path, limit: int, *, hint: str = "") -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes.

    ``hint`` is added to the message when the text is not UTF-8 (for instance
    how to save a CSV file as UTF-8 from Excel).
    """
    content = read_regular(path, limit)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioError(f"{path}: not UTF-8 text ({error.reason}){hint}") from None


def load_document(path: str | Path, limit: int, kind: Kind) -> Any:
    """Read and parse a JSON or YAML file (see :func:`read_text`, :func:`parse_document`)."""
    return parse_document(read_text(path, limit), kind, str(path))


def parse_document(text: str, kind: Kind, source: str) -> Any:
    """Parse one JSON or YAML document, with the checks of this module.

    >>> parse_document("a: &x [1, 2]\\nb: *x\\n", "YAML", "s.yaml")
    {'a': [1, 2], 'b': [1, 2]}
    >>> parse_document("a: 1\\na: 2\\n", "YAML", "s.yaml")
    Traceback (most recent call last):
    crmroi_xl.errors.ScenarioError: s.yaml: invalid YAML at line 2, column 1: duplicate key 'a' (first at line 1)
    """
    try:
        data = _parse_json(text, source) if kind == "JSON" else _parse_yaml(text, source)
    except RecursionError:
        raise ScenarioError(
            f"{source}: invalid {kind}: nested too deeply (more than {MAX_DEPTH} levels)"
        ) from None
    _check_shape(data, kind, source)
    return data


# --- JSON -----------------------------------------------------------------------------


class _Duplicate(ValueError):
    """A key given twice in one JSON object (``at``: the key's offset, once found)."""

    def __init__(self, key: str, at: int | None = None) -> None:
        super().__init__(key)
        self.key, self.at = key, at


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"{source}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except _Duplicate as duplicate:
        at = _duplicate_offset(text)
        line, column = _line_column(text, at) if at is not None else (None, None)
        where = f" at line {line}, column {column}" if line is not None else ""
        raise ScenarioError(
            f"{source}: invalid JSON{where}: duplicate key {echo(duplicate.key)}"
        ) from None
    except ValueError as error:  # a number of thousands of digits
        raise ScenarioError(f"{source}: invalid JSON: {_value_problem(error)}") from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def _duplicate_offset(text: str) -> int | None:
    """Where the first repeated key of a JSON text is (the text parsed otherwise).

    A walk over its strings and brackets, run only once a duplicate was found,
    so the usual parse keeps the fast C parser and its own errors.

    >>> _duplicate_offset('{"a": {"b": 1}, "b": [{"c": 1, "c": 2}]}')
    31
    """
    objects: list[set[str] | None] = []  # a set of keys per open object, None per array
    expect_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            objects.append(set() if token == "{" else None)
            expect_key = token == "{"
        elif token in "}]":
            if objects:
                objects.pop()
            expect_key = False
        elif token == ",":
            expect_key = bool(objects) and objects[-1] is not None
        elif token == ":":
            expect_key = False
        elif expect_key and objects and (keys := objects[-1]) is not None:
            key = json.loads(token)
            if key in keys:
                return match.start()
            keys.add(key)
            expect_key = False
    return None


# --- YAML -----------------------------------------------------------------------------


#: PyYAML's safe loader with libyaml's C parser when PyYAML was built with it (ten
#: times faster on a scenario), else the pure-Python one: the same safe constructor
#: (no Python objects), the same rules below.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(SAFE_LOADER):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader, refusing a key given twice in one mapping."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults" may be overridden on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class says so
                break
            if first is not None:
                raise ConstructorError(
                    None,
                    None,
                    f"duplicate key {echo(key)} (first at line {first.start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader: no Python objects
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "not YAML"
        if "nesting depth" in problem:  # libyaml stops at 1 000 levels, before our check
            raise ScenarioError(
                f"{source}: invalid YAML: nested too deeply (more than {MAX_DEPTH} levels)"
            ) from None
        raise ScenarioError(f"{source}: invalid YAML{where}: {problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioError(f"{source}: invalid YAML: {str(error)[:200]}") from None
    except ValueError as error:  # a number of thousands of digits, a bad date
        raise ScenarioError(f"{source}: invalid YAML: {_value_problem(error)}") from None


def _value_problem(error: ValueError) -> str:
    text = str(error)
    if "integer string conversion" in text:
        return "a number of thousands of digits"
    return text[:200]


# --- shape ------------------------------------------------------------------------------


def _check_shape(data: Any, kind: Kind, source: str) -> None:
    """Refuse a document nested too deeply, or that YAML aliases make huge or circular.

    Each list or mapping is measured once (aliases share them), so a billion
    laughs costs as little to measure as to parse. JSON has no aliases: only its
    depth is measured (a tenth of the cost, which a batch pays per line).
    """
    if kind == "JSON":
        _check_depth(data, source)
        return
    sizes: dict[int, int] = {}  # id of a container -> values in it, aliases expanded
    written = 0  # values as written: each container and its plain values counted once
    path: set[int] = set()  # the containers from the top down to the current one
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if not _container(node):
            continue
        children = _children(node)
        if finished:
            path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] if _container(c) else 1 for c in children)
            continue
        if key in sizes:
            continue
        path.add(key)
        if len(path) > MAX_DEPTH:
            raise ScenarioError(
                f"{source}: invalid {kind}: nested too deeply (more than {MAX_DEPTH} levels)"
            )
        written += 1 + sum(1 for c in children if not _container(c))
        stack.append((node, True))
        for child in children:
            if id(child) in path:
                raise ScenarioError(f"{source}: invalid {kind}: an alias refers to itself")
            if _container(child):
                stack.append((child, False))
    repeated = sizes.get(id(data), 0) - written
    if repeated > MAX_ALIAS_NODES:
        raise ScenarioError(
            f"{source}: invalid {kind}: its aliases repeat {repeated} values, "
            f"more than the {MAX_ALIAS_NODES} allowed"
        )


def _check_depth(data: Any, source: str) -> None:
    """Refuse a JSON document nested more than :data:`MAX_DEPTH` levels."""
    stack: list[tuple[Any, int]] = [(data, 1)] if isinstance(data, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"{source}: invalid JSON: nested too deeply (more than {MAX_DEPTH} levels)"
            )
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


def _container(node: Any) -> bool:
    return isinstance(node, Mapping | list | tuple)


def _children(node: Any) -> list[Any]:
    if isinstance(node, Mapping):
        return [*node.keys(), *node.values()]
    if isinstance(node, list | tuple):
        return list(node)
    return []
