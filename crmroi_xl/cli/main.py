"""The ``crmroi`` command: a thin layer over the Python API.

Each command parses its options, calls one public function and prints. Errors
of the toolkit and of the system (a folder that cannot be written) become one
line on stderr and exit code 1; usage errors exit 2; Ctrl-C exits 130. An
unexpected error is one line too, unless ``CRMROI_DEBUG`` is set.

A command imports what it needs when it runs: ``crmroi --help`` loads no
pydantic, ``crmroi compute`` no workbook writer.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from ..errors import CrmRoiError

if TYPE_CHECKING:
    from ..engine.results import Results
    from ..scenario.model import Scenario

__all__ = ["INTERRUPTED", "app", "main"]

#: crmroi_xl.batch.run.MAX_ROWS, typed here so --help imports no batch machinery (a test
#: checks they agree).
_MAX_ROWS = 10_000

#: Exit code after Ctrl-C (128 + SIGINT, the shell's convention).
INTERRUPTED = 130

app = typer.Typer(
    name="crmroi",
    help="What a CRM really returns: ROI, NPV, IRR, payback, CLV, CAC.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no type column ("<bool>" beside --help)
)


def _version(shown: bool) -> None:
    if shown:
        from .. import __version__

        typer.echo(f"crmroi {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", is_eager=True, callback=_version
        ),
    ] = False,
) -> None:
    """What a CRM really returns: ROI, NPV, IRR, payback, CLV, CAC."""


ScenarioPath = Annotated[
    Path,
    typer.Argument(help="Scenario file (JSON or YAML) or a filled workbook.", show_default=False),
]
OptionOption = Annotated[
    str | None,
    typer.Option(
        "--option",
        help="With a scenario that compares options: this option alone (its name).",
        show_default=False,
    ),
]
LangOption = Annotated[
    Literal["fr", "en"] | None,
    typer.Option("--lang", help="Language of the output: fr or en (default: the scenario's)."),
]


@app.command("compute")
def compute_command(
    scenario: ScenarioPath,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the results as JSON (null where undefined).")
    ] = False,
    lang: LangOption = None,
    option: OptionOption = None,
) -> None:
    """Compute a scenario's results and print them, without writing a workbook.

    A scenario with options prints them side by side, then the best option's details
    (--option NAME: that option alone).
    """
    from ..engine.compute import compute
    from ..io.loader import load_scenario

    warnings: list[str] = []
    loaded = _one_option(load_scenario(scenario, lang=lang, warnings=warnings), option)
    if loaded.options:
        _compare(loaded, as_json, lang, warnings)
        return
    results = compute(loaded)
    _warn(warnings)
    shown = lang or loaded.assumptions.language
    quantiles, targets = _simulated(loaded, results, shown)
    if as_json:
        data = _results_json(results)
        sensitivity = data["sensitivity"]
        sensitivity["cases"].update(quantiles)  # type: ignore[index]
        if targets:
            sensitivity["targets"] = targets  # type: ignore[index]
        typer.echo(_json(data | ({"warnings": warnings} if warnings else {})))
    else:
        _print_report(results, shown, quantiles, targets)


def _simulated(
    scenario: Scenario, results: Results, lang: Literal["fr", "en"]
) -> tuple[dict[str, dict[str, object]], dict[str, dict[str, object]]]:
    """The P10 and P90 cases of the workbook's simulation (``workbook_runs``, capped as the
    workbook lays them out: ``laid_out_runs``), and the
    chances of reaching the targets (``assumptions.targets``), labelled; none for a
    scenario without a range."""
    from ..engine.montecarlo import simulate
    from ..excel.live import laid_out_runs
    from ..excel.simulated import simulated
    from ..scenario.labels import label

    if not simulated(scenario):
        return {}, {}
    sim = simulate(scenario, runs=laid_out_runs(scenario), results=results)
    quantiles: dict[str, dict[str, object]] = {
        key: {
            **sim.quantile_case(key),
            "label": label(f"case_{key}", lang),
            "means": label(f"case_{key}_means", lang),
        }
        for key in ("p10", "p90")
    }
    if not sim.targets:  # the report's module loads rich's console: only with targets
        return quantiles, {}
    from .report import target_chances

    means = label("targets_means", lang)
    chances = target_chances(sim, lang).items()
    return quantiles, {k: {**v, "runs": sim.runs, "means": means} for k, v in chances}


def _one_option(loaded: Scenario, option: str | None) -> Scenario:
    """The scenario, or the business case of one of its options (``--option``)."""
    if option is None:
        return loaded
    from ..engine.options import option_scenario

    return option_scenario(loaded, option)


def _compare(loaded: Scenario, as_json: bool, lang: str | None, warnings: list[str]) -> None:
    """The options of a scenario side by side (``compute`` on a choice)."""
    from ..engine.options import compare
    from .options_report import comparison_json, render_comparison
    from .report import console

    comparison = compare(loaded)
    _warn(warnings)
    if as_json:
        data = comparison_json(comparison, _results_json)
        typer.echo(_json(data | ({"warnings": warnings} if warnings else {})))
    else:
        language: Literal["fr", "en"] = (
            "en" if (lang or loaded.assumptions.language) == "en" else "fr"
        )
        console().print(render_comparison(comparison, language))


def _warn(warnings: list[str]) -> None:
    """Each warning on standard error, one line each, prefixed as the errors are."""
    for line in warnings:
        typer.echo(f"crmroi: warning: {line}", err=True)


def _print_report(
    results: Results,
    lang: Literal["fr", "en"],
    quantiles: dict[str, dict[str, object]] | None = None,
    targets: dict[str, dict[str, object]] | None = None,
) -> None:
    from .report import console, render

    console().print(render(results, lang, quantiles, targets))


def _json(data: object) -> str:
    """JSON text; a value that is not a finite number can never be printed (the
    engine gives none: inputs are bounded, see MAX_AMOUNT)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def _results_json(results: Results) -> dict[str, object]:
    """The results with the public headline keys first (:data:`JSON_FIRST`: roi, roas,
    npv, irr, payback, clv, cac), then every other headline result, then the rest."""
    from ..engine.results import FINANCE_KEYS, JSON_FIRST
    from ..excel.headline import HEADLINES

    data = results.model_dump(mode="json")
    shown = results.shown_finance_keys()
    data = {k: v for k, v in data.items() if k not in FINANCE_KEYS or k in shown}
    first = {key: data.pop(key) for key in JSON_FIRST}
    for h in HEADLINES:  # then the other headline results, in their order
        if h.shown and h.key not in first:
            first[h.key] = data.pop(h.key) if h.key in data else h.evaluate(results)[0]
    return first | data


@app.command("simulate")
def simulate_command(
    scenario: ScenarioPath,
    runs: Annotated[
        int | None,
        typer.Option(
            "--runs",
            help="Runs, 100 to 1 000 000 (default: the scenario's simulation_runs, 10 000).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Seed of the random numbers, 0 to 2^32 - 1 "
            "(default: the scenario's simulation_seed, 0).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON (null where undefined).")
    ] = False,
    lang: LangOption = None,
    option: OptionOption = None,
) -> None:
    """Monte Carlo over the lines' low/high ranges: NPV, ROI and payback percentiles.

    The same scenario, runs and seed print the same output. A scenario with options:
    give --option NAME.
    """
    from ..engine.montecarlo import simulate
    from ..io.loader import load_scenario

    loaded = _one_option(load_scenario(scenario, lang=lang), option)
    result = simulate(loaded, runs=runs, seed=seed)  # runs, seed out of bounds: one line, exit 1
    if as_json:
        typer.echo(_json(result.summary()))
    else:
        from .report import console, render_simulation

        console().print(render_simulation(result, lang or loaded.assumptions.language))


@app.command("read")
def read_command(
    workbook: Annotated[
        Path, typer.Argument(help="A filled crmroi-xl workbook (.xlsx).", show_default=False)
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help='Print {"scenario": ..., "results": ...} as JSON.')
    ] = False,
    lang: LangOption = None,
) -> None:
    """Read a filled workbook back: its scenario (inputs only) and recomputed results."""
    from ..engine.compute import compute
    from ..excel.reader import read_workbook

    warnings: list[str] = []
    scenario = read_workbook(_xlsx(workbook), warnings=warnings)
    results = compute(scenario)
    _warn(warnings)
    if as_json:
        data = {"scenario": scenario.model_dump(mode="json"), "results": _results_json(results)}
        typer.echo(_json(data | ({"warnings": warnings} if warnings else {})))
    else:
        _print_report(results, lang or scenario.assumptions.language)


OutputOption = Annotated[Path, typer.Option("--output", "-o", help="Workbook to write (.xlsx).")]


@app.command("export")
def export_command(
    scenario: ScenarioPath,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Workbook to write (.xlsx); an existing file is replaced.",
            show_default=False,
        ),
    ],
    lang: LangOption = None,
    option: OptionOption = None,
) -> None:
    """Write a standalone workbook of a scenario (native Excel formulas, no Python needed).

    An existing OUT.xlsx is replaced, unless it is the scenario itself. A scenario with
    options: one workbook holds them all (In_Option switches it, the best option shown);
    --option NAME exports that option's business case alone.
    """
    from ..excel.fast import export_workbook
    from ..excel.files import same_file
    from ..io.loader import load_scenario

    if same_file(scenario, output):
        raise CrmRoiError(
            f"{output}: is the input workbook: writing there would replace it; "
            "give -o another file name"
        )
    loaded = _one_option(load_scenario(scenario, lang=lang), option)
    written = export_workbook(loaded, _xlsx(output), lang=lang)
    typer.echo(f"{written}")


cache_app = typer.Typer(
    help="The built kinds of workbook kept on disk (each kind is built once per machine).",
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear_command() -> None:
    """Remove every built kind of workbook from the disk cache (the next export builds
    them again)."""
    from ..engine.diskcache import cache_dir, clear

    removed = clear()
    typer.echo(f"{removed} file(s) removed from {cache_dir() or 'no cache (CRMROI_CACHE_DIR=off)'}")


@cache_app.command("dir")
def cache_dir_command() -> None:
    """Print the cache folder (CRMROI_CACHE_DIR, else XDG_CACHE_HOME/crmroi-xl)."""
    from ..engine.diskcache import cache_dir

    typer.echo(f"{cache_dir() or 'off'}")


@app.command("template")
def template_command(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Workbook to write (default: crmroi-template-LANG.xlsx)."
        ),
    ] = None,
    lang: Annotated[Literal["fr", "en"], typer.Option("--lang", help="fr or en.")] = "fr",
    native: Annotated[
        bool,
        typer.Option(
            "--native",
            help="The blank workbook instead: native formulas, no CRM_* function "
            "(default: crmroi-blank-LANG.xlsx).",
        ),
    ] = False,
    options: Annotated[
        bool,
        typer.Option(
            "--options",
            help="The template of a choice between options (vendors, the status quo): "
            "Option column, options block, In_Option, Comparison sheet "
            "(default: crmroi-template-options-LANG.xlsx).",
        ),
    ] = False,
) -> None:
    """Write the empty template whose results call the CRM_* Excel functions of udfs.py
    (with --native, the blank workbook that needs no Python; with --options, the
    template of a choice between options)."""
    from ..excel.workbook import write_template

    kind = f"{'blank' if native else 'template'}{'-options' if options else ''}"
    path = output or Path(f"crmroi-{kind}-{lang}.xlsx")
    typer.echo(f"{write_template(_xlsx(path), lang=lang, native=native, options=options)}")


@app.command("demo")
def demo_command(
    output: OutputOption = Path("demo.xlsx"),
    lang: LangOption = None,
) -> None:
    """Write the demo workbook (a 20-seat SME) and print its results."""
    from ..engine.compute import compute
    from ..excel.fast import export_workbook
    from ..io.loader import DEMO_SCENARIO, load_scenario

    scenario = load_scenario(DEMO_SCENARIO)
    language = lang or scenario.assumptions.language
    written = export_workbook(scenario, _xlsx(output), lang=language)
    _print_report(compute(scenario), language)
    typer.echo(f"{written}")


def _xlsx(path: Path) -> Path:
    if path.suffix.lower() != ".xlsx":
        raise CrmRoiError(f"{path}: the workbook must end in .xlsx")
    return path


@app.command("schema")
def schema_command() -> None:
    """Print the JSON schema of the scenario format (docs/scenario.schema.json holds it)."""
    from ..scenario.schema import scenario_json_schema

    typer.echo(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))


@app.command("batch")
def batch_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="A JSON list, JSON Lines (.jsonl), a CSV or xlsx sheet with one scenario "
            "per row, or a folder of scenario files.",
            show_default=False,
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out-dir",
            help="Folder of the workbooks and the portfolio summary.",
            show_default=False,
        ),
    ],
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            min=1,
            help="Worker processes; never more than the processors available "
            "nor than the scenarios.",
        ),
    ] = 1,
    lang: LangOption = None,
    max_rows: Annotated[
        int,
        typer.Option(
            "--max-rows",
            min=0,
            help=f"The most scenarios the batch may hold (0: no limit); a bigger batch "
            f"is refused before anything is written.  [default: {_MAX_ROWS}]",
            show_default=False,
        ),
    ] = _MAX_ROWS,
) -> None:
    """Write one workbook per scenario and a portfolio summary (xlsx and csv)."""
    from rich.console import Console
    from rich.progress import MofNCompleteColumn, Progress

    from ..batch.run import batch_export

    console = Console(stderr=True)
    with Progress(
        *Progress.get_default_columns(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not (console.is_terminal and sys.stdout.isatty()),
    ) as bar:
        task = bar.add_task("crmroi batch", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = batch_export(
            source, out_dir, jobs=jobs, lang=lang, progress=progress, max_rows=max_rows or None
        )
    counts = f"{len(report.ok)} workbooks written, {len(report.failed)} failed"
    if report.summary_errors:  # then each scenario's outcome is printed here instead
        typer.echo(f"{counts}; the summary could not be written:")
        for entry in report.entries:
            typer.echo(f"{entry.where}: {entry.status}" + (f": {entry.file}" if entry.file else ""))
    else:
        also = [p.name for p in (report.summary_csv, report.summary_json) if p is not None]
        typer.echo(f"{counts}; summary: {report.summary_xlsx} and {', '.join(also)}")
    problems = [*report.messages(), *report.summary_errors]
    if problems:
        raise CrmRoiError("\n".join(problems))  # one line each on stderr, exit 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    # the command uses no pydantic plugin: spare every run the scan of installed packages
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        # typer turns Ctrl-C into an exit code of 130 that it returns, not raises
        code = app(args=argv, prog_name="crmroi", standalone_mode=False)
        if code == INTERRUPTED:
            raise KeyboardInterrupt
        if isinstance(code, int) and not isinstance(code, bool):
            return code
    except CrmRoiError as error:
        for line in error.message.splitlines():
            typer.echo(f"crmroi: error: {line}", err=True)
        return 1
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("crmroi: interrupted", err=True)
        return INTERRUPTED
    except OSError as error:  # a disk full, a folder that cannot be written...
        where = f"{error.filename}: " if error.filename else ""
        typer.echo(f"crmroi: error: {where}{error.strerror or error}", err=True)
        return 1
    except Exception as error:
        handled = _usage_error(error)  # usage errors raised by the parser
        if handled is not None:
            return handled
        if os.environ.get("CRMROI_DEBUG"):
            raise
        typer.echo(
            f"crmroi: internal error: {type(error).__name__}: {error} "
            "(set CRMROI_DEBUG=1 to see where)",
            err=True,
        )
        return 1
    return 0


def _usage_error(error: Exception) -> int | None:
    show = getattr(error, "show", None)
    code = getattr(error, "exit_code", None)
    if show is None or code is None:
        return None
    show(file=sys.stderr)
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
