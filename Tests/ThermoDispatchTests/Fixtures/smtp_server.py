"""A real SMTP submission server for the e-mail sink's tests (aiosmtpd, Debian's
python3-aiosmtpd; run it with /usr/bin/python3).

STARTTLS with the given certificate, required before anything else and before AUTH; one user
and password; each message accepted is decoded with Python's own e-mail parser and written as
JSON to OUTDIR/<n>.json. --answer-rcpt CODE answers every RCPT with that code instead (a 451
is a server that asks to try again later). Runs until SIGTERM.
"""
import argparse
import email
import email.policy
import json
import logging
import os
import signal
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, outdir, answer_rcpt):
        self.outdir = outdir
        self.answer_rcpt = answer_rcpt
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.answer_rcpt:
            return self.answer_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "body": message.get_content(),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "message_id": str(message["Message-ID"]),
            "idempotency_key": str(message["X-Thermogate-Idempotency-Key"]),
            "date": str(message["Date"]),
            "to": str(message["To"]),
            "tls": session.ssl is not None,
            "raw": envelope.original_content.decode("utf-8", "replace"),
        }
        self.count += 1
        path = os.path.join(self.outdir, "%d.json" % self.count)
        with open(path + ".part", "w") as output:
            json.dump(record, output)
        os.rename(path + ".part", path)
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user", default="gateway")
    parser.add_argument("--password", default="s3cret")
    parser.add_argument("--answer-rcpt")
    arguments = parser.parse_args()
    # The commands received (AUTH's argument masked) go to stderr, which the test keeps.
    logging.basicConfig(level=logging.INFO)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == arguments.user.encode()
            and auth_data.password == arguments.password.encode()
        )
        # handled=False: aiosmtpd then answers a refusal with 535 itself.
        return AuthResult(success=ok, handled=False)

    tls = None
    if arguments.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(arguments.cert, arguments.key)
    controller = Controller(
        Recorder(arguments.outdir, arguments.answer_rcpt),
        hostname="127.0.0.1",
        port=arguments.port,
        tls_context=tls,
        require_starttls=tls is not None,
        auth_require_tls=tls is not None,
        authenticator=authenticator,
        auth_required=True,
        ready_timeout=10,
    )
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: None)
    signal.pause()
    controller.stop()


if __name__ == "__main__":
    main()
