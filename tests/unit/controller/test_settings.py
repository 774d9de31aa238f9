"""Operator settings read from the environment, including the variables the kubelet injects."""

from __future__ import annotations

import pytest
from kubevisor.controller import settings
from kubevisor.controller.settings import OperatorSettings, SettingsError

# What the kubelet injects into every pod of a namespace holding the chart's metrics Service
# (`kubevisor-metrics`, for a release named `kubevisor`) and a Service named `kubevisor`.
SERVICE_LINKS = {
    "KUBEVISOR_METRICS_SERVICE_HOST": "10.96.0.12",
    "KUBEVISOR_METRICS_SERVICE_PORT": "8080",
    "KUBEVISOR_METRICS_SERVICE_PORT_HTTP_METRICS": "8080",
    "KUBEVISOR_METRICS_PORT": "tcp://10.96.0.12:8080",
    "KUBEVISOR_METRICS_PORT_8080_TCP": "tcp://10.96.0.12:8080",
    "KUBEVISOR_METRICS_PORT_8080_TCP_PROTO": "tcp",
    "KUBEVISOR_METRICS_PORT_8080_TCP_PORT": "8080",
    "KUBEVISOR_METRICS_PORT_8080_TCP_ADDR": "10.96.0.12",
    "KUBEVISOR_PORT": "tcp://10.96.0.13:80",
    "KUBEVISOR_SERVICE_HOST": "10.96.0.13",
}


def test_service_links_of_any_service_leave_the_settings_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in settings.VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in SERVICE_LINKS.items():
        monkeypatch.setenv(name, value)

    made = OperatorSettings()

    assert made.metrics_port == 8080
    assert made.metrics_host == "0.0.0.0"


def test_no_setting_variable_can_be_a_service_link() -> None:
    assert all(settings.SERVICE_LINK_NAME.search(name) for name in SERVICE_LINKS)
    clashing = [name for name in settings.VARIABLES if settings.SERVICE_LINK_NAME.search(name)]
    assert clashing == []


def test_variables_are_read_when_the_settings_are_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(settings.METRICS_PORT, "9100")
    monkeypatch.setenv(settings.LEASE_SECONDS, "7")
    monkeypatch.setenv(settings.DEBOUNCE_SECONDS, "0.05")

    made = OperatorSettings()

    assert (made.metrics_port, made.lease_seconds, made.debounce_seconds) == (9100, 7, 0.05)


@pytest.mark.parametrize("name", [settings.METRICS_PORT, settings.RESYNC_SECONDS])
def test_a_bad_number_names_the_variable_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, "tcp://10.96.0.12:8080")

    with pytest.raises(SettingsError) as raised:
        OperatorSettings()

    assert str(raised.value).startswith(f"{name}='tcp://10.96.0.12:8080' is not")
    assert "unset it" in str(raised.value)
