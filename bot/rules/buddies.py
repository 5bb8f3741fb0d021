"""Weekly encouragement buddies: pair the members who opted in, avoiding recent repeats.

Pure functions. Randomness comes only from the ``random.Random`` passed in, so a pairing can be
reproduced from its seed; nothing here touches Discord or the database.
"""

import random
from collections.abc import Iterable, Sequence
from itertools import combinations

DEFAULT_ATTEMPTS = 200

# How many random draws to try before scanning the whole pool for someone not met recently.
_RANDOM_TRIES = 8

# A cap on the work of one call, counted in members placed plus swaps tried, so that odd
# histories (say, one member who met everybody) can't make it slow. Real histories of four weeks
# reach a repeat-free pairing long before this; it only makes the search stop earlier.
WORK_BUDGET = 100_000

_Met = dict[int, set[int]]


def _met_map(recent: Iterable[Iterable[int]], only: set[int] | None = None) -> _Met:
    """Who met whom: ``met[a]`` is the set of ids that shared a recent group with ``a``.

    With ``only``, ids outside it are ignored (former members can't be paired again anyway).
    """
    met: _Met = {}
    for group in recent:
        ids = set(group) if only is None else only.intersection(group)
        if len(ids) < 2:
            continue
        for a, b in combinations(ids, 2):
            met.setdefault(a, set()).add(b)
            met.setdefault(b, set()).add(a)
    return met


def _cost(group: Sequence[int], met: _Met) -> int:
    """How many couples inside ``group`` met recently."""
    count = 0
    for i, a in enumerate(group):
        seen = met.get(a)
        if seen:
            count += sum(1 for b in group[i + 1 :] if b in seen)
    return count


def repeat_couples(groups: Iterable[tuple[int, ...]], recent: Iterable[frozenset[int]]) -> int:
    """How many member couples inside ``groups`` also shared one of the ``recent`` groups.

    A group of three holds three couples, so it can count up to 3.
    """
    met = _met_map(recent)
    return sum(_cost(group, met) for group in groups)


def _pick(pool: list[int], met_a: set[int] | None, rng: random.Random) -> int:
    """The index in ``pool`` of a random member not in ``met_a``; any member if there is none."""
    if not met_a:
        return rng.randrange(len(pool))
    for _ in range(_RANDOM_TRIES):
        index = rng.randrange(len(pool))
        if pool[index] not in met_a:
            return index
    fresh = [i for i, b in enumerate(pool) if b not in met_a]
    return rng.choice(fresh) if fresh else rng.randrange(len(pool))


def _greedy(order: list[int], met: _Met, rng: random.Random) -> list[list[int]]:
    """One randomized greedy pass over ``order`` (already shuffled); the trio is formed last."""
    pool = list(order)  # the unpaired members; removal swaps with the last element
    position = {member: i for i, member in enumerate(pool)}

    def remove(index: int) -> int:
        member = pool[index]
        last = pool.pop()
        if index < len(pool):
            pool[index] = last
            position[last] = index
        del position[member]
        return member

    groups: list[list[int]] = []
    leftover: int | None = None
    for a in order:
        if a not in position:
            continue
        remove(position[a])
        if not pool:
            leftover = a
            break
        b = remove(_pick(pool, met.get(a), rng))
        groups.append([a, b])

    if leftover is not None:
        seen = met.get(leftover, set())
        target: int | None = None
        if seen:
            for _ in range(_RANDOM_TRIES):
                index = rng.randrange(len(groups))
                if not seen.intersection(groups[index]):
                    target = index
                    break
            if target is None:
                scores = [len(seen.intersection(group)) for group in groups]
                lowest = min(scores)
                target = rng.choice([i for i, s in enumerate(scores) if s == lowest])
        else:
            target = rng.randrange(len(groups))
        groups[target].append(leftover)
    return groups


def _improve(
    groups: list[list[int]], met: _Met, rng: random.Random, budget: int
) -> tuple[int, int]:
    """Swap members between groups while that lowers the repeat count.

    A swap of ``a`` (in group g) with ``b`` (in group h) can only help if ``a`` is in a repeat
    couple in g or ``b`` is in one in h, so only members of such couples are moved out of
    their group. A swap is kept only if it lowers the total, so this ends; it stops at a local
    minimum (the restarts take care of the rest) or once ``budget`` swaps were tried.
    Returns the final repeat count and the number of swaps tried.
    """
    empty: set[int] = set()
    costs = [_cost(group, met) for group in groups]
    total = sum(costs)
    count = len(groups)
    tried = 0
    improved = True
    while total and improved and count > 1 and tried < budget:
        improved = False
        bad = [i for i, c in enumerate(costs) if c]
        rng.shuffle(bad)
        for gi in bad:
            g = groups[gi]
            # The members of g in a repeat couple, with g's other members and their repeats.
            movers = []
            for ai, a in enumerate(g):
                met_a = met.get(a, empty)
                rest_g = [x for x in g if x != a]
                loss_g = sum(1 for x in rest_g if x in met_a)
                if loss_g:
                    movers.append((ai, a, met_a, rest_g, loss_g))
            start = rng.randrange(count)
            for step in range(count):
                hi = (start + step) % count
                if hi == gi:
                    continue
                if tried >= budget:
                    break
                h = groups[hi]
                swapped = False
                for ai, a, met_a, rest_g, loss_g in movers:
                    for bi, b in enumerate(h):
                        tried += 1
                        met_b = met.get(b, empty)
                        rest_h = [x for x in h if x != b]
                        delta_g = sum(1 for x in rest_g if x in met_b) - loss_g
                        delta_h = sum(1 for x in rest_h if x in met_a) - sum(
                            1 for x in rest_h if x in met_b
                        )
                        if delta_g + delta_h < 0:
                            g[ai], h[bi] = b, a
                            costs[gi] += delta_g
                            costs[hi] += delta_h
                            total += delta_g + delta_h
                            swapped = improved = True
                            break
                    if swapped:
                        break
                if swapped:
                    # g changed: carry on with it in the next pass if it still has a repeat.
                    break
            if not total or tried >= budget:
                break
    return total, tried


def pair_members(
    members: Sequence[int],
    recent: Iterable[frozenset[int]],
    rng: random.Random,
    *,
    attempts: int = DEFAULT_ATTEMPTS,
) -> list[tuple[int, ...]]:
    """Split ``members`` into buddy pairs, with one group of three when the count is odd.

    ``recent`` holds the pairs and groups of the last weeks; two members met recently if both
    are in one of them. The result keeps as few recently-met couples together as it can find:
    randomized greedy pairing plus improving swaps, restarted up to ``attempts`` times, keeping
    the best and stopping at the first repeat-free pairing. The result depends only on the set
    of members, ``recent`` and the state of ``rng`` (not on the order of ``members``).

    Every member appears exactly once. 0 or 1 member gives ``[]``. Groups are sorted inside,
    and ordered by their smallest id. Duplicate ids or ``attempts < 1`` raise ValueError.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    ordered = sorted(members)
    if len(set(ordered)) != len(ordered):
        raise ValueError("members contains duplicate ids")
    if len(ordered) < 2:
        return []

    met = _met_map(recent, set(ordered))
    best: list[list[int]] = []
    best_total = -1
    spent = 0
    for _ in range(attempts if met else 1):
        order = list(ordered)
        rng.shuffle(order)
        groups = _greedy(order, met, rng)
        total, tried = _improve(groups, met, rng, max(WORK_BUDGET - spent, 0))
        spent += len(order) + tried
        if best_total < 0 or total < best_total:
            best, best_total = groups, total
        if not total or spent >= WORK_BUDGET:
            break
    return sorted(tuple(sorted(group)) for group in best)
