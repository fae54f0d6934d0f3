from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import GdprCommon

# A value of another type for each kind of field, and the word its error
# message uses.
WRONG_VALUES = {
    "char": ({"a": 1}, "not a valid value"),
    "text": (["a"], "not a valid value"),
    "html": (12, "not a valid value"),
    "integer": ("many", "not a valid value"),
    "boolean": ("no", "not a valid value"),
    "selection": ("no_such_key", "not a valid value"),
    "date": ("soon", "not a valid date"),
    "datetime": ("soon", "not a valid date"),
    "many2one": ("abc", "not a valid value"),
    "many2many": ("1", "not a valid value"),
    "one2many": ({"id": 1}, "not a valid value"),
}


@tagged("post_install", "-at_install")
class TestGdprValueCheck(GdprCommon):
    """Every GDPR model integrators write gets the value checks without
    wiring: a new field or a new model is checked like the others."""

    def _written_models(self):
        """The GDPR models and wizards a user may create or write (their
        access rows). The termination dialog of processor agreements is left
        out while it has no value checks of this mixin (its own checks)."""
        access = self.env["ir.model.access"].search(
            [
                ("model_id.model", "=like", "gdpr.%"),
                "|",
                ("perm_create", "=", True),
                ("perm_write", "=", True),
            ]
        )
        names = sorted(set(access.model_id.mapped("model")))
        Mixin = self.registry["gdpr.value.check.mixin"]
        return [
            self.env[name]
            for name in names
            if name != "gdpr.processor.agreement.terminate"
            or isinstance(self.env[name], Mixin)
        ]

    def _fields_by_kind(self, Model):
        """One field a client may send per kind of field of ``Model`` (not a
        workflow state: a create in another state than the first is refused by
        the model's own rule before any value is looked at)."""
        found = {}
        for name, field in Model._fields.items():
            if (
                field.type in WRONG_VALUES
                and field.store
                and not field.compute
                and not field.readonly
                and name != "state"
                and not field.related
                and not field.automatic
                and name not in found.values()
            ):
                found.setdefault(field.type, name)
        return found

    def test_every_written_model_inherits_the_checks(self):
        models = self._written_models()
        self.assertGreater(len(models), 20)
        # The wizards too (SPEC section 9: every crm_gdpr model).
        self.assertGreaterEqual(len([Model for Model in models if Model._transient]), 7)
        Mixin = self.registry["gdpr.value.check.mixin"]
        for Model in models:
            with self.subTest(model=Model._name):
                self.assertIsInstance(Model, Mixin)

    def test_wrong_value_of_each_field_kind_is_refused_on_create(self):
        tried = 0
        for Model in self._written_models():
            for kind, fname in self._fields_by_kind(Model).items():
                value, message = WRONG_VALUES[kind]
                label = Model._fields[fname]._description_string(self.env)
                with self.subTest(model=Model._name, field=fname):
                    with self.assertRaisesRegex(ValidationError, message) as error:
                        Model.create({fname: value})
                    self.assertIn(label, str(error.exception))
                    tried += 1
        # Each kind of field is tried on some model.
        self.assertGreater(tried, 100)

    def test_casts_of_the_orm_are_accepted(self):
        """What the ORM casts is taken: "5" for an integer, the pair
        (id, name) a read returns for a many2one."""
        company = self.env.company
        source = self.env["gdpr.consent.source"].create(
            {"name": "Trade fair", "sequence": "5", "company_id": [company.id, "X"]}
        )
        self.assertEqual(source.sequence, 5)
        self.assertEqual(source.company_id, company)
        source.write({"sequence": " 7", "company_id": (company.id, company.name)})
        self.assertEqual(source.sequence, 7)
        for vals in (
            {"sequence": "7.5"},
            {"sequence": 1.9},
            {"sequence": str(2**31)},
            {"company_id": [company.id, 2]},
            {"company_id": [company.id]},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(ValidationError, "not a valid value"):
                    source.write(vals)
