"""The applicant's pages: applying online, 我的办件, corrections, withdrawal, the progress look-up."""
