/*
 * The TPM 2.0 backend against the real software TPM: two swtpm instances
 * (ours and a foreign one), each started on a unix socket in its own
 * temporary state directory and stopped at exit, also when the test fails or
 * is killed by a signal. Covers enrollment (software MakeCredential, TPM
 * ActivateCredential), measurement into the PCR, quotes and their
 * verification without a TPM, every kind of tampering, and PCR-sealed secrets.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <ftw.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attest/core.h"
#include "attest/tpm2/esys.h"
#include "attest/tpm2/tpm2.h"
#include "check.h"
#include "crypto/crypto.h"
#include "wire/base64.h"
#include "wire/bytes.h"

/* ---- swtpm lifecycle ---------------------------------------------------- */

typedef struct swtpm {
	pid_t pid;
	pid_t group; /* the janitor's process group: swtpm_setup and what it spawns join it */
	char dir[64];
	char tcti[128];
} swtpm;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Removes the state directory and everything in it (not for signal handlers). */
static void remove_tree(swtpm *s)
{
	if (s->dir[0] != '\0')
		nftw(s->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	s->dir[0] = '\0';
}

static swtpm tpms[2];

/* Kills swtpm; async-signal-safe (kill and waitpid only). */
static void swtpm_kill(swtpm *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

static void swtpm_stop(swtpm *s)
{
	swtpm_kill(s);
	remove_tree(s);
}

static void stop_all(void)
{
	swtpm_stop(&tpms[0]);
	swtpm_stop(&tpms[1]);
}

/* Kills the TPMs; the janitors remove their directories once this process is gone. */
static void on_signal(int sig)
{
	swtpm_kill(&tpms[0]);
	swtpm_kill(&tpms[1]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void swtpm_exec(const swtpm *s)
{
	char state[96], server[96], ctrl[96];
	int devnull = open("/dev/null", O_RDWR);

	/* The TPM must not outlive the test, whatever happens to the test. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dup2(devnull, STDOUT_FILENO);
	dup2(devnull, STDERR_FILENO);
	snprintf(state, sizeof state, "dir=%s", s->dir);
	snprintf(server, sizeof server, "type=unixio,path=%s/sock", s->dir);
	snprintf(ctrl, sizeof ctrl, "type=unixio,path=%s/sock.ctrl", s->dir);
	execlp("swtpm", "swtpm", "socket", "--tpm2", "--tpmstate", state, "--server", server, "--ctrl", ctrl,
	       "--flags", "not-need-init,startup-clear", (char *)NULL);
	_exit(127);
}

/*
 * A janitor outlives even a SIGKILLed test for just long enough to clean up:
 * it waits for EOF on a pipe whose write end only the test holds
 * (close-on-exec keeps it out of swtpm), then terminates its process group
 * (swtpm_setup and the swtpm it runs join it) and removes the state
 * directory. swtpm itself also dies with the test through PR_SET_PDEATHSIG.
 */
static void start_janitor(swtpm *s)
{
	int fds[2];
	char c;
	pid_t pid;

	if (pipe(fds) != 0)
		return;
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_RDWR);
		setpgid(0, 0);
		signal(SIGTERM, SIG_IGN);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		close(fds[1]);
		while (read(fds[0], &c, 1) != 0 && errno == EINTR)
			;
		kill(-getpid(), SIGTERM);
		nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL); /* let them die first */
		remove_tree(s);
		_exit(0);
	}
	close(fds[0]);
	if (pid < 0)
		close(fds[1]);
	else
		setpgid(pid, pid); /* also here, so the group exists before swtpm_setup joins it */
	s->group = pid > 0 ? pid : 0;
	/* fds[1] stays open, unused, until this process ends. */
}

/* Writes |text| to the file |name| in |dir|. */
static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL)
		return false;
	fputs(text, fp);
	return fclose(fp) == 0;
}

/*
 * Manufactures the TPM as a vendor would, with swtpm_setup: EKs and their
 * certificates in NV memory, signed by a throwaway local CA that lives in the
 * state directory (never in /var/lib/swtpm-localca).
 */
static bool swtpm_manufacture(const swtpm *s)
{
	char ca[96], conf[512], setup[512], cfg_path[96], log[96];
	pid_t pid;
	int status;

	snprintf(ca, sizeof ca, "%s/ca", s->dir);
	snprintf(conf, sizeof conf, "statedir = %s\nsigningkey = %s/signkey.pem\nissuercert = %s/issuercert.pem\n"
	         "certserial = %s/certserial\n", ca, ca, ca, ca);
	snprintf(setup, sizeof setup, "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = "
	         "%s/localca.conf\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = "
	         "sha256\n", s->dir);
	snprintf(cfg_path, sizeof cfg_path, "%s/setup.conf", s->dir);
	snprintf(log, sizeof log, "%s/setup.log", s->dir);
	if (mkdir(ca, 0700) != 0 || !write_file(s->dir, "localca.conf", conf) || !write_file(s->dir, "setup.conf", setup))
		return false;
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (s->group > 0)
			setpgid(0, s->group);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		execlp("swtpm_setup", "swtpm_setup", "--tpm2", "--tpmstate", s->dir, "--create-ek-cert", "--config",
		       cfg_path, "--logfile", log, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* True once swtpm accepts connections on |path| (the socket file appears before listen()). */
static bool accepts(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	bool ok;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/*
 * Starts swtpm (first manufactured with EK certificates if |manufacture|) and
 * waits (up to 5 s) for its socket. Returns false if it does not come up.
 */
static bool swtpm_start(swtpm *s, bool manufacture)
{
	char sock[96];

	snprintf(s->dir, sizeof s->dir, "/tmp/capsa-swtpm-XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		s->dir[0] = '\0';
		return false;
	}
	start_janitor(s);
	if (manufacture && !swtpm_manufacture(s))
		return false;
	snprintf(sock, sizeof sock, "%s/sock", s->dir);
	snprintf(s->tcti, sizeof s->tcti, "swtpm:path=%s", sock);
	if ((s->pid = fork()) < 0)
		return false;
	if (s->pid == 0)
		swtpm_exec(s);
	for (int i = 0; i < 500; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		if (accepts(sock))
			return true;
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return false;
		}
		nanosleep(&ts, NULL);
	}
	return false;
}

/* ---- helpers ----------------------------------------------------------- */

/* The state a run builds up: our TPM's keys and a quote. */
typedef struct fixture {
	capsa_tpm2 *tpm, *foreign;
	uint8_t *ek, *ak, *foreign_ek, *foreign_ak;
	size_t ek_len, ak_len, foreign_ek_len, foreign_ak_len;
	uint8_t ak_name[CAPSA_TPM2_NAME_BYTES], foreign_ak_name[CAPSA_TPM2_NAME_BYTES];
	uint8_t measurement[32], expected_pcr[32];
	uint8_t binding[CAPSA_ATTEST_BINDING_BYTES];
} fixture;

static const uint8_t keeper_keys[] = "age1keeper-public-keys-as-the-protocol-encodes-them";
static const uint8_t nonce[] = "verifier nonce 0001";

/* Names of the failed checks, comma-separated, for exact assertions. */
static const char *failed_checks(const capsa_attest_result *res)
{
	static char buf[512];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < res->num_checks; i++)
		if (!res->checks[i].passed)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", res->checks[i].name);
	return buf;
}

static capsa_status verify(const capsa_tpm2_evidence *ev, const uint8_t *trusted_names, size_t num_names,
                           const uint8_t *binding, capsa_attest_result *res)
{
	capsa_tpm2_trust trust = {.ak_names = trusted_names, .num_ak_names = num_names,
	                          .measurement_pcr = CAPSA_TPM2_PCR};
	capsa_attest_expect expect = {.report_data = binding, .report_data_len = CAPSA_ATTEST_BINDING_BYTES};

	return capsa_tpm2_verify(ev, &trust, &expect, res);
}

/* Writes |tag| || |p| as a fuzz seed named |name| when CAPSA_TPM2_SEED_DIR is set. */
static void write_seed(const char *name, uint8_t tag, const uint8_t *p, size_t n)
{
	const char *dir = getenv("CAPSA_TPM2_SEED_DIR");
	char path[512];
	FILE *fp;

	if (dir == NULL)
		return;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL)
		return;
	fputc(tag, fp);
	fwrite(p, 1, n, fp);
	fclose(fp);
}

/* ---- enrollment --------------------------------------------------------- */

static void test_keys(fixture *f)
{
	uint8_t name[CAPSA_TPM2_NAME_BYTES];

	CHECK_OK(capsa_tpm2_ek_public(f->tpm, &f->ek, &f->ek_len));
	CHECK_OK(capsa_tpm2_ak_public(f->tpm, &f->ak, &f->ak_len));
	CHECK_OK(capsa_tpm2_ek_public(f->foreign, &f->foreign_ek, &f->foreign_ek_len));
	CHECK_OK(capsa_tpm2_ak_public(f->foreign, &f->foreign_ak, &f->foreign_ak_len));
	CHECK_OK(capsa_tpm2_ak_name(f->ak_name, f->ak, f->ak_len));
	CHECK_OK(capsa_tpm2_ak_name(f->foreign_ak_name, f->foreign_ak, f->foreign_ak_len));
	CHECK(memcmp(f->ak_name, f->foreign_ak_name, sizeof name) != 0);
	/* Primaries are re-derived from the seed: the same AK every time. */
	{
		uint8_t *again = NULL;
		size_t again_len = 0;
		CHECK_OK(capsa_tpm2_ak_public(f->tpm, &again, &again_len));
		CHECK(again_len == f->ak_len && memcmp(again, f->ak, again_len) == 0);
		free(again);
	}
	/* The EK is a decryption key, never an AK. */
	CHECK_STATUS(capsa_tpm2_ak_name(name, f->ek, f->ek_len), CAPSA_ERR_KEY);
	CHECK_STATUS(capsa_tpm2_ak_name(name, f->ak, f->ak_len - 1), CAPSA_ERR_DECODE);
}

/* MakeCredential in software for (ek, ak), ActivateCredential on |tpm|; returns its status. */
static capsa_status enroll(capsa_tpm2 *tpm, const uint8_t *ek, size_t ek_len, const uint8_t *ak, size_t ak_len,
                           bool *secret_matches)
{
	uint8_t secret[32], got[32];
	uint8_t *id = NULL, *enc = NULL;
	size_t id_len = 0, enc_len = 0, got_len = 0;
	capsa_status st;

	*secret_matches = false;
	CHECK_OK(capsa_random(secret, sizeof secret));
	CHECK_OK(capsa_tpm2_make_credential(ek, ek_len, ak, ak_len, secret, sizeof secret, &id, &id_len, &enc,
	                                    &enc_len));
	st = capsa_tpm2_activate_credential(tpm, id, id_len, enc, enc_len, got, &got_len);
	*secret_matches = st == CAPSA_OK && got_len == sizeof secret && capsa_ct_equal(got, secret, sizeof secret);
	free(id);
	free(enc);
	return st;
}

static void test_credential(fixture *f)
{
	uint8_t secret[32] = {1}, *id = NULL, *enc = NULL;
	size_t id_len, enc_len;
	bool match;

	CHECK_OK(enroll(f->tpm, f->ek, f->ek_len, f->ak, f->ak_len, &match));
	CHECK(match);
	/* A credential for an AK that does not live in this TPM is refused. */
	CHECK_STATUS(enroll(f->tpm, f->ek, f->ek_len, f->foreign_ak, f->foreign_ak_len, &match), CAPSA_ERR_TPM);
	CHECK(!match);
	/* Made for another TPM's EK: this TPM cannot recover the seed. */
	CHECK_STATUS(enroll(f->tpm, f->foreign_ek, f->foreign_ek_len, f->ak, f->ak_len, &match), CAPSA_ERR_TPM);
	CHECK(!match);
	/* The foreign TPM activates its own. */
	CHECK_OK(enroll(f->foreign, f->foreign_ek, f->foreign_ek_len, f->foreign_ak, f->foreign_ak_len, &match));
	CHECK(match);
	/* The verifier refuses to make a credential for a key that is not an AK, or to a non-storage EK. */
	CHECK_STATUS(capsa_tpm2_make_credential(f->ek, f->ek_len, f->ek, f->ek_len, secret, 32, &id, &id_len, &enc,
	                                        &enc_len),
	             CAPSA_ERR_KEY);
	CHECK_STATUS(capsa_tpm2_make_credential(f->ak, f->ak_len, f->ak, f->ak_len, secret, 32, &id, &id_len, &enc,
	                                        &enc_len),
	             CAPSA_ERR_KEY);
	CHECK_STATUS(capsa_tpm2_make_credential(f->ek, f->ek_len, f->ak, f->ak_len, secret, 33, &id, &id_len, &enc,
	                                        &enc_len),
	             CAPSA_ERR_ARG);
	CHECK(id == NULL && enc == NULL);
}

/* The same enrollment against the TCG default RSA 2048 EK. */
static void test_credential_rsa(fixture *f)
{
	uint8_t *ek = NULL, *foreign_ek = NULL, name[CAPSA_TPM2_NAME_BYTES];
	size_t ek_len = 0, foreign_ek_len = 0;
	bool match;

	CHECK_OK(capsa_tpm2_ek_rsa_public(f->tpm, &ek, &ek_len));
	CHECK_OK(capsa_tpm2_ek_rsa_public(f->foreign, &foreign_ek, &foreign_ek_len));
	if (ek == NULL || foreign_ek == NULL)
		goto out;
	CHECK(ek_len == 2 + 2 + 2 + 4 + 2 + 32 + 2 + 2 + 2 + 2 + 2 + 4 + 2 + 256);
	CHECK_STATUS(capsa_tpm2_ak_name(name, ek, ek_len), CAPSA_ERR_KEY);
	CHECK_OK(enroll(f->tpm, ek, ek_len, f->ak, f->ak_len, &match));
	CHECK(match);
	CHECK_STATUS(enroll(f->tpm, ek, ek_len, f->foreign_ak, f->foreign_ak_len, &match), CAPSA_ERR_TPM);
	CHECK(!match);
	CHECK_STATUS(enroll(f->tpm, foreign_ek, foreign_ek_len, f->ak, f->ak_len, &match), CAPSA_ERR_TPM);
	CHECK(!match);
	write_seed("swtpm-ek-rsa-public", 1, ek, ek_len);
out:
	free(ek);
	free(foreign_ek);
}

/* Reads the first certificate of the PEM file |name| in the local CA's directory as DER (free()). */
static uint8_t *ca_cert_der(const char *name, size_t *len)
{
	static char text[16384];
	char path[128], *begin, *end;
	uint8_t *der = NULL;
	size_t n;
	FILE *fp;

	*len = 0;
	snprintf(path, sizeof path, "%s/ca/%s", tpms[0].dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	if ((begin = strstr(text, "-----BEGIN CERTIFICATE-----")) == NULL ||
	    (end = strstr(begin, "-----END CERTIFICATE-----")) == NULL)
		return NULL;
	begin += strlen("-----BEGIN CERTIFICATE-----");
	if (capsa_base64_decode(&der, len, begin, (size_t)(end - begin)) != CAPSA_OK)
		return NULL;
	return der;
}

/* The EK certificate chains to the (here: swtpm's local) manufacturer root and names the EK. */
static void test_ek_chain(fixture *f, const uint8_t *cert, size_t cert_len, const uint8_t *ek_rsa, size_t ek_rsa_len,
                          const uint8_t *foreign_rsa, size_t foreign_rsa_len)
{
	size_t root_len, inter_len;
	uint8_t *root = ca_cert_der("swtpm-localca-rootca-cert.pem", &root_len);
	uint8_t *inter = ca_cert_der("issuercert.pem", &inter_len), *bad = malloc(cert_len);
	const uint8_t *inters[1] = {inter};
	const int64_t now = (int64_t)time(NULL);
	char why[256];

	CHECK(root != NULL && inter != NULL && bad != NULL);
	if (root == NULL || inter == NULL || bad == NULL)
		goto out;
	CHECK_OK(capsa_tpm2_ek_cert_verify(ek_rsa, ek_rsa_len, cert, cert_len, inters, &inter_len, 1, root, root_len,
	                                   now, why, sizeof why));
	/* Another TPM's EK presented with this certificate. */
	CHECK_STATUS(capsa_tpm2_ek_cert_verify(foreign_rsa, foreign_rsa_len, cert, cert_len, inters, &inter_len, 1,
	                                       root, root_len, now, why, sizeof why),
	             CAPSA_ERR_MISMATCH);
	CHECK(strstr(why, "does not certify this EK") != NULL);
	CHECK_STATUS(capsa_tpm2_ek_cert_verify(f->ek, f->ek_len, cert, cert_len, inters, &inter_len, 1, root, root_len,
	                                       now, why, sizeof why),
	             CAPSA_ERR_MISMATCH);
	/* A wrong root, a missing intermediate, a time before the certificates existed. */
	CHECK_STATUS(capsa_tpm2_ek_cert_verify(ek_rsa, ek_rsa_len, cert, cert_len, NULL, NULL, 0, inter, inter_len,
	                                       now, why, sizeof why),
	             CAPSA_ERR_CERT);
	CHECK_STATUS(capsa_tpm2_ek_cert_verify(ek_rsa, ek_rsa_len, cert, cert_len, NULL, NULL, 0, root, root_len, now,
	                                       why, sizeof why),
	             CAPSA_ERR_CERT);
	CHECK_STATUS(capsa_tpm2_ek_cert_verify(ek_rsa, ek_rsa_len, cert, cert_len, inters, &inter_len, 1, root, root_len,
	                                       now - 86400, why, sizeof why),
	             CAPSA_ERR_CERT);
	/* The certificate's signature flipped. */
	memcpy(bad, cert, cert_len);
	bad[cert_len - 1] ^= 1;
	CHECK_STATUS(capsa_tpm2_ek_cert_verify(ek_rsa, ek_rsa_len, bad, cert_len, inters, &inter_len, 1, root, root_len,
	                                       now, why, sizeof why),
	             CAPSA_ERR_CERT);
out:
	free(root);
	free(inter);
	free(bad);
}

/* The EK certificate swtpm_setup stored, and what it certifies. */
static void test_ek_cert(fixture *f)
{
	uint8_t *cert = NULL, *ek_rsa = NULL, *foreign_rsa = NULL, *none = NULL;
	size_t cert_len = 0, ek_rsa_len = 0, foreign_rsa_len = 0, none_len = 0;
	bool match;

	CHECK_OK(capsa_tpm2_ek_cert(f->tpm, true, &cert, &cert_len));
	CHECK_OK(capsa_tpm2_ek_rsa_public(f->tpm, &ek_rsa, &ek_rsa_len));
	CHECK_OK(capsa_tpm2_ek_rsa_public(f->foreign, &foreign_rsa, &foreign_rsa_len));
	if (cert == NULL || ek_rsa == NULL || foreign_rsa == NULL)
		goto out;
	/* The certificate names the EK that capsa re-derives from the L-1 template. */
	CHECK_OK(capsa_tpm2_ek_cert_matches(ek_rsa, ek_rsa_len, cert, cert_len));
	CHECK_STATUS(capsa_tpm2_ek_cert_matches(foreign_rsa, foreign_rsa_len, cert, cert_len), CAPSA_ERR_MISMATCH);
	CHECK_STATUS(capsa_tpm2_ek_cert_matches(f->ek, f->ek_len, cert, cert_len), CAPSA_ERR_MISMATCH);
	CHECK_STATUS(capsa_tpm2_ek_cert_matches(f->ak, f->ak_len, cert, cert_len), CAPSA_ERR_KEY);
	CHECK_STATUS(capsa_tpm2_ek_cert_matches(ek_rsa, ek_rsa_len, cert, cert_len - 1), CAPSA_ERR_DECODE);
	test_ek_chain(f, cert, cert_len, ek_rsa, ek_rsa_len, foreign_rsa, foreign_rsa_len);
	/* A certified EK then enrolls the AK. */
	CHECK_OK(enroll(f->tpm, ek_rsa, ek_rsa_len, f->ak, f->ak_len, &match));
	CHECK(match);
	{
		capsa_cbb cbb = {0};
		if (capsa_cbb_init(&cbb, 2048) && capsa_cbb_add_u16_prefixed(&cbb, ek_rsa, ek_rsa_len) &&
		    capsa_cbb_add_bytes(&cbb, cert, cert_len) && !cbb.failed)
			write_seed("swtpm-ek-rsa-cert", 4, cbb.buf, cbb.len);
		capsa_cbb_cleanup(&cbb);
	}
	/* swtpm_setup stores no P-256 EK certificate, and the foreign TPM none at all. */
	CHECK_STATUS(capsa_tpm2_ek_cert(f->tpm, false, &none, &none_len), CAPSA_ERR_TPM);
	CHECK_STATUS(capsa_tpm2_ek_cert(f->foreign, true, &none, &none_len), CAPSA_ERR_TPM);
	CHECK(none == NULL && none_len == 0);
out:
	free(cert);
	free(ek_rsa);
	free(foreign_rsa);
}

/* A tampered credential blob is refused by the TPM (integrity HMAC) or the parser. */
static void test_credential_tampered(fixture *f)
{
	uint8_t secret[32] = {7}, got[32], *id = NULL, *enc = NULL;
	size_t id_len = 0, enc_len = 0, got_len;

	CHECK_OK(capsa_tpm2_make_credential(f->ek, f->ek_len, f->ak, f->ak_len, secret, sizeof secret, &id, &id_len,
	                                    &enc, &enc_len));
	if (id == NULL)
		return;
	id[id_len - 1] ^= 1;
	CHECK_STATUS(capsa_tpm2_activate_credential(f->tpm, id, id_len, enc, enc_len, got, &got_len), CAPSA_ERR_TPM);
	CHECK_STATUS(capsa_tpm2_activate_credential(f->tpm, id, id_len - 1, enc, enc_len, got, &got_len),
	             CAPSA_ERR_DECODE);
	free(id);
	free(enc);
}

/* ---- measurement and quotes -------------------------------------------- */

/* What a launcher does before the attested program runs. */
static void measure(fixture *f)
{
	static const char program[] = "#!/bin/sh\nexec capsa keeper serve\n";
	uint8_t pcr[32];

	CHECK_OK(capsa_sha256(f->measurement, program, sizeof program - 1));
	CHECK_OK(capsa_tpm2_expected_pcr(f->expected_pcr, f->measurement));
	CHECK_OK(capsa_tpm2_pcr_reset(f->tpm, CAPSA_TPM2_PCR));
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, f->measurement));
	CHECK_OK(capsa_tpm2_pcr_read(f->tpm, CAPSA_TPM2_PCR, pcr));
	CHECK_MEM(pcr, f->expected_pcr, 32);
	CHECK_STATUS(capsa_tpm2_pcr_extend(f->tpm, 24, f->measurement), CAPSA_ERR_ARG);
	/* PCR 0 is not resettable at locality 0. */
	CHECK_STATUS(capsa_tpm2_pcr_reset(f->tpm, 0), CAPSA_ERR_TPM);
}

static bool has_check(const capsa_attest_result *res, const char *name, bool passed)
{
	for (size_t i = 0; i < res->num_checks; i++)
		if (strcmp(res->checks[i].name, name) == 0)
			return res->checks[i].passed == passed;
	return false;
}

static void test_quote_good(fixture *f, const capsa_tpm2_quote_out *q)
{
	static const char *const names[] = {"quote-magic", "ak-trusted", "qualified-signer", "ak-signature",
	                                    "binding", "pcr-digest"};
	capsa_tpm2_evidence ev;
	capsa_attest_result res;

	capsa_tpm2_quote_evidence(q, &ev);
	CHECK_OK(verify(&ev, f->ak_name, 1, f->binding, &res));
	CHECK(capsa_attest_result_ok(&res));
	CHECK(res.platform == CAPSA_PLATFORM_TPM2 && !res.simulated);
	CHECK(res.measurement_len == 32 && memcmp(res.measurement, f->expected_pcr, 32) == 0);
	CHECK(res.report_data_len == 32 && memcmp(res.report_data, f->binding, 32) == 0);
	CHECK(res.num_checks == 6);
	for (size_t i = 0; i < 6; i++)
		CHECK(has_check(&res, names[i], true));
	/* Trust may list several enrolled AKs. */
	{
		uint8_t two[2 * CAPSA_TPM2_NAME_BYTES];
		memcpy(two, f->foreign_ak_name, CAPSA_TPM2_NAME_BYTES);
		memcpy(two + CAPSA_TPM2_NAME_BYTES, f->ak_name, CAPSA_TPM2_NAME_BYTES);
		CHECK_OK(verify(&ev, two, 2, f->binding, &res));
	}
}

/* Verifies |ev| and asserts the status and exactly which checks failed. */
static void expect_refused(const capsa_tpm2_evidence *ev, const uint8_t *names, size_t num_names,
                           const uint8_t *binding, capsa_status want, const char *want_failed)
{
	capsa_attest_result res;
	capsa_status st = verify(ev, names, num_names, binding, &res);

	check_context("want failed checks: %s", want_failed);
	CHECK_STATUS(st, want);
	CHECK(!capsa_attest_result_ok(&res));
	CHECK(strcmp(failed_checks(&res), want_failed) == 0);
	if (strcmp(failed_checks(&res), want_failed) != 0)
		fprintf(stderr, "     failed checks were: %s\n", failed_checks(&res));
	check_context("%s", "");
}

/* Every single flipped bit of the quote or its signature is refused. */
static void test_every_flip(fixture *f, const capsa_tpm2_quote_out *q)
{
	capsa_tpm2_evidence ev;
	capsa_attest_result res;
	uint8_t attest[CAPSA_TPM2_MAX_BLOB], sig[CAPSA_TPM2_MAX_BLOB];
	size_t accepted = 0;

	capsa_tpm2_quote_evidence(q, &ev);
	memcpy(attest, q->attest, q->attest_len);
	memcpy(sig, q->signature, q->signature_len);
	ev.attest = attest;
	for (size_t i = 0; i < 8 * q->attest_len; i++) {
		attest[i / 8] ^= (uint8_t)(1u << (i % 8));
		accepted += verify(&ev, f->ak_name, 1, f->binding, &res) == CAPSA_OK;
		attest[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	ev.attest = q->attest;
	ev.signature = sig;
	for (size_t i = 0; i < 8 * q->signature_len; i++) {
		sig[i / 8] ^= (uint8_t)(1u << (i % 8));
		accepted += verify(&ev, f->ak_name, 1, f->binding, &res) == CAPSA_OK;
		sig[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	CHECK(accepted == 0);
}

/* Offset of the clock in a quote whose signer name is 34 and extraData 32 bytes. */
#define CLOCK_OFFSET (4 + 2 + 2 + CAPSA_TPM2_NAME_BYTES + 2 + 32)

/* Bytes of the quote body changed: each refusal names what noticed. */
static void test_tampered_body(fixture *f, const capsa_tpm2_quote_out *q)
{
	capsa_tpm2_evidence ev;
	uint8_t attest[CAPSA_TPM2_MAX_BLOB], sig[CAPSA_TPM2_MAX_BLOB];
	const size_t extra_offset = 4 + 2 + 2 + CAPSA_TPM2_NAME_BYTES + 2;

	capsa_tpm2_quote_evidence(q, &ev);
	memcpy(attest, q->attest, q->attest_len);
	memcpy(sig, q->signature, q->signature_len);
	ev.attest = attest;
	/* A byte of the signed body (the clock): only the signature notices. */
	attest[CLOCK_OFFSET] ^= 0x01;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "ak-signature");
	attest[CLOCK_OFFSET] ^= 0x01;
	/* The magic. */
	attest[0] ^= 0x80;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "quote-magic,ak-signature");
	attest[0] ^= 0x80;
	/* The qualifying data itself: the binding and the signature both fail. */
	attest[extra_offset] ^= 0x01;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "ak-signature,binding");
	attest[extra_offset] ^= 0x01;
	/* Cut short, or with a byte appended: not even parsed. */
	ev.attest_len = q->attest_len - 1;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_DECODE, "quote-parse");
	ev.attest_len = q->attest_len + 1;
	attest[q->attest_len] = 0;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_DECODE, "quote-parse");
	ev.attest = q->attest;
	ev.attest_len = q->attest_len;
	/* The signature's last byte (in s). */
	ev.signature = sig;
	sig[q->signature_len - 1] ^= 0x01;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "ak-signature");
}

/* Genuine evidence for other keys or another nonce, or from an AK the verifier does not trust. */
static void test_wrong_binding_or_ak(fixture *f, const capsa_tpm2_quote_out *q)
{
	capsa_tpm2_evidence ev;
	uint8_t other_binding[32];

	capsa_tpm2_quote_evidence(q, &ev);
	/* A stale or foreign nonce: the binding the verifier expects differs. */
	CHECK_OK(capsa_attest_binding(other_binding, keeper_keys, sizeof keeper_keys, (const uint8_t *)"stale", 5));
	expect_refused(&ev, f->ak_name, 1, other_binding, CAPSA_ERR_EVIDENCE, "binding");
	/* The same nonce but other keys. */
	CHECK_OK(capsa_attest_binding(other_binding, (const uint8_t *)"other keys", 10, nonce, sizeof nonce));
	expect_refused(&ev, f->ak_name, 1, other_binding, CAPSA_ERR_EVIDENCE, "binding");
	/* An AK the verifier never enrolled. */
	expect_refused(&ev, f->foreign_ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "ak-trusted");
	expect_refused(&ev, NULL, 0, f->binding, CAPSA_ERR_EVIDENCE, "ak-trusted");
	/* The enrolled foreign AK substituted as the signer of our quote. */
	ev.ak_public = f->foreign_ak;
	ev.ak_public_len = f->foreign_ak_len;
	expect_refused(&ev, f->foreign_ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "qualified-signer,ak-signature");
	/* A key that is not an AK at all (the EK) offered as the signer. */
	ev.ak_public = f->ek;
	ev.ak_public_len = f->ek_len;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_DECODE, "quote-parse");
}

/* PCR values that are not the quoted ones, a measurement PCR not quoted, no expected binding. */
static void test_wrong_pcrs(fixture *f, const capsa_tpm2_quote_out *q)
{
	capsa_tpm2_evidence ev;
	capsa_tpm2_trust trust = {.ak_names = f->ak_name, .num_ak_names = 1, .measurement_pcr = 23};
	capsa_attest_expect expect = {.report_data = f->binding, .report_data_len = 32};
	capsa_attest_result res;
	uint8_t pcr[32];

	capsa_tpm2_quote_evidence(q, &ev);
	/* The PCR changed after the quote: the values now claimed do not match the quoted digest. */
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, f->measurement));
	CHECK_OK(capsa_tpm2_pcr_read(f->tpm, CAPSA_TPM2_PCR, pcr));
	CHECK(memcmp(pcr, q->pcr_value, 32) != 0);
	ev.pcr_values = pcr;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "pcr-digest");
	ev.pcr_values_len = 0;
	expect_refused(&ev, f->ak_name, 1, f->binding, CAPSA_ERR_EVIDENCE, "pcr-digest");
	ev.pcr_values = q->pcr_value;
	ev.pcr_values_len = 32;
	/* The verifier's measurement PCR (23) is not the quoted one. */
	CHECK_STATUS(capsa_tpm2_verify(&ev, &trust, &expect, &res), CAPSA_ERR_EVIDENCE);
	CHECK(strcmp(failed_checks(&res), "pcr-digest") == 0);
	/* No expected binding at all. */
	trust.measurement_pcr = CAPSA_TPM2_PCR;
	expect.report_data_len = 0;
	CHECK_STATUS(capsa_tpm2_verify(&ev, &trust, &expect, &res), CAPSA_ERR_EVIDENCE);
	CHECK(strcmp(failed_checks(&res), "binding") == 0);
	/* Put the measurement back for what follows. */
	CHECK_OK(capsa_tpm2_pcr_reset(f->tpm, CAPSA_TPM2_PCR));
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, f->measurement));
}

/* A quote made after a different program ran verifies, but reports that program's measurement. */
static void test_other_program(fixture *f)
{
	capsa_tpm2_quote_out q;
	capsa_tpm2_evidence ev;
	capsa_attest_result res;
	uint8_t other[32];

	CHECK_OK(capsa_sha256(other, "another program", 15));
	CHECK_OK(capsa_tpm2_pcr_reset(f->tpm, CAPSA_TPM2_PCR));
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, other));
	CHECK_OK(capsa_tpm2_quote(f->tpm, CAPSA_TPM2_PCR, f->binding, &q));
	capsa_tpm2_quote_evidence(&q, &ev);
	CHECK_OK(verify(&ev, f->ak_name, 1, f->binding, &res));
	CHECK(res.measurement_len == 32 && memcmp(res.measurement, f->expected_pcr, 32) != 0);
	capsa_tpm2_quote_free(&q);
	CHECK_OK(capsa_tpm2_pcr_reset(f->tpm, CAPSA_TPM2_PCR));
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, f->measurement));
}

/* Writes the quote's parts, and the whole evidence, as fuzz seeds when CAPSA_TPM2_SEED_DIR is set. */
static void write_seeds(const fixture *f, const capsa_tpm2_quote_out *q)
{
	capsa_cbb cbb = {0};

	write_seed("swtpm-quote-attest", 0, q->attest, q->attest_len);
	write_seed("swtpm-ak-public", 1, q->ak_public, q->ak_public_len);
	write_seed("swtpm-quote-signature", 2, q->signature, q->signature_len);
	write_seed("swtpm-ek-public", 1, f->ek, f->ek_len);
	/* u16-prefixed AK public, attest and signature, then the PCR values (see fuzz_tpms_attest.c). */
	if (capsa_cbb_init(&cbb, 512) && capsa_cbb_add_u16_prefixed(&cbb, q->ak_public, q->ak_public_len) &&
	    capsa_cbb_add_u16_prefixed(&cbb, q->attest, q->attest_len) &&
	    capsa_cbb_add_u16_prefixed(&cbb, q->signature, q->signature_len) &&
	    capsa_cbb_add_bytes(&cbb, q->pcr_value, 32) && !cbb.failed)
		write_seed("swtpm-quote-evidence", 3, cbb.buf, cbb.len);
	capsa_cbb_cleanup(&cbb);
}

static void test_quotes(fixture *f)
{
	capsa_tpm2_quote_out q;

	measure(f);
	CHECK_OK(capsa_attest_binding(f->binding, keeper_keys, sizeof keeper_keys, nonce, sizeof nonce));
	CHECK_OK(capsa_tpm2_quote(f->tpm, CAPSA_TPM2_PCR, f->binding, &q));
	if (q.attest == NULL)
		return;
	CHECK(q.pcr == CAPSA_TPM2_PCR && memcmp(q.pcr_value, f->expected_pcr, 32) == 0);
	CHECK(q.attest_len < CAPSA_TPM2_MAX_BLOB && q.signature_len < CAPSA_TPM2_MAX_BLOB);
	write_seeds(f, &q);
	test_quote_good(f, &q);
	test_tampered_body(f, &q);
	test_wrong_binding_or_ak(f, &q);
	test_wrong_pcrs(f, &q);
	test_every_flip(f, &q);
	test_other_program(f);
	capsa_tpm2_quote_free(&q);
	CHECK_STATUS(capsa_tpm2_quote(f->tpm, 24, f->binding, &q), CAPSA_ERR_ARG);
	CHECK(q.attest == NULL && q.signature == NULL && q.ak_public == NULL);
}

/* ---- sealing ------------------------------------------------------------ */

static void test_seal(fixture *f)
{
	static const uint8_t secret[] = "keeper identity seed: 32 bytes!";
	uint8_t out[128], *blob = NULL, *blob2 = NULL, *foreign_blob = NULL;
	size_t out_len, blob_len = 0, blob2_len = 0, foreign_len = 0;

	/* Sealed while the PCR holds the measurement; also sealed to the expected value computed offline. */
	CHECK_OK(capsa_tpm2_seal(f->tpm, CAPSA_TPM2_PCR, NULL, secret, sizeof secret, &blob, &blob_len));
	CHECK_OK(capsa_tpm2_seal(f->tpm, CAPSA_TPM2_PCR, f->expected_pcr, secret, sizeof secret, &blob2, &blob2_len));
	CHECK_OK(capsa_tpm2_unseal(f->tpm, blob, blob_len, out, &out_len));
	CHECK(out_len == sizeof secret && memcmp(out, secret, sizeof secret) == 0);
	CHECK_OK(capsa_tpm2_unseal(f->tpm, blob2, blob2_len, out, &out_len));
	CHECK(out_len == sizeof secret && memcmp(out, secret, sizeof secret) == 0);

	/* Another extend: the measurement no longer holds, and neither blob unseals. */
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, f->measurement));
	out_len = 99;
	CHECK_STATUS(capsa_tpm2_unseal(f->tpm, blob, blob_len, out, &out_len), CAPSA_ERR_POLICY);
	CHECK(out_len == 0);
	CHECK_STATUS(capsa_tpm2_unseal(f->tpm, blob2, blob2_len, out, &out_len), CAPSA_ERR_POLICY);

	/* Restart of the measured program: reset and extend again, and it unseals again. */
	CHECK_OK(capsa_tpm2_pcr_reset(f->tpm, CAPSA_TPM2_PCR));
	CHECK_OK(capsa_tpm2_pcr_extend(f->tpm, CAPSA_TPM2_PCR, f->measurement));
	CHECK_OK(capsa_tpm2_unseal(f->tpm, blob, blob_len, out, &out_len));
	CHECK(out_len == sizeof secret && memcmp(out, secret, sizeof secret) == 0);

	/* A blob from another TPM does not load here; a malformed one does not parse. */
	CHECK_OK(capsa_tpm2_seal(f->foreign, CAPSA_TPM2_PCR, NULL, secret, sizeof secret, &foreign_blob,
	                         &foreign_len));
	CHECK_STATUS(capsa_tpm2_unseal(f->tpm, foreign_blob, foreign_len, out, &out_len), CAPSA_ERR_TPM);
	CHECK_STATUS(capsa_tpm2_unseal(f->tpm, blob, blob_len - 1, out, &out_len), CAPSA_ERR_DECODE);
	free(blob2);
	CHECK_STATUS(capsa_tpm2_seal(f->tpm, CAPSA_TPM2_PCR, NULL, secret, 0, &blob2, &blob2_len), CAPSA_ERR_ARG);
	CHECK(blob2 == NULL);
	free(blob);
	free(foreign_blob);
}

/* Counts the handles of one kind the TPM holds (transient objects, loaded sessions). */
static UINT32 handles_in_use(capsa_tpm2 *tpm, UINT32 first)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	UINT32 n = 999;

	if (Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_HANDLES, first, 64, &more,
	                       &cap) == TSS2_RC_SUCCESS)
		n = cap->data.handles.count;
	Esys_Free(cap);
	return n;
}

/* swtpm has three transient object slots: every call must flush what it loaded, sessions too. */
static void test_nothing_left_loaded(fixture *f)
{
	/* tpm2-tss's own TPM2_TRANSIENT_FIRST shifts a signed int into the sign bit (UBSan objects). */
	const UINT32 transient_first = 0x80000000u, loaded_session_first = 0x02000000u;

	CHECK(handles_in_use(f->tpm, transient_first) == 0);
	CHECK(handles_in_use(f->tpm, loaded_session_first) == 0);
	CHECK(handles_in_use(f->foreign, transient_first) == 0);
	CHECK(handles_in_use(f->foreign, loaded_session_first) == 0);
}

/* True if |needle| occurs in the file at |path|. */
static bool file_contains(const char *path, const uint8_t *needle, size_t n)
{
	static uint8_t buf[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t len;
	bool found = false;

	if (fp == NULL)
		return false;
	len = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(buf + i, needle, n) == 0;
	return found;
}

/*
 * Everything the TPM and capsa exchange while sealing, unsealing and
 * activating a credential, captured
 * by tpm2-tss's pcap TCTI: the secret must not appear in it (parameter
 * encryption), while the capture itself is real (the AK public crosses it).
 */
static void test_bus_never_sees_secret(fixture *f)
{
	static const uint8_t secret[] = "bus-sniffing must not reveal this secret";
	char pcap[128], tcti[192];
	capsa_tpm2 *tpm = NULL;
	uint8_t out[128], *blob = NULL, *ak = NULL;
	size_t out_len = 0, blob_len = 0, ak_len = 0;

	snprintf(pcap, sizeof pcap, "%s/bus.pcap", tpms[0].dir);
	snprintf(tcti, sizeof tcti, "pcap:%s", tpms[0].tcti);
	setenv("TCTI_PCAP_FILE", pcap, 1);
	CHECK_OK(capsa_tpm2_open(&tpm, tcti));
	if (tpm == NULL)
		return;
	CHECK_OK(capsa_tpm2_ak_public(tpm, &ak, &ak_len));
	CHECK_OK(capsa_tpm2_seal(tpm, CAPSA_TPM2_PCR, NULL, secret, sizeof secret, &blob, &blob_len));
	CHECK_OK(capsa_tpm2_unseal(tpm, blob, blob_len, out, &out_len));
	CHECK(out_len == sizeof secret && memcmp(out, secret, sizeof secret) == 0);
	{
		/* The enrollment secret comes back from ActivateCredential encrypted too. */
		uint8_t *id = NULL, *enc = NULL;
		size_t id_len = 0, enc_len = 0;
		CHECK_OK(capsa_tpm2_make_credential(f->ek, f->ek_len, f->ak, f->ak_len, secret, 32, &id, &id_len, &enc,
		                                    &enc_len));
		CHECK_OK(capsa_tpm2_activate_credential(tpm, id, id_len, enc, enc_len, out, &out_len));
		CHECK(out_len == 32 && memcmp(out, secret, 32) == 0);
		free(id);
		free(enc);
	}
	capsa_tpm2_close(tpm);
	CHECK(ak != NULL && file_contains(pcap, ak + 2 + 2 + 2 + 4 + 2, 16)); /* from the AK's curve parameters on */
	CHECK(!file_contains(pcap, secret, 16));
	CHECK(!file_contains(pcap, secret + 16, 16));
	free(ak);
	free(blob);
}

int main(void)
{
	fixture f = {0};

	/* Expected refusals (foreign credentials, policy failures) would fill stderr with tpm2-tss errors. */
	setenv("TSS2_LOG", "all+NONE", 1);
	atexit(stop_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGABRT, on_signal);
	signal(SIGSEGV, on_signal);
	if (!swtpm_start(&tpms[0], true) || !swtpm_start(&tpms[1], false)) {
		fprintf(stderr, "FAIL: could not set up or start swtpm (swtpm and swtpm-tools: see scripts/deps)\n");
		return 1;
	}
	{
		capsa_tpm2 *nowhere = (capsa_tpm2 *)&f;
		CHECK_STATUS(capsa_tpm2_open(&nowhere, "swtpm:path=/nonexistent/capsa-tpm"), CAPSA_ERR_TPM);
		CHECK(nowhere == NULL);
	}
	CHECK_OK(capsa_tpm2_open(&f.tpm, tpms[0].tcti));
	CHECK_OK(capsa_tpm2_open(&f.foreign, tpms[1].tcti));
	if (f.tpm == NULL || f.foreign == NULL)
		return check_summary();
	test_keys(&f);
	test_credential(&f);
	test_credential_rsa(&f);
	test_ek_cert(&f);
	test_credential_tampered(&f);
	test_quotes(&f);
	test_seal(&f);
	test_bus_never_sees_secret(&f);
	test_nothing_left_loaded(&f);
	capsa_tpm2_close(f.tpm);
	capsa_tpm2_close(f.foreign);
	free(f.ek);
	free(f.ak);
	free(f.foreign_ek);
	free(f.foreign_ak);
	return check_summary();
}
