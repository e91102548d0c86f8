"""What the service says about itself: log lines (text or JSON, request ids) and metrics."""
