"""Bridge-training intake for skilled newcomers: origin, credential evaluation, licensing, language, learning plan."""
