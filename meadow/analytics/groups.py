"""Groups of countries (regions, UN regional groups, LDC, SIDS, custom) as sparse membership.

A :class:`Groups` holds which of C countries belong to each of G groups in compressed
rows: the members of group ``g`` are ``members[ptr[g]:ptr[g + 1]]``, sorted. A country
belongs to as many groups as it likes (the world, its region, sub-region and
intermediate region, a UN regional group, LDC, LLDC, SIDS...).

Aggregation reads each country's data once per group it is summed into, so the
groups are first sorted into a :class:`Plan`: a group that is the disjoint union of
other groups (the world is its regions, a region its sub-regions) is *derived*, summed
from those groups' results; the others are *base* groups, read from their countries,
as one slice of rows when their members are consecutive country numbers (number the
countries in M49 order and every sub-region is) and through a row gather otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Groups", "Plan"]

I64 = NDArray[np.int64]
Bool = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Plan:
    """How to compute every group: base groups from countries, derived ones from base.

    ``base``: group ids read from their countries, in computing order.
    ``spans``: per base group, ``(start, stop)`` when its members are the consecutive
    countries ``start..stop-1``, else ``None``; ``rows``: its member countries.
    ``derived``: the other group ids; ``cover``: shape (len(derived), len(base)), 1.0
    where the base group is part of the derived one (the parts of a derived group are
    disjoint and together hold exactly its members). ``order``: ``base`` then
    ``derived``, the row order of the computed results.
    """

    base: I64
    spans: tuple[tuple[int, int] | None, ...]
    rows: tuple[I64, ...]
    derived: I64
    cover: NDArray[np.float64]

    @property
    def order(self) -> I64:
        return np.concatenate([self.base, self.derived])

    def parts(self, index: int) -> I64:
        """Positions in ``base`` of the parts of the derived group at ``index``."""
        return np.flatnonzero(self.cover[index])


@dataclass(frozen=True, eq=False)
class Groups:
    """Membership of C countries in G groups, in compressed rows.

    ``ptr``: shape (G + 1,), ``ptr[0] == 0``, non-decreasing, ``ptr[-1] ==
    members.size``. ``members``: country numbers (0..C-1), strictly increasing within
    each group. ``n_countries``: C. Build one with :meth:`from_pairs` or
    :meth:`from_lists`.
    """

    ptr: I64
    members: I64
    n_countries: int

    def __post_init__(self) -> None:
        ptr = np.asarray(self.ptr)
        members = np.asarray(self.members)
        if ptr.ndim != 1 or ptr.size < 1 or members.ndim != 1:
            raise ValueError("ptr and members must be one-dimensional, ptr non-empty")
        if ptr.size > 1 and not np.issubdtype(ptr.dtype, np.integer):
            raise ValueError("ptr must be integers")
        if members.size and not np.issubdtype(members.dtype, np.integer):
            raise ValueError("members must be integers")
        if int(ptr[0]) != 0 or int(ptr[-1]) != members.size or bool(np.any(np.diff(ptr) < 0)):
            raise ValueError("ptr must start at 0, not decrease and end at len(members)")
        if members.size and (int(members.min()) < 0 or int(members.max()) >= self.n_countries):
            raise ValueError(f"members must be country numbers in 0..{self.n_countries - 1}")
        # Within a group, members increase; only group boundaries may step down.
        step = np.diff(members)
        inner = np.ones(step.size, dtype=bool)
        starts = ptr[1:-1]
        inner[starts[(starts > 0) & (starts < members.size)] - 1] = False
        if bool(np.any(step[inner] <= 0)):
            raise ValueError("members must be sorted and unique within each group")
        object.__setattr__(self, "ptr", ptr.astype(np.int64, copy=False))
        object.__setattr__(self, "members", members.astype(np.int64, copy=False))

    @classmethod
    def from_pairs(
        cls,
        group: ArrayLike,
        country: ArrayLike,
        *,
        n_groups: int | None = None,
        n_countries: int | None = None,
    ) -> Groups:
        """Groups from (group, country) membership pairs, in any order.

        ``n_groups`` and ``n_countries`` default to the largest id plus one (a group
        without members then needs ``n_groups``). Raises ``ValueError`` on a negative or
        out-of-range id or a pair given twice.
        """
        g = np.asarray(group)
        c = np.asarray(country)
        if g.shape != c.shape or g.ndim != 1:
            raise ValueError("group and country must be one-dimensional, same length")
        integers = np.issubdtype(g.dtype, np.integer) and np.issubdtype(c.dtype, np.integer)
        if g.size and not integers:
            raise ValueError("group and country ids must be integers")
        if g.size and (int(g.min()) < 0 or int(c.min()) < 0):
            raise ValueError("group and country ids must not be negative")
        n_g = int(g.max()) + 1 if g.size else 0
        n_c = int(c.max()) + 1 if c.size else 0
        n_groups = n_g if n_groups is None else n_groups
        n_countries = n_c if n_countries is None else n_countries
        if n_groups < n_g or n_countries < n_c:
            raise ValueError("a group or country id is out of range")
        order = np.lexsort((c, g))
        g, c = g[order].astype(np.int64), c[order].astype(np.int64)
        if bool(np.any((np.diff(g) == 0) & (np.diff(c) == 0))):
            raise ValueError("a (group, country) pair is given twice")
        ptr = np.zeros(n_groups + 1, dtype=np.int64)
        np.cumsum(np.bincount(g, minlength=n_groups), out=ptr[1:])
        return cls(ptr=ptr, members=c, n_countries=n_countries)

    @classmethod
    def from_lists(cls, lists: Sequence[Iterable[int]], n_countries: int) -> Groups:
        """Groups from one list of member countries per group."""
        group: list[int] = []
        country: list[int] = []
        for g, members in enumerate(lists):
            for c in members:
                group.append(g)
                country.append(int(c))
        return cls.from_pairs(
            np.array(group, dtype=np.int64),
            np.array(country, dtype=np.int64),
            n_groups=len(lists),
            n_countries=n_countries,
        )

    @property
    def n_groups(self) -> int:
        return int(self.ptr.size - 1)

    @property
    def sizes(self) -> I64:
        sizes: I64 = np.diff(self.ptr)
        return sizes

    def members_of(self, g: int) -> I64:
        return self.members[self.ptr[g] : self.ptr[g + 1]]

    def matrix(self) -> Bool:
        """Membership as a dense (G, C) boolean matrix."""
        dense = np.zeros((self.n_groups, self.n_countries), dtype=bool)
        dense[np.repeat(np.arange(self.n_groups), self.sizes), self.members] = True
        return dense

    def total(self, weight: NDArray[np.float64]) -> NDArray[np.float64]:
        """Sum of a per-country array (C,) or (C, T) over each group's members."""
        total: NDArray[np.float64] = self.matrix().astype(np.float64) @ weight
        return total

    @cached_property
    def plan(self) -> Plan:
        return _plan(self)


def _cover(target: Bool, candidates: list[int], dense: Bool, largest: bool) -> list[int] | None:
    """Disjoint candidate groups whose union is ``target``, or None when this search fails.

    Walks the target's members in order; each uncovered member is covered by the
    largest (or smallest) candidate that holds it and nothing already covered or
    outside the target.
    """
    uncovered = target.copy()
    chosen: list[int] = []
    ranked = sorted(candidates, key=lambda h: int(dense[h].sum()), reverse=largest)
    while True:
        left = np.flatnonzero(uncovered)
        if left.size == 0:
            return chosen
        first = int(left[0])
        for h in ranked:
            if dense[h, first] and not bool(np.any(dense[h] & ~uncovered)):
                chosen.append(h)
                uncovered &= ~dense[h]
                break
        else:
            return None


def _plan(groups: Groups) -> Plan:
    dense = groups.matrix()
    sizes = groups.sizes
    n = groups.n_groups
    # inside[h, g]: every member of h is a member of g.
    outside = dense.astype(np.int32) @ (~dense).T.astype(np.int32)
    inside = outside == 0
    # Smaller groups first, so that a group may be derived from any group seen before it
    # (an identical group seen before it included); no cycles can form.
    visit = np.lexsort((np.arange(n), sizes))
    seen: list[int] = []
    parts: dict[int, list[int]] = {}
    base: list[int] = []
    for g in visit.tolist():
        if sizes[g] == 0:
            parts[g] = []
            seen.append(g)
            continue
        candidates = [h for h in seen if inside[h, g] and sizes[h] > 0]
        # The largest parts make the shortest sums; when they leave a gap that no
        # candidate fits (a UN group straddling two regions), the smallest parts
        # (the leaves of a tree) still tile the group.
        tiles = _cover(dense[g], candidates, dense, largest=True)
        if tiles is None:
            tiles = _cover(dense[g], candidates, dense, largest=False)
        if tiles is None:
            base.append(g)
            parts[g] = [g]
        else:
            parts[g] = sorted(b for h in tiles for b in parts[h])
        seen.append(g)

    base_ids = np.array(sorted(base), dtype=np.int64)
    derived_ids = np.array(sorted(set(range(n)) - set(base)), dtype=np.int64)
    position = {int(b): i for i, b in enumerate(base_ids)}
    cover = np.zeros((derived_ids.size, base_ids.size), dtype=np.float64)
    for i, g in enumerate(derived_ids.tolist()):
        for b in parts[g]:
            cover[i, position[b]] = 1.0
    spans: list[tuple[int, int] | None] = []
    rows: list[I64] = []
    for b in base_ids.tolist():
        members = groups.members_of(b)
        rows.append(members)
        first, last = int(members[0]), int(members[-1])
        spans.append((first, last + 1) if last - first + 1 == members.size else None)
    return Plan(
        base=base_ids,
        spans=tuple(spans),
        rows=tuple(rows),
        derived=derived_ids,
        cover=cover,
    )
