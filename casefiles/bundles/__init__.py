"""One-thing bundles (一件事): several items applied for at once with parallel approval, and 一照通行's
activities."""
