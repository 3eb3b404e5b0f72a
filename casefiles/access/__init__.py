"""Access: who may see and act on a case and why (grants with their reasons, agency in force
by the applicant's authorisations), and what each viewer is told (disclosure, identity masking)."""
