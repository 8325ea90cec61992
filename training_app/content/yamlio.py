"""YAML in with a line for every key and item, YAML and front matter out in canonical form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Key = str | int
KeyPath = tuple[Key, ...]


@dataclass
class Doc:
    """Parsed YAML plus the 1-based line of every mapping key and sequence item, by key path."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *keys: Key) -> int:
        """The line of a key path, or of its nearest ancestor that has one."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.lines:
                return self.lines[keys[:end]]
        return self.first_line


class YamlSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_text(path: Path) -> str:
    """A file's text with LF line ends; raises OSError or UnicodeDecodeError."""
    text = path.read_bytes().decode("utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Doc:
    """Parse one YAML document; `line_offset` is the number of lines above `text` in its file."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc = Doc(path, None, first_line=line_offset + 1)
        if node is not None:
            doc.first_line = node.start_mark.line + 1 + line_offset
            doc.data = _Builder(loader, doc, line_offset).build(node, ())
        return doc
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + line_offset if mark else line_offset + 1
        detail = "; ".join(part for part in (error.context, error.problem) if part)
        raise YamlSyntaxError(line, f"YAML syntax error: {detail}") from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(line_offset + 1, f"YAML syntax error: {error}") from None
    finally:
        loader.dispose()


class _Builder:
    """Turns composed nodes into plain Python values, recording lines and duplicate keys."""

    def __init__(self, loader: yaml.SafeLoader, doc: Doc, line_offset: int) -> None:
        self.loader = loader
        self.doc = doc
        self.offset = line_offset
        self.open_nodes: set[int] = set()  # aliases can make a node contain itself

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.loader.construct_object(node, deep=True)
        if id(node) in self.open_nodes:
            raise YamlSyntaxError(self._line(node), "YAML syntax error: an alias refers to itself")
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path)
            return self._mapping(node, path)
        finally:
            self.open_nodes.discard(id(node))

    def _sequence(self, node: yaml.SequenceNode, path: KeyPath) -> list[Any]:
        items = []
        for index, item in enumerate(node.value):
            self.doc.lines[(*path, index)] = self._line(item)
            items.append(self.build(item, (*path, index)))
        return items

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = self._line(key_node)
            key = self.build(key_node, path)
            if isinstance(key, (list, dict)):
                raise YamlSyntaxError(line, "YAML syntax error: a key must be a single value")
            if key in mapping:
                raise YamlSyntaxError(line, f"duplicate key '{key}'")
            self.doc.lines[(*path, key)] = line
            mapping[key] = self.build(value_node, (*path, key))
        return mapping

    def _line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset


@dataclass
class FrontMatter:
    """A Markdown file split into its front matter and its body."""

    doc: Doc
    body: str
    body_line: int  # the 1-based line where the body starts


def parse_front_matter(text: str, path: Path) -> FrontMatter:
    """Split `---` front matter from a Markdown body; raises YamlSyntaxError."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise YamlSyntaxError(1, "the file must start with front matter: a '---' line, YAML, then '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            doc = parse_yaml("\n".join(lines[1:index]), path, line_offset=1)
            return FrontMatter(doc, "\n".join(lines[index + 1 :]), index + 2)
    raise YamlSyntaxError(1, "the front matter is not closed by a '---' line")


class _CanonicalDumper(yaml.SafeDumper):
    """Block style except for lists of scalars, multi-line text as `|` blocks, no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as in docs/course-format.md
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    # Lists of ids and numbers stay on one line, as authors write them: `lessons: [a, b]`
    flow = all(
        not isinstance(item, (list, dict, str)) or (isinstance(item, str) and "\n" not in item) for item in value
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_CanonicalDumper.add_representer(str, _represent_str)
_CanonicalDumper.add_representer(list, _represent_list)


def dump_yaml(data: Any) -> str:
    """Canonical YAML: keys in the given order, Unicode as is, long lines kept whole."""
    return yaml.dump(
        data,
        Dumper=_CanonicalDumper,
        allow_unicode=True,
        sort_keys=False,
        width=1000,
        default_flow_style=False,
    )


def dump_front_matter(front: dict[str, Any], body: str) -> str:
    """A Markdown file with canonical front matter and the body unchanged (plus a final newline)."""
    if body and not body.endswith("\n"):
        body += "\n"
    return f"---\n{dump_yaml(front)}---\n{body}"
