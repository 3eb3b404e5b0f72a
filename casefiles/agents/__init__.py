"""Agents (帮办代办): an applicant's time-limited authorisation for someone to act for them on a case
or a bundle."""
