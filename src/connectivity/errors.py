"""Exception classes of the library. Each subclasses a built-in so callers can catch broadly."""

from __future__ import annotations

__all__ = [
    "ConnectivityError",
    "NetworkValidationError",
    "ScenarioError",
    "UnknownIdError",
    "AmbiguousPlaceError",
    "NoRouteError",
    "SearchLimitError",
    "SolverError",
    "InfeasibleModelError",
]


class ConnectivityError(Exception):
    """Base class of every error the library raises on purpose."""


class NetworkValidationError(ConnectivityError, ValueError):
    """The network tables break one or more rules; ``problems`` lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        head = f"network validation failed with {len(self.problems)} problem(s):"
        super().__init__("\n  - ".join([head, *self.problems]))


class ScenarioError(ConnectivityError, ValueError):
    """A scenario (its values, or a scenario file) breaks one or more rules; ``problems``
    lists every one, each naming the key, the bad value and what is allowed."""

    def __init__(self, problems: list[str], *, where: str = "scenario") -> None:
        self.problems = list(problems)
        head = f"{where}: {len(self.problems)} problem(s):"
        super().__init__("\n  - ".join([head, *self.problems]))


class UnknownIdError(ConnectivityError, ValueError):
    """A place, link, mode, commodity or country id that the network does not have."""


class AmbiguousPlaceError(UnknownIdError):
    """A place name or alias that names more than one place; ``candidates`` lists their ids."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        self.candidates = tuple(candidates)
        super().__init__(message)


class NoRouteError(ConnectivityError, ValueError):
    """No route exists between two places under the given restrictions."""


class SearchLimitError(ConnectivityError, RuntimeError):
    """A search stopped at its work limit before it could give an exact answer."""


class SolverError(ConnectivityError, RuntimeError):
    """The optimisation solver failed or returned no usable solution."""


class InfeasibleModelError(SolverError):
    """The optimisation model has no feasible solution."""
