"""Real-name levels (实名认证等级): how sure Yiwang is of a person's identity, what recorded it, and
what a service item's applications need."""
