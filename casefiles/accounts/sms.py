"""A stand-in for the accounts' SMS sender, for the members branch only: the coordinator
replaces this file with the real one at merge. Tests read ``outbox``."""

outbox: list[tuple[str, str]] = []


def send_text(number, text):
    outbox.append((number, text))
