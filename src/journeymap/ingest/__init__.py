"""The outside world's files -> canonical tables (events, customers), with rejects."""
