# crm_gdpr developer commands; see README.md. Odoo 18 must be importable by python3.
PYTHON ?= python3
DEV = $(PYTHON) tools/dev.py
comma := ,

.PHONY: demo test lint i18n wheel screenshots bench

demo:  ## serve a demo database at http://localhost:8069 (RESET=1 recreates it)
	$(DEV) demo $(if $(RESET),--reset)

test:  ## lint, then every test of the addon in a fresh database
	$(DEV) test

lint:  ## ruff and pylint-odoo only
	$(DEV) lint

i18n:  ## regenerate i18n/crm_gdpr.pot with Odoo's export and merge i18n/pl.po
	$(DEV) i18n

wheel:  ## build dist wheel odoo-addon-crm_gdpr in .build/dist (any folder name)
	$(DEV) wheel

screenshots:  ## PNG pictures of the main screens and printouts in docs/ (fresh demo database)
	$(PYTHON) tools/screenshots.py

bench:  ## performance benchmark at CRM scale: prints a table, writes bench/results/latest.json (ONLY=name,... one measure; FULL=1 adds the 1,000,000-consent scale)
	$(PYTHON) bench/crm_gdpr_bench.py run $(subst $(comma), ,$(ONLY)) $(if $(FULL),--full)
