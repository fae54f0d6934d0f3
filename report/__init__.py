from . import res_partner_personal_data
from . import gdpr_evidence_integrity
from . import gdpr_request_response
