import json

from odoo.tests import HttpCase

from .reliability_common import GdprReliabilityCommon


class GdprRpcCommon(HttpCase, GdprReliabilityCommon):
    """JSON-RPC calls of ``/web/dataset/call_kw`` as a logged-in user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in cls.users.values():
            user.password = f"{user.login}-Pa55!"

    def _login(self, user):
        self.authenticate(user.login, f"{user.login}-Pa55!")

    def call_kw(self, model, method, args, kwargs=None):
        """The decoded JSON-RPC answer: ``{"result": ...}`` or ``{"error": ...}``."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def assertRpcError(self, answer, *names):
        """The call failed with one of Odoo's own, translated exceptions."""
        self.assertIn("error", answer, f"the call was accepted: {answer}")
        name = answer["error"]["data"]["name"]
        self.assertIn(
            name,
            [f"odoo.exceptions.{n}" for n in names],
            f"unclean error {name}: {answer['error']['data']['message']}",
        )
        return answer["error"]["data"]["message"]
