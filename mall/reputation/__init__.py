"""Reputation (店鋪健康分 / 信譽): one explained health score per shop, from figures the other domains give
through their services (orders, reviews; later after-sales and chat). Components are a list: adding one
(refund rate, disputes lost, chat response time) is one more entry in components.py."""
