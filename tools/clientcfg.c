// SPDX-License-Identifier: GPL-2.0
/*
 * `l2sec client-config`: client profiles (clientcfg.h).
 *
 * Every value that comes from the configuration or the command line is
 * quoted for the format it lands in: PowerShell single quotes (with the
 * typographic single quotes PowerShell also takes as quotes doubled), XML
 * escapes, GKeyFile escapes, shell single quotes. Values with control
 * characters or invalid UTF-8 are refused before any output: no quoting
 * makes a newline safe in every one of these formats.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <nettle/base64.h>
#include <nettle/sha1.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clientcfg.h"
#include "conf/config.h"

#define CA_FILE_MAX (64 * 1024)
#define ROUTE_STR 24		/* "255.255.255.255/32" */

/* --- quoting ------------------------------------------------------------------ */

bool clientcfg_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int n, cp;

		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			n = 1, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			n = 2, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			n = 3, cp = *p & 0x07;
		else
			return false;
		for (unsigned int i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF, C1 controls */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || (cp >= 0x80 && cp < 0xa0))
			return false;
		p += n + 1;
	}
	return true;
}

/*
 * A PowerShell single-quoted string. PowerShell takes U+2018..U+201B as
 * single quotes too; each quote character is escaped by doubling it.
 */
static void ps_quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'') {
			fputs("''", out);
		} else if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
			   (unsigned char)s[2] >= 0x98 && (unsigned char)s[2] <= 0x9b) {
			fwrite(s, 1, 3, out);
			fwrite(s, 1, 3, out);
			s += 2;
		} else {
			fputc(*s, out);
		}
	}
	fputc('\'', out);
}

/* A POSIX shell single-quoted word. */
static void sh_quote(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fputc(*s, out);
	}
	fputc('\'', out);
}

static void xml_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default: fputc(*s, out);
		}
	}
}

/*
 * A GKeyFile value (NetworkManager's keyfile): \\ for '\', and \s for a
 * space at either end, which the reader would otherwise trim.
 */
static void kf_value(FILE *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == ' ' && (p == s || !p[1]))
			fputs("\\s", out);
		else
			fputc(*p, out);
	}
}

/* A GKeyFile list item: as a value, and ';' (the separator) escaped. */
static void kf_item(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ';' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc(';', out);
}

static void base64_out(FILE *out, const void *data, size_t len)
{
	struct base64_encode_ctx ctx;
	char buf[BASE64_ENCODE_LENGTH(48) + BASE64_ENCODE_FINAL_LENGTH];
	const uint8_t *p = data;

	base64_encode_init(&ctx);
	while (len) {
		size_t n = len < 48 ? len : 48, w;

		w = base64_encode_update(&ctx, buf, n, p);
		fwrite(buf, 1, w, out);
		p += n;
		len -= n;
	}
	fwrite(buf, 1, base64_encode_final(&ctx, buf), out);
}

/*
 * A name-based UUID (RFC 4122 version 5, SHA-1) of the profile's identity
 * and WHAT (which object of the profile): the same inputs, the same UUID,
 * so installing a new profile replaces the old one. Apple writes UUIDs in
 * upper case, NetworkManager in lower case.
 */
static void uuid_of(const struct clientcfg *cc, const char *what, bool upper, char out[37])
{
	const char *parts[] = { "l2sec client-config", cc->server, cc->name,
				cc->user ? cc->user : "", what };
	uint8_t d[SHA1_DIGEST_SIZE];
	struct sha1_ctx ctx;
	char *o = out;

	sha1_init(&ctx);
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		sha1_update(&ctx, strlen(parts[i]) + 1, (const uint8_t *)parts[i]);
	sha1_digest(&ctx, sizeof(d), d);
	d[6] = (d[6] & 0x0f) | 0x50;
	d[8] = (d[8] & 0x3f) | 0x80;
	for (int i = 0; i < 16; i++) {
		o += sprintf(o, upper ? "%02X" : "%02x", d[i]);
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*o++ = '-';
	}
	*o = '\0';
}

static void route_str(const struct config_route *r, char buf[ROUTE_STR])
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->net, a, sizeof(a));
	snprintf(buf, ROUTE_STR, "%s/%u", a, r->plen);
}

/* dns-domain, then the search list without it: the suffixes a client tries. */
static unsigned int domains(const struct clientcfg *cc, const char *v[CONFIG_MAX_SEARCH + 1])
{
	const struct users_split *s = &cc->split;
	unsigned int n = 0;

	if (s->dns_domain[0])
		v[n++] = s->dns_domain;
	for (unsigned int i = 0; i < s->n_dns_search; i++)
		if (strcasecmp(s->dns_search[i], s->dns_domain))
			v[n++] = s->dns_search[i];
	return n;
}

static int finish(FILE *out)
{
	return fflush(out) || ferror(out) ? -1 : 0;
}

/* --- Windows: PowerShell ------------------------------------------------------ */

static void win_nat_rule(FILE *out)
{
	fputs("# Windows sets up no IPsec SA with a gateway behind NAT, or from a client\n"
	      "# behind NAT, unless AssumeUDPEncapsulationContextOnSendRule is 2; L2TP/IPsec\n"
	      "# clients and gateways are usually behind NAT. It takes effect after a reboot.\n"
	      "New-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\PolicyAgent' `\n"
	      "    -Name 'AssumeUDPEncapsulationContextOnSendRule' -PropertyType DWord -Value 2 `\n"
	      "    -Force | Out-Null\n\n", out);
}

/* The CA certificate as PEM lines of 64 characters. */
static void pem_out(FILE *out, const char *b64)
{
	size_t len = strlen(b64);

	fputs("-----BEGIN CERTIFICATE-----\n", out);
	for (size_t i = 0; i < len; i += 64)
		fprintf(out, "%.64s\n", b64 + i);
	fputs("-----END CERTIFICATE-----\n", out);
}

static void win_ca(const struct clientcfg *cc, FILE *out)
{
	fputs("# Certificate authentication: the machine trusts the gateway's CA and needs\n"
	      "# a certificate of its own from that CA, with its private key, in\n"
	      "# Cert:\\LocalMachine\\My (import it with Import-PfxCertificate).\n"
	      "$ca = Join-Path $env:TEMP 'l2sec-ca.crt'\n"
	      "Set-Content -Path $ca -Encoding Ascii -Value @'\n", out);
	pem_out(out, cc->ca_b64);
	fputs("'@\n"
	      "Import-Certificate -FilePath $ca -CertStoreLocation 'Cert:\\LocalMachine\\Root' | Out-Null\n"
	      "Remove-Item $ca\n\n", out);
}

/* The connection itself, and its routes for a split tunnel. */
static void win_connection(const struct clientcfg *cc, FILE *out)
{
	const struct users_split *s = &cc->split;
	char r[ROUTE_STR];

	if (s->n_routes)
		fputs("# Split tunnel: only the routes below go through the tunnel.\n", out);
	else
		fputs("# Full tunnel: all traffic goes through the tunnel.\n", out);
	fputs("Add-VpnConnection -Name $name -ServerAddress ", out);
	ps_quote(out, cc->server);
	fputs(" -TunnelType L2tp -AllUserConnection `\n", out);
	if (cc->psk[0]) {
		fputs("    -L2tpPsk ", out);
		ps_quote(out, cc->psk);
		fputs(" `\n", out);
	}
	fputs("    -AuthenticationMethod MSChapv2 -EncryptionLevel Required -RememberCredential", out);
	if (s->n_routes)
		fputs(" -SplitTunneling", out);
	if (s->dns_domain[0]) {
		fputs(" `\n    -DnsSuffix ", out);
		ps_quote(out, s->dns_domain);
	}
	fputs(" -Force\n", out);
	for (unsigned int i = 0; i < s->n_routes; i++) {
		route_str(&s->routes[i], r);
		fprintf(out, "Add-VpnConnectionRoute -ConnectionName $name -AllUserConnection "
			"-DestinationPrefix '%s'\n", r);
	}
}

/*
 * A split tunnel gets, besides its routes, a route for the class of the
 * address the pool gives (10.0.0.0/8 for 10.x.y.z), which can take the
 * client's own LAN: the phonebook entry's DisableClassBasedDefaultRoute
 * (the check box "Disable class based route addition") turns it off. No
 * cmdlet sets it; RAS writes the all-users phonebook in UTF-8.
 */
static void win_class_route(const struct clientcfg *cc, FILE *out)
{
	if (!cc->split.n_routes)
		return;
	fputs("\n# Windows would also route the whole class of the address it gets (a /8 for\n"
	      "# 10.x.y.z) through the tunnel: \"Disable class based route addition\".\n"
	      "$pbk = Join-Path $env:ProgramData 'Microsoft\\Network\\Connections\\Pbk\\rasphone.pbk'\n"
	      "$entry = $false\n"
	      "$lines = foreach ($line in [IO.File]::ReadAllLines($pbk)) {\n"
	      "    if ($line.StartsWith('[')) { $entry = $line -ceq ('[' + $name + ']') }\n"
	      "    elseif ($entry -and $line.StartsWith('DisableClassBasedDefaultRoute=')) {\n"
	      "        $line = 'DisableClassBasedDefaultRoute=1'\n"
	      "    }\n"
	      "    $line\n"
	      "}\n"
	      "[IO.File]::WriteAllLines($pbk, [string[]]$lines)\n", out);
}

/*
 * Split DNS: a name resolution policy (NRPT) rule sends the names under the
 * pushed domains to the tunnel's DNS servers, whatever the other interfaces'
 * servers are. The VPN's own DNS triggers (Add-VpnConnectionTrigger-
 * DnsConfiguration) exist for per-user connections only, so it is a rule of
 * the machine, named after the connection so that the script replaces it.
 */
static void win_nrpt(const struct clientcfg *cc, FILE *out)
{
	const char *dom[CONFIG_MAX_SEARCH + 1];
	unsigned int n = domains(cc, dom);
	char a[INET_ADDRSTRLEN], ns[CONFIG_DOMAIN_MAX + 2];

	fputs("\n$rule = 'l2sec: ' + $name\n"
	      "Get-DnsClientNrptRule | Where-Object { $_.DisplayName -ceq $rule } |\n"
	      "    ForEach-Object { Remove-DnsClientNrptRule -Name $_.Name -Force }\n", out);
	if (!cc->split.n_routes || !n || !cc->n_dns)
		return;
	fputs("# Split DNS: names under these domains are asked of the tunnel's DNS servers\n"
	      "# (while the tunnel is down they do not resolve).\n"
	      "Add-DnsClientNrptRule -DisplayName $rule -Namespace ", out);
	for (unsigned int i = 0; i < n; i++) {
		/* the leading dot: the names in the domain, not only the name itself */
		snprintf(ns, sizeof(ns), ".%s", dom[i]);
		fputs(i ? ", " : "", out);
		ps_quote(out, ns);
	}
	fputs(" `\n    -NameServers ", out);
	for (unsigned int i = 0; i < cc->n_dns; i++)
		fprintf(out, "%s'%s'", i ? ", " : "", inet_ntop(AF_INET, &cc->dns[i], a, sizeof(a)));
	fputs("\n", out);
}

int clientcfg_windows(const struct clientcfg *cc, FILE *out)
{
	/*
	 * The byte-order mark: without it Windows PowerShell 5.1 reads a script
	 * in the ANSI code page, where the UTF-8 of a non-ASCII character can
	 * hold a typographic quote (0x91 is U+2018) that ends a string early.
	 */
	fputs("\xef\xbb\xbf# L2TP/IPsec connection ", out);
	ps_quote(out, cc->name);
	fputs(", from `l2sec client-config windows`.\n"
	      "# Run it in an elevated PowerShell (Run as administrator); it replaces a\n"
	      "# connection of the same name. Windows asks for the user name and password\n"
	      "# when the connection is first used.\n"
	      "$ErrorActionPreference = 'Stop'\n$name = ", out);
	ps_quote(out, cc->name);
	fputs("\n\n", out);
	win_nat_rule(out);
	if (!cc->psk[0])
		win_ca(cc, out);
	fputs("if (Get-VpnConnection -Name $name -AllUserConnection -ErrorAction SilentlyContinue) {\n"
	      "    Remove-VpnConnection -Name $name -AllUserConnection -Force\n}\n", out);
	win_connection(cc, out);
	win_class_route(cc, out);
	win_nrpt(cc, out);
	fputs("Write-Host \"Done: reboot once for the NAT setting, then connect to $name.\"\n", out);
	return finish(out);
}

/* --- macOS: .mobileconfig ------------------------------------------------------ */

/* DEPTH tabs: the plist is indented as Apple's tools write it. */
static const char *tabs(int depth)
{
	static const char t[] = "\t\t\t\t\t\t\t\t";

	return t + sizeof(t) - 1 - (depth < 8 ? depth : 8);
}

static void pl_string(FILE *out, int depth, const char *key, const char *v)
{
	fprintf(out, "%s<key>%s</key>\n%s<string>", tabs(depth), key, tabs(depth));
	xml_text(out, v);
	fputs("</string>\n", out);
}

static void pl_int(FILE *out, int depth, const char *key, int v)
{
	fprintf(out, "%s<key>%s</key>\n%s<integer>%d</integer>\n", tabs(depth), key,
		tabs(depth), v);
}

static void pl_strings(FILE *out, int depth, const char *key, const char *const *v,
		       unsigned int n)
{
	fprintf(out, "%s<key>%s</key>\n%s<array>\n", tabs(depth), key, tabs(depth));
	for (unsigned int i = 0; i < n; i++) {
		fprintf(out, "%s<string>", tabs(depth + 1));
		xml_text(out, v[i]);
		fputs("</string>\n", out);
	}
	fprintf(out, "%s</array>\n", tabs(depth));
}

/* The Payload* keys every payload has; the identifier is PREFIX.UUID. */
static void pl_payload(const struct clientcfg *cc, FILE *out, int depth, const char *type,
		       const char *prefix, const char *what, const char *display)
{
	char uuid[37], id[128];

	uuid_of(cc, what, true, uuid);
	snprintf(id, sizeof(id), "%s.%s", prefix, uuid);
	pl_string(out, depth, "PayloadDisplayName", display);
	pl_string(out, depth, "PayloadIdentifier", id);
	pl_string(out, depth, "PayloadType", type);
	pl_string(out, depth, "PayloadUUID", uuid);
	pl_int(out, depth, "PayloadVersion", 1);
}

static void mac_ca(const struct clientcfg *cc, FILE *out)
{
	size_t len = strlen(cc->ca_b64);

	fputs("\t\t<dict>\n", out);
	pl_string(out, 3, "PayloadCertificateFileName", "l2sec-ca.cer");
	fputs("\t\t\t<key>PayloadContent</key>\n\t\t\t<data>\n", out);
	for (size_t i = 0; i < len; i += 64)
		fprintf(out, "\t\t\t%.64s\n", cc->ca_b64 + i);
	fputs("\t\t\t</data>\n", out);
	pl_payload(cc, out, 3, "com.apple.security.root", "org.l2sec.client.ca", "ca",
		   "L2TP gateway CA");
	fputs("\t\t</dict>\n", out);
}

static void mac_dns(const struct clientcfg *cc, FILE *out)
{
	const char *dom[CONFIG_MAX_SEARCH + 1], *srv[2];
	char a[2][INET_ADDRSTRLEN];
	unsigned int n = domains(cc, dom);

	if (!cc->n_dns)
		return;
	for (unsigned int i = 0; i < cc->n_dns; i++)
		srv[i] = inet_ntop(AF_INET, &cc->dns[i], a[i], sizeof(a[i]));
	fputs("\t\t\t<key>DNS</key>\n\t\t\t<dict>\n", out);
	pl_string(out, 4, "DNSProtocol", "Cleartext");
	if (cc->split.dns_domain[0])
		pl_string(out, 4, "DomainName", cc->split.dns_domain);
	if (n)
		pl_strings(out, 4, "SearchDomains", dom, n);
	pl_strings(out, 4, "ServerAddresses", srv, cc->n_dns);
	/* split tunnel: only these names go to the tunnel's DNS servers */
	if (cc->split.n_routes && n)
		pl_strings(out, 4, "SupplementalMatchDomains", dom, n);
	fputs("\t\t\t</dict>\n", out);
}

static void mac_ipsec(const struct clientcfg *cc, FILE *out)
{
	fputs("\t\t\t<key>IPSec</key>\n\t\t\t<dict>\n", out);
	if (cc->psk[0]) {
		pl_string(out, 4, "AuthenticationMethod", "SharedSecret");
		pl_string(out, 4, "LocalIdentifierType", "KeyID");
		fputs("\t\t\t\t<key>SharedSecret</key>\n\t\t\t\t<data>", out);
		base64_out(out, cc->psk, strlen(cc->psk));
		fputs("</data>\n", out);
	} else {
		pl_string(out, 4, "AuthenticationMethod", "Certificate");
	}
	fputs("\t\t\t</dict>\n", out);
}

/*
 * What the user sees of the profile. A split tunnel needs nothing on the
 * Mac: on an L2TP service that is not the primary one (OverridePrimary 0)
 * Apple's pppd asks the gateway with a DHCPINFORM over the link and
 * installs the routes (option 249) and the domain (15) of the answer
 * (ppp's Controller/ppp_manager.c turns use-dhcp on for L2TP by default,
 * Helpers/pppd/acsp.c does it).
 */
static void mac_description(const struct clientcfg *cc, FILE *out, char *buf, size_t size)
{
	const struct users_split *s = &cc->split;
	size_t len;
	char r[ROUTE_STR];

	len = (size_t)snprintf(buf, size, "L2TP/IPsec VPN to %s. ", cc->server);
	if (!cc->psk[0] && len < size)
		len += (size_t)snprintf(buf + len, size - len, "Certificate authentication: "
					"install this Mac's own certificate from the gateway's "
					"CA (a .p12) and choose it in the VPN's settings. ");
	if (!s->n_routes) {
		if (len < size)
			snprintf(buf + len, size - len, "Full tunnel: all traffic goes through "
				 "the VPN.");
		return;
	}
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "Split tunnel: only");
	for (unsigned int i = 0; i < s->n_routes && len < size; i++) {
		route_str(&s->routes[i], r);
		len += (size_t)snprintf(buf + len, size - len, "%s %s", i ? "," : "", r);
	}
	if (len < size)
		snprintf(buf + len, size - len, " go through the VPN; the Mac takes these routes "
			 "from the gateway when it connects.");
}

static void mac_vpn(const struct clientcfg *cc, FILE *out)
{
	char desc[1024];

	fputs("\t\t<dict>\n", out);
	mac_dns(cc, out);
	mac_ipsec(cc, out);
	fputs("\t\t\t<key>IPv4</key>\n\t\t\t<dict>\n", out);
	pl_int(out, 4, "OverridePrimary", cc->split.n_routes ? 0 : 1);
	fputs("\t\t\t</dict>\n\t\t\t<key>PPP</key>\n\t\t\t<dict>\n", out);
	if (cc->user)
		pl_string(out, 4, "AuthName", cc->user);
	pl_string(out, 4, "CommRemoteAddress", cc->server);
	fputs("\t\t\t</dict>\n", out);
	mac_description(cc, out, desc, sizeof(desc));
	pl_string(out, 3, "PayloadDescription", desc);
	pl_payload(cc, out, 3, "com.apple.vpn.managed", "org.l2sec.client.vpn", "vpn", cc->name);
	pl_string(out, 3, "UserDefinedName", cc->name);
	pl_string(out, 3, "VPNType", "L2TP");
	fputs("\t\t</dict>\n", out);
}

int clientcfg_macos(const struct clientcfg *cc, FILE *out)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	      "<plist version=\"1.0\">\n<dict>\n"
	      "\t<key>PayloadContent</key>\n\t<array>\n", out);
	if (!cc->psk[0])
		mac_ca(cc, out);
	mac_vpn(cc, out);
	fputs("\t</array>\n", out);
	pl_string(out, 1, "PayloadDescription", "VPN settings from l2sec client-config");
	pl_payload(cc, out, 1, "Configuration", "org.l2sec.client", "profile", cc->name);
	fputs("</dict>\n</plist>\n", out);
	return finish(out);
}

/* --- Linux: NetworkManager-l2tp keyfile ----------------------------------------- */

static void nm_vpn(const struct clientcfg *cc, FILE *out)
{
	fputs("[vpn]\ngateway=", out);
	kf_value(out, cc->server);
	if (cc->psk[0]) {
		fputs("\nipsec-enabled=yes\nipsec-psk-flags=0\nmachine-auth-type=psk", out);
	} else if (cc->ca_b64) {
		/* the client's own certificate and key are its own files */
		fputs("\n# Set machine-ca, machine-cert and machine-key to the gateway's CA and\n"
		      "# this client's certificate and key (PEM files).\n"
		      "ipsec-enabled=yes\nmachine-auth-type=tls", out);
	} else {
		fputs("\n# The gateway has no IPsec credential: plain L2TP.\nipsec-enabled=no", out);
	}
	fputs("\npassword-flags=2\n", out);
	if (cc->user) {
		fputs("user=", out);
		kf_value(out, cc->user);
		fputc('\n', out);
	}
	fputs("user-auth-type=password\nservice-type=org.freedesktop.NetworkManager.l2tp\n\n", out);
	/*
	 * NetworkManager-l2tp hands strongSwan or libreswan a PSK that starts
	 * with "0s" as base64, and base64-encodes any other: "0s" + base64 is
	 * the one form that means the PSK itself, whatever it starts with.
	 */
	if (cc->psk[0]) {
		fputs("[vpn-secrets]\nipsec-psk=0s", out);
		base64_out(out, cc->psk, strlen(cc->psk));
		fputs("\n\n", out);
	}
}

static void nm_ipv4(const struct clientcfg *cc, FILE *out)
{
	const char *dom[CONFIG_MAX_SEARCH + 1];
	unsigned int n = domains(cc, dom);
	char r[ROUTE_STR];

	fputs("[ipv4]\n", out);
	if (n) {
		fputs("dns-search=", out);
		for (unsigned int i = 0; i < n; i++)
			kf_item(out, dom[i]);
		fputc('\n', out);
	}
	fputs("method=auto\n", out);
	if (cc->split.n_routes)
		fputs("never-default=true\n", out);
	for (unsigned int i = 0; i < cc->split.n_routes; i++) {
		route_str(&cc->split.routes[i], r);
		fprintf(out, "route%u=%s\n", i + 1, r);
	}
}

int clientcfg_nm(const struct clientcfg *cc, FILE *out)
{
	char uuid[37];

	uuid_of(cc, "nm", false, uuid);
	fputs("# NetworkManager-l2tp connection, from `l2sec client-config linux`. As root:\n"
	      "#   install -m 600 FILE /etc/NetworkManager/system-connections/NAME.nmconnection\n"
	      "#   nmcli connection reload\n"
	      "# The password is asked for at each connection (password-flags=2).\n"
	      "[connection]\nid=", out);
	kf_value(out, cc->name);
	fprintf(out, "\nuuid=%s\ntype=vpn\nautoconnect=false\n\n", uuid);
	nm_vpn(cc, out);
	nm_ipv4(cc, out);
	fprintf(out, "\n[ipv6]\nmethod=%s\n", cc->ipv6 ? "auto" : "ignore");
	return finish(out);
}

/* --- Linux: /etc/ppp/ip-up.d and ip-down.d scripts --------------------------------- */

/*
 * Where ip-up notes the host route it added for ip-down; pppd runs both
 * scripts as root with a clean environment, L2SEC_RUN is for tests.
 */
#define IPUP_STATE "${L2SEC_RUN:-/run}/l2sec-ppp-$iface.route"

/* The first lines of both scripts. */
static void ppp_script_head(const struct clientcfg *cc, FILE *out, const char *what)
{
	fputs("#!/bin/sh\n# ", out);
	fputs(what, out);
	fputs(" for the L2TP connection ", out);
	sh_quote(out, cc->name);
	fputs(", from\n", out);
}

/* What both scripts start with: which link, and nothing on another peer's. */
static void ppp_script_link(const struct clientcfg *cc, FILE *out)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &cc->gateway, a, sizeof(a));
	fputs("set -f\n"
	      "iface=${PPP_IFACE:-$1}\n"
	      "remote=${PPP_REMOTE:-$5}\n"
	      "state=" IPUP_STATE "\n"
	      "# Only for the link to this gateway (its address on the link).\n"
	      "[ \"$remote\" = ", out);
	sh_quote(out, a);
	fputs(" ] || exit 0\n\n", out);
}

/*
 * A full tunnel through the two halves of the address space (they win over
 * the default route without replacing it), once a host route keeps the
 * gateway itself on the way the L2TP packets already take. Without the
 * gateway's address there is no such route, and the tunnel's own packets
 * would go into the tunnel: then no default route goes there either.
 */
static void ipup_full(const struct clientcfg *cc, FILE *out)
{
	fputs("# Full tunnel: everything but the gateway itself goes through the tunnel.\n"
	      "# The host route to the gateway is noted for the ip-down script, unless\n"
	      "# one was there before (then it is left as it is).\n"
	      "gw=", out);
	sh_quote(out, cc->server);
	fputs("\nfull_tunnel() {\n"
	      "\tsrv=$(getent ahostsv4 \"$gw\" | awk 'NR == 1 { print $1 }')\n"
	      "\t[ -n \"$srv\" ] || return 1\n"
	      "\tvia=$(ip -4 route get \"$srv\" | awk '{ for (i = 1; i < NF; i++)\n"
	      "\t\tif ($i == \"via\" || $i == \"dev\") printf \"%s %s \", $i, $(i + 1); exit }')\n"
	      "\t[ -n \"$via\" ] || return 1\n"
	      "\t# shellcheck disable=SC2086 # \"via A dev D\": several words\n"
	      "\tif ip route add \"$srv/32\" $via 2>/dev/null; then\n"
	      "\t\techo \"$srv/32 $via\" >\"$state\"\n"
	      "\telif [ -z \"$(ip route show exact \"$srv/32\")\" ]; then\n"
	      "\t\treturn 1\n"
	      "\tfi\n"
	      "\tip route replace 0.0.0.0/1 dev \"$iface\"\n"
	      "\tip route replace 128.0.0.0/1 dev \"$iface\"\n"
	      "}\n"
	      "if ! full_tunnel; then\n"
	      "\tmsg=\"no route to the gateway $gw: no default route through $iface\"\n"
	      "\techo \"l2sec: $msg\" >&2\n"
	      "\tlogger -t l2sec-ip-up -- \"$msg\" 2>/dev/null || :\n"
	      "fi\n", out);
}

static void ipup_dns(const struct clientcfg *cc, FILE *out)
{
	const char *dom[CONFIG_MAX_SEARCH + 1];
	unsigned int n = domains(cc, dom);
	char a[INET_ADDRSTRLEN];

	fputs("\n# DNS through systemd-resolved when it runs; without it, pppd's usepeerdns\n"
	      "# option writes the servers to /etc/ppp/resolv.conf.\n"
	      "if command -v resolvectl >/dev/null 2>&1 && resolvectl status >/dev/null 2>&1; then\n",
	      out);
	if (cc->n_dns) {
		fputs("\tresolvectl dns \"$iface\"", out);
		for (unsigned int i = 0; i < cc->n_dns; i++)
			fprintf(out, " %s", inet_ntop(AF_INET, &cc->dns[i], a, sizeof(a)));
		fputs(" || :\n", out);
	}
	if (n) {
		fputs("\tresolvectl domain \"$iface\"", out);
		for (unsigned int i = 0; i < n; i++) {
			fputc(' ', out);
			sh_quote(out, dom[i]);
		}
		fputs(" || :\n", out);
	}
	/* split tunnel: only the names above are asked of the tunnel's servers */
	fprintf(out, "\tresolvectl default-route \"$iface\" %s || :\n",
		cc->split.n_routes ? "false" : "true");
	fputs("fi\n", out);
}

int clientcfg_ipup(const struct clientcfg *cc, FILE *out)
{
	char r[ROUTE_STR];

	ppp_script_head(cc, out, "Routes and DNS");
	fputs("# `l2sec client-config linux ip-up`. Install it as /etc/ppp/ip-up.d/l2sec\n"
	      "# (mode 755), or name it in pppd's ip-up-script option, and the script of\n"
	      "# `l2sec client-config linux ip-down` as /etc/ppp/ip-down.d/l2sec. The\n"
	      "# routes through the PPP interface go away with it.\n", out);
	ppp_script_link(cc, out);
	if (!cc->split.n_routes)
		ipup_full(cc, out);
	else
		fputs("# Split tunnel: these networks go through the tunnel, nothing else.\n", out);
	for (unsigned int i = 0; i < cc->split.n_routes; i++) {
		route_str(&cc->split.routes[i], r);
		fprintf(out, "ip route replace %s dev \"$iface\"\n", r);
	}
	ipup_dns(cc, out);
	fputs("exit 0\n", out);
	return finish(out);
}

/*
 * ip-down: the host route to the gateway that ip-up added outlives the PPP
 * interface; the rest (routes, resolved's link settings) goes with it.
 */
int clientcfg_ipdown(const struct clientcfg *cc, FILE *out)
{
	ppp_script_head(cc, out, "Undoes the ip-up script");
	fputs("# `l2sec client-config linux ip-down`. Install it as\n"
	      "# /etc/ppp/ip-down.d/l2sec (mode 755), or name it in pppd's ip-down-script\n"
	      "# option: it removes the host route to the gateway that the ip-up script\n"
	      "# added for a full tunnel.\n", out);
	ppp_script_link(cc, out);
	fputs("[ -f \"$state\" ] || exit 0\n"
	      "read -r route <\"$state\"\n"
	      "# shellcheck disable=SC2086 # \"A/32 via B dev D\": several words\n"
	      "[ -n \"$route\" ] && ip route del $route\n"
	      "rm -f \"$state\"\n"
	      "exit 0\n", out);
	return finish(out);
}

/* --- the command ------------------------------------------------------------------ */

enum cc_format { CC_WINDOWS, CC_MACOS, CC_NM, CC_IPUP, CC_IPDOWN };

struct cc_args {
	enum cc_format format;
	const char *user, *server, *name, *config;
};

static void clientcfg_usage(FILE *f)
{
	fputs("Usage: l2sec client-config { windows | macos | linux [ nm | ip-up | ip-down ] }\n"
	      "                           [ user USER ] [ server HOST ] [ name NAME ]\n"
	      "                           [ config FILE ]\n"
	      "Prints a client profile made from the gateway's configuration FILE\n"
	      "(" CONFIG_DEFAULT_PATH "): a PowerShell script, an Apple .mobileconfig,\n"
	      "a NetworkManager-l2tp keyfile or an /etc/ppp/ip-up.d or ip-down.d script.\n", f);
}

static int parse_os(struct cc_args *a, int *argc, char ***argv)
{
	const char *os = (*argv)[0];

	if (cli_matches(os, "windows")) {
		a->format = CC_WINDOWS;
	} else if (cli_matches(os, "macos")) {
		a->format = CC_MACOS;
	} else if (cli_matches(os, "linux")) {
		a->format = CC_NM;
		if (*argc > 1 && cli_matches((*argv)[1], "ip-up")) {
			a->format = CC_IPUP;
			(*argc)--, (*argv)++;
		} else if (*argc > 1 && cli_matches((*argv)[1], "ip-down")) {
			a->format = CC_IPDOWN;
			(*argc)--, (*argv)++;
		} else if (*argc > 1 && cli_matches((*argv)[1], "nm")) {
			(*argc)--, (*argv)++;
		}
	} else {
		cli_err("unknown client OS \"%s\": windows, macos or linux", os);
		return -1;
	}
	(*argc)--, (*argv)++;
	return 0;
}

static int parse_args(struct cc_args *a, int argc, char **argv)
{
	const char **slot;

	if (parse_os(a, &argc, &argv))
		return -1;
	for (; argc > 0; argc--, argv++) {
		if (cli_matches(argv[0], "user"))
			slot = &a->user;
		else if (cli_matches(argv[0], "server"))
			slot = &a->server;
		else if (cli_matches(argv[0], "name"))
			slot = &a->name;
		else if (cli_matches(argv[0], "config"))
			slot = &a->config;
		else {
			cli_err("unknown argument \"%s\" of client-config", argv[0]);
			return -1;
		}
		*slot = cli_next_arg(&argc, &argv);
		if (!*slot)
			return -1;
	}
	return 0;
}

static void config_err(void *arg, const char *file, unsigned int line, const char *msg)
{
	if (line)
		cli_err("%s:%u: %s", file, line, msg);
	else
		cli_err("%s: %s", file, msg);
}

static void users_err(void *ctx, unsigned int line, const char *msg)
{
	if (line)
		cli_err("%s:%u: %s", (const char *)ctx, line, msg);
	else
		cli_err("%s", msg);
}

/*
 * The first certificate of the PEM file PATH, its base64 without line
 * breaks, into a malloc'd string; NULL after saying why not.
 */
static char *read_ca(const char *path)
{
	static const char begin[] = "-----BEGIN CERTIFICATE-----";
	static const char end[] = "-----END CERTIFICATE-----";
	char *buf = malloc(CA_FILE_MAX + 1), *b64 = NULL, *s, *e;
	FILE *f = fopen(path, "r");
	size_t n, o = 0;

	if (!f || !buf) {
		cli_err("%s: %s", path, strerror(f ? ENOMEM : errno));
		goto out;
	}
	n = fread(buf, 1, CA_FILE_MAX, f);
	buf[n] = '\0';
	s = strstr(buf, begin);
	e = s ? strstr(s, end) : NULL;
	if (!e) {
		cli_err("%s: no PEM certificate in the first %u bytes", path, CA_FILE_MAX);
		goto out;
	}
	b64 = s;	/* compacted in place */
	for (s += sizeof(begin) - 1; s < e; s++) {
		if (strchr(" \t\r\n", *s))
			continue;
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", *s)) {
			cli_err("%s: the certificate is not base64", path);
			b64 = NULL;
			goto out;
		}
		b64[o++] = *s;
	}
	b64[o] = '\0';
	memmove(buf, b64, o + 1);
	b64 = buf;
	buf = NULL;
out:
	free(buf);
	if (f)
		fclose(f);
	return b64;
}

/* What the client dials: HOST, else [client] server; an address or a domain name. */
static const char *pick_server(const struct cc_args *a, const struct l2sec_config *cfg,
			       const char *path)
{
	char name[CONFIG_DOMAIN_MAX + 1];
	struct in6_addr in;
	const char *why;

	if (!a->server) {
		if (!cfg->client_server[0])
			cli_err("no server address for the clients: set [client] server in %s "
				"or give \"server HOST\"", path);
		return cfg->client_server[0] ? cfg->client_server : NULL;
	}
	if (inet_pton(AF_INET, a->server, &in) == 1 || inet_pton(AF_INET6, a->server, &in) == 1)
		return a->server;
	why = config_check_domain(a->server, name);
	if (why) {
		cli_err("server \"%s\" %s", a->server, why);
		return NULL;
	}
	return a->server;
}

/* Every string the profile will hold can be quoted in every format. */
static int check_text(const struct clientcfg *cc)
{
	const char *what[] = { "name", "user", "[ipsec] psk" };
	const char *v[] = { cc->name, cc->user ? cc->user : "", cc->psk };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		if (!clientcfg_text_ok(v[i])) {
			cli_err("the %s has control characters or is not UTF-8", what[i]);
			return -1;
		}
	}
	return 0;
}

/* The IPsec credential, which the IPsec clients need and ip-up does not. */
static int pick_credential(struct clientcfg *cc, const struct l2sec_config *cfg,
			   enum cc_format format, char **ca)
{
	cc->psk = cfg->psk;
	if (cfg->psk[0])
		return 0;
	if (cfg->ca_path[0]) {
		*ca = read_ca(cfg->ca_path);
		cc->ca_b64 = *ca;
		return *ca ? 0 : -1;
	}
	if (format == CC_WINDOWS || format == CC_MACOS) {
		cli_err("the gateway has no IPsec credential ([ipsec] psk or certificate): "
			"%s's L2TP client needs one", format == CC_WINDOWS ? "Windows" : "macOS");
		return -1;
	}
	return 0;
}

/* USER's values from the users file, the [ppp] ones without a user. */
static int pick_user(struct clientcfg *cc, const struct l2sec_config *cfg,
		     const char *user, struct users_db **db)
{
	const struct users_entry *u = NULL;

	cc->user = user;
	if (user) {
		*db = users_load(cfg->users_path, users_err, (void *)cfg->users_path);
		if (!*db)
			return -1;
		u = users_lookup(*db, user, strlen(user));
		if (!u) {
			cli_err("no user \"%s\" in %s", user, cfg->users_path);
			return -1;
		}
	}
	users_split(u, cfg, &cc->split);
	return 0;
}

static int emit(const struct cc_args *a, const struct clientcfg *cc, FILE *out)
{
	static int (*const fn[])(const struct clientcfg *, FILE *) = {
		[CC_WINDOWS] = clientcfg_windows, [CC_MACOS] = clientcfg_macos,
		[CC_NM] = clientcfg_nm, [CC_IPUP] = clientcfg_ipup,
		[CC_IPDOWN] = clientcfg_ipdown,
	};

	if (fn[a->format](cc, out)) {
		cli_err("writing the profile: %s", strerror(errno));
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int run(struct cli *c, const struct cc_args *a, struct l2sec_config *cfg)
{
	const char *path = a->config ? a->config : CONFIG_DEFAULT_PATH;
	struct clientcfg cc = { 0 };
	struct users_db *db = NULL;
	char *ca = NULL;
	int ret = CLI_FAIL;

	if (config_load(cfg, path, config_err, NULL))
		goto out;
	cc.server = pick_server(a, cfg, path);
	if (!cc.server)
		goto out;
	cc.name = a->name ? a->name : cfg->client_name[0] ? cfg->client_name : cc.server;
	if (pick_credential(&cc, cfg, a->format, &ca) || pick_user(&cc, cfg, a->user, &db) ||
	    check_text(&cc))
		goto out;
	cc.gateway = cfg->local_ipv4;
	cc.dns = cfg->dns;
	while (cc.n_dns < ARRAY_SIZE(cfg->dns) && cfg->dns[cc.n_dns].s_addr)
		cc.n_dns++;
	cc.ipv6 = cfg->ipv6;
	ret = emit(a, &cc, c->out ? c->out : stdout);
out:
	users_free(db);
	free(ca);
	return ret;
}

int clientcfg_main(struct cli *c, int argc, char **argv)
{
	struct cc_args a = { 0 };
	struct l2sec_config *cfg;
	int ret;

	if (argc < 2 || cli_matches(argv[1], "help")) {
		clientcfg_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (parse_args(&a, argc - 1, argv + 1)) {
		clientcfg_usage(stderr);
		return CLI_USAGE;
	}
	/* large (routes, search lists, paths): not on the stack */
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		cli_err("out of memory");
		return CLI_FAIL;
	}
	ret = run(c, &a, cfg);
	explicit_bzero(cfg->psk, sizeof(cfg->psk));
	free(cfg);
	return ret;
}
