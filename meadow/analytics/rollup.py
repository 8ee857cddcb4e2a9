"""Roll series results up to indicators, and indicators up to targets and goals.

A roll-up averages the scores of the assessed members of each group (series without
an assessment are left out) and classes the mean with the method's score bands; a
group is ACHIEVED only when every assessed member is. This is Open SDG's rule for an
indicator made of several series, applied at every level: since a :class:`Rollup`
has the same ``score`` and ``status`` as an :class:`Assessment`, roll-ups chain
(series -> indicator -> target -> goal), which also gives Open SDG's sub-indicator
grouping (each group weighs the same at the next level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from meadow.analytics.progress import METHODS, Assessment, Status

__all__ = ["Rollup", "rollup"]


@dataclass(frozen=True, eq=False)
class Rollup:
    """One method's result per group: arrays of length G.

    ``score``: mean score of the assessed members (NaN when none); ``status``: class
    of the mean (:class:`~meadow.analytics.progress.Status` codes), ACHIEVED when
    every assessed member is; ``n_members``, ``n_assessed``, ``n_achieved``: counts.
    """

    method: str
    score: NDArray[np.float64]
    status: NDArray[np.int8]
    n_members: NDArray[np.int64]
    n_assessed: NDArray[np.int64]
    n_achieved: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.status.shape[0])


def rollup(result: Assessment | Rollup, group: ArrayLike, n_groups: int | None = None) -> Rollup:
    """Roll ``result`` up by ``group`` (member -> group id; -1 leaves a member out).

    ``n_groups`` defaults to the largest group id plus one.
    """
    groups = np.asarray(group)
    if groups.shape != result.status.shape:
        raise ValueError(f"group must have shape {result.status.shape}, not {groups.shape}")
    if groups.size and not np.issubdtype(groups.dtype, np.integer):
        raise ValueError("group ids must be integers")
    size = int(groups.max()) + 1 if groups.size else 0
    n = size if n_groups is None else n_groups
    if n < size:
        raise ValueError(f"group id {size - 1} is out of range for {n} groups")

    # Members left out (-1) go to an extra bin that is dropped; weights instead of
    # boolean selections keep every count a single pass over the members.
    bins = (
        groups if groups.size == 0 or int(groups.min()) >= 0 else np.where(groups >= 0, groups, n)
    )
    assessed = result.status != Status.NOT_ASSESSED
    n_members = np.bincount(bins, minlength=n + 1)[:n].astype(np.int64)
    n_assessed = np.bincount(bins, weights=assessed, minlength=n + 1)[:n].astype(np.int64)
    n_achieved = np.bincount(bins, weights=result.status == Status.ACHIEVED, minlength=n + 1)[
        :n
    ].astype(np.int64)
    total = np.bincount(bins, weights=np.where(assessed, result.score, 0.0), minlength=n + 1)[:n]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_assessed > 0, total / n_assessed, np.nan)

    status = METHODS[result.method].status_of_score(mean)
    status[(n_assessed > 0) & (n_achieved == n_assessed)] = Status.ACHIEVED
    return Rollup(
        method=result.method,
        score=mean,
        status=status,
        n_members=n_members,
        n_assessed=n_assessed,
        n_achieved=n_achieved,
    )
