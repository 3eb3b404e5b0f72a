"""Cases (办件): the case record, its states and what may happen in each, the one mechanism by
which a declared step moves a status (``transitions``: the workflow's, a license's, a bundle
parent's), case numbers and tallies. Acting on a case — applying, the workflow's steps, the
journal's words for them — is ``casefiles.handling``, above ``casefiles.access``, which it asks
who may act."""
