"""chat-api: chats and their messages over REST, on aiohttp, asyncpg and plain SQL files."""
