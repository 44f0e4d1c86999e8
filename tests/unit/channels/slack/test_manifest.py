"""slack-app-manifest.yaml asks for exactly what the Slack adapter uses, all at /slack/events."""

from __future__ import annotations

import yaml

from tests.menus import ROOT

URL = "https://YOUR-HOST/slack/events"


def test_the_manifest_points_everything_at_one_url_with_the_scopes_we_use():
    manifest = yaml.safe_load((ROOT / "slack-app-manifest.yaml").read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "im:read",
        "im:write",
    }
    settings = manifest["settings"]
    assert settings["event_subscriptions"] == {"request_url": URL, "bot_events": ["app_mention", "message.im"]}
    assert settings["interactivity"] == {"is_enabled": True, "request_url": URL}
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/menu" and command["url"] == URL
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # people can DM the bot
