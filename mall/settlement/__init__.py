"""Settlement (結算): commission, the double-entry ledger, statements per shop and payouts."""
