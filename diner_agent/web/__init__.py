"""Pages and ops endpoints that are not a conversation: the public menu (JSON and HTML), the health
check, the operator's AI usage dashboard and its charts, and Prometheus `/metrics`."""
