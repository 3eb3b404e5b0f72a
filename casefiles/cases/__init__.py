"""Cases (办件): the case record, its states and what may happen in each, case numbers and
tallies. Acting on a case — applying, the workflow's steps, the journal's words for them — is
``casefiles.handling``, above ``casefiles.access``, which it asks who may act."""
