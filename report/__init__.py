from . import res_partner_personal_data
from . import gdpr_request_response
