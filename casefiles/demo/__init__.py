"""The Zhuhai demo data (make run loads it): kept apart from the production code it exercises."""
