"""The user-error family: every problem a user can fix, with where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from campuseval.i18n import Lang, t

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Msg:
    """A translatable message: a catalog key and its parameters, rendered late in the user's language."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: Lang) -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class Location:
    """Where a problem is: file:line:col and a key path for YAML; file, sheet, row, column for data."""

    file: str | None = None
    line: int | None = None
    col: int | None = None
    path: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def render(self, lang: Lang) -> str:
        if self.file is None and self.line is None and self.sheet is None and self.row is None:
            return self.path or "campuseval"  # an option (--format) or the run as a whole
        if self.sheet is None and self.row is None and self.column is None:
            parts = [self.file or "<input>"]
            if self.line is not None:
                parts.append(str(self.line))
                if self.col is not None:
                    parts.append(str(self.col))
            head = ":".join(parts)
            return f"{head}: {self.path}" if self.path else head
        bits = [self.file or "<input>"]
        if self.sheet is not None:
            bits.append(t("loc.sheet", lang, sheet=self.sheet))
        if self.row is not None:
            bits.append(t("loc.row", lang, row=self.row))
        if self.column is not None:
            bits.append(t("loc.column", lang, column=self.column))
        return t("loc.sep", lang).join(bits)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one place; `hint` says how to fix it."""

    location: Location
    message: Msg
    severity: Severity = "error"
    hint: Msg | None = None

    def render(self, lang: Lang) -> str:
        text = f"{self.location.render(lang)}: {self.message.render(lang)}"
        if self.hint is not None:
            text += t("hint.sep", lang) + self.hint.render(lang)
        return text


def diag(
    location: Location,
    key: str,
    hint: str | None = None,
    /,
    severity: Severity = "error",
    hint_params: dict[str, Any] | None = None,
    **params: Any,
) -> Diagnostic:
    """Shorthand for building a Diagnostic from catalog keys."""
    return Diagnostic(
        location=location,
        message=Msg(key, params),
        severity=severity,
        hint=Msg(hint, hint_params or {}) if hint else None,
    )


class CampusevalError(Exception):
    """Base of every error a user can fix; the CLI prints it without a traceback."""

    exit_code = 2

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(self.render("en"))

    def render(self, lang: Lang) -> str:
        return "\n".join(d.render(lang) for d in self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class ConfigError(CampusevalError):
    """An indicator table or targets file is invalid."""


class DataError(CampusevalError):
    """A data file cannot be read or holds a value that cannot be used."""


class UsageError(CampusevalError):
    """The command was called with options that do not fit together."""


def fail(cls: type[CampusevalError], location: Location, key: str, hint: str | None = None, /,
         hint_params: dict[str, Any] | None = None, **params: Any) -> CampusevalError:
    """Build a one-diagnostic error of the given class, ready to raise."""
    return cls([diag(location, key, hint, hint_params=hint_params, **params)])
