"""Commands of the yearly cycle (compare, diff, sensitivity) and the funding printout; thin wrappers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from campuseval.cli import LangOpt, RichTable, TableOpt, TargetsOpt, _lang, command, err, escape, load_effective, out
from campuseval.i18n import Lang, t


def print_allocation(results: Any, lang: Lang) -> None:
    """The funding table under the summary, when the targets file has an allocation block."""
    from campuseval.report.allocation import allocation_view

    view = allocation_view(results, lang)
    if view is None:
        return
    grid = RichTable(title=view.title, caption=view.method, header_style="bold")
    for n, h in enumerate(view.heads):
        grid.add_column(h, justify="left" if n == 1 else "right")
    for row in view.rows:
        grid.add_row(*map(escape, row))
    out.print(grid)
    out.print(view.total, markup=False)
    if view.note:
        out.print(view.note, markup=False, style="yellow")


# ---------------------------------------------------------------- compare

COMPARE_FORMATS = ("md", "html", "xlsx", "json")


def _settings(tables: list[str], targets: list[str]) -> list[tuple[str | None, str | None]]:
    """The two (table, targets) pairs compare scores under: two targets files, or two tables."""
    from campuseval.errors import Location, UsageError, diag

    if len(targets) == 2 and len(tables) <= 1:
        table = tables[0] if tables else None
        return [(table, targets[0]), (table, targets[1])]
    if len(tables) == 2 and not targets:
        return [(tables[0], None), (tables[1], None)]
    n = len(targets) if targets else len(tables)
    raise UsageError([diag(Location(path="--targets/--table"), "compare.need_two", "compare.need_two.hint", n=n)])


def _formats(text: str, choices: tuple[str, ...]) -> list[str]:
    from campuseval.errors import Location, UsageError, diag

    fmts = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in fmts:
        if f not in choices:
            raise UsageError([diag(Location(path="--format"), "out.bad_format", "out.bad_format.hint",
                                   hint_params={"choices": ", ".join(choices)}, fmt=f)])
    return list(dict.fromkeys(fmts))


def _write_files(out_dir: Path, files: dict[str, Callable[[Path], None]], force: bool, lang: Lang,
                 inputs: list[str]) -> None:
    """Write the files as a set (staged, then moved in; nothing half-written on failure or interrupt), refusing
    to overwrite earlier ones unless forced, and any file that was read (`inputs`) even when forced."""
    from campuseval.errors import Location, UsageError, diag
    from campuseval.export.atomic import interrupts_unwind
    from campuseval.export.write import _write_all, refuse_inputs

    refuse_inputs([out_dir / n for n in files], inputs)

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError([diag(Location(file=str(out_dir)), "out.not_dir", "out.not_dir.hint")])
    clash = [n for n in files if (out_dir / n).exists()]
    if clash and not force:
        raise UsageError([diag(Location(file=str(out_dir)), "compare.exists", "compare.exists.hint",
                               files=", ".join(clash))])
    with interrupts_unwind():
        written = _write_all(files, out_dir, list(files))
    err.print(t("compare.written", lang, files=", ".join(str(p) for p in written)), markup=False)


def _warn(dataset: Any, results: Any, lang: Lang, seen: set[str]) -> None:
    """Reading and scoring warnings as `score` prints them, each once however many settings are scored."""
    from campuseval.cli import print_diagnostics

    fresh = [d for d in dataset.warnings if d.render("zh") not in seen]
    print_diagnostics(fresh, lang)
    seen.update(d.render("zh") for d in dataset.warnings)
    for w in results.warnings:
        if w.zh not in seen:  # the engine repeats the reading warnings in its own list
            seen.add(w.zh)
            err.print(t("severity.warning", lang) + t("cli.colon", lang) + getattr(w, lang), markup=False,
                      style="yellow")


def _print_grid(title: str, heads: list[str], rows: list[list[str]], left: tuple[int, ...] = (0,)) -> None:
    grid = RichTable(title=title, header_style="bold")
    for n, h in enumerate(heads):
        grid.add_column(h, justify="left" if n in left else "right", overflow="fold")
    for row in rows:
        grid.add_row(*map(escape, row))
    out.print(grid)


@command("compare", "同一数据按两套目标值或指标表评分并对比 / score the same data under two settings and compare")
def compare_cmd(
    data: Annotated[list[str], typer.Argument(help="数据文件（.xlsx 或 .csv）/ data files", show_default=False)],
    table: Annotated[list[str] | None, typer.Option(
        "--table", help="指标表；给两次则对比两张表 / indicator table; give twice to compare two tables")] = None,
    targets: Annotated[list[str] | None, typer.Option(
        "--targets", help="目标值文件，给两次：A 与 B / targets file, given twice: A and B")] = None,
    year: Annotated[int | None, typer.Option(
        "--year", help="评价年度（默认：数据中最近的年度）/ year to score")] = None,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="写出对比文件的文件夹（不给则只在终端显示）/ folder for the comparison files")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="md,html,xlsx,json 中的若干项，逗号分隔 / comma-separated")] = "md,html,xlsx",
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite earlier files")] = False,
    lang: LangOpt = None,
) -> None:
    from campuseval.compare import compare
    from campuseval.data.read import read_data
    from campuseval.engine.score import score
    from campuseval.report.compare_view import (
        campus_table,
        move_table,
        render_comparison,
        write_comparison_xlsx,
    )

    lg = _lang(lang)
    pairs = _settings(table or [], targets or [])
    fmts = _formats(formats, COMPARE_FORMATS) if out_dir is not None else []
    results = []
    seen: set[str] = set()
    for tb, tg in pairs:
        eff = load_effective(tb, tg, lg)
        dataset = read_data(data, eff, year=year)
        results.append(score(eff, dataset, year=year, previous=False))  # compare uses this year only
        _warn(dataset, results[-1], lg, seen)
    labels = [tg or tb or "" for tb, tg in pairs]
    cmp = compare(results[0], results[1], labels[0], labels[1])
    _print_grid(t("compare.title", lg, year=cmp.year) + f"\nA: {labels[0]}  B: {labels[1]}", *campus_table(cmp, lg))
    heads, rows = move_table(cmp, lg)
    if rows:
        _print_grid(t("compare.sec.moves", lg), heads, rows, left=(0, 1, 5))
    else:
        out.print(t("compare.no_moves", lg), markup=False)
    if out_dir is None:
        return
    def writer(fmt: str) -> Callable[[Path], None]:
        def write(p: Path) -> None:
            if fmt == "xlsx":
                write_comparison_xlsx(p, cmp, lg)
            else:
                p.write_bytes((cmp.dumps() if fmt == "json" else render_comparison(cmp, fmt, lg)).encode("utf-8"))

        return write

    writers = {f"compare.{f}": writer(f) for f in fmts}
    read = [f.path for r in results for f in [*r.data_files, *r.config_files]]
    _write_files(out_dir, writers, force, lg, read)


# ---------------------------------------------------------------- sensitivity

SENS_FORMATS = ("json", "md", "html")


@command("sensitivity", "名次稳健性：随机改变权重和目标值，并逐一删除指标 / rank robustness under changed weights, "
                        "targets and dropped indicators")
def sensitivity_cmd(
    data: Annotated[list[str], typer.Argument(help="数据文件（.xlsx 或 .csv）/ data files", show_default=False)],
    table: TableOpt = None,
    targets: TargetsOpt = None,
    year: Annotated[int | None, typer.Option(
        "--year", help="评价年度（默认：数据中最近的年度）/ year to score")] = None,
    runs: Annotated[int, typer.Option("--runs", help="模拟次数 / number of random runs")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="随机种子，相同种子结果相同 / random seed (same seed, "
                                                     "same result)")] = 1,
    weights: Annotated[float, typer.Option(
        "--weights", help="部分权重变动幅度，0.2 即 ±20% / part-weight variation")] = 0.20,
    indicator_weights: Annotated[float, typer.Option(
        "--indicator-weights", help="指标权重变动幅度 / indicator-weight variation")] = 0.20,
    targets_variation: Annotated[float, typer.Option(
        "--targets-variation", help="目标值变动幅度，0.1 即 ±10% / target variation")] = 0.10,
    out_dir: Annotated[Path | None, typer.Option(
        "--out", help="写出分析文件的文件夹（不给则只在终端显示）/ folder for the analysis files")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="json,md,html 中的若干项，逗号分隔 / comma-separated")] = "json,md,html",
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件 / overwrite earlier files")] = False,
    lang: LangOpt = None,
) -> None:
    from campuseval.data.read import read_data
    from campuseval.report.sensitivity_view import (
        SVG_FILE,
        drop_table,
        interval_chart,
        render_sensitivity,
        robustness_table,
        settings_line,
    )
    from campuseval.sensitivity import Variation, analyse, check_settings

    lg = _lang(lang)
    variation = Variation(weights, indicator_weights, targets_variation)
    check_settings(runs, variation)  # before reading anything
    fmts = _formats(formats, SENS_FORMATS) if out_dir is not None else []
    eff = load_effective(table, targets, lg)
    dataset = read_data(data, eff, year=year)
    from campuseval.engine.score import score

    _warn(dataset, score(eff, dataset, year=year), lg, set())  # the plain scoring's warnings hold for every run
    result = analyse(eff, dataset, year=year, runs=runs, seed=seed, variation=variation)
    _print_grid(t("sens.title", lg, year=result.year), *robustness_table(result, lg))
    err.print(settings_line(result, lg), markup=False)
    if any(c.low is not None and (c.low != c.p5 or c.high != c.p95) for c in result.campuses):
        err.print(t("sens.widened", lg), markup=False)
    heads, rows = drop_table(result, lg)
    if rows:
        _print_grid(t("sens.sec.drop", lg), heads, rows)
    if out_dir is None:
        return

    def writer(fmt: str) -> Callable[[Path], None]:
        def write(p: Path) -> None:
            if fmt == "json":
                text = result.dumps()
            elif fmt == "svg":
                text = str(interval_chart(result, lg)).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
            else:
                text = render_sensitivity(result, fmt, lg)
            p.write_bytes(text.encode("utf-8"))

        return write

    files = {f"sensitivity.{f}": writer(f) for f in fmts}
    if "md" in fmts:
        files[SVG_FILE] = writer("svg")  # the Markdown page shows the chart from this file
    read = [f.path for f in dataset.files] + [s.path for s in eff.sources]
    _write_files(out_dir, files, force, lg, read)


# ---------------------------------------------------------------- diff


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@command("diff", "列出两个生效指标表的差异（含文件与行号）/ list how two effective tables differ, with file:line")
def diff_cmd(
    a: Annotated[str, typer.Argument(help="原指标表或目标值文件 / the table or targets file before",
                                     show_default=False)],
    b: Annotated[str, typer.Argument(help="新指标表或目标值文件 / the table or targets file after",
                                     show_default=False)],
    fmt: Annotated[DiffFormat, typer.Option(
        "--format", help="text、json 或 github（GitHub Actions 注释）/ text, json or github annotations")
    ] = DiffFormat.text,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="有差异时退出码为 1（同 git diff --exit-code）/ exit 1 when they differ")] = False,
    lang: LangOpt = None,
) -> None:
    import json

    from campuseval.cli import _gh_escape
    from campuseval.config.yamlsource import parse_once
    from campuseval.tablediff import diff_tables

    lg = _lang(lang)
    with parse_once():  # each file once, though both sides share a table and the diff reads them again
        changes = diff_tables(load_effective(a, None, lg), load_effective(b, None, lg))
    if fmt == DiffFormat.json:
        payload = {"a": a, "b": b, "changes": [
            {"code": c.key, "indicator": c.code, "message": c.render(lg), "file": c.location.file,
             "line": c.location.line, "column": c.location.col, "path": c.location.path} for c in changes]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    for c in changes:
        loc = c.location
        if fmt == DiffFormat.text:
            out.print(f"{loc.render(lg)}: {c.render(lg)}", markup=False, soft_wrap=True)
        elif fmt == DiffFormat.github:
            props = [f"file={_gh_escape(loc.file or b, True)}"]
            if loc.line:
                props.append(f"line={loc.line}")
            if loc.col:
                props.append(f"col={loc.col}")
            props.append(f"title={_gh_escape('campuseval diff', True)}")
            out.print(f"::notice {','.join(props)}::{_gh_escape(c.render(lg))}", markup=False, soft_wrap=True)
    key = "diff.summary" if changes else "diff.none"
    err.print(t(key, lg, a=a, b=b, n=len(changes)), markup=False)
    raise typer.Exit(1 if exit_code and changes else 0)
