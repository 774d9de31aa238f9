"""find-usage, find-duplicate-segments, list, info, config, assess-distribution, benchmark:
upstream's wording on example-1, and the same answers from manifests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from kubevisor.cli import main

EXAMPLE_1 = "tests/conformance/fixtures/example-1/project"
MINI = Path("tests/conformance/fixtures/mini/input")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def mini_manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("manifests")
    assert main(["import", str(MINI), "--out", str(out / "m.yaml"), "--namespace", "shop"]) == 0
    return out / "m.yaml"


def test_find_usage_segment(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "find-usage", EXAMPLE_1, "--segment", "countries.netherlands")
    assert code == 0
    assert 'Segment "countries.netherlands" is used in the following features:' in out
    assert "  - foo\n" in out


def test_find_usage_unknown_segment(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "find-usage", EXAMPLE_1, "--segment", "nope")
    assert 'Segment "nope" is not used in any features.' in out


def test_find_usage_unused_attributes_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "find-usage", EXAMPLE_1, "--unusedAttributes", "--json")
    assert json.loads(out) == {"attributes": ["loggedIn"]}


def test_find_usage_from_manifests(
    mini_manifests: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = _run(capsys, "find-usage", str(mini_manifests), "--attribute", "country", "--json")
    # promoA and promoB bucket by [userId, country]
    assert json.loads(out) == {
        "features": ["promoA", "promoB"],
        "segments": ["dach", "netherlands"],
    }


def test_find_duplicate_segments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "p"
    shutil.copytree(MINI, project)
    shutil.copy(project / "segments/dach.yml", project / "segments/germanSpeaking.yml")
    code, out = _run(capsys, "find-duplicate-segments", str(project))
    assert code == 0
    assert out == "Found 1 duplicates:\n\n  - dach, germanSpeaking\n"
    _, out = _run(capsys, "find-duplicate-segments", str(MINI))
    assert out == "No duplicate segments found\n"


def test_list_features_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "list", EXAMPLE_1, "--features", "--tag", "checkout")
    assert out == "\nFeatures:\n\n- discount\n- pricing\n- showBanner\n\n\nFound 3 features.\n"
    _, out = _run(capsys, "list", EXAMPLE_1, "--segments", "--keyPattern", "^countries", "--json")
    assert [entity["key"] for entity in json.loads(out)] == [
        "countries.germany",
        "countries.netherlands",
        "countries.switzerland",
    ]


def test_list_nothing_found(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "list", EXAMPLE_1, "--features", "--keyPattern", "^zzz")
    assert out == "No features found.\n"


def test_list_bad_regex_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", EXAMPLE_1, "--features", "--keyPattern", "("]) == 1
    assert "invalid regular expression" in capsys.readouterr().err


def test_info(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "info", EXAMPLE_1, "--json")
    counts = json.loads(out)
    assert counts["features"] == 32 and counts["assertions"] == 189
    _, out = _run(capsys, "info", EXAMPLE_1)
    assert "  - Total test specs:   35" in out


def test_config(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "config", EXAMPLE_1, "--json")
    config = json.loads(out)
    assert config["environments"] == ["staging", "production"]
    assert config["prettyDatafile"] is True and config["defaultBucketBy"] == "userId"
    assert config["featuresDirectoryPath"].endswith("features")


def test_config_from_manifests(mini_manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "config", str(mini_manifests), "--json")
    assert sorted(json.loads(out)["environments"]) == ["production", "staging"]


def test_assess_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        capsys,
        *("assess-distribution", EXAMPLE_1, "-e", "production", "--feature", "foo"),
        *("--populateUuid", "userId", "-n", "2000", "--seed", "7", "--json"),
    )
    result = json.loads(out)
    assert code == 0 and result["mismatches"] == []
    assert result["flag"]["enabled"] + result["flag"]["disabled"] == 2000
    # foo's catch-all rule in production: 50%, control and treatment 25% each.
    assert abs(result["flag"]["enabled"] - 1000) < 120


def test_assess_distribution_unknown_environment(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess-distribution", EXAMPLE_1, "-e", "prod", "--feature", "foo"])
    assert code == 1
    assert "unknown environment 'prod'" in capsys.readouterr().err


def test_benchmark_prints_value_and_figures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(
        capsys,
        *("benchmark", EXAMPLE_1, "-e", "staging", "--feature", "foo", "--variable", "bar"),
        *("--context", '{"userId": "123"}', "-n", "20", "--json"),
    )
    figures = json.loads(out)
    assert code == 0 and figures["n"] == 20 and figures["evaluated"] == "variable bar"
    assert figures["minMs"] <= figures["averageMs"] <= figures["maxMs"]


def test_info_per_target_matches_the_official_datafiles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out = _run(capsys, "info", EXAMPLE_1, "--target", "checkout", "--json")
    rows = json.loads(out)["datafiles"]
    official = Path("tests/conformance/fixtures/example-1/official/datafiles")
    assert [(row["environment"], row["target"]) for row in rows] == [
        ("staging", "checkout"),
        ("production", "checkout"),
    ]
    for row in rows:
        datafile = json.loads(
            (official / row["environment"] / "featurevisor-checkout.json").read_text()
        )
        assert row["features"] == len(datafile["features"])
        assert row["segments"] == len(datafile["segments"])
        assert abs(row["bytes"] - len(json.dumps(datafile, indent=2))) < 40  # revision text


def test_info_unknown_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", EXAMPLE_1, "--target", "nope"]) == 1
    assert "unknown target 'nope'" in capsys.readouterr().err


def test_assess_distribution_and_benchmark_from_manifests(
    mini_manifests: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-e", "production", "--feature", "checkout", "--json", "-N", "shop"]
    code, out = _run(
        capsys, "assess-distribution", str(mini_manifests), *argv, "--populateUuid", "userId"
    )
    assert code == 0 and json.loads(out)["n"] == 1
    code, out = _run(capsys, "benchmark", str(mini_manifests), *argv, "-n", "3")
    assert code == 0 and json.loads(out)["n"] == 3


def test_a_sets_project_is_analysed_set_by_set(capsys: pytest.CaptureFixture[str]) -> None:
    sets_root = Path("tests/conformance/fixtures/sets-mini/project")
    _, out = _run(capsys, "info", str(sets_root))
    assert f"Project info ({sets_root} (set alpha))" in out
    assert f"Project info ({sets_root} (set beta))" in out
    features = {path.stem for path in sets_root.glob("sets/*/features/**/*.yml") if path.is_file()}
    _, out = _run(capsys, "list", str(sets_root), "--features", "--json")
    assert {feature["key"] for feature in json.loads(out)} == features


@pytest.mark.parametrize("command", ["assess-distribution", "benchmark"])
@pytest.mark.parametrize(
    ("context", "message"),
    [("{bad", "--context is not valid JSON"), ("[1]", "--context must be a JSON object")],
)
def test_a_bad_context_is_refused_naming_the_flag(
    command: str, context: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [command, EXAMPLE_1, "-e", "production", "--feature", "foo", "--context", context]
    assert main(argv) == 1
    assert f"kubevisor {command}: {message}" in capsys.readouterr().err
