"""Table models over the core's plain data: display text is computed lazily in data()."""
