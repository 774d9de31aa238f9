"""Build errors are `Problem` values; this exception only carries them out of deep code."""

from __future__ import annotations

from kubevisor.core.definitions import Problem


class BuildError(Exception):
    """The definitions cannot be built; `problems` says why (what upstream would crash on)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(problem.render() for problem in problems))
        self.problems = problems
