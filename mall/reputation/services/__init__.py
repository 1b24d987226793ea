"""Reputation use cases, in two modules so that readers stay light:

standing.py: the stored scores (health_of, for_shops, refusal_for_minimum): what promotions, flash sales and
  the storefront import; it reaches no other domain.
scoring.py: computing a score from the other domains' figures (compute, compute_all, schedule_hourly)."""
