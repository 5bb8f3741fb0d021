import random
import time
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.buddies import pair_members, repeat_couples

FAST = settings(max_examples=100, deadline=None)


def groups_of(ids: list[int]) -> list[tuple[int, ...]]:
    """Chunk ``ids`` into pairs in order, the last three forming the trio when the count is odd."""
    groups = [tuple(ids[i : i + 2]) for i in range(0, len(ids) - len(ids) % 2, 2)]
    if len(ids) % 2 and len(ids) >= 3:
        groups[-1] = groups[-1] + (ids[-1],)
    return groups


def couples(groups: list[tuple[int, ...]]) -> set[frozenset[int]]:
    return {frozenset(c) for group in groups for c in combinations(group, 2)}


def all_groupings(ids: list[int]):
    """Every way to split ``ids`` the way pair_members must (brute force, for small counts)."""
    if len(ids) < 2:
        yield []
        return
    if len(ids) == 3:
        yield [tuple(ids)]
        return
    first, rest = ids[0], ids[1:]
    for i, partner in enumerate(rest):
        others = rest[:i] + rest[i + 1 :]
        if len(others) != 1:
            for tail in all_groupings(others):
                yield [(first, partner), *tail]
    if len(ids) % 2:
        for i, j in combinations(range(len(rest)), 2):
            others = [x for k, x in enumerate(rest) if k not in (i, j)]
            for tail in all_groupings(others):
                if all(len(g) == 2 for g in tail):
                    yield [(first, rest[i], rest[j]), *tail]


def check_shape(members: list[int], groups: list[tuple[int, ...]]) -> None:
    flat = [m for group in groups for m in group]
    if len(members) < 2:
        assert groups == []
        return
    assert sorted(flat) == sorted(members)
    sizes = sorted(len(group) for group in groups)
    if len(members) % 2:
        assert sizes == [2] * (len(sizes) - 1) + [3]
    else:
        assert set(sizes) == {2}
    assert all(list(group) == sorted(group) for group in groups)
    assert groups == sorted(groups, key=min)


# ---- examples ----------------------------------------------------------------------------------


def test_no_members_and_a_lone_member_give_no_groups():
    assert pair_members([], [], random.Random(1)) == []
    assert pair_members([7], [frozenset({7, 8})], random.Random(1)) == []


def test_two_members_make_one_pair():
    assert pair_members([20, 10], [], random.Random(1)) == [(10, 20)]


def test_three_members_make_one_group_of_three():
    assert pair_members([3, 1, 2], [], random.Random(1)) == [(1, 2, 3)]


def test_four_members_make_two_pairs():
    groups = pair_members([1, 2, 3, 4], [], random.Random(1))
    check_shape([1, 2, 3, 4], groups)
    assert len(groups) == 2


def test_five_members_make_a_pair_and_a_trio():
    groups = pair_members([5, 4, 3, 2, 1], [], random.Random(1))
    check_shape([1, 2, 3, 4, 5], groups)
    assert sorted(len(g) for g in groups) == [2, 3]


@pytest.mark.parametrize("seed", range(20))
def test_recent_pairs_are_avoided_when_there_is_another_way(seed):
    recent = [frozenset({1, 2}), frozenset({3, 4})]
    groups = pair_members([1, 2, 3, 4], recent, random.Random(seed))
    assert groups in ([(1, 3), (2, 4)], [(1, 4), (2, 3)])


@pytest.mark.parametrize("seed", range(20))
def test_the_trio_is_made_of_members_who_have_not_met(seed):
    # 5 met 1 and 2, so the trio can't hold 5 with either of them; 3 and 4 met each other.
    recent = [frozenset({1, 5}), frozenset({2, 5}), frozenset({3, 4})]
    groups = pair_members([1, 2, 3, 4, 5], recent, random.Random(seed))
    check_shape([1, 2, 3, 4, 5], groups)
    assert repeat_couples(groups, recent) == 0


def test_members_who_met_are_still_paired_when_there_is_no_other_way():
    recent = [frozenset({1, 2})]
    groups = pair_members([1, 2], recent, random.Random(1))
    assert groups == [(1, 2)]
    assert repeat_couples(groups, recent) == 1


def test_the_fewest_repeats_are_kept_when_some_are_unavoidable():
    # Everyone met everyone but 1 and 2: one pair can be fresh, the other can't.
    members = [1, 2, 3, 4]
    recent = [frozenset(c) for c in combinations(members, 2) if c != (1, 2)]
    groups = pair_members(members, recent, random.Random(1))
    assert groups == [(1, 2), (3, 4)]
    assert repeat_couples(groups, recent) == 1


def test_the_same_seed_gives_the_same_pairing():
    members = list(range(100, 160))
    recent = [frozenset({100 + i, 101 + i}) for i in range(0, 58, 2)]
    first = pair_members(members, recent, random.Random(42))
    assert pair_members(members, recent, random.Random(42)) == first
    assert pair_members(list(reversed(members)), iter(recent), random.Random(42)) == first


def test_different_seeds_give_different_pairings():
    members = list(range(1, 21))
    pairings = {tuple(pair_members(members, [], random.Random(seed))) for seed in range(10)}
    assert len(pairings) > 1


def test_former_members_in_the_history_are_ignored():
    recent = [frozenset({1, 99}), frozenset({2, 98, 97})]
    assert pair_members([1, 2], recent, random.Random(1)) == [(1, 2)]


def test_recent_can_be_a_one_shot_iterator():
    recent = iter([frozenset({1, 2}), frozenset({3, 4})])
    groups = pair_members([1, 2, 3, 4], recent, random.Random(1))
    assert repeat_couples(groups, [frozenset({1, 2}), frozenset({3, 4})]) == 0


def test_duplicate_members_raise():
    with pytest.raises(ValueError, match="duplicate"):
        pair_members([1, 2, 1], [], random.Random(1))


def test_attempts_must_be_positive():
    with pytest.raises(ValueError, match="attempts"):
        pair_members([1, 2], [], random.Random(1), attempts=0)


def test_repeat_couples_counts_couples_not_groups():
    recent = [frozenset({1, 2, 3}), frozenset({4, 5})]
    assert repeat_couples([(1, 2, 3), (4, 5)], recent) == 4
    assert repeat_couples([(1, 4), (2, 5), (3, 6)], recent) == 0
    assert repeat_couples([(1, 2), (3, 6, 7)], recent) == 1
    assert repeat_couples([], recent) == 0


def test_two_thousand_members_are_paired_quickly_without_repeats():
    rng = random.Random(7)
    members = rng.sample(range(10**17, 10**18), 2001)
    recent = []
    for _ in range(4):
        week = list(members)
        rng.shuffle(week)
        recent += [frozenset(group) for group in groups_of(week)]
    start = time.perf_counter()
    groups = pair_members(members, recent, random.Random(1))
    elapsed = time.perf_counter() - start
    check_shape(members, groups)
    assert repeat_couples(groups, recent) == 0
    assert elapsed < 1.0


def test_a_lopsided_history_stays_fast():
    # Not a real four-week history: 0 and 1 met everybody, so the best is pairing them with
    # each other (1 repeat), no attempt reaches 0 and the search runs on to its work cap.
    members = list(range(2000))
    recent = [frozenset({0, m}) for m in members[1:]] + [frozenset({1, m}) for m in members[2:]]
    start = time.perf_counter()
    groups = pair_members(members, recent, random.Random(1))
    elapsed = time.perf_counter() - start
    check_shape(members, groups)
    assert repeat_couples(groups, recent) == 1  # 0 with 1; everyone else fresh
    assert elapsed < 2.0


# ---- properties --------------------------------------------------------------------------------

member_lists = st.lists(st.integers(min_value=1, max_value=2**63 - 1), unique=True, max_size=60)


@st.composite
def members_and_history(draw):
    members = draw(member_lists)
    pool = members + draw(st.lists(st.integers(min_value=1, max_value=2**63 - 1), max_size=5))
    pool = list(dict.fromkeys(pool))
    if len(pool) < 2:
        return members, []
    group = st.lists(st.sampled_from(pool), min_size=2, max_size=min(3, len(pool)), unique=True)
    recent = [frozenset(g) for g in draw(st.lists(group, max_size=3 * len(pool)))]
    return members, recent


@FAST
@given(members_and_history(), st.integers(min_value=0, max_value=2**32))
def test_everyone_is_grouped_once_in_pairs_and_at_most_one_trio(case, seed):
    members, recent = case
    groups = pair_members(members, recent, random.Random(seed))
    check_shape(members, groups)
    assert pair_members(members, recent, random.Random(seed)) == groups


@st.composite
def history_with_a_fresh_pairing(draw):
    """Members plus four weeks of history that leave at least one repeat-free pairing.

    A hidden grouping P is drawn first. The weeks are either random groupings with every group
    that shares a couple with P left out, or (for an even count) four rounds of a round-robin
    schedule that has P as another round: then, for 6 members, P is the only fresh pairing.
    """
    n = draw(st.integers(min_value=0, max_value=40))
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    members = rng.sample(range(1, 10**12), n)
    if n % 2 == 0 and n >= 6 and draw(st.booleans()):
        # Circle method: rounds of a 1-factorization of the complete graph on the members.
        rounds = []
        for k in range(n - 1):
            pairs = [(members[n - 1], members[k])]
            pairs += [
                (members[(k + i) % (n - 1)], members[(k - i) % (n - 1)]) for i in range(1, n // 2)
            ]
            rounds.append(pairs)
        rng.shuffle(rounds)
        return members, [frozenset(pair) for week in rounds[1:5] for pair in week]
    hidden = list(members)
    rng.shuffle(hidden)
    taken = couples(groups_of(hidden))
    recent = []
    for _ in range(4):
        week = list(members) + rng.sample(range(10**12, 10**13), rng.randrange(3))
        rng.shuffle(week)
        recent += [frozenset(g) for g in groups_of(week) if not couples([g]) & taken]
    return members, recent


@FAST
@given(history_with_a_fresh_pairing(), st.integers(min_value=0, max_value=2**32))
def test_repeats_are_avoided_whenever_a_fresh_pairing_exists(case, seed):
    members, recent = case
    groups = pair_members(members, recent, random.Random(seed), attempts=200)
    check_shape(members, groups)
    assert repeat_couples(groups, recent) == 0


@FAST
@given(members_and_history(), st.integers(min_value=0, max_value=2**32))
def test_small_groups_get_the_fewest_possible_repeats(case, seed):
    members, recent = case
    members = members[:8]
    best = min(repeat_couples(g, recent) for g in all_groupings(sorted(members)))
    groups = pair_members(members, recent, random.Random(seed))
    assert repeat_couples(groups, recent) == best
