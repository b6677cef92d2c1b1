"""The editorial API (``/api/v1/``): articles and their review, the source library, tokens."""
