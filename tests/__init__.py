from . import test_gdpr_dictionaries
from . import test_crm_gdpr_security
from . import test_gdpr_processing_register
from . import test_gdpr_processing_register_report
from . import test_gdpr_breach
from . import test_gdpr_breach_report
from . import test_crm_gdpr_access_matrix
from . import test_crm_gdpr_evidence
