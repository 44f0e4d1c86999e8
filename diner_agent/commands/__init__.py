"""The command layer: from a normalized inbound message to a reply, applying changes to the store."""
