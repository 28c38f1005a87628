"""How two effective tables differ, in words, each change located at the file and line that makes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from campuseval.config.diagnose import display_path
from campuseval.config.effective import EffectiveTable, EffIndicator
from campuseval.config.load import resolve_user_path
from campuseval.config.yamlsource import YamlDoc, read_yaml
from campuseval.describe import indicator_rule_text
from campuseval.errors import CampusevalError, Location
from campuseval.formatting import num
from campuseval.formatting import target as target_text
from campuseval.i18n import Lang, t


@dataclass(frozen=True)
class TableChange:
    """One difference: a catalog key (diff.*), its parameters per language, and where B (or A) says it."""

    key: str
    params: dict[str, dict[str, str]]  # lang -> parameters
    location: Location
    code: str | None = None

    def render(self, lang: Lang) -> str:
        return t(f"diff.{self.key}", lang, **self.params[lang])


@dataclass
class _Locator:
    """Finds a setting in the files of one effective table, most specific file first."""

    eff: EffectiveTable
    docs: list[YamlDoc] = field(default_factory=list)

    def __post_init__(self) -> None:
        for src in reversed(self.eff.sources):
            try:
                self.docs.append(read_yaml(resolve_user_path(src.path), src.path))
            except (CampusevalError, OSError):  # loaded a moment ago; a file gone since just loses its line
                continue

    def find(self, *candidates: tuple[Any, ...]) -> Location:
        """The first candidate path present in any file; a candidate may hold ("@item", list, code, *rest)."""
        for doc in self.docs:
            for path in candidates:
                resolved = _resolve(doc.data, path)
                if resolved is not None:
                    line, col = doc.mark(resolved, key=True)
                    return Location(file=doc.path, line=line, col=col, path=display_path(doc.data, resolved))
        return Location(file=self.docs[0].path if self.docs else None)


def _resolve(data: Any, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """Turn ("@item", "indicators", "A1", "target") into ("indicators", 3, "target") if present in `data`."""
    if not isinstance(data, dict):
        return None
    if path and path[0] == "@item":
        section, code, *rest = path[1:]
        items = data.get(section)
        if not isinstance(items, list):
            return None
        for n, item in enumerate(items):
            if _item_code(item) == code:
                node: Any = item
                for key in rest:
                    if not isinstance(node, dict) or key not in node:
                        return (section, n)
                    node = node[key]
                return (section, n, *rest)
        return None
    if path and path[0] == "@drop":
        drops = data.get("drop")
        if isinstance(drops, list) and path[1] in [str(d) for d in drops]:
            return ("drop", [str(d) for d in drops].index(path[1]))
        return None
    node = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return path


def _item_code(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if "code" in item:
        return str(item["code"])
    if "catalog" in item:
        return f"N{item['catalog']}"
    if "id" in item:
        return str(item["id"])
    return None


def _both(fn: Any) -> dict[str, dict[str, str]]:
    return {"zh": fn("zh"), "en": fn("en")}


def _name(ind: EffIndicator, lang: Lang) -> str:
    return f"{ind.code} {ind.spec.name.get(lang)}"


def _target(v: Any, scale: str) -> str:
    return target_text(v, scale)


def _where_indicator(loc: _Locator, code: str, fld: str, section: str) -> Location:
    return loc.find((section, code), ("@item", "add", code, fld), ("@item", "indicators", code, fld))


def diff_tables(a: EffectiveTable, b: EffectiveTable) -> list[TableChange]:
    """Every difference from A to B: parts, indicators (added, dropped, points, targets, rules, tolerances,
    applies_to), campuses, policies and the allocation; changes in B located in B's files, drops in A's
    definition unless B's drop list names them."""
    la, lb = _Locator(a), _Locator(b)
    out: list[TableChange] = []

    def add(key: str, location: Location, code: str | None = None, **params: Any) -> None:
        def render(lang: Lang) -> dict[str, str]:
            return {k: (v(lang) if callable(v) else str(v)) for k, v in params.items()}

        out.append(TableChange(key, _both(render), location, code))

    if a.table.id != b.table.id:
        add("table", lb.find(("extends",), ("id",)), old=a.table.id, new=b.table.id)
    parts_a = {p.code: p for p in a.effective_parts()}
    parts_b = {p.code: p for p in b.effective_parts()}
    for code, p in parts_b.items():
        if code not in parts_a:
            add("part_added", lb.find(("@item", "parts", code)), code, part=code, points=num(p.points))
        elif abs(parts_a[code].points - p.points) > 1e-9:
            add("part_points", lb.find(("@item", "parts", code, "points")), code, part=code,
                old=num(parts_a[code].points), new=num(p.points))
    for code in parts_a.keys() - parts_b.keys():
        add("part_dropped", la.find(("@item", "parts", code)), code, part=code)

    inds_a = {i.code: i for i in a.indicators}
    inds_b = {i.code: i for i in b.indicators}
    for code, ib in inds_b.items():
        if code not in inds_a:
            add("added", lb.find(("@item", "add", code), ("@item", "indicators", code)), code,
                name=lambda lg, i=ib: _name(i, lg), points=num(ib.points))
    for code, ia in inds_a.items():
        if code not in inds_b:
            in_b = lb.find(("@drop", code))
            add("dropped", in_b if in_b.line else la.find(("@item", "add", code), ("@item", "indicators", code)), code,
                name=lambda lg, i=ia: _name(i, lg), points=num(ia.points))
    for code, ia in inds_a.items():
        ib_ = inds_b.get(code)
        if ib_ is None:
            continue
        _indicator_changes(a, b, ia, ib_, lb, add)

    camps_a = {c.id: c for c in a.campuses}
    camps_b = {c.id: c for c in b.campuses}
    for cid, c in camps_b.items():
        if cid not in camps_a:
            add("campus_added", lb.find(("@item", "campuses", cid)), cid, campus=cid,
                name=lambda lg, c=c: c.name.get(lg))
    for cid, c in camps_a.items():
        if cid not in camps_b:
            add("campus_dropped", lb.find(("campuses",)) if camps_b else la.find(("@item", "campuses", cid)),
                cid, campus=cid, name=lambda lg, c=c: c.name.get(lg))
    for attr in ("reweight", "missing"):
        if getattr(a, attr) != getattr(b, attr):
            add("policy", lb.find((attr,)), setting=attr, old=getattr(a, attr), new=getattr(b, attr))
    if a.years != b.years:
        add("years", lb.find(("years",)), old=_years(a.years), new=_years(b.years))
    if a.allocation != b.allocation:
        old = a.allocation.model_dump(exclude_defaults=True) if a.allocation else {}
        new = b.allocation.model_dump(exclude_defaults=True) if b.allocation else {}
        if not old or not new:
            key = "allocation_added" if new else "allocation_removed"
            add(key, (lb if new else la).find(("allocation",)), setting=_plain(new or old))
        else:
            for key in [*new, *(k for k in old if k not in new)]:
                if old.get(key) != new.get(key):
                    add("allocation", lb.find(("allocation", key), ("allocation",)), setting=key,
                        old=_plain(old.get(key)), new=_plain(new.get(key)))
    return out


def _years(years: Iterable[int] | None) -> str:
    return "-" if years is None else ", ".join(map(str, years))


def _plain(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return num(v, 6)
    if isinstance(v, list):
        return "; ".join(_plain(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_plain(x)}" for k, x in v.items() if x is not None)
    return str(v)


def _indicator_changes(a: EffectiveTable, b: EffectiveTable, ia: EffIndicator, ib: EffIndicator, lb: _Locator,
                       add: Any) -> None:
    code, sa, sb = ia.code, ia.spec, ib.spec

    def name(lg: Lang) -> str:
        return _name(ib, lg)

    if abs(sa.points - sb.points) > 1e-9:
        add("points", _where_indicator(lb, code, "points", "points"), code, name=name, old=num(sa.points),
            new=num(sb.points))
    if abs(ia.points - ib.points) > 1e-9 and abs(sa.points - sb.points) <= 1e-9:
        add("effective_points", lb.find(("drop",), ("@item", "indicators", code)), code, name=name,
            old=num(ia.points), new=num(ib.points))
    if sa.rule != sb.rule:
        add("rule", _where_indicator(lb, code, "rule", "rules"), code, name=name,
            old=lambda lg: indicator_rule_text(ia, lg), new=lambda lg: indicator_rule_text(ib, lg))
    elif _plain_target(sa.target) != _plain_target(sb.target):
        add("target", _where_indicator(lb, code, "target", "targets"), code, name=name,
            old=_target(sa.target, sa.scale), new=_target(sb.target, sb.scale))
    for cid in sorted(set(ia.campus_targets) | set(ib.campus_targets)):
        va, vb = ia.campus_targets.get(cid), ib.campus_targets.get(cid)
        if _plain_target(va) != _plain_target(vb):
            add("campus_target", lb.find(("targets", code, "campuses", cid), ("targets", code)), code, name=name,
                campus=cid, old=_target(va if va is not None else sa.target, sa.scale),
                new=_target(vb if vb is not None else sb.target, sb.scale))
    ha, hb = a.homogeneity_for(ia), b.homogeneity_for(ib)
    if sb.subject == "both" and ha != hb:
        add("tolerance", _where_indicator(lb, code, "homogeneity", "homogeneity"), code, name=name,
            old=_plain(ha.model_dump()), new=_plain(hb.model_dump()))
    if sa.applies_to != sb.applies_to:
        add("applies_to", _where_indicator(lb, code, "applies_to", "applies_to"), code, name=name,
            old=", ".join(sa.applies_to or []) or "-", new=", ".join(sb.applies_to or []) or "-")
    for attr in ("direction", "subject", "formula", "scale", "missing"):
        if getattr(sa, attr) != getattr(sb, attr):
            add("field", _where_indicator(lb, code, attr, attr), code, name=name, setting=attr,
                old=str(getattr(sa, attr) or "-"), new=str(getattr(sb, attr) or "-"))


def _plain_target(v: Any) -> Any:
    return v.model_dump() if hasattr(v, "model_dump") else v
