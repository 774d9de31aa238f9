from __future__ import annotations

from kubevisor.core.definitions import Definitions, Kind
from kubevisor.core.lint.warnings import variation_weight_warnings


def feature(*weights: object) -> dict[str, object]:
    return {"variations": [{"value": f"v{i}", "weight": w} for i, w in enumerate(weights)]}


def test_weights_that_add_up_to_100_give_no_warning() -> None:
    defs = Definitions()
    defs.features = {"a": feature(50, 50), "b": feature(33.33, 33.33, 33.34), "c": {}}
    assert variation_weight_warnings(defs) == []


def test_weights_that_do_not_add_up_to_100_are_a_warning_naming_the_sum() -> None:
    defs = Definitions()
    defs.features = {"a": feature(50, 40)}
    (warning,) = variation_weight_warnings(defs)
    assert (warning.kind, warning.key, warning.path) == (Kind.FEATURE, "a", "variations")
    assert "add up to 90" in warning.message


def test_non_numeric_weights_are_left_to_lint() -> None:
    defs = Definitions()
    defs.features = {"a": feature("50", 40), "b": feature(True, 40)}
    assert variation_weight_warnings(defs) == []
