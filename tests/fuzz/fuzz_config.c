/*
 * fuzz_config: the server's DATA/config.json (intake/config.h). The input
 * is the file. A config that loads must save and load again to the same
 * settings; one that does not load names the file in its message.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake/config.h"
#include "tests/fuzz/fuzz.h"

static char path[600], path2[600];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		fz_die("sodium_init");
	if (fz_seed_dir() != NULL) {
		fz_seed_text(
		        "defaults",
		        "{\"listen\":\"127.0.0.1:8080\",\"web_root\":\"\",\"pow_difficulty\":18,"
		        "\"pow_ttl\":600,\"max_envelope_bytes\":20971520,\"day_offset\":\"+08:00\","
		        "\"purge_acked\":true,\"quota_bytes\":4294967296,\"map_max_bytes\":"
		        "17179869184,\"max_connections\":512,\"request_timeout\":60,"
		        "\"status_per_minute\":10,\"districts\":[" FZ_D01_PUB_JSON "]}");
		fz_seed_text("minimal", "{}");
		fz_seed_text("unknown-key", "{\"listen\":\"[::1]:80\",\"colour\":1}");
		fz_seed_text("limits", "{\"map_max_bytes\":1048576,\"max_envelope_bytes\":8192,"
		                       "\"day_offset\":\"-05:30\",\"pow_ttl\":10}");
		exit(0);
	}
	dir = fz_tmpdir("config");
	snprintf(path, sizeof path, "%s/config.json", dir);
	snprintf(path2, sizeof path2, "%s/again.json", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config c, again;
	char err[512], err2[512];

	if (fz_write_file(path, data, size) != 0)
		abort();
	if (config_load(&c, path, err, sizeof err) != 0) {
		if (strstr(err, path) == NULL)
			fz_fail("the message names the file");
		return 0;
	}
	if (config_save(&c, path2) != 0 || config_load(&again, path2, err2, sizeof err2) != 0)
		fz_fail("what loaded must save and load again");
	if (strcmp(c.listen, again.listen) != 0 || strcmp(c.web_root, again.web_root) != 0 ||
	    c.pow_difficulty != again.pow_difficulty || c.pow_ttl != again.pow_ttl ||
	    c.max_envelope_bytes != again.max_envelope_bytes ||
	    c.day_offset_minutes != again.day_offset_minutes ||
	    c.purge_acked != again.purge_acked || c.quota_bytes != again.quota_bytes ||
	    c.map_max_bytes != again.map_max_bytes || c.max_connections != again.max_connections ||
	    c.request_timeout != again.request_timeout ||
	    c.status_per_minute != again.status_per_minute || c.ndistricts != again.ndistricts)
		fz_fail("a saved config loads with other settings");
	for (size_t i = 0; i < c.ndistricts; i++)
		if (memcmp(&c.districts[i], &again.districts[i], sizeof c.districts[i]) != 0)
			abort();
	return 0;
}
