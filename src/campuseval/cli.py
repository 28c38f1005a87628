"""The command line: thin wrappers that read paths, call the library, print and pick exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from campuseval import __version__
from campuseval.cli_zh import ZhGroup, ZhHelp
from campuseval.formatting import num
from campuseval.i18n import Lang, default_lang, t
from campuseval.safetext import visible

if TYPE_CHECKING:
    from rich.console import Console

    from campuseval.config.load import LoadResult
    from campuseval.errors import Diagnostic

# `--help`, `--version` and `validate` import neither rich, pandas, openpyxl, jinja2 nor the engine: every
# heavier import sits in the command (or the helper) that needs it (tests/test_start.py keeps it so).

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2

# Data on stdout, messages on stderr. No emoji or check marks: a redirected
# Chinese-Windows console (GBK) cannot encode them.
# Redirected to a file, a table must not be cut to 80 columns (rich's default off a terminal).
# sys.stdout is None when the shell closed it (>&-): no terminal, and nothing to measure.
_OUT_WIDTH = None if sys.stdout is not None and sys.stdout.isatty() else 200


class _LazyConsole:
    """A rich Console made on its first use, so that `--help` and `--version` never import rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._get(), name)


out = cast("Console", _LazyConsole(highlight=False, soft_wrap=False, width=_OUT_WIDTH))
err = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))


def escape(markup: str) -> str:
    """rich.markup.escape, imported on first use."""
    from rich.markup import escape as rich_escape

    return rich_escape(markup)


def RichTable(*args: Any, **kwargs: Any) -> Any:
    """A rich.table.Table, imported on first use."""
    from rich.table import Table

    return Table(*args, **kwargs)


class LangChoice(StrEnum):
    zh = "zh"
    en = "en"


class _Command(ZhHelp, typer.core.TyperCommand):
    """Every command runs here: user errors print without a traceback and exit 2."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from campuseval.clisafety import check_args
        from campuseval.errors import CampusevalError

        try:
            check_args(args)
        except CampusevalError as exc:
            given = [a.partition("=")[2] or (args[n + 1] if n + 1 < len(args) else "")
                     for n, a in enumerate(args) if a.partition("=")[0] == "--lang"]
            print_diagnostics(exc.diagnostics, _lang(given[-1].lower() if given else None))
            ctx.exit(exc.exit_code)
        result: list[str] = super().parse_args(ctx, args)
        return result

    def invoke(self, ctx: Any) -> Any:
        from campuseval.clisafety import from_exception
        from campuseval.errors import CampusevalError

        try:
            return super().invoke(ctx)
        except CampusevalError as exc:
            lang = _lang(ctx.params.get("lang"))
            print_diagnostics(exc.diagnostics, lang)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            err.print(t("cli.interrupted", _lang(ctx.params.get("lang"))), markup=False)
            ctx.exit(130)
        except (OSError, ValueError, RuntimeError) as exc:
            # A name too long, a read-only or missing place, a disk full, a symlink loop: the user's to fix.
            user = from_exception(exc)
            if user is None:
                raise  # a bug: keep the traceback
            print_diagnostics(user.diagnostics, _lang(ctx.params.get("lang")))
            ctx.exit(user.exit_code)


def _lang(value: Any) -> Lang:
    text = value.value if isinstance(value, LangChoice) else value
    if text == "en":
        return "en"
    if text == "zh":
        return "zh"
    return default_lang()


app = typer.Typer(
    cls=ZhGroup,  # click's usage errors and --help boilerplate in Chinese when the language is zh
    name="campuseval",
    help="campuseval：按 YAML 指标表为省级医院在绍院区评分。Score hospital campuses against a YAML indicator table.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def command(name: str, help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return app.command(name, cls=_Command, help=help_text, no_args_is_help=False)


LangOpt = Annotated[
    LangChoice | None,
    typer.Option("--lang", help="消息与报告语言 / language of messages and reports (default: zh, or CAMPUSEVAL_LANG)",
                 case_sensitive=False),
]


def _version(value: bool) -> None:
    if value:
        if sys.stdout is not None:  # written as rich would, without importing it
            sys.stdout.write(f"campuseval {__version__}\n")
            sys.stdout.flush()
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="显示版本 / show the version")] = False,
) -> None:
    """campuseval：按 YAML 指标表为院区评分。"""
    from campuseval.clisafety import safe_streams

    safe_streams()


def print_diagnostics(diags: list[Diagnostic], lang: Lang) -> None:
    for d in diags:
        prefix = t("severity.warning", lang) + t("cli.colon", lang) if d.severity == "warning" else ""
        loc = d.location.render(lang)
        text = f"{loc}: {prefix}{d.message.render(lang)}"
        if d.hint is not None:
            text += t("hint.sep", lang) + d.hint.render(lang)
        # Names from data and configs may hold escape sequences or bidi overrides: shown escaped.
        err.print(visible(text), markup=False, style="yellow" if d.severity == "warning" else None)


# ---------------------------------------------------------------- validate


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _config_files(paths: list[str]) -> list[str]:
    """Expand folders into the YAML files inside them; keep files and builtin: names as given."""
    from campuseval.config.shipped import BUILTIN
    from campuseval.errors import Location, UsageError, diag

    files: list[str] = []
    for p in paths:
        path = Path(p)
        if not p.startswith(BUILTIN) and path.is_dir():
            found = sorted(str(q) for q in path.rglob("*.y*ml") if q.suffix in (".yaml", ".yml"))
            if not found:
                raise UsageError([diag(Location(file=p), "cli.no_yaml_in_dir")])
            files.extend(found)
        else:
            files.append(p)
    return files


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


@command("validate", "检查指标表和目标值文件 / check indicator tables and targets files")
def validate_cmd(
    paths: Annotated[list[str], typer.Argument(help="YAML 文件或文件夹 / YAML files or folders", show_default=False)],
    fmt: Annotated[ValidateFormat | None, typer.Option(
        "--format",
        help="text, json, or github (GitHub Actions annotations; automatic when GITHUB_ACTIONS=true)")] = None,
    lang: LangOpt = None,
) -> None:
    from campuseval.config import check_config
    from campuseval.config.yamlsource import parse_once

    lg = _lang(lang)
    if fmt is None:
        fmt = ValidateFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else ValidateFormat.text
    files = _config_files(paths)
    with parse_once():  # a table that several targets files extend is parsed once
        results: list[tuple[str, LoadResult]] = [(f, check_config(f)) for f in files]
    seen: set[str] = set()
    n_err = n_warn = 0
    report: list[dict[str, Any]] = []
    for f, res in results:
        fresh = []
        for d in res.diagnostics:
            key = d.render("en")
            if key not in seen:  # a table's errors show once though several files extend it
                seen.add(key)
                fresh.append(d)
        n_err += sum(d.severity == "error" for d in fresh)
        n_warn += sum(d.severity == "warning" for d in fresh)
        report.append({"path": f, "valid": not res.errors, "diagnostics": fresh})
        if fmt == ValidateFormat.text:
            print_diagnostics(fresh, lg)
            if not res.errors and res.catalog is not None:
                err.print(t("cfg.valid_catalog", lg, path=f, n=len(res.catalog.entries)), markup=False)
            elif not res.errors and res.effective is not None:
                eff = res.effective
                err.print(t("cli.valid_file", lg, path=f, n=len(eff.indicators),
                            total=num(eff.total_max)), markup=False)
        elif fmt == ValidateFormat.github:
            for d in fresh:
                loc = d.location
                props = [f"file={_gh_escape(loc.file or f, True)}"]
                if loc.line:
                    props.append(f"line={loc.line}")
                if loc.col:
                    props.append(f"col={loc.col}")
                msg = (f"{loc.path}: " if loc.path else "") + d.message.render(lg)
                if d.hint:
                    msg += "\n" + d.hint.render(lg)
                out.print(visible(f"::{d.severity} {','.join(props)}::{_gh_escape(msg)}"), markup=False,
                          soft_wrap=True)
    if fmt == ValidateFormat.json:
        import json

        payload = {
            "valid": n_err == 0,
            "errors": n_err,
            "warnings": n_warn,
            "files": [
                {"path": r["path"], "valid": r["valid"],
                 "diagnostics": [_diag_json(d, lg) for d in r["diagnostics"]]}
                for r in report
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    elif fmt == ValidateFormat.text:
        key = "cli.validate_summary_ok" if n_err == 0 else "cli.validate_summary_bad"
        err.print(t(key, lg, files=len(files), errors=n_err, warnings=n_warn), markup=False)
    raise typer.Exit(EXIT_OK if n_err == 0 else EXIT_PROBLEMS)


def _diag_json(d: Diagnostic, lang: Lang) -> dict[str, Any]:
    loc = d.location
    return {
        "severity": d.severity, "file": loc.file, "line": loc.line, "column": loc.col, "path": loc.path,
        "message": d.message.render(lang), "hint": d.hint.render(lang) if d.hint else None,
        "code": d.message.key,
    }


# ---------------------------------------------------------------- schema


class SchemaKind(StrEnum):
    config = "config"
    table = "table"
    targets = "targets"
    catalog = "catalog"
    scores = "scores"


def schema_for(kind: SchemaKind) -> dict[str, Any]:
    from campuseval.config.schema import config_schema, table_schema, targets_schema

    if kind == SchemaKind.table:
        return table_schema()
    if kind == SchemaKind.targets:
        return targets_schema()
    if kind == SchemaKind.catalog:
        from campuseval.config.catalog import Catalog
        from campuseval.config.schema import model_schema

        return model_schema(Catalog, "campuseval indicator catalog",
                            "A catalog of indicators that tables and targets files can add by number.")
    if kind == SchemaKind.scores:
        from campuseval.export.results_json import scores_schema

        return scores_schema()
    return config_schema()


@command("schema", "输出 JSON Schema（draft-07）/ print the JSON Schema (draft-07)")
def schema_cmd(
    kind: Annotated[SchemaKind, typer.Argument(
        help="config（指标表或目标值文件）、table、targets、catalog 或 scores（scores.json）")] = SchemaKind.config,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="把全部 schema 写入此文件夹 / write every schema into this folder")] = None,
    lang: LangOpt = None,
) -> None:
    from campuseval.config.schema import dumps

    if out_dir is None:
        sys.stdout.write(dumps(schema_for(kind)))
        return
    from campuseval.export.atomic import write_text

    out_dir.mkdir(parents=True, exist_ok=True)
    for k in SchemaKind:
        write_text(out_dir / f"{k.value}.schema.json", dumps(schema_for(k)))
    err.print(t("cli.schema_written", _lang(lang), path=str(out_dir)), markup=False)


# ---------------------------------------------------------------- indicators


TableOpt = Annotated[str | None, typer.Option(
    "--table", help="指标表（默认：内置绍兴表）/ indicator table (default: the shipped Shaoxing table)")]
TargetsOpt = Annotated[str | None, typer.Option("--targets", help="目标值文件 / a locality's targets file")]


def load_effective(table: str | None, targets: str | None, lang: Lang) -> Any:
    """The effective table from --table/--targets; warnings are printed, errors raised."""
    import hashlib

    from campuseval.config import check_config
    from campuseval.config.load import resolve_user_path
    from campuseval.config.shipped import default_table_path
    from campuseval.errors import ConfigError, Location, UsageError, diag

    if targets is not None:
        res = check_config(targets)
        if res.effective is not None and table is not None:
            root = res.effective.sources[0]
            try:
                given = hashlib.sha256(resolve_user_path(table).read_bytes()).hexdigest()
            except OSError:
                given = ""
            if given != root.sha256:
                raise UsageError([diag(Location(file=targets), "cli.table_mismatch", "cli.table_mismatch.hint",
                                       table=table, extends=root.path)])
    else:
        res = check_config(table if table is not None else str(default_table_path()))
    if res.catalog is not None:
        raise UsageError([diag(Location(file=table or targets), "cli.is_catalog", "cli.is_catalog.hint")])
    if res.errors or res.effective is None:
        raise ConfigError(res.errors)
    print_diagnostics(res.warnings, lang)
    return res.effective


@command("indicators", "列出生效的指标表（含区县改动后的分值）/ list the effective table after a locality's changes")
def indicators_cmd(
    table: TableOpt = None,
    targets: TargetsOpt = None,
    catalog: Annotated[bool, typer.Option(
        "--catalog", help="列出国考指标目录 / list the national indicator catalog")] = False,
    lang: LangOpt = None,
) -> None:
    from campuseval.describe import subject_text
    from campuseval.formatting import target as target_text

    lg = _lang(lang)
    if catalog:
        _print_catalog(lg)
        return
    eff = load_effective(table, targets, lg)
    title = eff.table.name.get(lg)
    if eff.locality is not None:
        title += f" - {eff.locality.name.get(lg)}"
    grid = RichTable(title=escape(visible(title)), show_lines=False, header_style="bold")
    for key in ("code", "name", "part", "points", "effective", "direction", "subject", "target", "rule", "origin"):
        grid.add_column(t(f"cli.col.{key}", lg), overflow="fold", no_wrap=key in ("code", "points", "effective"),
                        min_width=12 if key == "name" else None)
    for ind in eff.indicators:
        spec = ind.spec
        target = target_text(spec.target, spec.scale)
        if ind.campus_targets:
            per_campus = ", ".join(f"{c}: {target_text(v, spec.scale)}" for c, v in ind.campus_targets.items())
            target += f" ({per_campus})"
        if spec.applies_to is not None:
            target += " [" + ", ".join(spec.applies_to) + "]"
        grid.add_row(  # names and ids are the user's text: never rich markup ([ids] would vanish)
            *(escape(visible(x)) for x in (spec.code, spec.name.get(lg), spec.part, num(spec.points),
                                            num(ind.points))),
            _ARROWS[spec.direction],
            eff.table.entity.get(lg) if spec.subject == "campus" else subject_text(spec.subject, lg), escape(target),
            t(f"rulename.{spec.rule.type}", lg),
            ", ".join(dict.fromkeys(t(f"change.{c.what}", lg) for c in ind.changes)),
        )
    out.print(grid)
    parts = "  ".join(f"{p.code} {p.name.get(lg)} {num(p.points)}" for p in eff.effective_parts())
    out.print(t("cli.parts_line", lg, parts=parts, total=num(eff.total_max)), markup=False)
    if eff.table.aggregation == "geometric":  # the total is no sum: say so where the parts are listed
        out.print(t("report.method.aggregation.geometric", lg, total=num(eff.total_max)), markup=False)
    for d in eff.dropped:
        out.print(t("cli.dropped_line", lg, code=d.code, name=d.name.get(lg), file=d.file), markup=False)


_ARROWS = {"higher": "↑", "lower": "↓", "monitor": "-"}


def _print_catalog(lang: Lang) -> None:
    from campuseval.config.catalog import national_catalog

    cat = national_catalog()
    grid = RichTable(title=f"{cat.name.get(lang)} ({cat.version})", header_style="bold")
    for key in ("no", "name", "category", "direction", "monitoring", "scale", "formula"):
        grid.add_column(t(f"cli.cat.{key}", lang), overflow="fold")
    for e in cat.entries:
        direction = "W" if e.qualitative else _ARROWS[e.direction] if e.direction != "monitor" else "M"
        grid.add_row(e.number, escape(e.name.get(lang)), e.category.get(lang) if e.category else "", direction,
                     "▲" if e.national_monitoring else "", t(f"scale.{e.scale}", lang), e.formula or "")
    out.print(grid)
    out.print(t("cli.cat.usage", lang), markup=False)


# ---------------------------------------------------------------- score


PerUnitOpt = Annotated[bool, typer.Option(
    "--per-unit", help="另为每个院区写出一份 HTML 和一份 xlsx（units/，一院区一单）/ also one HTML and one xlsx "
                       "per campus under units/")]


class LayoutChoice(StrEnum):
    auto = "auto"
    wide = "wide"
    long = "long"


def _timestamp(given: str | None) -> str:
    """--generated-at (ISO 8601), else SOURCE_DATE_EPOCH (reproducible builds), else now, to the second."""
    import datetime as dt

    from campuseval.clisafety import source_date_epoch
    from campuseval.errors import Location, UsageError, diag

    if given:
        try:
            dt.datetime.fromisoformat(given)
        except ValueError:
            raise UsageError([diag(Location(path="--generated-at"), "cli.bad_timestamp", "cli.bad_timestamp.hint",
                                   value=given)]) from None
        return given
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).isoformat(timespec="seconds")
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def print_summary(results: Any, lang: Lang, written: list[Path] | None = None) -> None:
    from campuseval.terminal import print_summary as summary

    summary(results, lang, out, err, written)


@command("score", "按指标表为院区评分并写出结果 / score the campuses and write the results")
def score_cmd(
    data: Annotated[list[str], typer.Argument(help="数据文件（.xlsx 或 .csv）/ data files (.xlsx or .csv)",
                                              show_default=False)],
    table: TableOpt = None,
    targets: TargetsOpt = None,
    year: Annotated[list[int] | None, typer.Option(
        "--year", help="评价年度（默认：数据中最近的年度）；可多次给出，评价多个年度并生成趋势 / year to score "
                       "(default: the latest in the data); repeat it to score several years with a trend")] = None,
    years: Annotated[str | None, typer.Option(
        "--years", help="连续多个年度，如 2020-2024，各年度按当年的目标值评分 / a range of years such as "
                        "2020-2024, each scored with the targets in force that year")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="结果文件夹 / output folder")] = Path("campuseval-results"),
    formats: Annotated[str, typer.Option(
        "--format", help="json,csv,xlsx,md,html,docx 中的若干项，逗号分隔 / comma-separated",
    )] = "json,csv,xlsx,md,html",
    layout: Annotated[LayoutChoice, typer.Option("--layout", help="数据格式：auto、wide 或 long")] = LayoutChoice.auto,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的结果文件 / overwrite earlier results")] = False,
    generated_at: Annotated[str | None, typer.Option(
        "--generated-at", help="报告时间戳（用于可重复输出）/ timestamp to print, for reproducible outputs")] = None,
    allow_incomplete: Annotated[bool, typer.Option(
        "--allow-incomplete", help="所需数据缺失时仍然评分，并在每份输出中注明数据不完整 / score even when needed "
                                   "data is absent, saying so on every output")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="任何警告都视为错误，不写出结果（用于流水线和 CI）/ treat every warning as an error and write "
                         "nothing (for pipelines and CI)")] = False,
    per_unit: PerUnitOpt = False,
    lang: LangOpt = None,
) -> None:
    from campuseval.data.read import read_data
    from campuseval.engine.score import score
    from campuseval.engine.series import score_years, years_to_run
    from campuseval.export.write import check_target, parse_formats, write_outputs
    from campuseval.runinfo import read_lines

    lg = _lang(lang)
    fmts = parse_formats(formats)
    stamp = _timestamp(generated_at)
    asked = years_to_run(year, years)
    check_target(out_dir, fmts, force)  # before the work, so a refusal costs nothing
    eff = load_effective(table, targets, lg)
    one = asked[0] if len(asked) == 1 else None
    from campuseval.progress import RunProgress

    with RunProgress(lg) as bar:  # on stderr, on a terminal only, after a couple of seconds
        bar.stage("progress.read")
        dataset = read_data(data, eff, year=one, layout=layout.value)
        bar.stage("progress.score")
        if len(asked) > 1:
            results = score_years(eff, dataset, asked, generated_at=stamp, allow_incomplete=allow_incomplete,
                                  strict=strict)
        else:
            results = score(eff, dataset, year=one, generated_at=stamp, allow_incomplete=allow_incomplete,
                            strict=strict)
    # The run's results are hundreds of thousands of objects that live until the process ends: out of the
    # cyclic collector's sight, every later collection (the writers make millions of small objects) would
    # walk them all again, which cost seconds on a national panel.
    import gc

    gc.freeze()
    seen: set[str] = set()  # every year carries the reading warnings: print them once
    for r in [*(results.series or []), results]:  # each year's warnings, oldest first
        fresh = [d for d in r.diagnostics if d.render("zh") not in seen]
        print_diagnostics(fresh, lg)  # reading and plausibility warnings, at their cells
        seen.update(d.render("zh") for d in r.diagnostics)
        for w in r.warnings:
            if w.zh not in seen:
                seen.add(w.zh)
                err.print(visible(t("severity.warning", lg) + t("cli.colon", lg) + getattr(w, lg)), markup=False,
                          style="yellow")
    # The files first: a reader of stdout that stops early (| head) must not cost the results.
    with RunProgress(lg) as bar:
        written = write_outputs(results, out_dir, fmts, lg, force=force, per_unit=per_unit, progress=bar.file)
    try:
        for line in read_lines(dataset, results, lg):  # file and sheet names are the user's: shown escaped
            err.print(visible(line), markup=False)
        print_summary(results, lg, written)
        if results.series:
            from campuseval.cli_series import print_trend

            print_trend(results, lg, out, err)
        from campuseval.cli_cycle import print_allocation

        print_allocation(results, lg)
        _print_written(written, lg)
    except KeyboardInterrupt:  # the files are in place and whole: saying "nothing written" would be false
        err.print(visible(t("cli.interrupted_written", lg, out=str(out_dir))), markup=False)
        raise typer.Exit(130) from None


def _print_written(written: list[Path], lang: Lang) -> None:
    units = [p for p in written if p.parent.name == "units"]
    main = [p for p in written if p.parent.name != "units"]  # not `p not in units`: 4,000 unit files
    err.print(t("out.written", lang, files=", ".join(str(p) for p in main)), markup=False)
    if units:
        err.print(t("out.written_units", lang, n=len(units), folder=str(units[0].parent)), markup=False)
    from campuseval.export.write import stale_unit_files

    stale = stale_unit_files(written)
    if stale:  # an earlier run's sheets beside this run's: one of them could be sent out by mistake
        err.print(visible(t("severity.warning", lang) + t("cli.colon", lang) + t(
            "out.stale_units", lang, n=len(stale), folder=str(stale[0].parent), first=stale[0].name)),
            markup=False, style="yellow")


@command("template", "生成数据填报模板（xlsx）/ write an input workbook to fill in")
def template_cmd(
    out_file: Annotated[Path, typer.Option("--out", help="模板文件 .xlsx / the workbook to write")],
    table: TableOpt = None,
    targets: TargetsOpt = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="预填的年度，可多次给出 / years to pre-fill")] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite an existing file")] = False,
    lang: LangOpt = None,
) -> None:
    from campuseval.data.template import write_template
    from campuseval.errors import Location, UsageError, diag
    from campuseval.export.atomic import write_with

    lg = _lang(lang)
    if out_file.suffix.lower() != ".xlsx":
        raise UsageError([diag(Location(file=str(out_file)), "cli.template_suffix")])
    if out_file.exists() and not force:
        raise UsageError([diag(Location(file=str(out_file)), "out.file_exists", "out.file_exists.hint")])
    eff = load_effective(table, targets, lg)
    from campuseval.export.write import refuse_inputs

    refuse_inputs([out_file], [src.path for src in eff.sources])  # never the table or targets it read
    write_with(out_file, lambda p: write_template(eff, p, years=year, lang=lg))
    err.print(t("tpl.written", lg, path=str(out_file)), markup=False)


@command("report", "由 scores.json 重新生成报告 / render reports again from a saved scores.json")
def report_cmd(
    scores: Annotated[Path, typer.Argument(help="scores.json", show_default=False)],
    out_dir: Annotated[Path | None, typer.Option("--out", help="报告文件夹（默认：scores.json 所在文件夹）")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="md,html（也可 json,csv,xlsx，用另一种语言重写）/ also json,csv,xlsx")] = "md,html",
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的报告 / overwrite earlier reports")] = False,
    per_unit: PerUnitOpt = False,
    lang: LangOpt = None,
) -> None:
    from campuseval.export import results_json
    from campuseval.export.write import parse_formats, write_outputs

    lg = _lang(lang)
    results = results_json.load(scores, str(scores))
    fmts = parse_formats(formats)
    from campuseval.progress import RunProgress

    with RunProgress(lg) as bar:
        written = write_outputs(results, out_dir or scores.parent, fmts, lg, force=force, per_unit=per_unit,
                                inputs=(scores,), progress=bar.file)
    _print_written(written, lg)


from campuseval import cli_cycle  # noqa: E402,F401  (registers compare, diff and sensitivity)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C before a command ran (while Python imported pandas, say)
        sys.stderr.write(t("cli.interrupted", default_lang()) + "\n")
        sys.exit(130)
    except BrokenPipeError:  # `campuseval indicators | head`: the reader left, nothing to report
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
        sys.exit(EXIT_PROBLEMS)


if __name__ == "__main__":  # pragma: no cover
    main()
