"""What every request goes through: parsing, answers, middlewares, errors as JSON, routing."""
