"""Benchmarks for Keep Going: a synthetic community written through the project's own storage
layer, and the figures the bot must hold at that size. Run with ``python -m bench [--quick]``.

Nothing here is imported by the bot; the bot's code is imported and driven as it runs.
"""
