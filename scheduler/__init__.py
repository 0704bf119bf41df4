"""Turns time into "these are due now". The cadence arithmetic it relies on is
bot.checkins.cadence."""
