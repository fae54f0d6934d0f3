from odoo import models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Not Odoo's "<model> created": "Naruszenie ochrony danych osobowych RODO
# utworzono" is no Polish. One sentence per model of crm_gdpr with a chatter.
CREATION_MESSAGES = {
    "gdpr.breach": _lt("Breach registered."),
    "gdpr.request": _lt("Request registered."),
    "gdpr.processing.register": _lt("Register of processing activities created."),
    "gdpr.processing.activity": _lt("Processing activity added to the register."),
    "gdpr.transfer": _lt("Transfer to a third country added."),
    "gdpr.joint.controller": _lt("Joint controller added."),
    "gdpr.consent.text": _lt("Consent text created."),
    "gdpr.processor.agreement": _lt("Processor agreement registered."),
    "gdpr.dpia": _lt("Impact assessment registered."),
    "gdpr.information.record": _lt("Information record registered."),
    "gdpr.bulk.job": _lt("Background job queued."),
}


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _creation_message(self):
        message = CREATION_MESSAGES.get(self._name)
        if message is not None:
            return message._translate(self.env.lang)
        if self._original_module == "crm_gdpr" and self._name.startswith("gdpr."):
            # The dictionaries (categories, sources, reasons, channels…).
            return self.env._(
                "Dictionary entry added: %s",
                self.env["ir.model"]._get(self._name).name,
            )
        return super()._creation_message()
