"""Running the service: the chat-api command, the server, seeding."""
