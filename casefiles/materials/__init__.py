"""Materials (材料): uploads checked by their content, the changes a case's state allows, and the
one download path for a case's files."""
