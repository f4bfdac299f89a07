/* SPDX-License-Identifier: ISC */
/*
 * The server certificate check.  libetpan verifies nothing (no chain, no
 * name), so imap.c calls this right after the TLS handshake (implicit or
 * STARTTLS) and before any credential is sent: the chain against the
 * system trust store plus the configured ca_file (an extra bundle, as for
 * [smtp]), then the leaf against the host name we dialled (DNS or IP
 * SAN).  Any doubt refuses the connection with one line saying why.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "guichet.h"
#include "imap-int.h"

#define MAX_CHAIN 16

static int
trust_load(gnutls_x509_trust_list_t *tl, const char *ca_file, char **cause)
{
	int r, nsys;

	if ((r = gnutls_x509_trust_list_init(tl, 0)) < 0) {
		*cause = xasprintf("trust list: %s", gnutls_strerror(r));
		return -1;
	}
	nsys = gnutls_x509_trust_list_add_system_trust(*tl, 0, 0);
	if (ca_file != NULL && *ca_file != '\0') {
		r = gnutls_x509_trust_list_add_trust_file(*tl, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
		if (r <= 0) {
			*cause = xasprintf("ca_file %s: %s", ca_file, r < 0 ?
			    gnutls_strerror(r) : "no PEM certificate in it");
			return -1;
		}
	} else if (nsys <= 0) {
		*cause = xstrdup("no system trust store could be read: "
		    "set ca_file");
		return -1;
	}
	return 0;
}

/* "DNS:a, IP:1.2.3.4" (at most a few), or the subject when no SAN, so that
 * a name mismatch says what the certificate is for. */
static char *
cert_names(gnutls_x509_crt_t crt)
{
	struct buf b;
	char san[256], ip[INET6_ADDRSTRLEN];
	size_t size;
	unsigned int critical, seq;
	int type;
	gnutls_datum_t dn;

	buf_init(&b);
	for (seq = 0; seq < 8; seq++) {
		size = sizeof(san) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, seq, san,
		    &size, &critical);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			san[size] = '\0';
			buf_printf(&b, "%sDNS:%s", b.len ? ", " : "", san);
		} else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 ||
		    size == 16) && inet_ntop(size == 4 ? AF_INET : AF_INET6,
		    san, ip, sizeof(ip)) != NULL)
			buf_printf(&b, "%sIP:%s", b.len ? ", " : "", ip);
	}
	if (b.len == 0 && gnutls_x509_crt_get_dn2(crt, &dn) >= 0) {
		buf_printf(&b, "%.*s", (int)dn.size, (const char *)dn.data);
		gnutls_free(dn.data);
	}
	if (b.len == 0)
		buf_adds(&b, "no name");
	return buf_steal(&b);
}

static int
chain_check(gnutls_x509_trust_list_t tl, gnutls_x509_crt_t *crts, size_t n,
    const char *host, char **cause)
{
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (void *)GNUTLS_KP_TLS_WWW_SERVER,
	};
	gnutls_datum_t why;
	unsigned int status = 0;
	int r;

	r = gnutls_x509_trust_list_verify_crt2(tl, crts, (unsigned int)n,
	    &purpose, 1, 0, &status, NULL);
	if (r < 0) {
		*cause = xasprintf("certificate of %s: %s", host,
		    gnutls_strerror(r));
		return -1;
	}
	if (status == 0)
		return 0;
	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &why, 0) >= 0) {
		char *text = str_trim(xstrdup((const char *)why.data));
		size_t len = strlen(text);
		if (len > 0 && text[len - 1] == '.')
			text[len - 1] = '\0';
		*cause = xasprintf("certificate of %s refused: %s (is ca_file "
		    "the CA that signed it?)", host, text);
		free(text);
		gnutls_free(why.data);
	} else
		*cause = xasprintf("certificate of %s refused (status %#x)",
		    host, status);
	return -1;
}

int
imap_tls_verify(const struct imap_tls_cert *chain, size_t n, const char *host,
    const char *ca_file, char **cause)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t crts[MAX_CHAIN];
	gnutls_datum_t d;
	size_t ncrts = 0;
	char *names;
	int rc = -1, r;

	if (n == 0) {
		*cause = xasprintf("%s sent no certificate", host);
		return -1;
	}
	if (n > MAX_CHAIN)
		n = MAX_CHAIN;
	for (; ncrts < n; ncrts++) {
		d.data = (unsigned char *)chain[ncrts].der;
		d.size = (unsigned int)chain[ncrts].len;
		if ((r = gnutls_x509_crt_init(&crts[ncrts])) < 0)
			goto bad_cert;
		if ((r = gnutls_x509_crt_import(crts[ncrts], &d,
		    GNUTLS_X509_FMT_DER)) < 0) {
			ncrts++;
			goto bad_cert;
		}
	}
	if (trust_load(&tl, ca_file, cause) == -1)
		goto out;
	if (chain_check(tl, crts, ncrts, host, cause) == -1)
		goto out;
	/* check_hostname2 matches IP literals against IP SANs as well. */
	if (!gnutls_x509_crt_check_hostname2(crts[0], host, 0)) {
		names = cert_names(crts[0]);
		*cause = xasprintf("certificate of %s is for another name (%s)",
		    host, names);
		free(names);
		goto out;
	}
	rc = 0;
	goto out;
bad_cert:
	*cause = xasprintf("certificate of %s: %s", host, gnutls_strerror(r));
out:
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (size_t i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	return rc;
}
