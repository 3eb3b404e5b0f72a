"""The public side of electronic licenses: verification (page, API, public keys), the
holder's wallet (我的证照) with 亮证 share links, and the issuing department's admin pages.

Every rule is in ``casefiles.licenses``, ``casefiles.certificates`` and ``wallet``; the
views only turn requests into their calls.
"""
