"""Loads an indicator table or a targets file (following `extends`) into a validated EffectiveTable."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from campuseval.config import checks, composite, peryear
from campuseval.config.catalog import Catalog, resolve_refs
from campuseval.config.diagnose import display_path, translate
from campuseval.config.effective import Change, Dropped, EffectiveTable, SourceFile, build
from campuseval.config.models import Campus, CampusTargets, Indicator, Table, TargetsFile
from campuseval.config.rules import Rule
from campuseval.config.shipped import BUILTIN, builtin_names, shipped_dir, shown_path
from campuseval.config.yamlsource import YamlDoc, read_yaml
from campuseval.errors import ConfigError, Diagnostic, Location, diag
from campuseval.formatting import target as target_text

MAX_CHAIN = 10



@dataclass
class LoadResult:
    """An effective table (None when invalid) and every diagnostic found on the way."""

    effective: EffectiveTable | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    catalog: Catalog | None = None  # set when the file was an indicator catalog

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def load_config(path: str | Path) -> EffectiveTable:
    """Load a table or targets file into an EffectiveTable, or raise ConfigError with every error."""
    result = check_config(path)
    if result.catalog is not None and not result.errors:
        # Valid as a catalog, but nothing to score with: an error with no diagnostic would print nothing.
        raise ConfigError([diag(Location(file=str(path)), "cfg.catalog_not_table", "cfg.catalog_not_table.hint")])
    if result.errors or result.effective is None:
        raise ConfigError(result.errors)
    return result.effective


def check_config(path: str | Path) -> LoadResult:
    """Load a table or targets file and collect every error and warning instead of raising."""
    p = resolve_user_path(str(path))
    try:
        from campuseval.inputs import check_name

        check_name(ConfigError, str(path), p)
        p.resolve()
    except ConfigError as exc:
        return LoadResult(None, exc.diagnostics)
    except (RuntimeError, OSError) as exc:  # a symlink loop, a name too long
        from campuseval.inputs import os_error

        if isinstance(exc, RuntimeError) and not str(exc).startswith("Symlink loop"):
            raise
        error = os_error(ConfigError, str(path), exc if isinstance(exc, OSError) else OSError(40, "Symlink loop"))
        return LoadResult(None, error.diagnostics)
    if str(path).startswith(BUILTIN) and not p.is_file():
        return LoadResult(None, [diag(Location(file=str(path)), "cfg.extends_builtin_missing",
                                      "cfg.extends_builtin_missing.hint",
                                      hint_params={"names": ", ".join(builtin_names())}, name=str(path))])
    try:
        # Resolved first: for a bare `shaoxing.yaml` the folder above is the parent of the
        # working directory, not `.`.
        root = p.resolve().parent.parent
        return _load(p, str(path) if not str(path).startswith(BUILTIN) else shown_path(p), root, [])
    except ConfigError as exc:
        return LoadResult(None, exc.diagnostics)


def resolve_user_path(text: str) -> Path:
    """`builtin:NAME` names a shipped config; anything else is a path."""
    if text.startswith(BUILTIN):
        return shipped_dir() / text[len(BUILTIN):]
    return Path(text)


def _validate(model: type[BaseModel], doc: YamlDoc) -> tuple[Any, list[Diagnostic]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, translate(exc, doc, model)


def _load(path: Path, shown: str, root: Path, chain: list[Path]) -> LoadResult:
    doc = read_yaml(path, shown)
    if "extends" in doc.data:
        return _load_targets(doc, path, root, chain)
    if "entries" in doc.data and "parts" not in doc.data:
        catalog, errors = _validate(Catalog, doc)
        return LoadResult(None, errors, catalog=catalog)
    table, errors = _validate(Table, doc)
    if errors:
        return LoadResult(None, errors)
    indicators, catalog_raw, errors = resolve_refs(list(table.indicators), doc, ("indicators",),
                                                   list(table.raw_fields))
    if errors:
        return LoadResult(None, errors)
    table = table.model_copy(update={"indicators": indicators, "raw_fields": [*table.raw_fields, *catalog_raw]})
    errors = checks.check_table(table, doc)
    if errors:
        return LoadResult(None, errors)
    eff = build(
        table, list(table.indicators), list(table.raw_fields),
        reweight=table.reweight, missing=table.missing,
        origins={i.code: shown for i in table.indicators},
        sources=(SourceFile(shown, doc.sha256, "table"),),
    )
    return LoadResult(eff)


def _resolve_extends(tf: TargetsFile, doc: YamlDoc, path: Path, root: Path,
                     chain: list[Path]) -> tuple[Path | None, list[Diagnostic]]:
    loc = doc.location(("extends",), "extends")
    text = tf.extends
    if "\x00" in text:  # "\0" in a double-quoted YAML string: no file system takes it
        return None, [diag(loc, "file.nul_in_name", "file.nul_in_name.hint")]
    try:
        return _resolve_extends_path(tf, doc, path, root, chain, loc, text)
    except RuntimeError as exc:  # Path.resolve() on a symlink loop, before Python 3.13
        if not str(exc).startswith("Symlink loop"):
            raise
        return None, [diag(loc, "file.loop", "file.loop.hint")]
    except OSError as exc:  # a name too long, a loop (Python 3.13), a folder that cannot be entered
        from campuseval.inputs import os_error_key

        key = os_error_key(exc)
        return None, [diag(loc, key, f"{key}.hint" if key != "file.is_dir" else None,
                           reason=exc.strerror or type(exc).__name__)]


def _resolve_extends_path(tf: TargetsFile, doc: YamlDoc, path: Path, root: Path, chain: list[Path], loc: Location,
                          text: str) -> tuple[Path | None, list[Diagnostic]]:
    if text.startswith(BUILTIN):
        target = shipped_dir() / text[len(BUILTIN):]
        # `builtin:../../x` must not reach past the shipped folder any more than a path may.
        if not target.is_file() or not target.resolve().is_relative_to(shipped_dir().resolve()):
            return None, [diag(loc, "cfg.extends_builtin_missing", "cfg.extends_builtin_missing.hint",
                               hint_params={"names": ", ".join(builtin_names(extendable=True))}, name=text)]
    else:
        if os.path.isabs(text) or text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
            return None, [diag(loc, "cfg.extends_absolute", "cfg.extends_absolute.hint", path=text)]
        target = (path.parent / text).resolve()
        # A config may only reach files beside it or one folder up (targets/ -> the table):
        # a shared targets file must not be able to pull in arbitrary files from the disk.
        if not target.is_relative_to(root.resolve()):
            return None, [diag(loc, "cfg.extends_outside", "cfg.extends_outside.hint",
                               path=text, root=shown_path(root))]
        if not target.is_file():
            # A district file copied out of configs/targets/ loses its neighbours; the shipped one is still there.
            shipped = next((n for n in builtin_names(extendable=True) if n.endswith("/" + Path(text).name)
                            or n == BUILTIN + Path(text).name), None)
            if shipped:
                return None, [diag(loc, "cfg.extends_missing", "cfg.extends_missing_builtin.hint",
                                   hint_params={"name": shipped}, path=text)]
            return None, [diag(loc, "cfg.extends_missing", "cfg.extends_missing.hint", path=text)]
    resolved = target.resolve()
    if resolved in chain or resolved == path.resolve():
        names = " -> ".join(shown_path(p) for p in [*chain, path.resolve(), resolved])
        return None, [diag(loc, "cfg.extends_circular", chain=names)]
    if len(chain) >= MAX_CHAIN:
        return None, [diag(loc, "cfg.extends_too_deep", limit=MAX_CHAIN)]
    return target, []


def _load_targets(doc: YamlDoc, path: Path, root: Path, chain: list[Path]) -> LoadResult:
    tf, errors = _validate(TargetsFile, doc)
    if errors:
        return LoadResult(None, errors)
    target, errors = _resolve_extends(tf, doc, path, root, chain)
    if target is None:
        return LoadResult(None, errors)
    # A shipped file extends its neighbours (targets/shaoxing.yaml -> ../indicators_shaoxing.yaml):
    # from there on, the shipped folder is the one the chain may not leave.
    parent_root = shipped_dir() if tf.extends.startswith(BUILTIN) else root
    parent = _load(target, shown_path(target), parent_root, [*chain, path.resolve()])
    if parent.catalog is not None:  # a valid catalog has no table to change: say so, not nothing
        return LoadResult(None, [diag(doc.location(("extends",), "extends"), "cfg.extends_catalog",
                                      "cfg.extends_catalog.hint", path=tf.extends)])
    if parent.effective is None:
        return LoadResult(None, parent.diagnostics)
    eff, diags = apply_targets(parent.effective, tf, doc)
    all_diags = parent.diagnostics + diags
    if any(d.severity == "error" for d in diags):
        return LoadResult(None, all_diags)
    return LoadResult(eff, all_diags)


def apply_targets(base: EffectiveTable, tf: TargetsFile, doc: YamlDoc) -> tuple[EffectiveTable, list[Diagnostic]]:
    """Apply one targets file to an effective table; pure apart from reading `doc` for locations."""
    out: list[Diagnostic] = []
    at = checks.doc_at(doc, ())
    shown = doc.path
    specs: dict[str, Indicator] = {i.code: i for i in (e.spec for e in base.indicators)}
    origins = {e.code: e.origin for e in base.indicators}
    changes: dict[str, list[Change]] = {e.code: list(e.changes) for e in base.indicators}
    campus_targets: dict[str, dict[str, Any]] = {
        e.code: dict(e.campus_targets) for e in base.indicators}
    raw_fields = list(base.raw_fields)
    part_codes = [p.code for p in base.parts]
    campuses = tuple(tf.campuses) if tf.campuses is not None else base.campuses
    campus_ids = [c.id for c in campuses]
    for dup in sorted(checks.duplicates(campus_ids)):
        idx = [n for n, c in enumerate(campus_ids) if c == dup][1]
        out.append(diag(at("campuses", idx, "id"), "cfg.duplicate_code", code=dup))

    # Drops first: a file may drop an indicator and add a different one in its place.
    dropped = list(base.dropped)
    dropped_here: dict[str, Indicator] = {}
    for dup in sorted(checks.duplicates(tf.drop)):
        out.append(diag(at("drop", [n for n, c in enumerate(tf.drop) if c == dup][1]),
                        "cfg.duplicate_code", code=dup))
    for n, code in enumerate(dict.fromkeys(tf.drop)):
        if code not in specs:
            hint, params = checks.ref_hint(code, specs)
            out.append(diag(at("drop", n), "cfg.unknown_indicator", hint, hint_params=params, code=code))
            continue
        ind = specs.pop(code)
        dropped_here[code] = ind
        dropped.append(Dropped(code, ind.name, ind.part, shown))

    raw_codes = {r.code for r in raw_fields}
    for n, raw in enumerate(tf.add_raw_fields):
        if raw.code in raw_codes or raw.code in specs:
            out.append(diag(at("add_raw_fields", n, "code"), "cfg.duplicate_code", code=raw.code))
        raw_codes.add(raw.code)
        raw_fields.append(raw)
    adds, catalog_raw, errs = resolve_refs(list(tf.add), doc, ("add",), raw_fields)
    if errs:  # the file's positions in `add` no longer line up; report these first
        return base, out + errs
    raw_fields.extend(catalog_raw)
    raw_codes.update(r.code for r in catalog_raw)

    for n, ind in enumerate(adds):
        a = checks.doc_at(doc, ("add", n))
        if ind.code in specs or ind.code in raw_codes:
            out.append(diag(a("code"), "cfg.add_exists", "cfg.add_exists.hint", code=ind.code))
            continue
        if ind.part not in part_codes:
            hint, params = checks.ref_hint(ind.part, part_codes)
            out.append(diag(a("part"), "cfg.unknown_part", hint, hint_params=params, part=ind.part))
        out.extend(checks.check_formula(ind, raw_codes, a))
        out.extend(checks.check_homogeneity_subject(ind, a))
        specs[ind.code] = ind
        origins[ind.code] = shown
        changes[ind.code] = [Change(shown, "added", "", ind.code)]
        campus_targets[ind.code] = {}
    added = {i.code for i in adds}
    names: dict[str, str] = {i.name.zh: i.code for c, i in specs.items() if c not in added}
    names.update({r.name.zh: r.code for r in base.raw_fields})
    for n, ind in enumerate(adds):
        if ind.name.zh in names and names[ind.name.zh] != ind.code:
            out.append(diag(at("add", n, "name"), "cfg.duplicate_name", name=ind.name.zh,
                            other=names[ind.name.zh]))
        names.setdefault(ind.name.zh, ind.code)

    def known(section: str, code: str) -> bool:
        if code in specs:
            return True
        if code in dropped_here:
            out.append(diag(at(section, code), "cfg.changed_dropped", code=code))
        else:
            hint, params = checks.ref_hint(code, specs)
            out.append(diag(doc.location((section, code), f"{section}.{code}", key=True),
                            "cfg.unknown_indicator", hint, hint_params=params, code=code))
        return False

    rule_changed: set[str] = set()
    for code, pts in tf.points.items():
        if known("points", code):
            old = specs[code]
            specs[code] = old.model_copy(update={"points": pts})
            changes[code].append(Change(shown, "points", f"{old.points:g}", f"{pts:g}"))
    for code, rule in tf.rules.items():
        if known("rules", code):
            old = specs[code]
            update: dict[str, Any] = {"rule": rule}
            if not rule.uses_target and code not in tf.targets:
                update["target"] = None  # the old target meant something only to the old rule
            specs[code] = old.model_copy(update=update)
            rule_changed.add(code)
            changes[code].append(Change(shown, "rule", old.rule.type, rule.type))
    for code, value in tf.targets.items():
        if not known("targets", code):
            continue
        old = specs[code]
        if isinstance(value, CampusTargets):
            if value.default is not None:
                specs[code] = old.model_copy(update={"target": value.default})
                changes[code].append(Change(shown, "target", _fmt(old.target, old.scale),
                                            _fmt(value.default, old.scale)))
            for cid, v in value.campuses.items():
                if cid not in campus_ids:
                    hint, params = checks.ref_hint(cid, campus_ids)
                    out.append(diag(doc.location(("targets", code, "campuses", cid),
                                                 f"targets.{code}.campuses.{cid}", key=True),
                                    "cfg.unknown_campus", hint, hint_params=params, campus=cid))
                campus_targets[code][cid] = v
                changes[code].append(Change(shown, "target", _fmt(old.target, old.scale), _fmt(v, old.scale),
                                            campus=cid))
        else:
            specs[code] = old.model_copy(update={"target": value})
            changes[code].append(Change(shown, "target", _fmt(old.target, old.scale), _fmt(value, old.scale)))
    for code, hom in tf.homogeneity.items():
        if known("homogeneity", code):
            old = specs[code]
            specs[code] = old.model_copy(update={"homogeneity": hom})
            out.extend(checks.check_homogeneity_subject(specs[code], lambda *s, c=code: at("homogeneity", c)))
            changes[code].append(Change(shown, "homogeneity", "", _hom(hom)))

    # Re-check every indicator this file touched, pointing at the setting it changed.
    touched = added | rule_changed | set(tf.targets) | set(tf.points)
    add_index = {i.code: n for n, i in enumerate(adds)}
    for code in sorted(touched & set(specs)):
        ind = specs[code]
        if code in add_index:
            a = checks.doc_at(doc, ("add", add_index[code]))
            rule_at: Callable[..., Location] = lambda *s, a=a: a("rule", *s)  # noqa: E731
            target_at: Callable[..., Location] = lambda a=a: a("target")  # noqa: E731
            points_at: Callable[..., Location] = lambda a=a: a("points")  # noqa: E731
        else:
            rule_at = (lambda *s, c=code: at("rules", c, *s)) if code in rule_changed else (
                lambda *s, c=code: at(_first_section(tf, c), c))
            target_at = lambda c=code: at(_first_section(tf, c, prefer="targets"), c)  # noqa: E731
            points_at = lambda c=code: at(_first_section(tf, c, prefer="points"), c)  # noqa: E731
        out.extend(checks.check_rule_fit(ind, ind.rule, ind.target, rule_at, target_at, points_at))
        out.extend(composite.check_geometric_rule(base.table, ind, rule_at))
        for cid, v in campus_targets.get(code, {}).items():
            if code in tf.targets and ind.rule.uses_target:
                out.extend(checks.check_target_fit(ind, ind.rule, v,
                                                   lambda c=code, i=cid: at("targets", c, "campuses", i)))

    for code, ids in tf.applies_to.items():
        if known("applies_to", code):
            specs[code] = specs[code].model_copy(update={"applies_to": ids})
            changes[code].append(Change(shown, "applies_to", "", ", ".join(ids)))
    out.extend(_check_campus_fit(list(specs.values()), campuses, tf, at, add_index,
                                 first_campuses=not base.campuses))

    indicators = list(specs.values())
    out.extend(composite.check_geometric_cover(
        base.table, base.parts, indicators, campuses,
        lambda n: at("campuses", n) if tf.campuses is not None else at("extends")))
    for part in base.parts:
        if not any(i.part == part.code and i.rule.scored for i in indicators):
            out.append(diag(at("drop"), "cfg.part_empty", part=part.code))
    # Warn about the parts whose points this file changed (by add or points) and that no longer
    # sum to the part; a part that only lost indicators to drop is re-weighted as documented.
    touched_parts = {i.part for i in adds} | {specs[c].part for c in tf.points if c in specs}
    if touched_parts:
        out.extend(checks.check_part_sums(
            [p for p in base.parts if p.code in touched_parts], indicators,
            lambda code: at("add" if tf.add else "points"), severity="warning",
            reweight=tf.reweight or base.reweight))
    out.extend(peryear.check_file_years(tf, adds, at))
    if tf.years is not None and base.years is not None and not set(tf.years) <= set(base.years):
        out.append(diag(at("years"), "cfg.years_outside", severity="warning",
                        years=", ".join(map(str, tf.years)), base=", ".join(map(str, base.years))))
    if any(d.severity == "error" for d in out):
        # The caller drops the table on any error, and build() cannot share out the points of
        # an indicator added to a part that does not exist.
        return base, out
    # How units are ranked is part of the scoring method a locality agrees with its hospitals.
    ranking = {k: getattr(tf, k) for k in ("ranking", "min_coverage", "insufficient") if getattr(tf, k) is not None}
    eff = build(
        base.table.model_copy(update=ranking) if ranking else base.table, indicators, raw_fields,
        reweight=tf.reweight or base.reweight,
        missing=tf.missing or base.missing,
        campus_targets={k: v for k, v in campus_targets.items() if k in specs},
        origins=origins, changes=changes,
        campuses=campuses, locality=tf.locality,
        years=tuple(tf.years) if tf.years is not None else base.years,
        dropped=tuple(dropped),
        sources=(*base.sources, SourceFile(shown, doc.sha256, "targets")),
        allocation=tf.allocation or base.allocation,
    )
    return eff, out


def _check_campus_fit(indicators: list[Indicator], campuses: tuple[Campus, ...], tf: TargetsFile,
                      at: Callable[..., Location], add_index: dict[str, int],
                      first_campuses: bool) -> list[Diagnostic]:
    """Each campus has the HQ and district its indicators read from; applies_to names real campuses.

    applies_to written in this file (its `applies_to` section or an item of its `add`) is checked
    against this file's campuses, at the name. A name inherited from the table is checked where
    campuses are first declared: a file that later narrows the campuses to its own (keqiao.yaml)
    leaves the other localities' campuses behind, which is not a fault.
    """
    out: list[Diagnostic] = []
    ids = [c.id for c in campuses]
    where = "campuses" if tf.campuses is not None else "extends"
    # One error per campus, naming the indicators that need what it lacks (not one per indicator).
    for c in campuses:
        scored = [i for i in indicators if i.applies_to is None or c.id in i.applies_to]
        need_hq = [i.code for i in scored if i.subject in ("hq", "both")]
        need_district = [i.code for i in scored if i.subject == "locality"]
        loc = at(where, ids.index(c.id)) if where == "campuses" else at(where)
        if need_hq and c.hq is None:
            out.append(diag(loc, "cfg.campus_needs_hq", "cfg.campus_needs_hq.hint",
                            code=", ".join(need_hq), campus=c.id))
        if need_district and c.district is None:
            out.append(diag(loc, "cfg.campus_needs_district", "cfg.campus_needs_district.hint",
                            code=", ".join(need_district), campus=c.id))
    for ind in indicators:
        if not campuses:
            continue
        if ind.code in tf.applies_to:
            name_at: Callable[[int], Location] | None = lambda k, c=ind.code: at("applies_to", c, k)  # noqa: E731
        elif ind.code in add_index:
            name_at = lambda k, n=add_index[ind.code]: at("add", n, "applies_to", k)  # noqa: E731
        else:
            name_at = None
        for k, cid in enumerate(ind.applies_to or []):
            if cid in ids:
                continue
            hint, params = checks.ref_hint(cid, ids)
            if name_at is not None:
                out.append(diag(name_at(k), "cfg.applies_unknown_campus", hint, hint_params=params, campus=cid))
            elif first_campuses:
                out.append(diag(at("campuses"), "cfg.applies_inherited_unknown_campus", hint, hint_params=params,
                                code=ind.code, campus=cid))
    return out


def _first_section(tf: TargetsFile, code: str, prefer: str = "rules") -> str:
    order = [prefer, "rules", "targets", "points", "homogeneity", "applies_to"]
    for section in order:
        if code in getattr(tf, section):
            return section
    return prefer


def _fmt(v: object, scale: str = "count") -> str:
    return "-" if v is None else target_text(v, scale)


def _hom(h: Any) -> str:
    bits = []
    if h.min_ratio is not None:
        bits.append(f"min_ratio {h.min_ratio:g}")
    if h.max_diff is not None:
        bits.append(f"max_diff {h.max_diff:g}")
    return ", ".join(bits)


__all__ = ["LoadResult", "Rule", "check_config", "display_path", "load_config", "shipped_dir"]
