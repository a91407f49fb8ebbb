"""The pre-commit hook, the sample pre-commit config and the GitHub workflow in, checks out: they are valid
YAML and run our real commands (the hook's entry is run on a test project)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, MakeProject

HOOKS = REPO / ".pre-commit-hooks.yaml"
SAMPLE = REPO / ".pre-commit-config.yaml"
WORKFLOW = REPO / ".github" / "workflows" / "handbook.yml"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
ON_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
# events whose runs get the repository's secrets and a writable token while running a pull request's code
PRIVILEGED_EVENTS = {"pull_request_target", "workflow_run"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def hook() -> dict[str, Any]:
    hooks = load(HOOKS)
    assert isinstance(hooks, list)
    found = [h for h in hooks if h.get("id") == "skillbook-validate"]
    assert len(found) == 1
    return found[0]


def workflow() -> dict[str, Any]:
    data = load(WORKFLOW)
    assert isinstance(data, dict)
    return data


def steps(job: str) -> list[dict[str, Any]]:
    found = workflow()["jobs"][job]["steps"]
    assert isinstance(found, list)
    return found


def runs(job: str) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps(job))


def step_using(job: str, action: str) -> dict[str, Any]:
    found = [s for s in steps(job) if str(s.get("uses", "")).startswith(f"{action}@")]
    assert len(found) == 1, f"{job} should use {action} once"
    return found[0]


def test_all_three_files_are_valid_yaml() -> None:
    for path in (HOOKS, SAMPLE, WORKFLOW):
        assert load(path), path


def test_hook_declares_skillbook_validate() -> None:
    entry = hook()
    assert entry["name"] and entry["entry"] == "skillbook validate"
    assert entry["language"] == "python"
    assert entry["pass_filenames"] is False
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert shlex.split(entry["entry"])[0] in scripts  # pre-commit installs this package and runs its command


@pytest.mark.parametrize(("path", "matches"), [
    ("content/skills/mindfulness/observe.md", True), ("content/homework/diary-card.md", True),
    ("content/index.md", True), ("schemas/skill.yml", True), ("schemas/vocabulary.yml", True),
    ("_config.yml", True), ("_toc.yml", True),
    ("README.md", False), ("src/skillbook/cli.py", False), ("tests/test_cli.py", False),
    ("docs/_config.yml", False), ("_config.yml.bak", False), ("build/site/index.html", False),
])
def test_hook_runs_for_content_and_configuration_changes(path: str, matches: bool) -> None:
    # pre-commit matches `files` with Python's re.search
    assert bool(re.search(hook()["files"], path)) is matches


def run_entry(root: Path) -> subprocess.CompletedProcess[str]:
    """The hook's entry as pre-commit runs it: in the repository root, with no file names."""
    command, *args = shlex.split(hook()["entry"])
    assert command == "skillbook"
    environment = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([sys.executable, "-P", "-m", "skillbook", *args], cwd=root, capture_output=True, text=True,
                          env=environment, timeout=120)


def test_hook_entry_passes_on_a_valid_project(make_project: MakeProject) -> None:
    result = run_entry(make_project())
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_entry_stops_a_commit_with_content_errors(make_project: MakeProject) -> None:
    root = make_project()
    skill = root / "content" / "skills" / "test-module" / "sample-skill.md"
    skill.write_text(skill.read_text(encoding="utf-8").replace("level: core", "level: expert"), encoding="utf-8")
    result = run_entry(root)
    assert result.returncode == 1
    assert "sample-skill.md" in result.stdout and "level" in result.stdout


def test_sample_config_uses_the_hook_with_placeholders() -> None:
    config = load(SAMPLE)
    (repo,) = config["repos"]
    assert [h["id"] for h in repo["hooks"]] == ["skillbook-validate"]
    text = SAMPLE.read_text(encoding="utf-8")
    assert repo["repo"] == "https://github.com/your-org/skillbook"
    assert "PLACEHOLDER" in text and "rev" in repo


def test_workflow_runs_on_push_and_pull_request() -> None:
    data = workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    assert data["permissions"] == {"contents": "read"}


def test_workflow_validates_tests_and_builds() -> None:
    commands = runs("build")
    order = [commands.index(c) for c in ("npm ci", "skillbook validate", "python3 -P -m pytest", "skillbook build")]
    assert order == sorted(order)
    assert 'pip install -e ".[test]"' in commands
    assert "chromium fonts-dejavu-core" in commands
    assert "SOURCE_DATE_EPOCH" in commands and "git log -1 --format=%ct" in commands
    assert step_using("build", "actions/setup-python")["with"]["python-version"] == "3.11"
    assert step_using("build", "actions/checkout")["uses"] == "actions/checkout@v4"
    assert step_using("build", "actions/setup-node")["uses"] == "actions/setup-node@v4"


def test_workflow_publishes_build_site_from_main_only() -> None:
    upload = step_using("build", "actions/upload-pages-artifact")
    assert upload["uses"] == "actions/upload-pages-artifact@v3"
    assert upload["with"]["path"] == "build/site"
    assert upload["if"] == ON_MAIN
    deploy = workflow()["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == ON_MAIN
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["group"] == "pages"
    assert step_using("deploy", "actions/deploy-pages")["uses"] == "actions/deploy-pages@v4"
    # nothing else in the workflow deploys
    assert all("deploy-pages" not in str(s.get("uses", "")) for s in steps("build"))


# ----------------------------------------------------------------- CI that cannot leak (issue 27)


def triggers(data: dict[Any, Any]) -> set[str]:
    found = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    if isinstance(found, str):
        return {found}
    return set(found or ())


def push_only(job: dict[str, Any]) -> bool:
    """Whether a job's own condition keeps it off pull requests (`event_name == 'push'` and'ed in)."""
    condition = str(job.get("if", "")).strip().removeprefix("${{").removesuffix("}}")
    return any(part.strip() == "github.event_name == 'push'" for part in condition.split("&&")) and \
        "||" not in condition


def read_only(permissions: Any) -> bool:
    if permissions is None:
        return True  # the workflow's own, checked on their own
    if isinstance(permissions, str):
        return permissions in ("read-all", "{}")
    return all(value in ("read", "none") for value in permissions.values())


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_pull_requests_run_without_secrets_or_write_permissions(path: Path) -> None:
    data = load(path)
    events = triggers(data)
    assert not events & PRIVILEGED_EVENTS, f"{path.name}: {events & PRIVILEGED_EVENTS} runs contributions with secrets"
    assert data.get("permissions") == {"contents": "read"}, "the default for every job: read the code, nothing else"
    assert "secrets." not in yaml.safe_dump(data.get("env") or {})  # the workflow's env reaches every job
    jobs = data["jobs"]
    on_pull_requests = [name for name, job in jobs.items() if "pull_request" in events and not push_only(job)]
    assert on_pull_requests, "pull requests are built"
    for name in on_pull_requests:
        job = jobs[name]
        text = yaml.safe_dump(job)
        assert "secrets." not in text and "secrets[" not in text, f"{name} runs on pull requests: no secrets"
        assert read_only(job.get("permissions")), f"{name} runs on pull requests: read-only permissions"
        assert "environment" not in job, f"{name} runs on pull requests: no deployment environment (its secrets)"
    for name, job in jobs.items():
        if not read_only(job.get("permissions")):  # a publishing job: main only, and only what it needs
            assert push_only(job) and job["if"] == ON_MAIN, name
            writes = {key for key, value in job["permissions"].items() if value == "write"}
            assert writes <= {"pages", "id-token"}, (name, writes)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    for name, job in load(path)["jobs"].items():
        for step in job.get("steps") or ():
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert (step.get("with") or {}).get("persist-credentials") is False, \
                    f"{name}: actions/checkout must not leave the token in .git/config for later steps"


# `python -m NAME` puts the working directory first on sys.path: a contributor's `skillbook.py`,
# `yaml.py` or `pytest.py` would be imported instead of the real one. `-P` (Python 3.11) leaves it off.
_PYTHON_MODULE = re.compile(r"\bpython(?:3(?:\.\d+)?)?((?:\s+-[A-Za-z]+)*)\s+-m\s*(\S+)")


def module_runs(text: str) -> list[tuple[str, str]]:
    """(options, module) of every `python[3] ... -m MODULE` in `text`."""
    return [(match.group(1), match.group(2)) for match in _PYTHON_MODULE.finditer(text)]


def test_the_module_pattern_sees_every_spelling() -> None:
    assert module_runs("python -m skillbook build") == [("", "skillbook")]
    assert module_runs("python3 -u -m skillbook") == [(" -u", "skillbook")]
    assert module_runs("x && python3.11 -P -m pytest -q") == [(" -P", "pytest")]
    assert module_runs("python3 -I -mskillbook") == [(" -I", "skillbook")]
    assert module_runs("skillbook validate") == []


@pytest.mark.parametrize("path", [*WORKFLOWS, HOOKS, SAMPLE], ids=lambda p: p.name)
def test_no_command_imports_from_the_working_directory(path: Path) -> None:
    text = path.read_text(encoding="utf-8")  # comments too: the sample's commented-out alternative is copied
    for options, module in module_runs(text):
        flags = options.split()
        assert "-P" in flags or "-I" in flags, f"{path.name}: `python {options} -m {module}` imports from the checkout"
    for command in re.findall(r"(?:run|entry):\s*\|?\s*(.*)", text):
        words = command.split()
        if words and "skillbook" in words[0] and words[0] != "skillbook":
            pytest.fail(f"{path.name}: run skillbook as the `skillbook` command, not `{command}`")


def test_every_skillbook_command_of_ci_is_the_installed_command() -> None:
    for path in WORKFLOWS:
        for name, job in load(path)["jobs"].items():
            for step in job.get("steps") or ():
                for line in str(step.get("run", "")).splitlines():
                    if re.search(r"\bskillbook\b", line) and not line.strip().startswith("#"):
                        assert re.match(r"\s*(skillbook\s|python3 -P -m skillbook\s)", line), (path.name, name, line)
    assert hook()["entry"].split()[0] == "skillbook"
