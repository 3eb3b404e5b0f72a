"""Notifications: telling users what happened — the message centre (站内消息: every user's
inbox, ``messages``), posted to on each change of state of a case the applicant is told of
(``case_updates``), and the applicant's email for the same changes (``emails``)."""
