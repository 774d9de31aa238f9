"""When each namespace compiles next: debounce, retries, and one reconcile per namespace at a time.

Pure (the clock is passed in), so the rules are tested without a cluster:
- a change makes a namespace due once it has been quiet for `debounce` seconds, or `max_delay`
  after its first change, whatever comes first;
- a retry (a failed write, a failed compile) makes it due at a given time; a new change to its
  inputs clears the retry wait, so fixing a broken object is picked up at once;
- a namespace being reconciled is never due again until that reconcile ends; changes meanwhile
  wait and make it due afterwards;
- among due namespaces, the one waiting longest goes first, so a busy namespace cannot starve
  the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Schedule:
    debounce: float
    max_delay: float
    _first: dict[str, float] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _retry_at: dict[str, float] = field(default_factory=dict)
    running: set[str] = field(default_factory=set)

    def change(self, namespace: str, now: float) -> None:
        """The namespace's inputs changed."""
        self._retry_at.pop(namespace, None)
        self._first.setdefault(namespace, now)
        self._last[namespace] = now

    def retry(self, namespace: str, at: float) -> None:
        """Reconcile again at `at` (unless a change comes first)."""
        self._retry_at[namespace] = min(at, self._retry_at.get(namespace, at))

    def pending(self) -> set[str]:
        return set(self._last) | set(self._retry_at)

    def _fire_at(self, namespace: str) -> float:
        times = []
        if namespace in self._last:
            times.append(
                min(self._last[namespace] + self.debounce, self._first[namespace] + self.max_delay)
            )
        if namespace in self._retry_at:
            times.append(self._retry_at[namespace])
        return min(times)

    def take(self, now: float, limit: int) -> tuple[list[str], float]:
        """Up to `limit` due namespaces, now marked running (call `done` for each), and the
        seconds until the next one falls due (capped at 5)."""
        due: list[tuple[float, str]] = []
        wait = 5.0
        for namespace in self.pending() - self.running:
            fire_at = self._fire_at(namespace)
            if fire_at <= now:
                due.append((fire_at, namespace))
            else:
                wait = min(wait, fire_at - now)
        taken = [namespace for _, namespace in sorted(due)[: max(limit, 0)]]
        for namespace in taken:
            self._first.pop(namespace, None)
            self._last.pop(namespace, None)
            self._retry_at.pop(namespace, None)
            self.running.add(namespace)
        if len(due) > len(taken):
            wait = 0.0
        return taken, wait

    def done(self, namespace: str) -> None:
        self.running.discard(namespace)
