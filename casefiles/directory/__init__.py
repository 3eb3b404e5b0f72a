"""The directory: departments (部门) and their role groups, applicants (enterprises by USCC,
persons by resident identity number) and the check characters of their identifiers."""
