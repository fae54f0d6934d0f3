from . import gdpr_dictionary_mixin
from . import gdpr_consent_category
from . import gdpr_consent_source
from . import gdpr_withdrawal_reason
from . import gdpr_withdrawal_source
from . import gdpr_transfer_basis
from . import gdpr_channel
from . import gdpr_consent_text
