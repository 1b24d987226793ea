"""The payouts chart's geometry: bars oldest left, as tall as their amounts, inside the box."""

from mall.settlement.charts import payout_bars
from mall.settlement.services.figures import PayoutPoint


def test_bars_scale_to_the_largest_payout_and_stay_inside_the_box():
    chart = payout_bars([PayoutPoint("2026-11-01", 1000, False), PayoutPoint("2026-11-08", 4000, True)])
    small, large = chart.bars
    assert chart.top == 4000 and large.height == 4 * small.height and large.failed and not small.failed
    assert small.x < large.x and all(b.y >= 0 and b.y + b.height <= chart.base + 0.1 for b in chart.bars)
    assert payout_bars([]) is None
