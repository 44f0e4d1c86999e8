"""SMS through Twilio: the `/sms` webhook, the TwiML and carrier-keyword rules, outbound texts through
Twilio's REST API (for answers that arrive after the webhook window) and the `diner-agent sms` simulator."""
