"""`kubevisor evaluate`: text and JSON output, clean errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubevisor.cli import main

WEB = (
    Path(__file__).resolve().parents[2]
    / "conformance/fixtures/mini/expected/datafiles/production/featurevisor-web.json"
)
CONTEXT = '{"userId": "user-3", "country": "nl"}'


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["evaluate", "--datafile", str(WEB), "--feature", "checkout", "--context", CONTEXT])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        'Feature "checkout" for context {"userId":"user-3","country":"nl"}',
        "",
        "Flag:      enabled (reason: rule, rule: nl, bucket: user-3.checkout = 49304)",
        'Variation: "treatment" (reason: allocated, rule: nl)',
        "Variables:",
        '  color:  "orange" (reason: variable_override_variation, rule: nl)',
        '  layout: {"columns":3,"dense":false} (reason: rule, rule: nl)',
    ]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evaluate", "--datafile", str(WEB), "--feature", "checkout", "--context", CONTEXT]
    code = main([*args, "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["flag"]["enabled"] is True
    assert result["flag"]["bucketValue"] == 49304
    assert result["variation"]["variation"]["value"] == "treatment"
    assert list(result["variables"]) == ["color", "layout"]
    assert result["variables"]["color"]["variableValue"] == "orange"
    assert result["variables"]["layout"]["reason"] == "rule"


@pytest.mark.parametrize(
    ("datafile_text", "context", "feature", "message"),
    [
        ("{not json", "{}", "checkout", "is not valid JSON"),
        ('{"segments": {}}', "{}", "checkout", 'expected an object with "features"'),
        (None, "{bad", "checkout", "--context is not valid JSON"),
        (None, "[1]", "checkout", "--context must be a JSON object"),
        (None, "{}", "nope", 'feature "nope" is not in datafile'),
    ],
)
def test_bad_input_is_a_clean_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    datafile_text: str | None,
    context: str,
    feature: str,
    message: str,
) -> None:
    datafile = WEB
    if datafile_text is not None:
        datafile = tmp_path / "datafile.json"
        datafile.write_text(datafile_text)
    code = main(
        ["evaluate", "--datafile", str(datafile), "--feature", feature, "--context", context]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert message in captured.err
    assert captured.err.startswith("kubevisor evaluate: ")
    assert captured.out == ""


def test_missing_datafile_is_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["evaluate", "--datafile", str(tmp_path / "none.json"), "--feature", "f"])
    assert code == 1
    assert "cannot read datafile" in capsys.readouterr().err
