import random
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules import texts
from bot.rules.texts import next_in_rotation, pick

# name -> (library, minimum count, maximum length)
LIBRARIES = {
    "MORNING_PROMPTS": (texts.MORNING_PROMPTS, 64, 219),
    "PATIENCE_REMINDERS": (texts.PATIENCE_REMINDERS, 44, 279),
    "WEEKLY_THOUGHTS": (texts.WEEKLY_THOUGHTS, 24, 280),
    "FOLLOW_UP_SETBACK": (texts.FOLLOW_UP_SETBACK, 8, 280),
    "FOLLOW_UP_WIN": (texts.FOLLOW_UP_WIN, 8, 280),
    "WELCOME_BACK": (texts.WELCOME_BACK, 8, 200),
    "STREAK_PATIENCE": (texts.STREAK_PATIENCE, 8, 200),
}

FORBIDDEN = ("@", "<@", "leaderboard", "rank", "top ", "best in", "winner", "beat ")

ALL_TEXTS = [text for library, _, _ in LIBRARIES.values() for text in library] + [
    part for pair in texts.REFLECTION_QUESTIONS for part in pair
]

# Ends of sentences: ., ? or ! followed by a space or the end of the text.
SENTENCE_END = re.compile(r"[.?!](?=\s|$)")


@pytest.mark.parametrize("name", LIBRARIES)
def test_library_is_a_big_enough_tuple_of_str(name):
    library, minimum, _ = LIBRARIES[name]
    assert isinstance(library, tuple)
    assert all(isinstance(text, str) for text in library)
    assert len(library) >= minimum


@pytest.mark.parametrize("name", LIBRARIES)
def test_texts_are_stripped_non_empty_and_short_enough(name):
    library, _, maximum = LIBRARIES[name]
    for text in library:
        assert text == text.strip() and text, repr(text)
        assert len(text) <= maximum, text
        assert "  " not in text and "\n" not in text, repr(text)


def test_no_duplicates_within_or_across_libraries():
    normalised = Counter(" ".join(text.casefold().split()) for text in ALL_TEXTS)
    assert [text for text, count in normalised.items() if count > 1] == []


@pytest.mark.parametrize("word", FORBIDDEN)
def test_forbidden_words_are_absent(word):
    assert [text for text in ALL_TEXTS if word in text.casefold()] == []


def test_no_text_talks_about_being_the_best():
    assert [text for text in ALL_TEXTS if re.search(r"\bbest\b", text, re.IGNORECASE)] == []


def test_morning_prompts_are_one_or_two_sentences_with_varied_openings():
    for text in texts.MORNING_PROMPTS:
        assert 1 <= len(SENTENCE_END.findall(text)) <= 2, text
    openings = Counter(text.split()[0].strip(",.!?").casefold() for text in texts.MORNING_PROMPTS)
    assert max(openings.values()) <= 6, openings.most_common(3)
    assert len(openings) >= 32


def test_weekly_thoughts_are_one_sentence_in_the_group_voice():
    voice = re.compile(r"\b(we|us|our|let's)\b", re.IGNORECASE)
    for text in texts.WEEKLY_THOUGHTS:
        assert len(SENTENCE_END.findall(text)) == 1, text
        assert voice.search(text), text


def test_emoji_are_rare():
    def emoji_count(text):
        return sum(1 for char in text if ord(char) >= 0x2600)

    assert all(emoji_count(text) <= 1 for text in ALL_TEXTS)
    assert sum(1 for text in ALL_TEXTS if emoji_count(text)) <= 5


def test_reflection_questions_fit_discord_modal_limits():
    questions = texts.REFLECTION_QUESTIONS
    assert isinstance(questions, tuple) and len(questions) == 3
    for label, placeholder in questions:
        assert isinstance(label, str) and isinstance(placeholder, str)
        assert label == label.strip() and label
        assert placeholder == placeholder.strip() and placeholder
        assert len(label) <= 45
        assert len(placeholder) <= 100
    assert len({label for label, _ in questions}) == 3


def test_pick_is_deterministic_and_wraps():
    library = ("a", "b", "c")
    assert pick(library, 0) == "a"
    assert pick(library, 4) == "b"
    assert pick(library, -1) == "c"
    assert pick(texts.WELCOME_BACK, 12345) == pick(texts.WELCOME_BACK, 12345)


def test_pick_from_empty_library_raises():
    with pytest.raises(ValueError):
        pick((), 3)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=1, max_value=40), seed=st.integers(), cycles=st.integers(2, 4))
def test_rotation_shows_every_index_once_per_cycle(total, seed, cycles):
    rng = random.Random(seed)
    used: set[int] = set()
    for cycle in range(cycles):
        drawn = []
        for draw in range(total):
            index, new_cycle = next_in_rotation(total, used, rng)
            # A cycle starts exactly at the first draw of each round of `total` draws.
            assert new_cycle == (draw == 0), (cycle, draw)
            if new_cycle:
                used.clear()
            assert 0 <= index < total
            used.add(index)
            drawn.append(index)
        assert sorted(drawn) == list(range(total)), cycle


def test_rotation_ignores_indexes_of_a_shrunk_library():
    rng = random.Random(7)
    # The library had 10 texts; now it has 4. Indexes 5..9 are stale.
    index, new_cycle = next_in_rotation(4, {0, 2, 5, 9}, rng)
    assert (index in {1, 3}) and not new_cycle

    # Only stale indexes: nothing valid was used, so a new cycle starts.
    index, new_cycle = next_in_rotation(4, {4, 7, 8}, rng)
    assert new_cycle and 0 <= index < 4

    # Every current index used (plus stale ones): a new cycle starts.
    index, new_cycle = next_in_rotation(4, {0, 1, 2, 3, 6}, rng)
    assert new_cycle and 0 <= index < 4


def test_rotation_ignores_negative_indexes():
    index, new_cycle = next_in_rotation(3, {-1, 0, 1}, random.Random(1))
    assert (index, new_cycle) == (2, False)


def test_rotation_is_reproducible_with_a_seed():
    first = next_in_rotation(50, {1, 2, 3}, random.Random(42))
    second = next_in_rotation(50, [3, 2, 1], random.Random(42))
    assert first == second


def test_rotation_of_one_text():
    rng = random.Random(0)
    assert next_in_rotation(1, set(), rng) == (0, True)
    assert next_in_rotation(1, {0}, rng) == (0, True)


@pytest.mark.parametrize("total", [0, -3])
def test_rotation_of_empty_library_raises(total):
    with pytest.raises(ValueError):
        next_in_rotation(total, set(), random.Random(0))
