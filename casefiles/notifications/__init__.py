"""Notifications: telling applicants what happened to their cases — today an email on every change
of state they are told of; the message centre (站内消息) will live here too."""
