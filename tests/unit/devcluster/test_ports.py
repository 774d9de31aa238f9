from __future__ import annotations

import socket

from kubevisor.devcluster.ports import LOOPBACK, can_bind, pick_ports


def test_picked_ports_are_distinct_and_bindable() -> None:
    ports = pick_ports(12)
    assert len(set(ports)) == 12
    assert all(can_bind(port) for port in ports)


def test_a_port_in_use_cannot_be_bound() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind((LOOPBACK, 0))
        held.listen()
        assert not can_bind(held.getsockname()[1])


def test_out_of_range_ports_are_refused() -> None:
    assert not can_bind(0)
    assert not can_bind(70000)


def test_companion_ports_are_free_and_do_not_overlap() -> None:
    ports = pick_ports(4, companion_offset=3)
    everything = ports + [port + 3 for port in ports]
    assert len(set(everything)) == 8


def test_a_port_whose_companion_is_busy_is_skipped() -> None:
    asked: list[int] = []

    def probe(companion: int) -> bool:
        # The first three companions are busy, every later one is free.
        asked.append(companion)
        return len(asked) > 3

    picked = pick_ports(2, companion_offset=1, probe=probe)
    assert len(asked) == 5
    assert [port + 1 for port in picked] == asked[3:]
