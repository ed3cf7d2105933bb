"""Reads shared within one page build: answered once inside a block, never
remembered outside one (so nothing outlives a request or a test's step)."""

from collections.abc import Callable

from lantern.core.chronology import byline_fields, shared, shared_reads


def _counter() -> tuple[list[int], Callable[[], int]]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_outside_a_block_every_call_computes():
    calls, compute = _counter()
    assert shared("k", compute) == 1
    assert shared("k", compute) == 2
    assert len(calls) == 2


def test_inside_a_block_each_key_is_computed_once_and_forgotten_after():
    calls, compute = _counter()
    with shared_reads():
        assert shared(("a", 1), compute) == 1
        assert shared(("a", 1), compute) == 1
        assert shared(("a", 2), compute) == 2
    with shared_reads():
        assert shared(("a", 1), compute) == 3
    assert len(calls) == 3


def test_a_nested_block_shares_the_outer_one():
    calls, compute = _counter()
    with shared_reads():
        shared("k", compute)
        with shared_reads():
            assert shared("k", compute) == 1
        # The inner block's end does not forget the outer block's reads.
        assert shared("k", compute) == 1
    assert len(calls) == 1


def test_byline_fields_name_what_str_of_a_user_reads():
    assert byline_fields("recorded_by") == (
        "recorded_by__first_name",
        "recorded_by__last_name",
        "recorded_by__username",
    )
