from . import res_partner_personal_data
