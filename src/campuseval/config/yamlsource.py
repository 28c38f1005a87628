"""Reads YAML into plain data with a line and column for every key and value.

Refuses tags, duplicate keys and YAML 1.1 surprises (`010` -> 8, `yes` -> True).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from campuseval.errors import ConfigError, Diagnostic, Location, diag

Path_ = tuple[str | int, ...]

# PyYAML resolves plain scalars by YAML 1.1 (010 -> 8, yes -> True). We remove every
# implicit resolver so that every plain scalar composes as a string, then resolve
# scalars ourselves by the stricter YAML 1.2 core schema below.
class _NoImplicitLoader(yaml.SafeLoader):
    pass


_NoImplicitLoader.yaml_implicit_resolvers = {}


# libyaml's parser (about ten times faster) feeding PyYAML's own composer: the same nodes, marks (line and
# column in characters) and composer checks as _NoImplicitLoader. A document libyaml refuses is parsed
# again by the pure-Python loader, whose messages (and marks) the errors are written from.
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(Composer, CParser, Resolver):  # Composer's methods win over CParser's
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    _FastLoader.yaml_implicit_resolvers = {}
    FAST_LOADER: type | None = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    FAST_LOADER = None

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|(0|[1-9][0-9]*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUES = {"true", "True", "TRUE"}
_FALSES = {"false", "False", "FALSE"}
# A key written with a full-width colon: `name：值` at the start of a line (after an
# optional list dash), with no ASCII colon before it.
_FULLWIDTH_COLON_KEY = re.compile(r"^[ ]*(- +)?[A-Za-z_][A-Za-z0-9_\-]*[ \t]*：")
MAX_NODES = 200_000  # alias bombs expand exponentially; no honest config comes close
MAX_DEPTH = 20  # mappings and lists nested in one another; the deepest real setting is 7 levels down
# Every number in a config is a plain decimal within these bounds, so that no sum, ratio or half-up
# rounding of points, targets and bands can overflow, divide by a denormal or give nan/inf.
MAX_NUMBER = 1e9
MIN_NONZERO = 1e-6


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar: null, bool, int, float by YAML 1.2 core; anything else is a string.

    Leading zeros keep a scalar a string, so indicator codes such as `010` survive.
    """
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    if _INT_RE.match(text):
        return int(text)
    if _FLOAT_RE.match(text):
        return float(text)
    return text


@dataclass
class YamlDoc:
    """A parsed YAML file: its data and where every key and value sits."""

    path: str
    text: str
    data: Any
    sha256: str
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path_, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column of `path` (its key if `key`), else of its nearest known ancestor."""
        p = tuple(path)
        while True:
            marks = self.key_marks if key else self.value_marks
            if p in marks:
                return marks[p]
            if key and p in self.value_marks:
                return self.value_marks[p]
            if not p:
                return (None, None)
            p = p[:-1]
            key = True  # an ancestor is best pointed at by its key

    def location(self, path: Path_, display: str | None = None, key: bool = False) -> Location:
        line, col = self.mark(path, key=key)
        return Location(file=self.path, line=line, col=col, path=display)


def decode_config_bytes(raw: bytes, path: str) -> str:
    """UTF-8 text of a config file, or a ConfigError that names the encoding problem."""
    loc = Location(file=path)
    if not raw.strip():
        raise ConfigError([diag(loc, "yaml.empty", "yaml.empty.hint")])
    if b"\x00" in raw[:8192]:
        raise ConfigError([diag(loc, "yaml.binary", "yaml.binary.hint")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(
                [diag(Location(file=path, line=line), "yaml.not_utf8", "yaml.not_utf8.hint")]
            ) from None
        raise ConfigError(
            [diag(Location(file=path, line=line), "yaml.gbk", "yaml.gbk.hint")]
        ) from None


def _prescan(text: str, path: str) -> list[Diagnostic]:
    """Faults typical of Chinese editors, found line by line before the parser misreads them."""
    found: list[Diagnostic] = []
    in_block_scalar = False
    block_indent = 0
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if in_block_scalar:
            if stripped and indent <= block_indent:
                in_block_scalar = False
            else:
                continue
        if stripped.startswith("#") or not stripped:
            continue
        if stripped[0] == "\t":
            found.append(diag(Location(file=path, line=n, col=indent + 1), "yaml.tab", "yaml.tab.hint"))
            continue
        if stripped[0] == "\u3000":
            found.append(
                diag(Location(file=path, line=n, col=indent + 1), "yaml.fullwidth_space",
                     "yaml.fullwidth_space.hint")
            )
            continue
        m = _FULLWIDTH_COLON_KEY.match(line)
        if m:
            found.append(
                diag(Location(file=path, line=n, col=m.end()), "yaml.fullwidth_colon",
                     "yaml.fullwidth_colon.hint")
            )
        if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", line):
            in_block_scalar = True
            block_indent = indent
    return found


_PROBLEM_KEYS = {
    "mapping values are not allowed here": "yaml.p.mapping_values",
    "could not find expected ':'": "yaml.p.expected_colon",
    "found character '\\t' that cannot start any token": "yaml.p.tab",
    "did not find expected key": "yaml.p.expected_key",
    "did not find expected '-' indicator": "yaml.p.expected_dash",
    "found undefined alias": "yaml.p.alias",
    "found unexpected end of stream": "yaml.p.eof",
    "found unknown escape character": "yaml.p.escape",
    "expected a single document in the stream": "yaml.p.multi_doc",
    "but found another document": "yaml.p.multi_doc",
}


# Faults whose cause is where something was opened, not where the parser gave up (often
# the end of the file): a quote or bracket left open.
_OPENED_AT = {
    "while scanning a quoted scalar": "yaml.p.quote",
    "while scanning a double-quoted scalar": "yaml.p.quote",
    "while scanning a single-quoted scalar": "yaml.p.quote",
    "while parsing a flow sequence": "yaml.p.flow",
    "while parsing a flow mapping": "yaml.p.flow",
}


def _syntax_error(exc: yaml.MarkedYAMLError, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "").strip()
    opened = _OPENED_AT.get((exc.context or "").strip())
    if opened and exc.context_mark and not problem.startswith("found unknown escape character"):
        mark = exc.context_mark
        loc = Location(file=path, line=mark.line + 1, col=mark.column + 1)
        return diag(loc, "yaml.syntax", opened, problem=problem)
    loc = Location(
        file=path,
        line=mark.line + 1 if mark else None,
        col=mark.column + 1 if mark else None,
    )
    for text, key in _PROBLEM_KEYS.items():
        if problem.startswith(text) or (exc.context or "").startswith(text):
            return diag(loc, "yaml.syntax", key, problem=problem)
    return diag(loc, "yaml.syntax", "yaml.syntax.hint", problem=problem)


def _shown_tag(tag: str) -> str:
    """A tag as the user wrote it: `!!python/object:os.system`, not PyYAML's full URI."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


class _Builder:
    """Turns a composed node tree into plain data, recording marks and collecting faults."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.value_marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self.count = 0

    def loc(self, node: yaml.Node) -> Location:
        return Location(file=self.path, line=node.start_mark.line + 1, col=node.start_mark.column + 1)

    def at(self, node: yaml.Node, path: Path_) -> Location:
        return Location(file=self.path, line=node.start_mark.line + 1, col=node.start_mark.column + 1,
                        path=".".join(map(str, path)) or None)

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise ConfigError([diag(self.loc(node), "yaml.too_large", "yaml.too_large.hint")])
        if len(path) > MAX_DEPTH:
            raise ConfigError([diag(self.loc(node), "yaml.too_deep", "yaml.too_deep.hint",
                                    hint_params={"limit": MAX_DEPTH})])
        if isinstance(node, yaml.CollectionNode) and not node.flow_style and path in self.key_marks:
            # A block mapping or list starts on the line after its key; an error about the
            # whole of it (bands overlap, parts' sum) is best shown on the key's line.
            self.value_marks.setdefault(path, self.key_marks[path])
        else:
            self.value_marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self.errors.append(diag(self.loc(node), "yaml.tag", "yaml.tag.hint", tag=_shown_tag(node.tag)))
            out: dict[str, Any] = {}
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or (
                    isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<"
                    and not key_node.style
                ):
                    self.errors.append(diag(self.loc(key_node), "yaml.merge_key", "yaml.merge_key.hint"))
                    continue
                if not isinstance(key_node, yaml.ScalarNode):
                    self.errors.append(diag(self.loc(key_node), "yaml.complex_key"))
                    continue
                key = str(key_node.value)
                if key in first_seen:
                    self.errors.append(
                        diag(self.loc(key_node), "yaml.duplicate_key", "yaml.duplicate_key.hint",
                             key=key, first=first_seen[key])
                    )
                    continue
                first_seen[key] = key_node.start_mark.line + 1
                child = (*path, key)
                self.key_marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.errors.append(diag(self.loc(node), "yaml.tag", "yaml.tag.hint", tag=_shown_tag(node.tag)))
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag != _STR_TAG:
            self.errors.append(diag(self.loc(node), "yaml.tag", "yaml.tag.hint", tag=_shown_tag(node.tag)))
            return None
        if not node.style:  # plain: None from PyYAML's parser, "" from libyaml's
            if len(node.value) > 40 and _INT_RE.match(node.value):  # int() refuses 4,300+ digits
                self.errors.append(diag(self.at(node, path), "yaml.number_range", "yaml.number_range.hint",
                                        value=node.value[:20] + "...", max=f"{MAX_NUMBER:g}", min=f"{MIN_NONZERO:g}"))
                return None
            value = resolve_plain(node.value)
            if isinstance(value, int | float) and not isinstance(value, bool) and not (
                    value == 0 or MIN_NONZERO <= abs(value) <= MAX_NUMBER):
                self.errors.append(diag(self.at(node, path), "yaml.number_range", "yaml.number_range.hint",
                                        value=node.value, max=f"{MAX_NUMBER:g}", min=f"{MIN_NONZERO:g}"))
                return None
            return value
        return node.value


def _compose(text: str, loader: type) -> yaml.Node | None:
    reader = loader(text)
    try:
        node: yaml.Node | None = reader.get_single_node()
        return node
    finally:
        reader.dispose()


# What libyaml may read otherwise than PyYAML: it takes a tab in a plain scalar and a `?` in a flow one (PyYAML
# refuses both), counts columns past a BOM and marks an empty flow value one column off; tags, escapes,
# directives and line breaks other than \n are left to PyYAML too, as rare in a config as they are odd.
_NOT_FAST = re.compile(r"[\t\ufeff?!\\\r\x85\u2028\u2029]|^%|[|>][-+0-9]*#|:\s*[,}\]]", re.MULTILINE)


def _fast_ok(text: str) -> bool:
    """Whether libyaml surely reads `text` as PyYAML would (see _NOT_FAST)."""
    return _NOT_FAST.search(text) is None


def parse_yaml_text(text: str, path: str, sha256: str = "") -> YamlDoc:
    """Parse YAML text into a YamlDoc, raising ConfigError with every fault found."""
    pre = _prescan(text, path)
    if pre:
        raise ConfigError(pre)
    node: yaml.Node | None = None
    composed = False
    if FAST_LOADER is not None and _fast_ok(text):
        try:
            node, composed = _compose(text, FAST_LOADER), True
        except Exception:  # any fault is told again, in PyYAML's words, below
            composed = False
    try:
        if not composed:
            node = _compose(text, _NoImplicitLoader)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([_syntax_error(exc, path)]) from None
    except yaml.reader.ReaderError as exc:  # a control character, often pasted from Word or Excel
        before = text[: exc.position]
        loc = Location(file=path, line=before.count("\n") + 1, col=len(before) - before.rfind("\n"))
        raise ConfigError([diag(loc, "yaml.control_char", "yaml.control_char.hint",
                                code=f"U+{exc.character:04X}" if isinstance(exc.character, int)
                                else repr(exc.character))]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([diag(Location(file=path), "yaml.syntax", "yaml.syntax.hint",
                                problem=str(exc))]) from None
    except RecursionError:  # brackets nested thousands deep: PyYAML composes recursively
        raise ConfigError([diag(Location(file=path), "yaml.too_deep")]) from None
    if node is None:
        raise ConfigError([diag(Location(file=path), "yaml.empty", "yaml.empty.hint")])
    builder = _Builder(path)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise ConfigError([diag(Location(file=path), "yaml.too_deep")]) from None
    if builder.errors:
        raise ConfigError(builder.errors)
    if not isinstance(data, dict):
        raise ConfigError([diag(builder.loc(node), "yaml.not_mapping", "yaml.not_mapping.hint")])
    return YamlDoc(path=path, text=text, data=data, sha256=sha256,
                   value_marks=builder.value_marks, key_marks=builder.key_marks)


# Within one run (`with parse_once():`, as `validate` and `diff` do) a file is parsed once: `validate configs/`
# reads the Shaoxing table once, not once for every targets file that extends it. Parsed files are known by
# the SHA-256 of their bytes, so a file changed on disk is parsed again. The data and marks are shared,
# read-only for everyone in the run; the name shown is each reader's own. A file that fails is kept with the
# name its messages show. Outside a run every read parses afresh, and the caller may change what it gets.
_PARSED: dict[str, YamlDoc] = {}
_FAILED: dict[tuple[str, str], list[Diagnostic]] = {}
_PARSED_MAX = 64
_runs = 0


@contextlib.contextmanager
def parse_once() -> Iterator[None]:
    """Parse each YAML file once until the block ends."""
    global _runs
    _runs += 1
    try:
        yield
    finally:
        _runs -= 1
        if not _runs:
            _PARSED.clear()
            _FAILED.clear()


def read_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Read and parse one YAML config file; `display` is the name shown in messages."""
    import dataclasses

    from campuseval.inputs import MAX_CONFIG_BYTES, read_input

    shown = display or str(path)
    raw = read_input(path, shown, ConfigError, MAX_CONFIG_BYTES)
    sha256 = hashlib.sha256(raw).hexdigest()
    if not _runs:
        return parse_yaml_text(decode_config_bytes(raw, shown), shown, sha256)
    failed = _FAILED.get((shown, sha256))
    if failed is not None:
        raise ConfigError(list(failed))
    doc = _PARSED.get(sha256)
    if doc is None:
        try:
            doc = parse_yaml_text(decode_config_bytes(raw, shown), shown, sha256)
        except ConfigError as exc:
            _remember(_FAILED, (shown, sha256), list(exc.diagnostics))
            raise
        _remember(_PARSED, sha256, doc)
    return doc if doc.path == shown else dataclasses.replace(doc, path=shown)


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _PARSED_MAX:
        cache.pop(next(iter(cache)))
    cache[key] = value
