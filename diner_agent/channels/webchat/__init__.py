"""The web chat: `/api/chat` and `/v1/chat/completions` in OpenAI's Chat Completions format (JSON or
SSE), `/v1/models`, and the small `/chat` page. What the chat says is decided in `commands.chat`."""
