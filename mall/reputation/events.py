"""What the reputation announces on c.events.

reputation.warning: shop_id, owner_id, score, component (the key of the one that cost the most points),
  when a shop's score falls below `health_warning_score`
reputation.computed: shop_id, score (None for a new shop): pages showing it may refresh"""

from __future__ import annotations

WARNING = "reputation.warning"
COMPUTED = "reputation.computed"
