"""收藏: the pages (guides, bundles, policies) a signed-in user keeps for later."""
