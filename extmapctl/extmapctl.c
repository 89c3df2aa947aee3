// SPDX-License-Identifier: GPL-2.0
/*
 * extmapctl: list extmap map types, create and pin extmap maps, and show
 * what a pinned BPF map is.
 *
 * Option parsing is table driven: every option is described once in
 * 'options' below, and that description feeds getopt_long(), the per-command
 * checks and the OPTIONS section of the manual.  The manual itself is one
 * set of tables too ('cmds' and the texts after it), printed as text by
 * --help and as roff by --man, which makes extmapctl.8: the two cannot
 * disagree.
 *
 * Errors name their cause: what extmapctl can check itself (a map name, a
 * flag that would not last) it checks before asking the kernel, and an
 * errno from the kernel is turned into the reason it stands for here
 * (CAP_BPF for EPERM, the device's or the pin's mode for EACCES, ...).
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
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"

#define PROG		"extmapctl"
/* The Makefile passes the project's version (the top-level Makefile's). */
#ifndef EXTMAP_VERSION
#define EXTMAP_VERSION	"unknown"
#endif

/* statfs() f_type of bpffs; <linux/magic.h> has it as BPF_FS_MAGIC. */
#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC	0xcafe4a11
#endif

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
	OPT_MAN		= 1 << 20,
	OPT_BTF		= 1 << 21,
	OPT_KEY_TYPE	= 1 << 22,
	OPT_VALUE_TYPE	= 1 << 23,
};

#define GLOBAL_OPTS	(OPT_DEV | OPT_VERBOSE | OPT_HELP | OPT_VERSION | \
			 OPT_MAN | OPT_JSON)
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
	{ OPT_MAN, "man", 0, NULL,
	  "Print this manual in man(7) format and exit." },
	{ OPT_JSON, "json", 0, NULL,
	  "Print JSON instead of text (types, info, list), errors included." },
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
	  "BPF_F_* map flags, a number (create; default 0; not RDONLY/WRONLY)." },
	{ OPT_NUMA_NODE, "numa-node", 0, "N",
	  "NUMA node; implies BPF_F_NUMA_NODE (create)." },
	{ OPT_BTF, "btf", 0, "FILE",
	  "BTF of the key and value types: a BPF object or raw BTF (create)." },
	{ OPT_KEY_TYPE, "key-type", 0, "TYPE",
	  "The key's type in --btf, e.g. 'struct flow_key' (create)." },
	{ OPT_VALUE_TYPE, "value-type", 0, "TYPE",
	  "The value's type in --btf; needed with --btf (create)." },
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
	const char *btf;
	const char *key_type;
	const char *value_type;
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
enum doc_format { DOC_TEXT, DOC_ROFF };

static void print_manual(FILE *f, enum doc_format fmt);
static void print_cmd_manual(FILE *f, const struct cmd *cmd);

/* ---- messages ---------------------------------------------------------- */

static void json_str(const char *s);

/*
 * Print an error: "extmapctl: MSG" on stderr, or, under --json, the object
 * {"error":"MSG"} on stdout, where a program reading the JSON looks for
 * it (as bpftool does).
 */
static void verr_msg(const struct ctx *ctx, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (ctx->json) {
		printf("{\"error\":");
		json_str(msg);
		printf("}\n");
	} else {
		fprintf(stderr, PROG ": %s\n", msg);
	}
}

static void __attribute__((format(printf, 2, 3)))
err_msg(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr_msg(ctx, fmt, ap);
	va_end(ap);
}

/* Report a bad command line and point at the relevant help; returns 2. */
static int __attribute__((format(printf, 3, 4)))
usage_err(const struct ctx *ctx, const struct cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->json)
		err_msg(ctx, "%s%s%s", cmd ? cmd->name : "", cmd ? ": " : "",
			msg);
	else if (cmd)
		fprintf(stderr, PROG ": %s: %s\nTry '" PROG
			" help %s' for more information.\n",
			cmd->name, msg, cmd->name);
	else
		fprintf(stderr, PROG ": %s\nTry '" PROG
			" --help' for more information.\n", msg);
	return EXIT_USAGE;
}

/* "mode 0640, owner 0:0" for @path, or "?" if it cannot be stat'ed. */
static const char *mode_str(const char *path, char *buf, size_t size)
{
	struct stat st;

	if (stat(path, &st)) {
		snprintf(buf, size, "?");
		return buf;
	}
	snprintf(buf, size, "mode %04o, owner %u:%u", st.st_mode & 07777,
		 st.st_uid, st.st_gid);
	return buf;
}

/*
 * Report a failure to use the control device, with what the errno stands
 * for there: no device means no module; EACCES is the device's mode, which
 * is shown; EPERM is the missing capability.
 */
static int dev_err(const struct cmd *cmd, const struct ctx *ctx, int err)
{
	char mode[64];

	switch (err) {
	case -ENOENT:
	case -ENODEV:
	case -ENXIO:
		err_msg(ctx, "%s: %s: %s (is the extmap module loaded? modprobe extmap)",
			cmd->name, ctx->dev, strerror(-err));
		break;
	case -EACCES:
		/* libextmap opens it read-only to list types, else read-write. */
		err_msg(ctx, "%s: %s: no permission to open it (%s; %s needs %s)",
			cmd->name, ctx->dev,
			mode_str(ctx->dev, mode, sizeof(mode)), cmd->name,
			strcmp(cmd->name, "create") ? "read" : "read and write");
		break;
	case -EPERM:
		err_msg(ctx, "%s: %s: operation not permitted: creating BPF maps needs CAP_BPF (or CAP_SYS_ADMIN)",
			cmd->name, ctx->dev);
		break;
	default:
		err_msg(ctx, "%s: %s: %s", cmd->name, ctx->dev,
			strerror(-err));
	}
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
static int parse_u32(const struct ctx *ctx, int id, const char *s, __u32 *val)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (*s < '0' || *s > '9' || *end)
		return usage_err(ctx, NULL, "--%s: '%s' is not a number",
				 find_opt(id)->name, s);
	if (errno == ERANGE || v > UINT32_MAX)
		return usage_err(ctx, NULL, "--%s: '%s' is out of range (max %u)",
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
	case OPT_BTF:
		ctx->btf = arg;
		return 0;
	case OPT_KEY_TYPE:
		ctx->key_type = arg;
		return 0;
	case OPT_VALUE_TYPE:
		ctx->value_type = arg;
		return 0;
	case OPT_KEY_SIZE:	return parse_u32(ctx, id, arg, &ctx->key_size);
	case OPT_VALUE_SIZE:	return parse_u32(ctx, id, arg, &ctx->value_size);
	case OPT_MAX_ENTRIES:	return parse_u32(ctx, id, arg, &ctx->max_entries);
	case OPT_FLAGS:		return parse_u32(ctx, id, arg, &ctx->flags);
	case OPT_NUMA_NODE:	return parse_u32(ctx, id, arg, &ctx->numa_node);
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
static int getopt_err(const struct ctx *ctx, int ret, char **argv)
{
	const struct opt_desc *o = optopt ? find_opt(optopt) : NULL;

	if (ret == ':' && o && o->short_name)
		return usage_err(ctx, NULL, "option '-%c' requires an argument",
				 o->short_name);
	if (ret == ':' && o)
		return usage_err(ctx, NULL, "option '--%s' requires an argument",
				 o->name);
	if (optopt > 0 && optopt < 256 && !o)
		return usage_err(ctx, NULL, "invalid option '-%c'", optopt);
	return usage_err(ctx, NULL, "unrecognized option '%s'", argv[optind - 1]);
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
			return getopt_err(ctx, ret, argv);
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
		return usage_err(ctx, cmd, "option '--%s' does not apply here",
				 find_opt(bad & -bad)->name);
	if (nops < cmd->min_args)
		return usage_err(ctx, cmd, "missing operand");
	if (nops > cmd->max_args)
		return usage_err(ctx, cmd, "unexpected operand '%s'",
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
		err_msg(ctx, "%s: unknown map type '%s' (see '" PROG " types')",
			cmd->name, ctx->args[1]);
		return EXIT_RUNTIME;
	}
	return dev_err(cmd, ctx, err);
}

/* The rule of the kernel's map names (and the module's): see bpf(2). */
static const char *name_problem(const char *name)
{
	const char *c;

	if (strlen(name) >= EXTMAP_NAME_LEN)
		return "longer than 15 characters";
	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '.'))
			return "a character other than [A-Za-z0-9_.]";
	return NULL;
}

/*
 * What extmapctl can tell about the attributes before the kernel sees them,
 * so that the message names the attribute and the rule.  The sizes and
 * max entries are each type's business: only the kernel judges them.
 */
static int check_create_attrs(const struct cmd *cmd, const struct ctx *ctx)
{
	const char *problem;

	if (ctx->name) {
		problem = name_problem(ctx->name);
		if (problem)
			return usage_err(ctx, cmd, "--name '%s': %s",
					 ctx->name, problem);
	}
	/*
	 * The kernel takes these two as the access mode of the descriptor the
	 * creation returns, not as a property of the map: they would be lost
	 * when create closes it.  Who may open the pin for writing is the pin's
	 * mode (chmod), since bpf_obj_get() asks for read and write by default.
	 */
	if (ctx->flags & (BPF_F_RDONLY | BPF_F_WRONLY))
		return usage_err(ctx, cmd,
				 "--flags: BPF_F_RDONLY and BPF_F_WRONLY only restrict the descriptor create returns, which it closes once the map is pinned, so they would not last: restrict the pin's mode with chmod instead, or BPF_F_RDONLY_PROG/BPF_F_WRONLY_PROG for programs");
	if ((ctx->flags & BPF_F_RDONLY_PROG) && (ctx->flags & BPF_F_WRONLY_PROG))
		return usage_err(ctx, cmd,
				 "--flags: BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
	if ((ctx->flags & BPF_F_NUMA_NODE) && !(ctx->seen & OPT_NUMA_NODE))
		return usage_err(ctx, cmd,
				 "--flags: BPF_F_NUMA_NODE needs a node: give --numa-node N, which sets the flag");
	return 0;
}

/*
 * A pin must go on bpffs, where nothing has that name yet: both are known
 * before the map exists, and checking them first spares creating a map
 * only to drop it.
 */
static int check_pin_path(const struct cmd *cmd, const struct ctx *ctx)
{
	char dir[4096], *slash;
	struct statfs sfs;
	struct stat st;

	if (!lstat(ctx->pin, &st)) {
		err_msg(ctx, "%s: cannot pin at %s: it exists already (rm it first to replace it)",
			cmd->name, ctx->pin);
		return EXIT_RUNTIME;
	}
	snprintf(dir, sizeof(dir), "%s", ctx->pin);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (statfs(dir, &sfs)) {
		err_msg(ctx, "%s: cannot pin at %s: %s: %s", cmd->name,
			ctx->pin, dir, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (sfs.f_type != BPF_FS_MAGIC) {
		err_msg(ctx, "%s: cannot pin at %s: %s is not on a bpffs mount (mount -t bpf none /sys/fs/bpf)",
			cmd->name, ctx->pin, dir);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* Why the module refused to create the map, from its errno. */
static int create_err(const struct cmd *cmd, const struct ctx *ctx, int err)
{
	const char *type = ctx->args[1];

	switch (err) {
	case -EINVAL:
		err_msg(ctx, "%s: the '%s' type refused key size %u, value size %u, max entries %u or flags %#x (each type sets its own limits; extmap's types are described in Documentation/maps/)",
			cmd->name, type, ctx->key_size, ctx->value_size,
			ctx->max_entries, ctx->flags);
		break;
	case -E2BIG:
		err_msg(ctx, "%s: map too large: a '%s' map of %u entries of %u-byte keys and %u-byte values needs more memory than one map may have",
			cmd->name, type, ctx->max_entries, ctx->key_size,
			ctx->value_size);
		break;
	case -ENOMEM:
		err_msg(ctx, "%s: out of memory for a '%s' map of %u entries (or over the memory cgroup's limit)",
			cmd->name, type, ctx->max_entries);
		break;
	default:
		return dev_err(cmd, ctx, err);
	}
	return EXIT_RUNTIME;
}

/*
 * The id of @name in @btf: "struct NAME", "union NAME", "enum NAME", or a
 * plain name (a typedef or a base type); or -ENOENT.
 */
static int btf_type_id(const struct btf *btf, const char *name)
{
	static const struct { const char *prefix; int kind; } kinds[] = {
		{ "struct ", BTF_KIND_STRUCT },
		{ "union ", BTF_KIND_UNION },
		{ "enum ", BTF_KIND_ENUM },
	};
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		n = strlen(kinds[i].prefix);
		if (!strncmp(name, kinds[i].prefix, n))
			return btf__find_by_name_kind(btf, name + n, kinds[i].kind);
	}
	return btf__find_by_name(btf, name);
}

/*
 * The BTF of @path: a BPF object's, as libbpf makes it when it opens one
 * (the sizes and offsets of its data sections filled in, which the kernel
 * checks), or raw BTF.
 */
static struct btf *read_btf(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct btf *btf = NULL;
	const void *raw;
	__u32 size;

	if (!obj)
		return btf__parse_raw(path);
	raw = bpf_object__btf(obj) ? btf__raw_data(bpf_object__btf(obj), &size) :
				     NULL;
	if (raw)
		btf = btf__new(raw, size);
	else
		errno = ENODATA;
	bpf_object__close(obj);
	return btf;
}

/* --btf, --key-type, --value-type: the map's BTF, loaded into the kernel. */
static int create_btf(const struct cmd *cmd, struct ctx *ctx,
		      struct extmap_create_opts *opts, struct btf **btf)
{
	int id, err;

	if (!(ctx->seen & OPT_BTF)) {
		if (ctx->seen & (OPT_KEY_TYPE | OPT_VALUE_TYPE))
			return usage_err(ctx, cmd, "--key-type and --value-type name types in --btf: give --btf");
		return 0;
	}
	if (!(ctx->seen & OPT_VALUE_TYPE))
		return usage_err(ctx, cmd, "--btf needs --value-type (and --key-type for typed keys)");
	*btf = read_btf(ctx->btf);
	if (!*btf) {
		err_msg(ctx, "%s: cannot read BTF from %s: %s", cmd->name,
			ctx->btf, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (ctx->key_type) {
		id = btf_type_id(*btf, ctx->key_type);
		if (id < 0)
			return usage_err(ctx, cmd, "no type '%s' in %s",
					 ctx->key_type, ctx->btf);
		opts->btf_key_type_id = id;
	}
	id = btf_type_id(*btf, ctx->value_type);
	if (id < 0)
		return usage_err(ctx, cmd, "no type '%s' in %s", ctx->value_type,
				 ctx->btf);
	opts->btf_value_type_id = id;
	err = btf__load_into_kernel(*btf);
	if (err) {
		err_msg(ctx, "%s: the kernel refused the BTF of %s: %s",
			cmd->name, ctx->btf, strerror(-err));
		return EXIT_RUNTIME;
	}
	opts->btf_fd = btf__fd(*btf);
	return 0;
}

static int cmd_create(const struct cmd *cmd, struct ctx *ctx)
{
	LIBEXTMAP_OPTS(extmap_create_opts, opts);
	struct btf *btf = NULL;
	unsigned int missing = CREATE_NEEDS & ~ctx->seen;
	__u32 type;
	int fd, err;

	if (missing)
		return usage_err(ctx, cmd, "missing --%s",
				 find_opt(missing & -missing)->name);
	err = check_create_attrs(cmd, ctx);
	if (err)
		return err;
	err = check_pin_path(cmd, ctx);
	if (err)
		return err;
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
	err = create_btf(cmd, ctx, &opts, &btf);
	if (err) {
		btf__free(btf);
		return err;
	}

	fd = extmap_create(type, ctx->key_size, ctx->value_size,
			   ctx->max_entries, &opts);
	/* The map holds the kernel's BTF object: ours may go. */
	btf__free(btf);
	if (fd < 0)
		return create_err(cmd, ctx, fd);

	/* The map lives on only if pinned: the fd dies with us. */
	err = bpf_obj_pin(fd, ctx->pin);
	if (err) {
		err = errno;
		err_msg(ctx, "%s: cannot pin at %s: %s", cmd->name, ctx->pin,
			strerror(err));
		close(fd);
		return EXIT_RUNTIME;
	}
	if (ctx->verbose && ctx->json) {
		printf("{\"created\":");
		json_str(ctx->args[1]);
		printf(",\"type\":%u,\"pin\":", type);
		json_str(ctx->pin);
		printf("}\n");
	} else if (ctx->verbose) {
		printf("created '%s' map (type %#x) pinned at %s\n",
		       ctx->args[1], type, ctx->pin);
	}
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

static void print_map_json_obj(const struct map_desc *d)
{
	const struct bpf_map_info *info = &d->info;

	printf("{\"path\":");
	if (d->path)
		json_str(d->path);
	else
		printf("null");
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
	printf("}");
}

static void print_map_json(const struct map_desc *d)
{
	print_map_json_obj(d);
	printf("\n");
}

/*
 * The first directory on the way to @path that the caller may not search
 * (bpffs mounts are 0700 by default), into @dir; false if there is none.
 */
static bool unsearchable_dir(const char *path, char *dir, size_t size)
{
	size_t i, len = strlen(path);

	for (i = 1; i < len && i < size; i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		if (access(dir, X_OK))
			return true;
	}
	return false;
}

/*
 * Why bpf_obj_get() refused @path.  The kernel says EACCES both for a file
 * that is not on bpffs and for a pin whose mode forbids reading, and
 * EINVAL for a pinned program or link opened read-only: look at the file
 * to tell which.
 */
static int obj_get_err(const struct cmd *cmd, const struct ctx *ctx,
		       const char *path, int err)
{
	char mode[64], dir[4096];
	struct statfs sfs;
	struct stat st;

	if (stat(path, &st)) {
		err = errno;
		if (err == EACCES && unsearchable_dir(path, dir, sizeof(dir)))
			err_msg(ctx, "%s: %s: cannot reach it: no search permission on %s (%s)",
				cmd->name, path, dir,
				mode_str(dir, mode, sizeof(mode)));
		else
			err_msg(ctx, "%s: %s: %s", cmd->name, path,
				strerror(err));
		return EXIT_RUNTIME;
	}
	if (!statfs(path, &sfs) && sfs.f_type != BPF_FS_MAGIC) {
		err_msg(ctx, "%s: %s: not on a bpffs mount, so not a pinned BPF map",
			cmd->name, path);
		return EXIT_RUNTIME;
	}
	switch (err) {
	case EACCES:
		err_msg(ctx, "%s: %s: no permission to read the pin (%s)",
			cmd->name, path, mode_str(path, mode, sizeof(mode)));
		break;
	case EPERM:
		err_msg(ctx, "%s: %s: operation not permitted: opening a pin needs CAP_BPF while kernel.unprivileged_bpf_disabled is set",
			cmd->name, path);
		break;
	case EINVAL:
		err_msg(ctx, "%s: %s: not a BPF map (a pinned program or link?)",
			cmd->name, path);
		break;
	default:
		err_msg(ctx, "%s: %s: %s", cmd->name, path, strerror(err));
	}
	return EXIT_RUNTIME;
}

static int cmd_info(const struct cmd *cmd, struct ctx *ctx)
{
	LIBBPF_OPTS(bpf_obj_get_opts, get_opts, .file_flags = BPF_F_RDONLY);
	struct map_desc d = { .path = ctx->args[1] };
	__u32 len = sizeof(d.info);
	int fd, err;

	/* Reading is all info does: a read-only pin is enough. */
	fd = bpf_obj_get_opts(d.path, &get_opts);
	if (fd < 0)
		return obj_get_err(cmd, ctx, d.path, errno);
	if (!fd_is_map(fd)) {
		err_msg(ctx, "%s: %s: not a BPF map", cmd->name, d.path);
		close(fd);
		return EXIT_RUNTIME;
	}
	err = bpf_obj_get_info_by_fd(fd, &d.info, &len);
	if (err) {
		err_msg(ctx, "%s: %s: cannot get map info: %s", cmd->name, d.path,
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

/* ---- list ------------------------------------------------------------- */

/*
 * Every extmap map has a map id: walk them all, as bpftool map list does,
 * and show the extmap ones.  Opening a map by id takes CAP_SYS_ADMIN.
 */
static int list_one(const struct ctx *ctx, __u32 id, int shown)
{
	struct map_desc d = { .path = NULL };
	__u32 len = sizeof(d.info);
	int fd;

	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;	/* gone meanwhile */
	if (bpf_obj_get_info_by_fd(fd, &d.info, &len) ||
	    !extmap_is_extmap_type(d.info.type)) {
		close(fd);
		return 0;
	}
	d.memlock = fdinfo_memlock(fd);
	close(fd);
	describe_type(ctx, &d);
	if (ctx->json) {
		printf("%s", shown ? "," : "");
		print_map_json_obj(&d);
	} else {
		printf("%8u %-8s %-15s %8u %8u %11u\n", d.info.id, d.type_name,
		       d.info.name, d.info.key_size, d.info.value_size,
		       d.info.max_entries);
	}
	return 1;
}

static int cmd_list(const struct cmd *cmd, struct ctx *ctx)
{
	int shown = 0, r;
	__u32 id = 0;

	if (ctx->json)
		printf("[");
	else
		printf("%8s %-8s %-15s %8s %8s %11s\n", "ID", "TYPE", "NAME",
		       "KEY", "VALUE", "MAX_ENTRIES");
	while (!bpf_map_get_next_id(id, &id)) {
		r = list_one(ctx, id, shown);
		if (r < 0) {
			if (ctx->json)
				printf("]\n");
			err_msg(ctx, "%s: map %u: %s%s", cmd->name, id,
				strerror(-r), r == -EPERM ?
				" (opening maps by id needs CAP_SYS_ADMIN)" : "");
			return EXIT_RUNTIME;
		}
		shown += r;
	}
	if (ctx->json)
		printf("]\n");
	return 0;
}

/* ---- help -------------------------------------------------------------- */

static int cmd_help(const struct cmd *cmd, struct ctx *ctx)
{
	const struct cmd *topic;

	if (ctx->nargs < 2) {
		print_manual(stdout, DOC_TEXT);
		return 0;
	}
	topic = find_cmd(ctx->args[1]);
	if (!topic)
		return usage_err(ctx, cmd, "unknown command '%s'", ctx->args[1]);
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
			OPT_NAME | OPT_FLAGS | OPT_NUMA_NODE | OPT_PIN |
			OPT_BTF | OPT_KEY_TYPE | OPT_VALUE_TYPE,
		.min_args = 1,
		.max_args = 1,
		.synopsis = "create TYPE --key-size N --value-size N --max-entries N\n"
			    "--pin PATH [--name NAME] [--flags N] [--numa-node N]\n"
			    "[--btf FILE [--key-type TYPE] --value-type TYPE]",
		.summary = "create an extmap map and pin it",
		.description =
"Create a map of extmap type TYPE (a name or an id from 'types') and\n"
"pin it at PATH, which must be on a bpffs mount such as /sys/fs/bpf.\n"
"The map lives as long as the pin or a user of it does: rm(1) the pin\n"
"to let it go.  Prints nothing on success unless -v is given.\n"
"With --btf, the key and value have the types named in FILE (a BPF\n"
"object, or raw BTF): the kernel checks them against the sizes,\n"
"bpftool prints the map's contents by them, and a value type holding a\n"
"struct bpf_spin_lock makes values programs can lock.\n",
		.examples =
PROG " create hash --key-size 4 --value-size 8 --max-entries 1024 \\\n"
"        --name flows --pin /sys/fs/bpf/flows\n"
PROG " create hash --key-size 16 --value-size 24 --max-entries 4096 \\\n"
"        --btf flows.bpf.o --key-type 'struct flow_key' \\\n"
"        --value-type 'struct flow_stats' --pin /sys/fs/bpf/flows\n"
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
"the kernel's map type.\n",
		.examples =
PROG " info /sys/fs/bpf/flows\n"
PROG " info --json /sys/fs/bpf/flows\n",
	},
	{
		.name = "list",
		.run = cmd_list,
		.opts = OPT_JSON,
		.synopsis = "list [--json]",
		.summary = "list the extmap maps on the system",
		.description =
"Show every extmap map on the system, pinned or not, by its map id (as\n"
"'bpftool map list' shows all maps): id, type, name, key and value\n"
"sizes and max entries.  Opening a map by id needs CAP_SYS_ADMIN.\n",
		.examples =
PROG " list\n",
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

/* "STATUS  MEANING" lines. */
static const char exit_status[] =
"0  success\n"
"1  the operation failed (device, map creation, pinning, ...)\n"
"2  bad command line\n";

static const char see_also[] =
"bpftool(8), bpf(2), and the extmap README for the library (libextmap.h,\n"
"pkg-config libextmap) and for map types of your own.\n";

/*
 * roff(7) for the man page: the same texts as --help, with the characters
 * roff would take as its own escaped.  Every '-' becomes \- so that
 * options copy and paste as they read.
 */
static void roff_line(FILE *f, const char *s, size_t len)
{
	size_t i;

	if (len && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", f);
	for (i = 0; i < len; i++) {
		if (s[i] == '\\')
			fputs("\\e", f);
		else if (s[i] == '-')
			fputs("\\-", f);
		else
			fputc(s[i], f);
	}
}

/* Filled text: lines as they are, an empty line starts a paragraph. */
static void roff_text(FILE *f, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		if (nl == text) {
			fputs(".PP\n", f);
		} else {
			roff_line(f, text, nl - text);
			fputc('\n', f);
		}
		text = nl + 1;
	}
	if (*text) {
		roff_line(f, text, strlen(text));
		fputc('\n', f);
	}
}

/* Unfilled, indented text, for examples. */
static void roff_literal(FILE *f, const char *text)
{
	fputs(".PP\n.RS 4\n.nf\n", f);
	roff_text(f, text);
	fputs(".fi\n.RE\n", f);
}

/* In .nf: continuation lines hang indented, as in --help. */
static void roff_synopsis(FILE *f, const char *syn)
{
	const char *nl;

	fputs("\\fB" PROG "\\fR [OPTIONS] ", f);
	while ((nl = strchr(syn, '\n'))) {
		roff_line(f, syn, nl - syn);
		fputs("\n    ", f);
		syn = nl + 1;
	}
	roff_line(f, syn, strlen(syn));
	fputc('\n', f);
}

static void roff_options(FILE *f, unsigned int mask)
{
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++) {
		const struct opt_desc *o = &options[i];

		if (!(o->id & mask))
			continue;
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB", f);
		roff_line(f, "--", 2);
		roff_line(f, o->name, strlen(o->name));
		fputs("\\fR", f);
		if (o->arg)
			fprintf(f, " \\fI%s\\fR", o->arg);
		fputc('\n', f);
		roff_text(f, o->help);
		fputc('\n', f);
	}
}

/* exit_status's "STATUS  MEANING" lines as a tagged list. */
static void roff_exit_status(FILE *f)
{
	const char *line = exit_status, *nl, *gap;

	while ((nl = strchr(line, '\n'))) {
		gap = strstr(line, "  ");
		if (gap && gap < nl) {
			fputs(".TP\n", f);
			roff_line(f, line, gap - line);
			fputc('\n', f);
			while (*gap == ' ')
				gap++;
			roff_line(f, gap, nl - gap);
			fputc('\n', f);
		}
		line = nl + 1;
	}
}

static void print_manual_roff(FILE *f)
{
	size_t i;

	fputs(".\\\" Made by '" PROG " --man' from the tables that make --help.\n", f);
	fputs(".TH EXTMAPCTL 8 \"\" \"extmap " EXTMAP_VERSION "\" \"System Manager's Manual\"\n", f);
	fputs(".SH NAME\n" PROG " \\- manage BPF maps of extmap types\n", f);
	fputs(".SH SYNOPSIS\n.nf\n", f);
	for (i = 0; i < NR_CMDS; i++)
		roff_synopsis(f, cmds[i].synopsis);
	fputs("\\fB" PROG "\\fR \\-\\-version\n.fi\n", f);
	fputs(".SH DESCRIPTION\n", f);
	roff_text(f, description);
	fputs(".SH COMMANDS\n", f);
	for (i = 0; i < NR_CMDS; i++) {
		const char *syn = cmds[i].synopsis, *nl;

		/* The tag is one line: a long synopsis goes on joined. */
		fputs(".TP\n\\fB", f);
		roff_line(f, cmds[i].name, strlen(cmds[i].name));
		fputs("\\fR", f);
		syn += strlen(cmds[i].name);
		while ((nl = strchr(syn, '\n'))) {
			roff_line(f, syn, nl - syn);
			fputc(' ', f);
			syn = nl + 1;
		}
		roff_line(f, syn, strlen(syn));
		fputc('\n', f);
		roff_text(f, cmds[i].description);
	}
	fputs(".SH OPTIONS\n", f);
	roff_options(f, ~0u);
	fputs(".SH \"EXIT STATUS\"\n", f);
	roff_exit_status(f);
	fputs(".SH EXAMPLES\n", f);
	for (i = 0; i < NR_CMDS; i++)
		roff_literal(f, cmds[i].examples);
	fputs(".SH \"SEE ALSO\"\n", f);
	roff_text(f, see_also);
}

static void print_manual_text(FILE *f)
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
	fprintf(f, "\nSEE ALSO\n");
	indent(f, 2, see_also);
}

static void print_manual(FILE *f, enum doc_format fmt)
{
	if (fmt == DOC_ROFF)
		print_manual_roff(f);
	else
		print_manual_text(f);
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

/*
 * Whether --json is on the command line, before parsing it: an error in
 * the parsing itself is then reported in JSON too.  "--" ends the options.
 */
static bool want_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct ctx ctx = { .dev = EXTMAP_DEFAULT_DEV };
	const struct cmd *cmd;
	int err;

	ctx.json = want_json(argc, argv);
	err = parse_cmdline(argc, argv, &ctx);
	if (err)
		return err;

	if (ctx.seen & OPT_VERSION) {
		printf(PROG " " EXTMAP_VERSION "\n");
		return 0;
	}
	if (ctx.seen & OPT_MAN) {
		print_manual(stdout, DOC_ROFF);
		return 0;
	}
	if (!ctx.nargs) {
		if (ctx.seen & OPT_HELP) {
			print_manual(stdout, DOC_TEXT);
			return 0;
		}
		return usage_err(&ctx, NULL, "missing command");
	}
	cmd = find_cmd(ctx.args[0]);
	if (!cmd)
		return usage_err(&ctx, NULL, "unknown command '%s'", ctx.args[0]);
	if (ctx.seen & OPT_HELP) {
		print_cmd_manual(stdout, cmd);
		return 0;
	}
	err = check_cmdline(cmd, &ctx);
	if (err)
		return err;
	return cmd->run(cmd, &ctx);
}
