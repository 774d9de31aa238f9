"""`kubevisor generate-code`: Python accessors work with kubevisor's Evaluator and the official
SDK alike; TypeScript files follow upstream's layout (one namespace per feature)."""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
from types import ModuleType

import pytest
from kubevisor.cli import main
from kubevisor.core.evaluate import Evaluator

MINI = "tests/conformance/fixtures/mini/input"
DATAFILE = Path(
    "tests/conformance/fixtures/mini/expected/datafiles/production/featurevisor-web.json"
)


def _generated_python(tmp_path: Path) -> ModuleType:
    assert main(["generate-code", MINI, "--language", "python", "--out-dir", str(tmp_path)]) == 0
    spec = importlib.util.spec_from_file_location("generated_features", tmp_path / "features.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_python_accessors_agree_with_the_evaluator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _generated_python(tmp_path)
    evaluator = Evaluator(json.loads(DATAFILE.read_text()))
    features = module.Features(evaluator)
    for user in range(40):
        context = {"userId": f"user-{user}", "country": "nl"}
        checkout = features.checkout
        assert checkout.key == "checkout"
        assert checkout.is_enabled(context) == evaluator.is_enabled("checkout", context)
        assert checkout.get_variation(context) == evaluator.get_variation("checkout", context)
        assert checkout.get_color(context) == evaluator.get_variable("checkout", "color", context)
        assert checkout.get_layout(context) == evaluator.get_variable("checkout", "layout", context)


def test_python_accessors_work_with_the_official_sdk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    featurevisor = pytest.importorskip("featurevisor")
    logging.disable(logging.INFO)
    module = _generated_python(tmp_path)
    datafile = json.loads(DATAFILE.read_text())
    sdk = featurevisor.create_featurevisor({"datafile": datafile, "logLevel": "error"})
    evaluator = Evaluator(datafile)
    checkout = module.Features(sdk).checkout
    for user in range(20):
        context = {"userId": f"user-{user}", "country": "de"}
        assert checkout.get_variation(context) == evaluator.get_variation("checkout", context)
        assert checkout.get_color(context) == evaluator.get_variable("checkout", "color", context)


def test_typescript_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["generate-code", MINI, "--language", "typescript", "--out-dir", str(tmp_path)]
    assert main([*argv, "--tag", "web"]) == 0
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        "BannerFeature.ts",
        "CheckoutFeature.ts",
        "Context.ts",
        "index.ts",
        "instance.ts",
    ]
    checkout = (tmp_path / "CheckoutFeature.ts").read_text()
    assert "export namespace CheckoutFeature {" in checkout
    assert 'getVariation(key, context) as "control" | "treatment" | null;' in checkout
    assert 'getVariableObject(key, "layout", context)' in checkout
    assert '"country"?: string;' in (tmp_path / "Context.ts").read_text()
