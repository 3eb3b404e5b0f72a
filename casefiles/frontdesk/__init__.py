"""The front desk (综合窗口): 一窗受理 — taking applications for every department at one window — and
统一出件."""
