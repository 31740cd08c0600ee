"""The settings object: one reader, a section per part, secrets that hide themselves,
and README's configuration table naming exactly the variables the settings read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bridge.settings import ConfigError, SecretStr, all_variables, load_settings

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_variables() -> set[str]:
    """Every `VARIABLE` in the first column of README's configuration table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first))
    return names


def test_readme_table_lists_exactly_the_settings_variables() -> None:
    declared = set(all_variables())
    documented = readme_variables()
    assert sorted(declared - documented) == [], "settings fields missing from README's configuration table"
    assert sorted(documented - declared) == [], "README documents variables no settings field reads"


def test_every_variable_is_read_by_one_field_only() -> None:
    names = all_variables()
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_secrets_print_as_stars_everywhere() -> None:
    secrets = {"BRIDGE_STATUS_TOKEN": "status-s3cret-long-enough-for-24", "SMTP_URL": "smtp://u:smtp-s3cret@127.0.0.1:25",
               "BRIDGE_QUEUE_URL": "redis://:redis-s3cret@127.0.0.1:6379/0",
               "BRIDGE_DATABASE_URL": "postgresql://root:db-s3cret@127.0.0.1/x",
               "ZENDESK_API_TOKEN": "zd-s3cret", "ZENDESK_WEBHOOK_SECRET": "zdhook-s3cret",
               "JIRA_API_TOKEN": "jira-s3cret", "JIRA_WEBHOOK_SECRET": "jirahook-s3cret",
               "JIRA_SHARED_SECRET": "jirashared-s3cret"}
    settings = load_settings(secrets)
    printed = " ".join([str(settings), repr(settings), *(f"{s!s} {s!r}" for _, s in settings.sections())])
    assert "s3cret" not in printed
    assert "**********" in printed
    assert isinstance(settings.web.status_token, SecretStr)
    # the parts that use a secret still get its value
    assert settings.queue_url == secrets["BRIDGE_QUEUE_URL"]
    assert settings.platform_environ("zendesk")["ZENDESK_API_TOKEN"] == "zd-s3cret"


def test_platform_sections_are_declared_by_the_platform_packages() -> None:
    from bridge.platform import platform_names, platform_package

    settings = load_settings({"JIRA_URL": "http://127.0.0.1:1", "ZENDESK_EMAIL": "agent@example.com"})
    assert sorted(settings.platforms) == platform_names()
    for name, section in settings.platforms.items():
        assert type(section) is platform_package(name).SETTINGS
    assert settings.platform_environ("jira") == {"JIRA_URL": "http://127.0.0.1:1"}
    assert settings.platform_environ("zendesk") == {"ZENDESK_EMAIL": "agent@example.com"}


def test_defaults_without_any_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({})
    assert settings.data_dir == tmp_path / "data"
    assert settings.queue_url == f"sqlite:///{tmp_path / 'data' / 'queue.db'}"
    assert (settings.web.port, settings.jobs.workers, settings.jobs.retries) == (8080, 4, 8)
    assert settings.mode("monitor") == "monitor"
    assert load_settings({"BRIDGE_MODE": "Enforce"}).mode("monitor") == "enforce"


def test_blank_variables_count_as_unset() -> None:
    assert load_settings({"PORT": "", "BRIDGE_MODE": "  "}).web.port == 8080


@pytest.mark.parametrize("environ, message", [
    ({"BRIDGE_WORKERS": "many"}, "BRIDGE_WORKERS must be a whole number"),
    ({"BRIDGE_WORKERS": "0"}, "BRIDGE_WORKERS must be at least 1"),
    ({"BRIDGE_MODE": "delete"}, "BRIDGE_MODE must be 'monitor' or 'enforce'"),
    ({"BRIDGE_QUEUE_URL": "http://queue"}, "BRIDGE_QUEUE_URL must start with sqlite:/// or redis://"),
    ({"PORT": "99999"}, "PORT must be at most 65535"),
    ({"BRIDGE_RETRY_DELAY_SECONDS": "soon"}, "BRIDGE_RETRY_DELAY_SECONDS must be a number"),
])
def test_a_wrong_value_names_the_variable_not_the_value(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ)
    assert str(caught.value) == message


def test_importing_the_bridge_reads_no_environment_and_builds_no_queue(tmp_path: Path) -> None:
    """Importing every module with a broken environment must not fail or create files."""
    import subprocess
    import sys

    code = (
        "import pkgutil, importlib, bridge, adapters\n"
        "for pkg in (bridge, adapters):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(README.parent), "BRIDGE_WORKERS": "x",
           "BRIDGE_QUEUE_URL": "http://nowhere", "BRIDGE_JOB_RETRIES": "x", "BRIDGE_EXTRACT_CONCURRENCY": "0"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert list(tmp_path.iterdir()) == []
