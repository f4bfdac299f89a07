#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""gen-mail.py - realistic help-desk mail for benchmarks, deterministic.

    gen-mail.py COUNT DIR [--seed N]

Writes COUNT messages into the Maildir DIR (DIR/new, cur, tmp): plain
text, multipart/alternative, attachments (base64), Latin-1 quoted-printable
and UTF-8, and replies carrying [SD#n] tags or In-Reply-To to earlier
messages (about one in four), as a real desk sees them.
"""
import base64, os, quopri, random, sys, urllib.parse

FIRST = ["Jeanne", "Paul", "Amélie", "Karim", "Sophie", "Marc", "Léa",
         "Hugo", "Chloé", "Thomas", "Inès", "Lucas", "Zoé", "Nathan"]
LAST = ["Martin", "Durand", "Petit", "Haddad", "Bernard", "Leroy", "Moreau",
        "Lefèvre", "Garcia", "Roux", "Fournier", "Girard"]
DOMAINS = ["client.example", "acme.example", "mairie-exemple.fr",
           "hopital.example"]
SUBJECTS = [
    ("VPN ne fonctionne plus depuis ce matin", "fr"),
    ("Imprimante du 2e étage en panne", "fr"),
    ("Mot de passe expiré, impossible de me connecter", "fr"),
    ("Demande d'installation de LibreOffice", "fr"),
    ("Outlook plante au démarrage", "fr"),
    ("Cannot access the shared drive", "en"),
    ("Password reset please", "en"),
    ("New laptop for the new hire", "en"),
    ("Wi-Fi keeps dropping in meeting room B", "en"),
    ("How do I set up my out-of-office?", "en"),
]
BODY_FR = ("Bonjour,\n\nDepuis ce matin je rencontre un problème : {s}.\n"
           "J'ai déjà redémarré le poste, sans succès. Le message d'erreur "
           "indique « accès refusé ».\nPouvez-vous m'aider ? C'est assez "
           "urgent, j'ai une réunion à 14 h.\n\nMerci d'avance,\n{n}\n"
           "--\n{n}\nService comptabilité — poste 4321\n")
BODY_EN = ("Hello,\n\nSince this morning: {s}.\nI already restarted the "
           "computer, no luck. The error says \"access denied\".\nCould you "
           "please have a look? Fairly urgent, I have a meeting at 2pm.\n\n"
           "Thanks,\n{n}\n-- \n{n}\nAccounting - ext. 4321\n")


def person(r):
    f, l = r.choice(FIRST), r.choice(LAST)
    local = "%s.%s" % (f.lower(), l.lower())
    local = local.translate(str.maketrans("éèïçô", "eeico"))
    return "%s %s" % (f, l), "%s@%s" % (local, r.choice(DOMAINS))


def hdr_name(name):
    try:
        name.encode("ascii")
        return '"%s"' % name
    except UnicodeEncodeError:
        return "=?utf-8?b?%s?=" % base64.b64encode(name.encode()).decode()


def hdr_subject(s):
    try:
        s.encode("ascii")
        return s
    except UnicodeEncodeError:
        return "=?utf-8?q?%s?=" % quopri.encodestring(
            s.encode(), header=True).decode().replace("=\n", "")


def message(r, i, earlier):
    name, addr = person(r)
    subj, lang = r.choice(SUBJECTS)
    body = (BODY_FR if lang == "fr" else BODY_EN).format(s=subj.lower(), n=name)
    body += "\n" + "\n".join(
        "Détail %d : le journal indique l'erreur 0x%04x." % (k, r.randrange(65536))
        for k in range(r.randrange(3, 25)))
    msgid = "bench-%d-%d@%s" % (i, r.randrange(10**9), addr.split("@")[1])
    headers = [
        "Return-Path: <%s>" % addr,
        "Received: from mx.%s (mx.%s [192.0.2.%d]) by mx.example.org "
        "with ESMTPS id %08x; Mon, 23 Nov 2026 08:%02d:%02d +0100"
        % (addr.split("@")[1], addr.split("@")[1], r.randrange(1, 254),
           r.randrange(2**32), r.randrange(60), r.randrange(60)),
        "From: %s <%s>" % (hdr_name(name), addr),
        "To: Service Desk <help@example.org>",
        "Date: Mon, 23 Nov 2026 %02d:%02d:%02d +0100"
        % (r.randrange(8, 19), r.randrange(60), r.randrange(60)),
        "Message-ID: <%s>" % msgid,
        "MIME-Version: 1.0",
    ]
    kind = r.random()
    if earlier and r.random() < 0.25:
        parent_id, parent_subj = r.choice(earlier)
        ticket = earlier.index((parent_id, parent_subj)) + 1
        if r.random() < 0.5:
            subj = "RE: [SD#%d] %s" % (ticket, parent_subj)
        else:
            subj = "Re: " + parent_subj
            headers.append("In-Reply-To: <%s>" % parent_id)
            headers.append("References: <%s>" % parent_id)
        body = "Merci, c'est réglé.\n\nLe lundi, %s a écrit :\n> %s\n" % (
            name, body.replace("\n", "\n> "))
    else:
        earlier.append((msgid, subj))
    headers.append("Subject: %s" % hdr_subject(subj))
    if kind < 0.45:
        if lang == "fr" and r.random() < 0.5:
            headers += ["Content-Type: text/plain; charset=iso-8859-1",
                        "Content-Transfer-Encoding: quoted-printable"]
            payload = quopri.encodestring(body.encode("latin-1", "replace")).decode()
        else:
            headers += ["Content-Type: text/plain; charset=utf-8",
                        "Content-Transfer-Encoding: 8bit"]
            payload = body
        return "\r\n".join(headers) + "\r\n\r\n" + payload.replace("\n", "\r\n")
    if kind < 0.85:
        html = "<html><body><p>" + body.replace("&", "&amp;").replace(
            "<", "&lt;").replace("\n\n", "</p><p>").replace("\n", "<br>") + \
            "</p></body></html>"
        headers.append('Content-Type: multipart/alternative; boundary="alt%d"' % i)
        parts = ["--alt%d\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: quoted-printable\r\n\r\n%s"
                 % (i, quopri.encodestring(body.encode()).decode()),
                 "--alt%d\r\nContent-Type: text/html; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: quoted-printable\r\n\r\n%s"
                 % (i, quopri.encodestring(html.encode()).decode())]
        return "\r\n".join(headers) + "\r\n\r\n" + "\r\n".join(parts) + \
            "\r\n--alt%d--\r\n" % i
    blob = bytes(r.randrange(256) for _ in range(r.choice([2000, 8000, 30000])))
    b64 = base64.encodebytes(blob).decode().replace("\n", "\r\n")
    headers.append('Content-Type: multipart/mixed; boundary="mix%d"' % i)
    fname = r.choice(["capture écran.png", "error.log", "facture.pdf"])
    return ("\r\n".join(headers) + "\r\n\r\n--mix%d\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n"
            "--mix%d\r\nContent-Type: application/octet-stream\r\n"
            "Content-Disposition: attachment; filename*=utf-8''%s\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s--mix%d--\r\n"
            % (i, body.replace("\n", "\r\n"), i,
               urllib.parse.quote(fname), b64, i))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    count, d = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 1
    r = random.Random(seed)
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    earlier = []
    for i in range(count):
        with open(os.path.join(d, "new", "%08d.bench:2," % i), "w",
                  encoding="utf-8", newline="") as f:
            f.write(message(r, i, earlier))


if __name__ == "__main__":
    main()
