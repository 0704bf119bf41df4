"""Housekeeping: the bookkeeping rows a year of operation leaves behind, pruned daily."""
