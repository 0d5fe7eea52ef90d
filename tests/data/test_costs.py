"""Costs: what a read will spend, in the words the user is asked with."""

from __future__ import annotations

from pathlib import Path

import pytest

from affinity_tui.config import ConfigError, load_budget
from affinity_tui.data.costs import DEFAULT_ASK_ABOVE, Cost, pages_for
from affinity_tui.data.ratelimits import Budget, RateLimitStatus

BUDGETS = RateLimitStatus(Budget(880, 900, 42), Budget(99_000, 100_000, 6 * 86400))


def test_the_issues_example_in_words() -> None:
    cost = Cost.of(pages_for(88_000), BUDGETS)
    assert cost.requests == 880
    assert cost.describe() == "≈ 880 requests, about 1 min at 900/min, 0.9% of this month's budget"
    assert cost.over(DEFAULT_ASK_ABOVE) and not Cost.of(50, BUDGETS).over(50)


def test_small_and_huge_and_unknown() -> None:
    assert Cost.of(3, BUDGETS).describe() == "≈ 3 requests, about 1 s at 900/min, <0.1% of this month's budget"
    assert Cost.of(1, RateLimitStatus()).describe() == "≈ 1 request"
    huge = Cost.of(pages_for(10_000_000), RateLimitStatus(Budget(900, 900, 5), Budget(5_000, 100_000, 9)))
    assert huge.describe() == ("≈ 100,000 requests, about 1.9 h at 900/min, 100% of this month's budget, "
                               "more than the 5,000 left this month")
    assert Cost.of(120, BUDGETS, at_most=True).describe().startswith("at most ≈ 120 requests, about 8 s")
    assert pages_for(0) == 0 and pages_for(1) == 1 and pages_for(100) == 1 and pages_for(101) == 2


def test_ask_above_comes_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert load_budget(config) == DEFAULT_ASK_ABOVE == 50
    config.write_text("[budget]\nask_above = 200\n")
    assert load_budget(config) == 200
    config.write_text("[keymap]\n")
    assert load_budget(config) == 50
    for bad in ("ask_above = -1", 'ask_above = "50"', "ask_above = 1.5", "ask_above = true"):
        config.write_text(f"[budget]\n{bad}\n")
        with pytest.raises(ConfigError, match="ask_above"):
            load_budget(config)
