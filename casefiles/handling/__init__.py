"""Handling (办理): applying for an item and the declared workflow from submission to decision
(its transitions, guards and hooks), and the journal's registry of what each action is called.
It stands above ``casefiles.access`` (every step asks who may act and what they are told) and
below the components that register their effects on its steps."""
