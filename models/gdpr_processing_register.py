from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class GdprProcessingRegister(models.Model):
    _name = "gdpr.processing.register"
    _description = "GDPR Register of Processing Activities"
    _inherit = ["gdpr.value.check.mixin", "mail.thread", "gdpr.evidence.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Partners a register names: the user must be able to read them (SPEC 8).
    _gdpr_partner_fields = (
        "controller_id",
        "controller_address_id",
        "representative_id",
        "representative_address_id",
        "dpo_id",
        "dpo_address_id",
    )
    # Server-assigned ID (SPEC section 7, see gdpr.evidence.mixin)
    _gdpr_identifier_field = "name"

    # Identification
    name = fields.Char(
        string="Register ID",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: _("New"),
        help="Assigned at creation: the creation date and a running number "
        "(YYYY/MM/DD/N).",
    )
    title = fields.Char(string="Register Name", tracking=True)
    register_type = fields.Selection(
        [
            ("controller", "Controller (Art. 30(1))"),
            ("processor", "Processor (Art. 30(2))"),
        ],
        required=True,
        default="controller",
        tracking=True,
        help="A controller records its processing activities (Art. 30(1)); a "
        "processor records the categories of processing carried out on "
        "behalf of each controller (Art. 30(2)).",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)

    # Controller, representative and data protection officer (Art. 30(1)(a))
    use_company_data = fields.Boolean(
        string="Take Data from Company Stamp",
        tracking=True,
        help="The controller is the company of the register, with its address.",
    )
    controller_id = fields.Many2one(
        "res.partner",
        compute="_compute_controller_id",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
    )
    controller_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_controller_address_id",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
        help="One of the controller's active addresses.",
    )
    representative_id = fields.Many2one(
        "res.partner",
        check_company=True,
        tracking=True,
        help="The controller's representative in the Union (Art. 27), if any.",
    )
    representative_address_id = fields.Many2one(
        "res.partner",
        compute="_compute_representative_address_id",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
        help="One of the representative's active addresses.",
    )
    dpo_id = fields.Many2one(
        "res.partner",
        string="Data Protection Officer",
        check_company=True,
        tracking=True,
    )
    dpo_address_id = fields.Many2one(
        "res.partner",
        string="Data Protection Officer Address",
        compute="_compute_dpo_address_id",
        store=True,
        readonly=False,
        check_company=True,
        tracking=True,
        help="One of the data protection officer's active addresses.",
    )

    # Content
    joint_controller_ids = fields.One2many(
        "gdpr.joint.controller",
        "register_id",
        string="Joint Controllers",
        copy=True,
    )
    processor_controller_ids = fields.One2many(
        "gdpr.processor.controller",
        "register_id",
        string="Controllers on Whose Behalf",
        copy=True,
        help="In a processor's register: each controller on whose behalf the "
        "processor acts, with its representative and data protection "
        "officer (Art. 30(2)(a) GDPR).",
    )
    activity_ids = fields.One2many(
        "gdpr.processing.activity",
        "register_id",
        string="Processing Activities",
        copy=True,
    )
    activity_count = fields.Integer(compute="_compute_counts")
    joint_controller_count = fields.Integer(compute="_compute_counts")
    transfer_count = fields.Integer(compute="_compute_counts")
    date_last_change = fields.Datetime(
        string="Last Change",
        compute="_compute_date_last_change",
        help="The last change of the register, its joint controllers, "
        "activities or transfers.",
    )

    _sql_constraints = [
        ("name_uniq", "unique(name)", "The register ID must be unique."),
    ]

    @api.depends("use_company_data", "company_id")
    def _compute_controller_id(self):
        for register in self:
            if register.use_company_data:
                register.controller_id = register.company_id.partner_id

    @api.depends("controller_id", "use_company_data")
    def _compute_controller_address_id(self):
        for register in self:
            if register.use_company_data:
                register.controller_address_id = register.controller_id
                continue
            register.controller_address_id = register._default_address(
                register.controller_id, register.controller_address_id
            )

    @api.depends("representative_id")
    def _compute_representative_address_id(self):
        for register in self:
            register.representative_address_id = register._default_address(
                register.representative_id, register.representative_address_id
            )

    @api.depends("dpo_id")
    def _compute_dpo_address_id(self):
        for register in self:
            register.dpo_address_id = register._default_address(
                register.dpo_id, register.dpo_address_id
            )

    @api.depends("activity_ids.transfer_ids", "joint_controller_ids")
    def _compute_counts(self):
        for register in self:
            register.activity_count = len(register.activity_ids)
            register.joint_controller_count = len(register.joint_controller_ids)
            register.transfer_count = len(register.activity_ids.transfer_ids)

    @api.depends(
        "write_date",
        "joint_controller_ids.write_date",
        "activity_ids.write_date",
        "activity_ids.transfer_ids.write_date",
    )
    def _compute_date_last_change(self):
        for register in self:
            dates = [register.write_date]
            for lines in (
                register.joint_controller_ids,
                register.activity_ids,
                register.activity_ids.transfer_ids,
            ):
                dates += lines.mapped("write_date")
            register.date_last_change = max(
                (date for date in dates if date), default=False
            )

    @api.constrains("use_company_data", "controller_id", "controller_address_id")
    def _check_company_data(self):
        for register in self.filtered("use_company_data"):
            company_partner = register.company_id.partner_id
            if (
                register.controller_id != company_partner
                or register.controller_address_id != company_partner
            ):
                raise ValidationError(
                    _(
                        "Register %(register)s takes its controller from the company "
                        "stamp: the controller and its address must be the company "
                        "%(company)s. Untick “Take Data from Company Stamp” to choose "
                        "another controller.",
                        register=register.name,
                        company=register.company_id.name,
                    )
                )

    @api.constrains("register_type", "processor_controller_ids")
    def _check_register_type(self):
        self.activity_ids._check_on_behalf_of()

    @api.constrains(
        "controller_id",
        "controller_address_id",
        "representative_id",
        "representative_address_id",
        "dpo_id",
        "dpo_address_id",
    )
    def _check_addresses(self):
        for register in self:
            for partner_field, address_field in self._get_partner_address_fields():
                partner = register[partner_field]
                address = register[address_field]
                if address and not partner:
                    raise ValidationError(
                        _(
                            "Choose the %(partner)s before its address.",
                            partner=self._fields[partner_field]._description_string(
                                self.env
                            ),
                        )
                    )
                if address and not address._gdpr_is_address_of(partner):
                    raise ValidationError(
                        _(
                            "%(address)s is not an active address of %(partner)s.",
                            address=address.display_name,
                            partner=partner.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._gdpr_check_readable_values(vals_list, self._gdpr_partner_fields)
        return super().create(vals_list)

    def write(self, vals):
        self._gdpr_check_company_move(vals)
        self._gdpr_check_readable_values([vals], self._gdpr_partner_fields)
        if vals.get("company_id"):
            self.filtered(
                lambda register: register.company_id.id != vals["company_id"]
            ).activity_ids._gdpr_check_company_kept()
        return super().write(vals)

    def unlink(self):
        # The activities go with the register (cascade): their impact
        # assessments first.
        self.activity_ids._gdpr_check_served()
        self.activity_ids._gdpr_unlink_dpias()
        return super().unlink()

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for register, vals in zip(self, vals_list, strict=True):
            if register.title and "title" not in (default or {}):
                vals["title"] = _("%s (copy)", register.title)
        return vals_list

    def action_print_register(self):
        return self.env.ref(
            "crm_gdpr.action_report_gdpr_processing_register"
        ).report_action(self)

    def action_view_activities(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_processing_activity_action"
        )
        action["domain"] = [("register_id", "=", self.id)]
        action["context"] = {"default_register_id": self.id}
        return action

    def action_view_joint_controllers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_joint_controller_action"
        )
        action["domain"] = [("register_id", "=", self.id)]
        action["context"] = {"default_register_id": self.id}
        return action

    def action_view_transfers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_gdpr.gdpr_transfer_action"
        )
        action["domain"] = [("register_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _gdpr_next_identifiers(self, vals_list):
        return [self._get_next_name() for _vals in vals_list]

    @api.model
    def _get_next_name(self):
        """Return a new register ID, ``YYYY/MM/DD/N``.

        The date is today's in the user's time zone, ``N`` a running number
        (sequence ``gdpr.processing.register``, shared by all companies so that
        the IDs stay unique). Override to number registers another way.
        """
        sequence = self.env["ir.sequence"].with_context(
            tz=self.env.context.get("tz") or self.env.user.tz
        )
        name = sequence.next_by_code("gdpr.processing.register")
        if not name:
            raise UserError(
                _(
                    "The sequence “gdpr.processing.register” numbering the "
                    "registers of processing activities is missing."
                )
            )
        return name

    @api.model
    def _get_partner_address_fields(self):
        """Pairs (partner field, address field) whose address must belong to
        the partner. Extend the list when adding such a pair."""
        return [
            ("controller_id", "controller_address_id"),
            ("representative_id", "representative_address_id"),
            ("dpo_id", "dpo_address_id"),
        ]

    @api.model
    def _default_address(self, partner, address):
        """Keep ``address`` if it still belongs to ``partner``, else the partner."""
        if not partner:
            return False
        if address and address._gdpr_is_address_of(partner):
            return address
        return partner
