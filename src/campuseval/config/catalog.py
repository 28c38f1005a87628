"""The national indicator catalog (国考) and indicators added by catalog reference instead of defined in full."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from campuseval.config.diagnose import display_path
from campuseval.config.models import (
    CatalogRef,
    Code,
    Direction,
    Indicator,
    IntOrStr,
    RawField,
    Scale,
    Text,
    _Model,
)
from campuseval.config.shipped import shipped_dir
from campuseval.config.yamlsource import YamlDoc
from campuseval.errors import ConfigError, Diagnostic, diag

CATALOG_FILE = "catalog/national_tertiary.yaml"


class CatalogEntry(_Model):
    """One national indicator as the assessment defines it: number, name, direction, scale, formula."""

    # `number`, not `no`: YAML 1.1 tools read a bare `no:` key as the boolean false.
    number: IntOrStr = Field(description="the national number: 1-55, or 增1")
    name: Text
    category: Text | None = Field(None, description="the first-level dimension, e.g. 医疗质量")
    direction: Direction = Field(description="higher (逐步提高), lower (逐步降低) or monitor (监测比较)")
    qualitative: bool = Field(False, description="逐步完善 (W): judged, not measured")
    national_monitoring: bool = Field(False, description="a national monitoring indicator (▲)")
    scale: Scale
    unit: Text | None = None
    definition: Text
    formula: Annotated[str, Field(min_length=1, max_length=500)] | None = None


class Catalog(_Model):
    """A catalog of indicators that tables and targets files can add by number."""

    id: Code
    name: Text
    version: IntOrStr
    provenance: Text
    raw_fields: list[RawField] = Field(default_factory=list)
    entries: Annotated[list[CatalogEntry], Field(min_length=1)]

    def entry(self, no: str) -> CatalogEntry | None:
        for e in self.entries:
            if e.number == no:
                return e
        return None


@cache
def _load_catalog(path: str) -> Catalog:
    from campuseval.config.diagnose import translate
    from campuseval.config.yamlsource import read_yaml

    doc = read_yaml(Path(path), path)
    try:
        return Catalog.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(translate(exc, doc, Catalog)) from None


def national_catalog() -> Catalog:
    """The shipped national catalog, read once per process."""
    return _load_catalog(str(shipped_dir() / CATALOG_FILE))


def resolve_refs(items: list[Indicator | CatalogRef], doc: YamlDoc, section: tuple[str, ...],
                 raw_fields: list[RawField]) -> tuple[list[Indicator], list[RawField], list[Diagnostic]]:
    """Catalog references turned into full indicators; the raw fields their formulas need are added."""
    out: list[Indicator] = []
    errors: list[Diagnostic] = []
    added_raw: list[RawField] = []
    known = {r.code for r in raw_fields}
    for n, item in enumerate(items):
        if isinstance(item, Indicator):
            out.append(item)
            continue
        catalog = national_catalog()
        entry = catalog.entry(item.catalog)
        path: tuple[str | int, ...] = (*section, n, "catalog")
        loc = doc.location(path, display_path(doc.data, path))
        if entry is None:
            from campuseval.config.checks import ref_hint

            numbers = [e.number for e in catalog.entries]
            hint, params = ref_hint(item.catalog, numbers)
            params["allowed"] = ", ".join(numbers)  # in the catalog's order: 1, 2, ... 10, not 1, 10, 11
            errors.append(diag(loc, "cfg.unknown_catalog_no", hint, hint_params=params, no=item.catalog))
            continue
        code = item.default_code()
        if not code:
            errors.append(diag(loc, "cfg.catalog_code_needed", no=item.catalog))
            continue
        out.append(Indicator(
            code=code, name=item.name or entry.name, part=item.part, points=item.points, scale=entry.scale,
            unit=entry.unit, direction=item.direction or entry.direction, subject=item.subject,
            definition=entry.definition, formula=entry.formula, national_no=entry.number, rule=item.rule,
            target=item.target, applies_to=item.applies_to, homogeneity=item.homogeneity, missing=item.missing,
            source=item.source,
        ))
        if entry.formula:
            from campuseval import formula

            for name in sorted(formula.parse(entry.formula).names):
                if name not in known:
                    raw = next((r for r in catalog.raw_fields if r.code == name), None)
                    if raw is not None:
                        known.add(name)
                        added_raw.append(raw)
    return out, added_raw, errors
