from odoo.tests import tagged

from .common import GdprCommon


@tagged("post_install", "-at_install")
class TestGdprDisplayNames(GdprCommon):
    """A record's name in lists and fields follows what it is made of at once,
    in the same transaction (each display name declares its dependencies)."""

    def test_transfer_basis_name_follows_its_article(self):
        basis = self.env["gdpr.transfer.basis"].create({"name": "Clauses"})
        self.assertEqual(basis.display_name, "Clauses")
        basis.legal_reference = "Art. 46(2)(c)"
        self.assertEqual(basis.display_name, "Art. 46(2)(c) – Clauses")
        basis.name = "Standard clauses"
        self.assertEqual(basis.display_name, "Art. 46(2)(c) – Standard clauses")
