# Two commands on a fresh machine: `make run` (demo diner on http://localhost:8791) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
PORT   ?= 8791

.PHONY: install run test test-at lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Local secrets for the demo (never committed): the SMS simulator and the server share them, and the
# public URL Twilio signatures are checked against (/sms refuses everything without PUBLIC_BASE_URL).
.dev.vars:
	@$(BIN)/python -c "import secrets; print('TWILIO_AUTH_TOKEN=dev-' + secrets.token_hex(16)); print('ADMIN_TOKEN=dev-' + secrets.token_hex(12))" > .dev.vars
	@echo "wrote .dev.vars (local demo secrets)"

run: install .dev.vars
	@grep -q '^PUBLIC_BASE_URL=' .dev.vars || echo "PUBLIC_BASE_URL=http://localhost:$(PORT)" >> .dev.vars
	$(BIN)/diner-agent db upgrade
	$(BIN)/diner-agent tenants load examples/demo-diner.yaml
	@token=$$($(BIN)/diner-agent tenants token demo-diner) && \
	echo "" && \
	echo "Demo Diner is starting on http://localhost:$(PORT)" && \
	echo "  public menu:  http://localhost:$(PORT)/menu/demo-diner   (JSON: /menu/demo-diner.json)" && \
	echo "  text it:      $(BIN)/diner-agent sms --tenant demo-diner --from +15555550151 '86 the meatloaf' --url http://localhost:$(PORT)" && \
	echo "  parse only:   $(BIN)/diner-agent parse --tenant demo-diner 'coffee 3.25'" && \
	echo "  web chat:     http://localhost:$(PORT)/chat   token (new each run): $$token" && \
	echo "  chat by curl: curl -X POST http://localhost:$(PORT)/api/chat -H 'X-Tenant-ID: demo-diner' -H 'Authorization: Bearer '$$token -H 'Content-Type: application/json' -d '{\"messages\": [{\"role\": \"user\", \"content\": \"86 the meatloaf\"}]}'" && \
	echo ""
	PORT=$(PORT) $(BIN)/diner-agent serve --port $(PORT)

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check diner_agent tests bench

test: install lint
	$(BIN)/pytest

# The whole suite with the wall clock moved (time-machine), e.g. make test-at AT=2027-03-14T07:30:00Z
test-at: install
	@test -n "$(AT)" || { echo "usage: make test-at AT=2027-03-14T07:30:00Z"; exit 2; }
	$(BIN)/pytest --at "$(AT)"

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
