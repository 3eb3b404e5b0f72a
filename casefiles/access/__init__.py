"""Access: who may see and act on a case and why (grants with their reasons), and what each
viewer is told (disclosure, identity masking)."""
