"""YAML text in, plain Python data plus the line and column of every key and item out.

Only the YAML core schema is constructed (strings, numbers, booleans, null, dates, lists,
mappings). Any other tag, e.g. `!!python/object/apply`, is reported and never constructed:
the document is only *composed* into nodes by PyYAML, and we build the values ourselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from skillbook.reading.allowlist import CONTROL_CHARACTERS, control_character_problem
from skillbook.reading.yamlsyntax import diagnose

try:  # the C composer is several times faster; it composes only, it never constructs
    from yaml import CSafeLoader as _ComposeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _ComposeLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_STR_TAG = f"{_TAG}str"
_SCALAR_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_SEQ_TAG = f"{_TAG}seq"
_MAP_TAG = f"{_TAG}map"
_MERGE_TAG = f"{_TAG}merge"
# Aliases can expand a small file into a huge value ("billion laughs"); front matter never needs that.
_MAX_NODES = 100_000

_scalar_constructor = yaml.SafeLoader("")


class Position(NamedTuple):
    line: int  # 1-based, in the file the YAML came from
    column: int  # 1-based


_Place = tuple[int, int]  # a Position kept as a plain tuple: a hundred a file, pickled to and from workers


@dataclass(frozen=True)
class YamlProblem:
    line: int
    column: int
    rule: str
    message: str
    hint: str
    path: PathKey | None = None  # the value it leaves unusable, if any: other checks skip it


@dataclass
class LoadedYaml:
    """A YAML document as data, with the position of every value (and of every mapping key)."""

    data: Any
    values: dict[PathKey, _Place] = field(default_factory=dict)
    keys: dict[PathKey, _Place] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    set_aside: set[str] = field(default_factory=set)  # keys on lines a syntax error made unreadable

    def position(self, path: PathKey) -> Position:
        """Where the value at `path` is; for a missing value, where its nearest ancestor is."""
        probe = tuple(path)
        while probe:
            found = self.values.get(probe) or self.keys.get(probe)
            if found:
                return Position(*found)
            probe = probe[:-1]
        return Position(*self.values.get((), (1, 1)))

    def key_position(self, path: PathKey) -> Position:
        """Where the key of `path` is (for problems with the key itself, such as an unknown field)."""
        found = self.keys.get(tuple(path))
        return Position(*found) if found else self.position(path)


LineMapper = Callable[[int], int]


def _identity_lines(line: int) -> int:
    return line


_MAX_SYNTAX_ERRORS = 20  # after this many, the rest of the text is not worth guessing at


def load_yaml(text: str, *, first_line: int = 1, map_line: LineMapper | None = None) -> LoadedYaml:
    """Load one YAML document.

    `first_line` is the file line where `text` starts; `map_line` (if given) instead maps a
    1-based line of `text` to a file line, for YAML embedded in a notebook cell. After a syntax
    error the lines at fault are set aside and the rest is read, so that one run reports every
    problem the text still allows; `LoadedYaml.set_aside` names the keys that were on those lines.
    """
    to_file: LineMapper = map_line or (lambda n: n + first_line - 1)
    result = LoadedYaml(data=None)
    lines = text.splitlines()
    set_aside_lines: set[int] = set()
    node = None
    for _attempt in range(_MAX_SYNTAX_ERRORS):
        try:
            node = yaml.compose("\n".join(lines), Loader=_ComposeLoader)
            break
        except yaml.MarkedYAMLError as exc:
            found = diagnose("\n".join(lines), exc)
            if found.line in set_aside_lines or not 0 <= found.line < len(lines):
                # nothing left to set aside that would help: report the parser's own words once
                mark = exc.problem_mark or exc.context_mark
                line = mark.line + 1 if mark else 1
                result.problems.append(YamlProblem(to_file(line), 1, "yaml-syntax",
                                                   f"YAML syntax error: {(exc.problem or 'invalid YAML').strip()}",
                                                   "check the indentation, colons and quotes of this line and the "
                                                   "one above"))
                return result
            set_aside_lines.update(range(found.line, found.line + found.drop))
            result.problems.append(YamlProblem(to_file(found.line + 1), found.column, "yaml-syntax",
                                               f"YAML syntax error: {found.message}", found.hint))
            if not found.known:  # not one of the usual mistakes: reading on would only guess
                return result
            for index in range(found.line, min(found.line + found.drop, len(lines))):
                key = lines[index].strip().removeprefix("- ").split(":", 1)[0].strip()
                if key:
                    result.set_aside.add(key)
                lines[index] = ""  # set aside, keeping every other line where it was
        except yaml.YAMLError as exc:  # e.g. a reader error on control characters
            result.problems.append(
                YamlProblem(to_file(1), 1, "yaml-syntax", f"YAML error: {exc}",
                            "remove control characters and check the indentation")
            )
            return result
    else:
        return result
    if node is None:
        return result
    builder = _Builder(result, to_file)
    result.data = builder.build(node, ())
    return result


class _Builder:
    def __init__(self, result: LoadedYaml, to_file: LineMapper) -> None:
        self.result = result
        self.to_file = to_file
        self.nodes_seen = 0

    def _pos(self, node: yaml.Node) -> _Place:
        mark = node.start_mark
        return self.to_file(mark.line + 1), mark.column + 1

    def _problem(self, node: yaml.Node, rule: str, message: str, hint: str, path: PathKey | None = None) -> None:
        line, column = self._pos(node)
        self.result.problems.append(YamlProblem(line, column, rule, message, hint, path))

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > _MAX_NODES:
            if self.nodes_seen == _MAX_NODES + 1:
                self._problem(node, "yaml-too-large",
                              "the YAML expands to too many values (anchors and aliases?)",
                              "write the values out instead of repeating them with aliases", path)
            return None
        values = self.result.values
        if path not in values:  # an alias reaches a value twice; the first place is where it is written
            values[path] = self._pos(node)
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:  # most values: no constructor needed
            return self._text(node, node.value)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._unsafe_tag(node, path)
                return None
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any] | None:
        if node.tag != _MAP_TAG:
            self._unsafe_tag(node, path)
            return None
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self._problem(key_node, "yaml-merge-key", "YAML merge keys (`<<`) are not supported",
                              "write the keys out in full")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, "yaml-complex-key", "a key must be a plain word, not a list or mapping",
                              "use `name: value`")
                continue
            key = self._scalar(key_node, path)
            if isinstance(key, list | dict) or key is None:
                continue
            if isinstance(key, dt.date):
                key = key.isoformat()
            key_path = (*path, key)
            if key in mapping or key_path in self.result.keys:
                first = self.result.keys.get(key_path)
                where = f" (first defined on line {first[0]})" if first else ""
                self._problem(key_node, "yaml-duplicate-key", f"duplicate key `{key}`{where}",
                              "keep one of them; YAML would silently use only the last")
                continue
            self.result.keys[key_path] = self._pos(key_node)
            mapping[key] = self.build(value_node, key_path)
        return mapping

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        if node.tag == _STR_TAG:
            return self._text(node, node.value)
        if node.tag not in _SCALAR_TAGS:
            self._unsafe_tag(node, path)
            return None
        try:
            return _scalar_constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            # PyYAML raises plain ValueError for impossible timestamps such as 2024-02-30
            self._problem(node, "invalid-date", f"`{node.value}` is not a real date",
                          "write an existing date as YYYY-MM-DD, e.g. 2026-02-28", path)
            return None

    def _text(self, node: yaml.Node, value: str) -> str:
        if CONTROL_CHARACTERS.search(value) is None:
            return value
        # written as an escape such as "\e" or "\x1b" inside quotes
        hidden = control_character_problem(value)
        assert hidden is not None
        self._problem(node, *hidden[:3])
        return CONTROL_CHARACTERS.sub("\ufffd", value)

    def _unsafe_tag(self, node: yaml.Node, path: PathKey) -> None:
        tag = node.tag.replace(_TAG, "!!")
        self._problem(node, "yaml-unsafe-tag", f"YAML tag `{tag}` is not allowed",
                      "front matter holds plain data only; remove the tag (nothing was executed)", path)


def format_path(path: PathKey) -> str:
    """`fields[2].options[0]`: a value's place in the document, as shown in messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
