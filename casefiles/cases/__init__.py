"""Cases (办件): applications, the declared workflow and its transitions, case numbers, tallies,
notifications and the cases' search documents."""
