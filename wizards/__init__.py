from . import gdpr_consent_bulk_grant
from . import gdpr_consent_bulk_grant_line
from . import gdpr_consent_bulk_withdraw
from . import gdpr_consent_bulk_withdraw_line
from . import privacy_lookup_wizard_line
from . import base_partner_merge_automatic_wizard
from . import privacy_lookup_wizard
from . import gdpr_access_report_wizard
