"""What the web chat answers: commands go to the command service, questions to the model (through the
command layer's Llm port) with the diner's live menu as context, and short canned answers when no
model can answer."""
