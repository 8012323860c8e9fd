"""Documentation that runs: every `crmroi` command in the README works as shown."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from crmroi_xl.cli.main import main

README = Path("README.md").read_text(encoding="utf-8")
CONSOLE_BLOCKS = re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL)
COMMANDS = [
    line[2:]
    for block in CONSOLE_BLOCKS
    for line in block.splitlines()
    if line.startswith("$ crmroi ")
]


def test_the_readme_shows_commands() -> None:
    assert len(COMMANDS) >= 4


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all the README's commands, run in order (a later one may read
    what an earlier one wrote), with the examples beside them."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree("examples", folder / "examples")
    return folder


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(
    command: str,
    capsys: pytest.CaptureFixture[str],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(workdir)
    assert main(shlex.split(command)[1:]) == 0
    assert capsys.readouterr().out


def test_quick_start_is_exactly_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == [
        "bash scripts/demo.sh",
        "bash scripts/test.sh",
    ]
    assert "bash scripts/test.sh" in Path(".ci/run").read_text(encoding="utf-8")


def test_the_scenario_example_in_the_readme_is_valid(tmp_path: Path) -> None:
    from crmroi_xl import compute, load_scenario

    yaml_block = re.search(r"```yaml\n(.*?)```", README, flags=re.DOTALL)
    assert yaml_block is not None
    path = tmp_path / "readme.yaml"
    path.write_text(yaml_block.group(1), encoding="utf-8")
    results = compute(load_scenario(path))
    assert results.costs[:3] == [8_000, 12_000, 15_000]  # the phase-2 module from year 2
    assert results.benefits[3] == pytest.approx(64_800)  # 60 000 + 200 x 3 points x 2 000 x 40 %


def test_the_architecture_page_names_only_files_that_exist() -> None:
    page = Path("docs/architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w./-]+\.(?:py|md))`", page))
    assert len(named) > 20
    assert [name for name in named if not Path(name).exists()] == []
    folders = re.findall(r"`([\w./-]+/)`", page)
    modules = {str(p) for p in Path("crmroi_xl").rglob("*.py") if p.name != "__init__.py"}
    unmapped = [m for m in modules - named if not any(m.startswith(f) for f in folders)]
    assert sorted(unmapped) == []  # and every module is on the map


def test_the_results_page_is_the_headline_records() -> None:
    from crmroi_xl.excel.headline import reference_markdown

    page = Path("docs/results.md").read_text(encoding="utf-8")
    assert reference_markdown() in page, "regenerate docs/results.md from headline.py"
