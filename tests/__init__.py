from . import test_gdpr_dictionaries
from . import test_crm_gdpr_security
