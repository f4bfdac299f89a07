#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""smtpd.py - the test SMTP server (Debian's python3-aiosmtpd).

STARTTLS on --port, implicit TLS on --smtps-port, AUTH PLAIN/LOGIN for the
test users (only after TLS unless --auth-plaintext; never with --no-auth,
which still lists AUTH in EHLO and answers 535; --no-auth-offer lists no
AUTH at all).
--lmtp unix:PATH delivers each message into Dovecot before answering 250
(unknown recipients fail at RCPT); --sink DIR records NNNNNN.eml and
NNNNNN.json (envelope, auth, tls, peer: the client's address and port,
which tells connections apart), written then renamed.
Failure modes for tests: --reject REGEX answers 550 at RCPT for matching
recipients; --tempfail N answers 451 to the first N DATA commands.
"""
import argparse, asyncio, json, os, re, signal, smtplib, ssl, threading, time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERS = {"helpdesk": "helpdesk-pw", "alice": "alice-pw"}


class Handler:
    def __init__(self, a):
        self.a = a
        self.lock = threading.Lock()
        self.seq = 0
        self.tempfail = a.tempfail
        if a.sink:
            os.makedirs(a.sink, exist_ok=True)

    def lmtp(self):
        return smtplib.LMTP(self.a.lmtp[5:], timeout=30)

    def record(self, session, env):
        with self.lock:
            self.seq += 1
            n = self.seq
        base = os.path.join(self.a.sink, "%06d" % n)
        meta = {"mail_from": env.mail_from, "rcpt_tos": env.rcpt_tos,
                "auth": session.auth_data if session.authenticated else None,
                "tls": getattr(env, "tls", session.ssl is not None),
                "time": time.time(),
                "peer": list(session.peer) if session.peer else None}
        for ext, data in ((".eml", env.original_content),
                          (".json", json.dumps(meta).encode())):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + ext + ".tmp", base + ext)

    def probe(self, address):
        try:
            with self.lmtp() as l:
                l.ehlo_or_helo_if_needed()
                l.mail("")
                code, msg = l.rcpt(address)
                return code, msg.decode(errors="replace")
        except OSError as e:
            return 451, "4.4.1 LMTP unavailable: %s" % e

    async def handle_RCPT(self, server, session, env, address, options):
        if self.a.reject and re.search(self.a.reject, address):
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        if self.a.lmtp:
            code, msg = await asyncio.get_running_loop().run_in_executor(
                None, self.probe, address)
            if code >= 400:
                return "%d %s" % (code, msg)
        env.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, env):
        # session.ssl is set by STARTTLS only; implicit TLS shows in the
        # transport.
        env.tls = (session.ssl is not None or
                   server.transport.get_extra_info("ssl_object") is not None)
        with self.lock:
            if self.tempfail > 0:
                self.tempfail -= 1
                return "451 4.3.0 Try again later"
        return await asyncio.get_running_loop().run_in_executor(
            None, self.data, session, env)

    def data(self, session, env):
        if self.a.sink:
            self.record(session, env)
        if not self.a.lmtp:
            return "250 2.0.0 OK: recorded"
        for rcpt in env.rcpt_tos:
            try:
                with self.lmtp() as l:
                    l.sendmail(env.mail_from, [rcpt], env.original_content)
            except smtplib.SMTPRecipientsRefused as e:
                code, msg = e.recipients[rcpt]
                return "%d %s" % (max(code, 451), msg.decode(errors="replace"))
            except (OSError, smtplib.SMTPException) as e:
                return "451 4.4.1 LMTP failed: %s" % e
        return "250 2.0.0 OK: delivered"


class NoAuthOfferHandler(Handler):
    """--no-auth-offer: EHLO never lists AUTH, even over TLS."""

    async def handle_EHLO(self, server, session, env, hostname, responses):
        session.host_name = hostname
        return [r for r in responses if not r[4:].upper().startswith("AUTH")]


def authenticator(server, session, env, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword):
        if USERS.get(auth_data.login.decode()) == auth_data.password.decode():
            return AuthResult(success=True, auth_data=auth_data.login.decode())
    return AuthResult(success=False, handled=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--smtps-port", type=int, default=0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--lmtp", default="")
    ap.add_argument("--sink", default="")
    ap.add_argument("--auth-plaintext", action="store_true")
    ap.add_argument("--no-auth", action="store_true")
    ap.add_argument("--no-auth-offer", action="store_true")
    ap.add_argument("--reject", default="")
    ap.add_argument("--tempfail", type=int, default=0)
    a = ap.parse_args()
    if not (a.lmtp or a.sink):
        ap.error("need --lmtp and/or --sink")
    tls = None
    if a.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.cert, a.key)
    common = dict(server_hostname="localhost", decode_data=False,
                  enable_SMTPUTF8=True, data_size_limit=64 * 1024 * 1024)
    if not a.no_auth:
        common.update(authenticator=authenticator,
                      auth_require_tls=not a.auth_plaintext)
    h = NoAuthOfferHandler(a) if a.no_auth_offer else Handler(a)
    ctrls = [Controller(h, hostname="127.0.0.1", port=a.port,
                        tls_context=tls, **common)]
    if a.smtps_port and tls:
        # aiosmtpd only counts STARTTLS as TLS when it decides whether to
        # offer AUTH; an implicit-TLS connection is TLS from the start.
        implicit = dict(common)
        if "authenticator" in implicit:
            implicit["auth_require_tls"] = False
        ctrls.append(Controller(h, hostname="127.0.0.1", port=a.smtps_port,
                                ssl_context=tls, **implicit))
    for c in ctrls:
        c.start()
    print("smtpd ready pid=%d port=%d" % (os.getpid(), a.port), flush=True)
    stop = threading.Event()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda *_: stop.set())
    stop.wait()
    for c in ctrls:
        c.stop()


if __name__ == "__main__":
    main()
