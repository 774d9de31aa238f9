"""Work started in a forked child comes back as a value or as the child's exception."""

from __future__ import annotations

import os

import pytest
from kubevisor.cli.forking import start_in_child
from kubevisor.sources.errors import SourceError


def test_result_comes_back() -> None:
    parent = os.getpid()
    wait = start_in_child(lambda: {"pid": os.getpid(), "data": [1, "two", None]})
    result = wait()
    assert result["data"] == [1, "two", None]
    assert result["pid"] != parent or not hasattr(os, "fork")


def test_exception_comes_back() -> None:
    def fail() -> None:
        raise SourceError("features/x.yml: line 3: duplicate key 'a'")

    wait = start_in_child(fail)
    with pytest.raises(SourceError, match="line 3"):
        wait()
