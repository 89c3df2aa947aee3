// SPDX-License-Identifier: GPL-2.0
/*
 * extmapctl: list extmap map types, create and pin extmap maps, and show
 * what a pinned BPF map is.
 *
 * Option parsing is table driven: every option is described once in
 * 'options' below, and that description feeds getopt_long(), the per-command
 * checks and the OPTIONS section of --help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"

#define PROG		"extmapctl"
#define VERSION		"0.1.0"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

enum {
	EXIT_RUNTIME	= 1,
	EXIT_USAGE	= 2,
};

/*
 * Option ids double as getopt_long() return values and as mask bits.  They
 * start above any character so as not to collide with short options, '?',
 * ':' or the 1 that getopt_long() returns for operands.
 */
enum {
	OPT_DEV		= 1 << 8,
	OPT_VERBOSE	= 1 << 9,
	OPT_HELP	= 1 << 10,
	OPT_VERSION	= 1 << 11,
	OPT_JSON	= 1 << 12,
	OPT_KEY_SIZE	= 1 << 13,
	OPT_VALUE_SIZE	= 1 << 14,
	OPT_MAX_ENTRIES	= 1 << 15,
	OPT_NAME	= 1 << 16,
	OPT_FLAGS	= 1 << 17,
	OPT_NUMA_NODE	= 1 << 18,
	OPT_PIN		= 1 << 19,
};

#define GLOBAL_OPTS	(OPT_DEV | OPT_VERBOSE | OPT_HELP | OPT_VERSION)
#define CREATE_NEEDS	(OPT_KEY_SIZE | OPT_VALUE_SIZE | OPT_MAX_ENTRIES | OPT_PIN)

struct opt_desc {
	int id;
	const char *name;
	char short_name;	/* 0 if none */
	const char *arg;	/* NULL if the option takes no argument */
	const char *help;
};

static const struct opt_desc options[] = {
	{ OPT_DEV, "dev", 0, "PATH",
	  "extmap control device (default " EXTMAP_DEFAULT_DEV ")." },
	{ OPT_VERBOSE, "verbose", 'v', NULL,
	  "Say what was done (create)." },
	{ OPT_HELP, "help", 'h', NULL,
	  "Show this manual, or COMMAND's part of it, and exit." },
	{ OPT_VERSION, "version", 0, NULL,
	  "Print the version and exit." },
	{ OPT_JSON, "json", 0, NULL,
	  "Print JSON instead of text (types, info)." },
	{ OPT_KEY_SIZE, "key-size", 0, "N",
	  "Size of a key in bytes (create; required)." },
	{ OPT_VALUE_SIZE, "value-size", 0, "N",
	  "Size of a value in bytes (create; required)." },
	{ OPT_MAX_ENTRIES, "max-entries", 0, "N",
	  "Capacity of the map (create; required)." },
	{ OPT_PIN, "pin", 0, "PATH",
	  "Where to pin the new map, on bpffs (create; required)." },
	{ OPT_NAME, "name", 0, "NAME",
	  "Map name, up to 15 of [A-Za-z0-9_.] (create)." },
	{ OPT_FLAGS, "flags", 0, "N",
	  "BPF_F_* map flags, as a number (create; default 0)." },
	{ OPT_NUMA_NODE, "numa-node", 0, "N",
	  "NUMA node; implies BPF_F_NUMA_NODE (create)." },
};

#define NR_OPTIONS	ARRAY_SIZE(options)
#define MAX_ARGS	4	/* command name and its operands */

struct ctx {
	const char *dev;
	unsigned int seen;	/* OPT_* given on the command line */
	bool verbose;
	bool json;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 flags;
	__u32 numa_node;
	const char *name;
	const char *pin;
	int nargs;		/* may exceed MAX_ARGS; only that many kept */
	const char *args[MAX_ARGS];
};

struct cmd {
	const char *name;
	int (*run)(const struct cmd *cmd, struct ctx *ctx);
	unsigned int opts;	/* options besides GLOBAL_OPTS */
	int min_args;		/* operands after the command name */
	int max_args;
	const char *synopsis;
	const char *summary;
	const char *description;
	const char *examples;
};

static const struct cmd *find_cmd(const char *name);
static void print_manual(FILE *f);
static void print_cmd_manual(FILE *f, const struct cmd *cmd);

/* ---- messages ---------------------------------------------------------- */

static void __attribute__((format(printf, 1, 2))) err_msg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Report a bad command line and point at the relevant help; returns 2. */
static int __attribute__((format(printf, 2, 3)))
usage_err(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	if (cmd)
		fprintf(stderr, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "\nTry '" PROG " help %s' for more information.\n",
			cmd->name);
	else
		fprintf(stderr, "\nTry '" PROG " --help' for more information.\n");
	return EXIT_USAGE;
}

/* Report a failure to use the control device; the usual cause gets a hint. */
static int dev_err(const struct cmd *cmd, const struct ctx *ctx, int err)
{
	bool missing = err == -ENOENT || err == -ENODEV || err == -ENXIO;

	err_msg("%s: %s: %s%s", cmd->name, ctx->dev, strerror(-err),
		missing ? " (is the extmap module loaded?)" : "");
	return EXIT_RUNTIME;
}

/* ---- option parsing ---------------------------------------------------- */

static const struct opt_desc *find_opt(int id)
{
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++)
		if (options[i].id == id || options[i].short_name == id)
			return &options[i];
	return NULL;
}

/* strtoul(base 0) that rejects signs, blanks, trailing junk and overflow. */
static int parse_u32(int id, const char *s, __u32 *val)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s < '0' || *s > '9' || *end)
		return usage_err(NULL, "--%s: '%s' is not a number",
				 find_opt(id)->name, s);
	if (errno == ERANGE || v > UINT32_MAX)
		return usage_err(NULL, "--%s: '%s' is out of range (max %u)",
				 find_opt(id)->name, s, UINT32_MAX);
	*val = v;
	return 0;
}

/* Store one option's value in @ctx; returns 0 or EXIT_USAGE. */
static int set_opt(struct ctx *ctx, int id, const char *arg)
{
	ctx->seen |= id;
	switch (id) {
	case OPT_DEV:
		ctx->dev = arg;
		return 0;
	case OPT_VERBOSE:
		ctx->verbose = true;
		return 0;
	case OPT_JSON:
		ctx->json = true;
		return 0;
	case OPT_NAME:
		ctx->name = arg;
		return 0;
	case OPT_PIN:
		ctx->pin = arg;
		return 0;
	case OPT_KEY_SIZE:	return parse_u32(id, arg, &ctx->key_size);
	case OPT_VALUE_SIZE:	return parse_u32(id, arg, &ctx->value_size);
	case OPT_MAX_ENTRIES:	return parse_u32(id, arg, &ctx->max_entries);
	case OPT_FLAGS:		return parse_u32(id, arg, &ctx->flags);
	case OPT_NUMA_NODE:	return parse_u32(id, arg, &ctx->numa_node);
	}
	return 0;	/* --help, --version: only recorded in ctx->seen */
}

static void add_arg(struct ctx *ctx, const char *arg)
{
	if (ctx->nargs < MAX_ARGS)
		ctx->args[ctx->nargs] = arg;
	ctx->nargs++;
}

/* Report what getopt_long() choked on, in our own words and prefix. */
static int getopt_err(int ret, char **argv)
{
	const struct opt_desc *o = optopt ? find_opt(optopt) : NULL;

	if (ret == ':' && o && o->short_name)
		return usage_err(NULL, "option '-%c' requires an argument",
				 o->short_name);
	if (ret == ':' && o)
		return usage_err(NULL, "option '--%s' requires an argument",
				 o->name);
	if (optopt > 0 && optopt < 256 && !o)
		return usage_err(NULL, "invalid option '-%c'", optopt);
	return usage_err(NULL, "unrecognized option '%s'", argv[optind - 1]);
}

/*
 * Options may come before or after the command and its operands; the
 * leading '-' in the short option string keeps operands in order, whatever
 * POSIXLY_CORRECT says.  Returns 0 or EXIT_USAGE.
 */
static int parse_cmdline(int argc, char **argv, struct ctx *ctx)
{
	struct option longopts[NR_OPTIONS + 1];
	char shortopts[4 + 2 * NR_OPTIONS] = "-:";
	size_t i, n = strlen(shortopts);
	int ret, err;

	memset(longopts, 0, sizeof(longopts));
	for (i = 0; i < NR_OPTIONS; i++) {
		const struct opt_desc *o = &options[i];

		longopts[i].name = o->name;
		longopts[i].has_arg = o->arg ? required_argument : no_argument;
		longopts[i].val = o->id;
		if (o->short_name) {
			shortopts[n++] = o->short_name;
			if (o->arg)
				shortopts[n++] = ':';
		}
	}
	shortopts[n] = '\0';

	opterr = 0;
	while ((ret = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (ret == '?' || ret == ':')
			return getopt_err(ret, argv);
		if (ret == 1) {
			add_arg(ctx, optarg);
			continue;
		}
		err = set_opt(ctx, find_opt(ret)->id, optarg);
		if (err)
			return err;
	}
	for (; optind < argc; optind++)	/* operands after "--" */
		add_arg(ctx, argv[optind]);
	return 0;
}

/* Check the options and operands given against what @cmd takes. */
static int check_cmdline(const struct cmd *cmd, const struct ctx *ctx)
{
	unsigned int bad = ctx->seen & ~(GLOBAL_OPTS | cmd->opts);
	int nops = ctx->nargs - 1;

	if (bad)
		return usage_err(cmd, "option '--%s' does not apply here",
				 find_opt(bad & -bad)->name);
	if (nops < cmd->min_args)
		return usage_err(cmd, "missing operand");
	if (nops > cmd->max_args)
		return usage_err(cmd, "unexpected operand '%s'",
				 ctx->args[cmd->max_args + 1]);
	return 0;
}

/* ---- output helpers ---------------------------------------------------- */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* A type name from the module, which may fill the whole array. */
static const char *type_name(const struct extmap_type_info *t, char *buf)
{
	size_t len = strnlen(t->name, EXTMAP_TYPE_NAME_LEN);

	memcpy(buf, t->name, len);
	buf[len] = '\0';
	return buf;
}

/*
 * Fetch all registered types into a malloc'ed array.  A module loaded
 * between the two calls can add types; ask again until they fit.
 */
/* ---- types ------------------------------------------------------------- */

static int cmd_types(const struct cmd *cmd, struct ctx *ctx)
{
	char name[EXTMAP_TYPE_NAME_LEN + 1];
	struct extmap_type_info *types;
	__u32 n, i;
	int err;

	err = extmap_get_all_types(ctx->dev, &types, &n);
	if (err)
		return dev_err(cmd, ctx, err);

	if (ctx->json) {
		printf("[");
		for (i = 0; i < n; i++) {
			printf("%s{\"id\":%u,\"name\":", i ? "," : "",
			       types[i].id);
			json_str(type_name(&types[i], name));
			printf("}");
		}
		printf("]\n");
	} else {
		printf("%-10s %-8s %s\n", "ID", "DECIMAL", "NAME");
		for (i = 0; i < n; i++)
			printf("%#-10x %-8u %s\n", types[i].id, types[i].id,
			       type_name(&types[i], name));
	}
	free(types);
	return 0;
}

/* ---- create ------------------------------------------------------------ */

/*
 * Resolve TYPE.  The library says -ENOENT both for an unknown type and for
 * a missing device, and the two need different advice.
 */
static int resolve_type(const struct cmd *cmd, struct ctx *ctx, __u32 *id)
{
	int err = extmap_type_id(ctx->dev, ctx->args[1], id);

	if (!err)
		return 0;
	if (err == -ENOENT && access(ctx->dev, F_OK) == 0) {
		err_msg("%s: unknown map type '%s' (see '" PROG " types')",
			cmd->name, ctx->args[1]);
		return EXIT_RUNTIME;
	}
	return dev_err(cmd, ctx, err);
}

static int cmd_create(const struct cmd *cmd, struct ctx *ctx)
{
	LIBEXTMAP_OPTS(extmap_create_opts, opts);
	unsigned int missing = CREATE_NEEDS & ~ctx->seen;
	__u32 type;
	int fd, err;

	if (missing)
		return usage_err(cmd, "missing --%s",
				 find_opt(missing & -missing)->name);
	err = resolve_type(cmd, ctx, &type);
	if (err)
		return err;

	opts.dev_path = ctx->dev;
	opts.name = ctx->name;
	opts.map_flags = ctx->flags;
	if (ctx->seen & OPT_NUMA_NODE) {
		opts.map_flags |= BPF_F_NUMA_NODE;
		opts.numa_node = ctx->numa_node;
	}

	fd = extmap_create(type, ctx->key_size, ctx->value_size,
			   ctx->max_entries, &opts);
	if (fd < 0) {
		err_msg("%s: cannot create a '%s' map: %s%s", cmd->name,
			ctx->args[1], strerror(-fd),
			fd == -EINVAL ? " (check sizes, flags and name)" : "");
		return EXIT_RUNTIME;
	}

	/* The map lives on only if pinned: the fd dies with us. */
	err = bpf_obj_pin(fd, ctx->pin);
	if (err) {
		err = errno;
		err_msg("%s: cannot pin at %s: %s%s", cmd->name, ctx->pin,
			strerror(err),
			err == EPERM ? " (is it on a bpffs mount?)" : "");
		close(fd);
		return EXIT_RUNTIME;
	}
	if (ctx->verbose)
		printf("created '%s' map (type %#x) pinned at %s\n",
		       ctx->args[1], type, ctx->pin);
	close(fd);
	return 0;
}

/* ---- info -------------------------------------------------------------- */

struct map_desc {
	const char *path;
	struct bpf_map_info info;
	char type_name[EXTMAP_TYPE_NAME_LEN + 1];
	bool extmap;
	long long memlock;	/* -1 if the kernel does not say */
};

/* bpf_obj_get() opens programs and links too; only maps are wanted. */
static bool fd_is_map(int fd)
{
	static const char want[] = "anon_inode:bpf-map";
	char path[64], target[sizeof(want) + 1];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, target, sizeof(target));
	return len == sizeof(want) - 1 && !memcmp(target, want, len);
}

/* The kernel reports a map's memlock charge only in fdinfo. */
static long long fdinfo_memlock(int fd)
{
	long long memlock = -1, v;
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			memlock = v;
	fclose(f);
	return memlock;
}

/* Name the map's type: extmap types by asking the module. */
static void describe_type(const struct ctx *ctx, struct map_desc *d)
{
	struct extmap_type_info *types;
	const char *kname;
	__u32 n, i;

	snprintf(d->type_name, sizeof(d->type_name), "unknown");
	d->extmap = extmap_is_extmap_type(d->info.type);
	if (!d->extmap) {
		kname = libbpf_bpf_map_type_str(d->info.type);
		if (kname)
			snprintf(d->type_name, sizeof(d->type_name), "%s",
				 kname);
		return;
	}
	/* Without the module the rest of the description still stands. */
	if (extmap_get_all_types(ctx->dev, &types, &n))
		return;
	for (i = 0; i < n; i++)
		if (types[i].id == d->info.type)
			type_name(&types[i], d->type_name);
	free(types);
}

static void print_map_text(const struct map_desc *d)
{
	const struct bpf_map_info *info = &d->info;

	printf("path:        %s\n", d->path);
	if (d->extmap)
		printf("type:        %s (extmap type %#x)\n", d->type_name,
		       info->type);
	else
		printf("type:        %s (kernel type %u; not an extmap map)\n",
		       d->type_name, info->type);
	if (info->id)
		printf("id:          %u\n", info->id);
	printf("name:        %s\n", info->name);
	printf("key size:    %u\n", info->key_size);
	printf("value size:  %u\n", info->value_size);
	printf("max entries: %u\n", info->max_entries);
	printf("flags:       0x%x\n", info->map_flags);
	if (info->map_extra)
		printf("map extra:   %#llx\n",
		       (unsigned long long)info->map_extra);
	if (d->memlock >= 0)
		printf("memlock:     %lld\n", d->memlock);
}

static void print_map_json(const struct map_desc *d)
{
	const struct bpf_map_info *info = &d->info;

	printf("{\"path\":");
	json_str(d->path);
	printf(",\"extmap\":%s,\"type\":%u,\"type_name\":",
	       d->extmap ? "true" : "false", info->type);
	json_str(d->type_name);
	printf(",\"id\":%u,\"name\":", info->id);
	json_str(info->name);
	printf(",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u",
	       info->key_size, info->value_size, info->max_entries);
	printf(",\"flags\":%u,\"map_extra\":%llu",
	       info->map_flags, (unsigned long long)info->map_extra);
	if (d->memlock >= 0)
		printf(",\"memlock\":%lld", d->memlock);
	printf("}\n");
}

static int cmd_info(const struct cmd *cmd, struct ctx *ctx)
{
	struct map_desc d = { .path = ctx->args[1] };
	__u32 len = sizeof(d.info);
	int fd, err;

	fd = bpf_obj_get(d.path);
	if (fd < 0) {
		err = errno;
		/* What the kernel says for anything that is not a bpffs pin. */
		err_msg("%s: %s: %s%s", cmd->name, d.path, strerror(err),
			err == EACCES || err == EPERM ?
			" (not a pinned BPF object?)" : "");
		return EXIT_RUNTIME;
	}
	if (!fd_is_map(fd)) {
		err_msg("%s: %s: not a BPF map", cmd->name, d.path);
		close(fd);
		return EXIT_RUNTIME;
	}
	err = bpf_obj_get_info_by_fd(fd, &d.info, &len);
	if (err) {
		err_msg("%s: %s: cannot get map info: %s", cmd->name, d.path,
			strerror(errno));
		close(fd);
		return EXIT_RUNTIME;
	}
	d.memlock = fdinfo_memlock(fd);
	close(fd);

	describe_type(ctx, &d);
	if (ctx->json)
		print_map_json(&d);
	else
		print_map_text(&d);
	return 0;
}

/* ---- help -------------------------------------------------------------- */

static int cmd_help(const struct cmd *cmd, struct ctx *ctx)
{
	const struct cmd *topic;

	if (ctx->nargs < 2) {
		print_manual(stdout);
		return 0;
	}
	topic = find_cmd(ctx->args[1]);
	if (!topic)
		return usage_err(cmd, "unknown command '%s'", ctx->args[1]);
	print_cmd_manual(stdout, topic);
	return 0;
}

/* ---- command table and manual ------------------------------------------ */

static const struct cmd cmds[] = {
	{
		.name = "types",
		.run = cmd_types,
		.opts = OPT_JSON,
		.synopsis = "types [--json]",
		.summary = "list the map types the extmap module provides",
		.description =
"Print the id of each registered extmap map type, in hex and in\n"
"decimal, and its name.  Either can be given as TYPE to 'create'; the\n"
"id is what bpf_map_info.type and bpftool report for such a map.\n",
		.examples =
PROG " types\n",
	},
	{
		.name = "create",
		.run = cmd_create,
		.opts = OPT_KEY_SIZE | OPT_VALUE_SIZE | OPT_MAX_ENTRIES |
			OPT_NAME | OPT_FLAGS | OPT_NUMA_NODE | OPT_PIN,
		.min_args = 1,
		.max_args = 1,
		.synopsis = "create TYPE --key-size N --value-size N --max-entries N\n"
			    "--pin PATH [--name NAME] [--flags N] [--numa-node N]",
		.summary = "create an extmap map and pin it",
		.description =
"Create a map of extmap type TYPE (a name or an id from 'types') and\n"
"pin it at PATH, which must be on a bpffs mount such as /sys/fs/bpf.\n"
"The map lives as long as the pin or a user of it does: rm(1) the pin\n"
"to let it go.  Prints nothing on success unless -v is given.\n",
		.examples =
PROG " create hash --key-size 4 --value-size 8 --max-entries 1024 \\\n"
"        --name flows --pin /sys/fs/bpf/flows\n"
PROG " create 0x10001 --key-size 4 --value-size 64 --max-entries 256 \\\n"
"        --pin /sys/fs/bpf/counters\n",
	},
	{
		.name = "info",
		.run = cmd_info,
		.opts = OPT_JSON,
		.min_args = 1,
		.max_args = 1,
		.synopsis = "info PATH [--json]",
		.summary = "describe a pinned BPF map",
		.description =
"Open the BPF map pinned at PATH and print its type, name, key and\n"
"value sizes, max entries, flags and memlock charge.  Works on any\n"
"pinned map: for one that is not an extmap map it says so and names\n"
"the kernel's map type.  extmap maps have no map id; none is shown.\n",
		.examples =
PROG " info /sys/fs/bpf/flows\n"
PROG " info --json /sys/fs/bpf/flows\n",
	},
	{
		.name = "help",
		.run = cmd_help,
		.max_args = 1,
		.synopsis = "help [COMMAND]",
		.summary = "show this manual, or the part about COMMAND",
		.description =
"'" PROG " help COMMAND' is the same as '" PROG " COMMAND --help'.\n",
		.examples =
PROG " help create\n",
	},
};

#define NR_CMDS	ARRAY_SIZE(cmds)

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/* Print the options in @mask, in table order. */
static void print_options(FILE *f, unsigned int mask)
{
	char lhs[40];
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++) {
		const struct opt_desc *o = &options[i];

		if (!(o->id & mask))
			continue;
		if (o->short_name)
			snprintf(lhs, sizeof(lhs), "-%c, --%s", o->short_name,
				 o->name);
		else
			snprintf(lhs, sizeof(lhs), "--%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-20s %s\n", lhs, o->help);
	}
}

/* Print @text line by line, each line indented by @width spaces. */
static void indent(FILE *f, int width, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		/* No trailing blanks on empty lines. */
		fprintf(f, "%*s%.*s\n", nl > text ? width : 0, "",
			(int)(nl - text), text);
		text = nl + 1;
	}
	if (*text)
		fprintf(f, "%*s%s\n", width, "", text);
}

/* Print @lead and a synopsis; its continuation lines hang under @lead. */
static void print_synopsis(FILE *f, const char *lead, const char *syn)
{
	int width = strlen(lead) + 4;
	const char *nl;

	fprintf(f, "%s", lead);
	while ((nl = strchr(syn, '\n'))) {
		fprintf(f, "%.*s\n%*s", (int)(nl - syn), syn, width, "");
		syn = nl + 1;
	}
	fprintf(f, "%s\n", syn);
}

static const char description[] =
"The extmap kernel module provides BPF map types that the kernel itself does\n"
"not have.  Its maps are created through " EXTMAP_DEFAULT_DEV " rather than bpf(2),\n"
"but are ordinary BPF maps afterwards: BPF programs, bpftool and libbpf use\n"
"them like any other.  " PROG " lists the available types, creates maps and\n"
"pins them in bpffs, and describes pinned maps.\n"
"\n"
"Numbers are decimal, hex with a 0x prefix, or octal with a leading 0.\n"
"Options may be given before or after the command and its operands.\n";

static const char exit_status[] =
"0  success\n"
"1  the operation failed (device, map creation, pinning, ...)\n"
"2  bad command line\n";

static void print_manual(FILE *f)
{
	size_t i;

	fprintf(f, "NAME\n  " PROG " - manage BPF maps of extmap types\n\n");
	fprintf(f, "SYNOPSIS\n");
	for (i = 0; i < NR_CMDS; i++)
		print_synopsis(f, "  " PROG " [OPTIONS] ", cmds[i].synopsis);
	fprintf(f, "  " PROG " --version\n\n");
	fprintf(f, "DESCRIPTION\n");
	indent(f, 2, description);
	fprintf(f, "\nCOMMANDS\n");
	for (i = 0; i < NR_CMDS; i++) {
		print_synopsis(f, "  ", cmds[i].synopsis);
		indent(f, 6, cmds[i].description);
		fputc('\n', f);
	}
	fprintf(f, "OPTIONS\n");
	print_options(f, ~0u);
	fprintf(f, "\nEXIT STATUS\n");
	indent(f, 2, exit_status);
	fprintf(f, "\nEXAMPLES\n");
	for (i = 0; i < NR_CMDS; i++)
		indent(f, 2, cmds[i].examples);
}

static void print_cmd_manual(FILE *f, const struct cmd *cmd)
{
	fprintf(f, "NAME\n  " PROG " %s - %s\n\n", cmd->name, cmd->summary);
	fprintf(f, "SYNOPSIS\n");
	print_synopsis(f, "  " PROG " [OPTIONS] ", cmd->synopsis);
	fprintf(f, "\nDESCRIPTION\n");
	indent(f, 2, cmd->description);
	fprintf(f, "\nOPTIONS\n");
	print_options(f, cmd->opts | GLOBAL_OPTS);
	fprintf(f, "\nEXIT STATUS\n");
	indent(f, 2, exit_status);
	fprintf(f, "\nEXAMPLES\n");
	indent(f, 2, cmd->examples);
}

/* ---- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct ctx ctx = { .dev = EXTMAP_DEFAULT_DEV };
	const struct cmd *cmd;
	int err;

	err = parse_cmdline(argc, argv, &ctx);
	if (err)
		return err;

	if (ctx.seen & OPT_VERSION) {
		printf(PROG " " VERSION "\n");
		return 0;
	}
	if (!ctx.nargs) {
		if (ctx.seen & OPT_HELP) {
			print_manual(stdout);
			return 0;
		}
		return usage_err(NULL, "missing command");
	}

	cmd = find_cmd(ctx.args[0]);
	if (!cmd)
		return usage_err(NULL, "unknown command '%s'", ctx.args[0]);
	if (ctx.seen & OPT_HELP) {
		print_cmd_manual(stdout, cmd);
		return 0;
	}
	err = check_cmdline(cmd, &ctx);
	if (err)
		return err;
	return cmd->run(cmd, &ctx);
}
