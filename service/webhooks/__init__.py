"""Webhooks: signing, where deliveries may go, the retry schedule, and the delivering worker."""
