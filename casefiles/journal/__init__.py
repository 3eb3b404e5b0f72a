"""The journal (日志): each case's and each license's append-only, tamper-evident record of what
happened, sealed with keyed hashes."""
