"""Channels: one package per way a diner's staff reach the bot (sms/, slack/, webchat/).

Each verifies its requests, turns its wire format into a `commands.addressing.Message` for the command
service (which finds the diner and the sender), and renders the `Reply` it gets back (TwiML, Block
Kit, SSE). No channel touches the store. `followups.py` is what SMS and Slack share: answer within
the channel's time budget, else follow up later.
"""
