"""SMTP servers for the tests: real aiosmtpd servers on free ports of 127.0.0.1."""

import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Inbox:
    """An aiosmtpd handler that keeps every mail; refuses recipients listed in ``refuse``."""

    def __init__(self, refuse=()):
        self.envelopes, self.refuse = [], set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def mails(self):
        return [email.message_from_bytes(envelope.content, policy=default) for envelope in self.envelopes]


class HangUp(Inbox):
    """Accepts ``accept`` mails, then drops the connection in the middle of the next one."""

    def __init__(self, accept=0):
        super().__init__()
        self.accept = accept

    async def handle_DATA(self, server, session, envelope):
        if len(self.envelopes) < self.accept:
            return await super().handle_DATA(server, session, envelope)
        server.transport.close()
        return "421 closing"


class LostAck(Inbox):
    """Takes each of the first ``lose`` mails whole, then drops the connection instead of
    acknowledging it: the mail arrived, and the client cannot know."""

    def __init__(self, lose=1):
        super().__init__()
        self.lose = lose

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        if self.lose:
            self.lose -= 1
            server.transport.close()
            return "421 closing"  # written to a closed connection: the client never reads it
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServers:
    """Starts aiosmtpd servers on free ports of 127.0.0.1 and stops them all at the end."""

    def __init__(self):
        self.controllers = []

    def __call__(self, handler, password=None) -> int:
        """Start a server for ``handler`` (requiring ``password`` if given); return its port."""
        options = {}
        if password is not None:
            def authenticate(server, session, envelope, mechanism, auth_data):
                return AuthResult(success=auth_data.password == password.encode(), handled=False)
            options = {"authenticator": authenticate, "auth_require_tls": False}
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        self.controllers.append(controller)
        return controller.port

    def stop(self):
        for controller in self.controllers:
            controller.stop()


@pytest.fixture
def smtp_server():
    """Start an aiosmtpd server on a free port of 127.0.0.1; returns its port."""
    servers = SmtpServers()
    yield servers
    servers.stop()


@pytest.fixture(scope="module")
def claims(result):
    """A report test module's claims by key; the module's ``result`` fixture parses the report once."""
    return {claim["key"]: claim for claim in result["claims"]}


@pytest.fixture(scope="module")
def rules(result):
    """A report test module's consistency rules by name."""
    return {rule["rule"]: rule for rule in result["consistency"]}
