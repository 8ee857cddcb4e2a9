"""Group membership in compressed rows, and the plan that sums groups from other groups."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meadow.analytics.bench import synthetic_groups
from meadow.analytics.groups import Groups

# A small tree and two groups across it:
#   world 0 = {0..5}; region 1 = {0, 1, 2}, region 2 = {3, 4, 5};
#   sub-regions 3 = {0, 1}, 4 = {2}, 5 = {3, 4, 5}; ldc 6 = {1, 4}; copy 7 = region 1.
LISTS = [[0, 1, 2, 3, 4, 5], [0, 1, 2], [3, 4, 5], [0, 1], [2], [3, 4, 5], [1, 4], [2, 1, 0]]


def test_from_pairs_sorts_and_counts():
    groups = Groups.from_pairs([1, 0, 1, 0], [4, 2, 0, 1], n_groups=3, n_countries=5)
    assert groups.ptr.tolist() == [0, 2, 4, 4]
    assert groups.members.tolist() == [1, 2, 0, 4]
    assert groups.sizes.tolist() == [2, 2, 0]
    assert groups.members_of(1).tolist() == [0, 4]
    assert groups.matrix().sum(axis=1).tolist() == [2, 2, 0]
    np.testing.assert_allclose(groups.total(np.arange(5.0)), [3.0, 4.0, 0.0])


def test_bad_memberships_are_refused():
    with pytest.raises(ValueError, match="twice"):
        Groups.from_pairs([0, 0], [1, 1])
    with pytest.raises(ValueError, match="out of range"):
        Groups.from_pairs([0], [3], n_countries=2)
    with pytest.raises(ValueError, match="negative"):
        Groups.from_pairs([0], [-1])
    with pytest.raises(ValueError, match="sorted and unique"):
        Groups(ptr=np.array([0, 2]), members=np.array([1, 0]), n_countries=2)
    with pytest.raises(ValueError, match="country numbers"):
        Groups(ptr=np.array([0, 1]), members=np.array([2]), n_countries=2)
    with pytest.raises(ValueError, match="ptr"):
        Groups(ptr=np.array([0, 3]), members=np.array([0, 1]), n_countries=2)


def test_plan_reads_leaves_and_scattered_groups_and_sums_the_rest():
    groups = Groups.from_lists(LISTS, n_countries=6)
    plan = groups.plan
    # Region 2 and sub-region 5 are the same set: the first is read from countries and
    # the second copies it. Sub-regions 3 and 4 and the LDC group are read too; region
    # 1, group 7 (its copy) and the world are sums of the others.
    assert plan.base.tolist() == [2, 3, 4, 6]
    assert plan.derived.tolist() == [0, 1, 5, 7]
    assert plan.spans == ((3, 6), (0, 2), (2, 3), None)
    parts = {int(g): plan.base[plan.parts(i)].tolist() for i, g in enumerate(plan.derived)}
    assert parts == {0: [2, 3, 4], 1: [3, 4], 5: [2], 7: [3, 4]}


def test_plan_of_the_benchmark_groups():
    member = synthetic_groups()
    groups, plan = member.groups, member.groups.plan
    assert groups.n_countries == 200 and groups.n_groups == 38
    per_country = np.bincount(groups.members, minlength=200)
    assert per_country.min() == 4 and per_country.max() == 7
    named = dict(zip(member.names, range(groups.n_groups), strict=True))
    assert groups.sizes[named["World"]] == 200
    # Numbered in M49 order, every sub-region is a slice; the world, the regions, the
    # sub-regions made of intermediate regions, and the African and Latin American
    # groups (equal to a region) are sums of other groups.
    derived = {member.names[g] for g in plan.derived}
    assert {"World", "Africa", "Europe", "Sub-Saharan Africa", "African Group"} <= derived
    assert {"LDC", "SIDS", "WEOG Group"} <= {member.names[g] for g in plan.base}


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_every_derived_group_is_the_disjoint_union_of_its_parts(data):  # type: ignore[no-untyped-def]
    n = data.draw(st.integers(1, 12))
    lists = data.draw(
        st.lists(st.lists(st.integers(0, n - 1), unique=True), min_size=1, max_size=8)
    )
    if len(lists) > 1:
        # Add disjoint unions so that some groups can be derived.
        a, b = set(lists[0]), set(lists[1]) - set(lists[0])
        lists += [sorted(a | b), sorted(a), list(range(n))]
    groups = Groups.from_lists(lists, n_countries=n)
    plan = groups.plan
    dense = groups.matrix()
    assert sorted(plan.base.tolist() + plan.derived.tolist()) == list(range(groups.n_groups))
    for i, g in enumerate(plan.derived.tolist()):
        parts = plan.base[plan.parts(i)]
        counts = dense[parts].sum(axis=0)
        assert (counts <= 1).all(), "parts overlap"
        assert ((counts == 1) == dense[g]).all(), "parts do not tile the group"
    for span, rows in zip(plan.spans, plan.rows, strict=True):
        if span is not None:
            assert rows.tolist() == list(range(*span))
