"""Who may call what: scopes, API keys, JWT verification, rate limit budgets."""
