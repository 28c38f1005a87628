"""Click's own words (usage errors, --help boilerplate) in Chinese when the language is zh."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click as click

from campuseval.i18n import Lang, default_lang

# Usage errors as the vendored click words them, and the Chinese for each; \1, \2 are the names.
_ERRORS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    (r"^Missing argument '(.+?)'\.$", r"缺少参数 \1。"),
    (r"^Missing option '(.+?)'\.$", r"缺少选项 \1。"),
    (r"^Missing command\.$", "缺少命令。"),
    (r"^No such command '(.+?)'\.$", r"没有命令“\1”。"),
    (r"^No such option: (\S+) \(Possible options: (.+)\)$", r"没有选项 \1（相近的选项：\2）。"),
    (r"^No such option: (\S+)$", r"没有选项 \1。"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"多余的参数：\1。"),
    (r"^Option '(.+?)' requires an argument\.$", r"选项 \1 需要一个值。"),
    (r"^Option '(.+?)' requires (\d+) arguments\.$", r"选项 \1 需要 \2 个值。"),
    (r"^Option '(.+?)' does not take a value\.$", r"选项 \1 不接受值。"),
    (r"^Invalid value for '(.+?)': Value error, '(.*)' is not one of (.+)\.$", r"\1 的值“\2”无效，可选：\3。"),
    (r"^Invalid value for '(.+?)': Input should be a valid integer.*$", r"\1 的值应为整数。"),
    (r"^Invalid value for '(.+?)': Input should be a valid number.*$", r"\1 的值应为数字。"),
    (r"^Invalid value for '(.+?)': (.+)$", r"\1 的值无效：\2"),
]]
# Lines of the --help text that click writes the same for every command.
_HELP = {
    "Usage: ": "用法：",
    "Usage:": "用法：",
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "Arguments:": "参数：",
    "Options:": "选项：",
    "Commands:": "命令：",
    "Show this message and exit.": "显示本帮助并退出。",
    "[required]": "[必填]",
    "[default: ": "[默认：",
}


def lang_of(args: Sequence[str]) -> Lang:
    """--lang from the command line (even before click parses it), else CAMPUSEVAL_LANG, else zh."""
    for n, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else (
            args[n + 1] if arg == "--lang" and n + 1 < len(args) else None)
        if value is not None:
            return "en" if value.strip().lower().startswith("en") else "zh"
    return default_lang()


def error_text(message: str) -> str:
    for pattern, repl in _ERRORS:
        if pattern.match(message):
            return pattern.sub(repl, message)
    return message


def help_text(text: str) -> str:
    for en, zh in _HELP.items():
        text = text.replace(en, zh)
    return text


def _show(exc: click.exceptions.ClickException) -> None:
    """A usage error in Chinese: usage line, the error, and where to find help."""
    ctx = getattr(exc, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(help_text(ctx.get_usage()))
        option = ctx.help_option_names[0] if ctx.help_option_names else "--help"
        lines.append(f"运行“{ctx.command_path} {option}”查看帮助。")
        lines.append("")
    lines.append("错误：" + error_text(exc.format_message()))
    print("\n".join(lines), file=sys.stderr)


class ZhGroup(typer.core.TyperGroup):
    """The command group: in zh, click's usage errors and help boilerplate come out in Chinese."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        global _ARGS
        argv = list(args) if args is not None else sys.argv[1:]
        before, _ARGS = _ARGS, argv
        try:
            if not standalone_mode or lang_of(argv) != "zh":
                return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
            try:
                rv = super().main(argv, prog_name, complete_var, False, **extra)
            except click.exceptions.NoArgsIsHelpError as exc:
                print(help_text(exc.format_message()), file=sys.stderr)
                sys.exit(exc.exit_code)
            except click.exceptions.ClickException as exc:
                _show(exc)
                sys.exit(exc.exit_code)
            except typer.Abort:
                print("已中止。", file=sys.stderr)
                sys.exit(1)
            sys.exit(rv if isinstance(rv, int) else 0)
        finally:
            _ARGS = before

    def get_help(self, ctx: Any) -> str:
        return _usage(super().get_help(ctx))

    def get_help_option(self, ctx: Any) -> Any:
        return _help_flag(super().get_help_option(ctx))

    def get_usage(self, ctx: Any) -> str:
        return _usage(super().get_usage(ctx))


_ARGS: list[str] | None = None  # the arguments of the run in progress (CliRunner passes its own)


class ZhHelp:
    """Mixed into each command: its --help in Chinese when the language is zh."""

    def get_help(self, ctx: Any) -> str:
        text = super().get_help(ctx)  # type: ignore[misc]
        return help_text(text) if _lang_now() == "zh" else text

    def get_help_option(self, ctx: Any) -> Any:
        return _help_flag(super().get_help_option(ctx))  # type: ignore[misc]


def _help_flag(option: Any) -> Any:
    """The --help flag, False when not given: typer checks a bool as it is, but builds a pydantic adapter to
    check None, which would import pydantic for `campuseval validate --help`."""
    if option is not None and option.default is None:
        option.default = False
    return option


def _lang_now() -> Lang:
    return lang_of(_ARGS if _ARGS is not None else sys.argv[1:])


def _usage(text: str) -> str:
    return help_text(text) if _lang_now() == "zh" else text
