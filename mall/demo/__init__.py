"""Demo data (demo = true): shops, products, promotions, flash sales and orders, written through the same
services as real use. `seed(c)` creates what is missing; only the composition roots (app, cli) call it."""

from mall.demo.seed import demo_logins, seed

__all__ = ["demo_logins", "seed"]
