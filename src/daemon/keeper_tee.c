/* The keeper's trusted environment: sim or tpm2 (keeper_tee.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capsa/attest.h>
#include <capsa/file.h>
#include <capsa/util.h>

#include "daemon/keeper_tee.h"
#include "daemon/state_dir.h"

struct keeper_tee {
	keeper_tee_kind kind;
	uint8_t measurement[32];
	uint8_t sim_seed[CAPSA_SIM_SEEDBYTES]; /* sim: the platform key */
	capsa_tpm2 *tpm;                       /* tpm2 */
	pthread_mutex_t mu;                    /* one TPM command sequence at a time */
};

bool keeper_tee_parse(const char *name, keeper_tee_kind *kind)
{
	if (strcmp(name, "sim") == 0)
		*kind = KEEPER_TEE_SIM;
	else if (strcmp(name, "tpm2") == 0)
		*kind = KEEPER_TEE_TPM2;
	else
		return false;
	return true;
}

const char *keeper_tee_name(keeper_tee_kind kind)
{
	return kind == KEEPER_TEE_TPM2 ? "tpm2" : "sim";
}

static void say(char *err, size_t err_len, const char *path, const char *why)
{
	snprintf(err, err_len, "%s: %s", path, why);
}

static capsa_status measure_self(uint8_t out[32], char *err, size_t err_len)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	capsa_status st = fd < 0 ? CAPSA_ERR_IO : capsa_attest_measure_fd(out, fd);

	if (fd >= 0)
		close(fd);
	if (st != CAPSA_OK)
		say(err, err_len, "/proc/self/exe", "cannot measure the keeper's own program");
	return st;
}

/* DIR/sim-platform.key: read, or made on first start. */
static capsa_status sim_platform_key(uint8_t seed[CAPSA_SIM_SEEDBYTES], const char *dir, bool create, char *err,
                                     size_t err_len)
{
	char path[4096];
	uint8_t pub[CAPSA_SIM_PUBLICBYTES], *file = NULL;
	size_t len = 0;
	capsa_status st;

	snprintf(path, sizeof path, "%s/sim-platform.key", dir);
	if (create && access(path, F_OK) != 0 && errno == ENOENT) {
		if ((st = capsa_sim_keygen(seed, pub)) == CAPSA_OK)
			st = capsa_sim_key_write(path, seed);
		capsa_wipe(seed, CAPSA_SIM_SEEDBYTES);
		if (st != CAPSA_OK) {
			say(err, err_len, path, "cannot create the simulated platform key");
			return CAPSA_ERR_IO;
		}
	}
	if ((st = capsa_file_read(&file, &len, path, 4096)) == CAPSA_OK)
		st = capsa_sim_key_decode(seed, file, len);
	if (file != NULL)
		capsa_wipe(file, len);
	free(file);
	if (st != CAPSA_OK)
		say(err, err_len, path, "not a readable sim platform key");
	return st == CAPSA_OK ? CAPSA_OK : CAPSA_ERR_IO;
}

static capsa_status open_sim(keeper_tee *t, const char *dir, bool create, capsa_identity *id, char *err,
                             size_t err_len)
{
	capsa_status st = capsa_state_dir_identity(dir, create, id, err, err_len);

	return st == CAPSA_OK ? sim_platform_key(t->sim_seed, dir, create, err, err_len) : st;
}

/* Makes a fresh identity and seals its seed to PCR 16 as it is now, into DIR/identity.tpm2. */
static capsa_status tpm2_create(keeper_tee *t, const char *path, capsa_identity *id, char *err, size_t err_len)
{
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	capsa_status st = capsa_identity_generate(id);

	if (st == CAPSA_OK && (st = capsa_tpm2_seal_secret(t->tpm, id->seed, sizeof id->seed, &blob, &blob_len)) != CAPSA_OK)
		say(err, err_len, path, "the TPM cannot seal the identity");
	else if (st == CAPSA_OK && (st = capsa_secret_file_write(path, blob, blob_len, NULL)) != CAPSA_OK)
		say(err, err_len, path, "cannot write the sealed identity");
	free(blob);
	if (st != CAPSA_OK)
		capsa_identity_wipe(id);
	return st;
}

static capsa_status tpm2_unseal(keeper_tee *t, const char *path, capsa_identity *id, char *err, size_t err_len)
{
	uint8_t *blob = NULL, seed[128];
	size_t blob_len = 0, seed_len = 0;
	capsa_status st = capsa_file_read(&blob, &blob_len, path, CAPSA_TPM2_MAX_BLOB * 2);

	if (st != CAPSA_OK) {
		say(err, err_len, path, "cannot read the sealed identity");
		return CAPSA_ERR_IO;
	}
	st = capsa_tpm2_unseal_secret(t->tpm, blob, blob_len, seed, &seed_len);
	free(blob);
	if (st == CAPSA_OK && seed_len == CAPSA_IDENTITY_SEEDBYTES)
		st = capsa_identity_from_seed(id, seed);
	else if (st == CAPSA_OK)
		st = CAPSA_ERR_DECODE;
	capsa_wipe(seed, sizeof seed);
	if (st == CAPSA_ERR_POLICY)
		say(err, err_len, path,
		    "the TPM refuses to unseal the identity: PCR 16 no longer holds the measurement it was sealed to "
		    "(the keeper's program changed); refusing to start");
	else if (st != CAPSA_OK)
		say(err, err_len, path, "the sealed identity does not unseal on this TPM");
	return st;
}

static capsa_status open_tpm2(keeper_tee *t, const char *dir, const char *tcti, bool create, capsa_identity *id,
                              char *err, size_t err_len)
{
	char path[4096];
	capsa_status st = capsa_tpm2_open(&t->tpm, tcti != NULL ? tcti : getenv("TPM2TOOLS_TCTI"));

	if (st != CAPSA_OK) {
		say(err, err_len, tcti != NULL ? tcti : "the TPM",
		    st == CAPSA_ERR_UNSUPPORTED ? "capsa was built without TPM 2.0 support" : "cannot open the TPM");
		return st;
	}
	if ((st = capsa_tpm2_measure(t->tpm, t->measurement)) != CAPSA_OK) {
		say(err, err_len, "PCR 16", "the TPM refuses the keeper's measurement");
		return st;
	}
	snprintf(path, sizeof path, "%s/identity.tpm2", dir);
	if (access(path, F_OK) != 0 && errno == ENOENT) {
		if (!create) {
			say(err, err_len, path, "no sealed identity here");
			return CAPSA_ERR_IO;
		}
		return tpm2_create(t, path, id, err, err_len);
	}
	return tpm2_unseal(t, path, id, err, err_len);
}

capsa_status keeper_tee_open(keeper_tee **out, keeper_tee_kind kind, const char *dir, const char *tcti, bool create,
                             capsa_identity *id, char *err, size_t err_len)
{
	keeper_tee *t = calloc(1, sizeof *t);
	capsa_status st;

	*out = NULL;
	if (t == NULL)
		return CAPSA_ERR_NOMEM;
	t->kind = kind;
	pthread_mutex_init(&t->mu, NULL);
	if ((st = measure_self(t->measurement, err, err_len)) == CAPSA_OK)
		st = kind == KEEPER_TEE_TPM2 ? open_tpm2(t, dir, tcti, create, id, err, err_len)
		                             : open_sim(t, dir, create, id, err, err_len);
	if (st != CAPSA_OK) {
		keeper_tee_close(t);
		return st;
	}
	*out = t;
	return CAPSA_OK;
}

void keeper_tee_close(keeper_tee *t)
{
	if (t == NULL)
		return;
	capsa_tpm2_close(t->tpm);
	capsa_wipe(t->sim_seed, sizeof t->sim_seed);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

capsa_status keeper_tee_evidence(keeper_tee *t, const uint8_t *keys, size_t keys_len, const uint8_t *nonce,
                                 size_t nonce_len, uint8_t **out, size_t *out_len)
{
	uint8_t ak_name[CAPSA_TPM2_NAME_BYTES];
	capsa_status st;

	if (t->kind == KEEPER_TEE_SIM)
		return capsa_sim_quote(out, out_len, t->sim_seed, t->measurement, sizeof t->measurement, keys, keys_len,
		                       nonce, nonce_len, (int64_t)time(NULL));
	pthread_mutex_lock(&t->mu);
	st = capsa_tpm2_quote_envelope(t->tpm, NULL, keys, keys_len, nonce, nonce_len, out, out_len, ak_name);
	pthread_mutex_unlock(&t->mu);
	return st;
}

const uint8_t *keeper_tee_measurement(const keeper_tee *t)
{
	return t->measurement;
}
