"""The walk test's parts: what a page shows (pages), the guard that catches a GET writing (guard), the walker."""
