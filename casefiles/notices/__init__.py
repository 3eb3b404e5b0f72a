"""Notices (文书): the notices and decisions the law wants the applicant to receive, numbered and
hashed when issued, rendered as PDFs."""
