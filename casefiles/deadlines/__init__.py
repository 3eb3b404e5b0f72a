"""Deadlines: the working-day calendar with China's holidays (调休 included), deadlines with
pauses, and the supervision lights (电子监察)."""
