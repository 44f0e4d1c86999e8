"""Channel adapters: requests in (SMS, Slack, web chat, public pages), commands and replies out."""
