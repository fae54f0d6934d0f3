"""``python3 -m bench run [NAME ...]`` from the repository root: the same as
``python3 bench/crm_gdpr_bench.py``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crm_gdpr_bench  # noqa: E402

crm_gdpr_bench.main()
