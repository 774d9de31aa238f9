"""When namespaces compile: debounce, retries, one reconcile per namespace, fairness."""

from __future__ import annotations

from kubevisor.controller.schedule import Schedule


def make() -> Schedule:
    return Schedule(debounce=0.3, max_delay=5.0)


def test_a_change_is_due_after_the_quiet_time() -> None:
    schedule = make()
    schedule.change("a", now=10.0)
    taken, wait = schedule.take(10.2, limit=4)
    assert taken == [] and abs(wait - 0.1) < 1e-9
    assert schedule.take(10.3, limit=4)[0] == ["a"]
    assert schedule.take(20.0, limit=4)[0] == []  # taken once


def test_a_burst_is_due_at_most_max_delay_after_its_first_change() -> None:
    schedule = make()
    for step in range(60):
        schedule.change("a", now=10.0 + step * 0.1)
    assert schedule.take(14.9, limit=4)[0] == []
    assert schedule.take(15.0, limit=4)[0] == ["a"]


def test_a_running_namespace_is_not_taken_again_until_done() -> None:
    schedule = make()
    schedule.change("a", now=0.0)
    assert schedule.take(1.0, limit=4)[0] == ["a"]
    schedule.change("a", now=1.0)  # an edit while it compiles
    assert schedule.take(2.0, limit=4)[0] == []
    schedule.done("a")
    assert schedule.take(2.0, limit=4)[0] == ["a"]


def test_the_limit_bounds_concurrency_and_the_longest_waiting_goes_first() -> None:
    schedule = make()
    for index, namespace in enumerate(["d", "c", "b", "a"]):
        schedule.change(namespace, now=float(index))
    taken, wait = schedule.take(10.0, limit=2)
    assert taken == ["d", "c"]
    assert wait == 0.0  # more are due: come back as soon as a slot frees
    assert schedule.take(10.0, limit=0)[0] == []
    schedule.done("d")
    assert schedule.take(10.0, limit=1)[0] == ["b"]


def test_a_retry_waits_but_a_change_clears_it() -> None:
    schedule = make()
    schedule.retry("a", at=600.0)
    assert schedule.take(100.0, limit=4) == ([], 5.0)
    assert schedule.take(600.0, limit=4)[0] == ["a"]
    schedule.done("a")
    schedule.retry("a", at=1200.0)
    schedule.change("a", now=700.0)  # someone fixed the object
    assert schedule.take(700.3, limit=4)[0] == ["a"]


def test_a_retry_never_postpones_a_pending_change() -> None:
    schedule = make()
    schedule.change("a", now=0.0)
    schedule.retry("a", at=60.0)
    assert schedule.take(0.3, limit=4)[0] == ["a"]
