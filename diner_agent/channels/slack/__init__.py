"""Slack through Bolt: `/slack/events` (events, the `/menu` slash command and buttons), Block Kit replies,
the retry check on `event_id`, and the listener pool that knows when acked work is done."""
