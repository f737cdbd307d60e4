"""What applies to every command: `--version`, and a config file (`capture.toml` in the working
folder, or `--config FILE`) whose keys are the options' own names.

    # capture.toml
    store = "books/capture.db"      # top level: every command that has the option
    [run]
    ledger = "register.xlsx"
    out = "out"
    workers = 2
    [ledger.stats]                  # a command of a group: a table under the group's
    store = "books/capture.db"

An option given on the command line wins over the file; an environment variable (CAPTURE_STORE)
wins over the file too. A key no command has is an error (exit 2), so a typo is never ignored.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any

import typer

from capture.cli.app import app
from capture.cli.options import EXIT_USAGE, fail

CONFIG_NAME = "capture.toml"


def capture_version() -> str:
    try:
        return version("capture")
    except PackageNotFoundError:
        return "0+unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"capture {capture_version()}")
        raise typer.Exit(0)


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _option_names(command: Any) -> dict[str, str]:
    """The names a config key may use for each option of a command (--json-logs: json-logs and
    json_logs), mapped to the parameter's name."""
    names = {}
    for param in command.params:
        if param.param_type_name == "option" and param.name:
            names[param.name] = param.name
            names.update({flag.lstrip("-"): param.name for flag in param.opts if flag.startswith("--")})
    return names


def _commands(group: Any, context: Any) -> dict[str, Any]:
    return {name: group.get_command(context, name) for name in group.list_commands(context)}


def default_map(config: dict, group: Any, context: Any, where: str = "") -> dict:
    """click's default_map for `group` from the config: top-level keys for every command that has
    the option, a table per command (or group) for that one. UsageError on an unknown key."""
    from capture.errors import UsageError

    commands = _commands(group, context)
    tables = {k: v for k, v in config.items() if isinstance(v, dict)}
    shared = {k: v for k, v in config.items() if not isinstance(v, dict)}
    unknown = [f"{where}{k}" for k in tables if k not in commands]
    result: dict = {}
    for name, command in commands.items():
        own = tables.get(name, {})
        if _is_group(command):
            result[name] = default_map({**shared, **own}, command, context, f"{where}{name}.")
            continue
        names = _option_names(command)
        unknown += [f"{where}{name}.{k}" for k in own if k not in names]
        result[name] = {names[k]: v for k, v in {**shared, **own}.items() if k in names}
    if not where:
        known = _all_names(group, context)
        unknown += [k for k in shared if k not in known]
    if unknown:
        raise UsageError(f"配置文件中有未知的设置 (unknown settings in the config file: {', '.join(sorted(unknown))})")
    return result


def _all_names(group: Any, context: Any) -> set[str]:
    names: set[str] = set()
    for command in _commands(group, context).values():
        names |= _all_names(command, context) if _is_group(command) else set(_option_names(command))
    return names


def load_config(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        fail(f"无法读取配置文件 {path} (cannot read the config file: {error})", EXIT_USAGE)
    except tomllib.TOMLDecodeError as error:
        fail(f"配置文件 {path} 不是有效的 TOML (the config file is not valid TOML: {error})", EXIT_USAGE)


@app.callback()
def main_options(
    context: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help=f"A TOML file of option values (default: ./{CONFIG_NAME} when present).")] = None,
    show_version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Read invoices (发票) from files and folders into verified back-entry records."""
    from capture.errors import UsageError

    if config is not None and not config.is_file():
        fail(f"没有这个配置文件 {config} (no such config file)", EXIT_USAGE)
    path = config or (Path(CONFIG_NAME) if Path(CONFIG_NAME).is_file() else None)
    if path is None or context.resilient_parsing:
        return
    try:
        context.default_map = default_map(load_config(path), context.command, context)
    except UsageError as error:
        fail(f"{path}: {error}", EXIT_USAGE)
