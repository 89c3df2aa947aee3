// SPDX-License-Identifier: GPL-2.0
/*
 * test_array: what an extmap array offers beyond element operations, each
 * case against BPF_MAP_TYPE_ARRAY made the same way:
 *   - BPF_F_MMAPABLE: mmap() of the map's fd shows the values in index
 *     order, elem_size (value_size rounded up to 8) apart; writes through
 *     the mapping and through bpf(2) see each other; the same errnos for a
 *     mapping too long, a map that is not mmapable, and a frozen map;
 *   - a single-value array addressed directly by a program
 *     (BPF_PSEUDO_MAP_VALUE, as libbpf does for global data);
 *   - a frozen, program-read-only one, which the verifier reads as
 *     constants: a branch on its value is removed as dead code.
 * The programs are a few raw instructions, loaded as XDP and run with
 * BPF_PROG_TEST_RUN.
 */
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "libextmap.h"
#include "util.h"

#define PAGE		4096
#define N_VALUES	8
#define VALUE_SIZE	12	/* elem_size 16 */
#define ELEM_SIZE	16

/* The instructions the programs below need. */
#define INSN(c, d, s, o, i)						\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s),	\
			    .off = (o), .imm = (i) })
/* A 64-bit load of a map value's address: two instruction slots. */
#define LD_MAP_VALUE(dst, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_VALUE, 0, fd)
#define LD_IMM64_HI(off)	INSN(0, 0, 0, 0, off)
#define LDX_W(dst, src, off)	INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define JEQ_IMM(dst, imm, off)	INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, off, imm)
#define MOV_IMM(dst, imm)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int array_create(bool ext, __u32 value_size, __u32 max, __u32 flags)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = flags);
	int fd;

	if (ext)
		return ext_create(EXTMAP_MAP_TYPE_ARRAY, 4, value_size, max, flags,
				  "arr");
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "arr", 4, value_size, max, &o);
	return fd;
}

static const char *side(bool ext)
{
	return ext ? "extmap array" : "ARRAY";
}

/* Writes through the mapping and through bpf(2) see each other. */
static int mmap_reads_and_writes(void)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool ext = pass;
		AUTO_FD fd = array_create(ext, VALUE_SIZE, N_VALUES, BPF_F_MMAPABLE);
		__u8 v[VALUE_SIZE], *m;
		__u32 i;

		ASSERT(fd >= 0, "%s: create: %s", side(ext), tap_errname(errno));
		m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT(m != MAP_FAILED, "%s: mmap: %s", side(ext), tap_errname(errno));
		for (i = 0; i < N_VALUES; i++)
			memset(m + i * ELEM_SIZE, 0x10 + i, VALUE_SIZE);
		for (i = 0; i < N_VALUES; i++) {
			if (bpf_map_lookup_elem(fd, &i, v) || v[0] != 0x10 + i ||
			    v[VALUE_SIZE - 1] != 0x10 + i) {
				munmap(m, PAGE);
				ASSERT(0, "%s: index %u: lookup gave %#x, mapping wrote %#x",
				       side(ext), i, v[0], 0x10 + i);
			}
		}
		memset(v, 0xee, sizeof(v));
		i = 5;
		if (bpf_map_update_elem(fd, &i, v, BPF_ANY)) {
			munmap(m, PAGE);
			ASSERT(0, "%s: update: %s", side(ext), tap_errname(errno));
		}
		i = m[5 * ELEM_SIZE];
		munmap(m, PAGE);
		ASSERT(i == 0xee, "%s: the mapping shows %#x after an update of 0xee",
		       side(ext), i);
	}
	return TAP_PASS;
}

/* The errnos of mmap(): the same on both. */
static int mmap_errors_as_array(void)
{
	int r[2][3], pass, k;

	for (pass = 0; pass < 2; pass++) {
		bool ext = pass;
		AUTO_FD fd = array_create(ext, VALUE_SIZE, N_VALUES, BPF_F_MMAPABLE);
		AUTO_FD plain = array_create(ext, VALUE_SIZE, N_VALUES, 0);
		void *m;

		ASSERT(fd >= 0 && plain >= 0, "%s: create: %s", side(ext),
		       tap_errname(errno));
		/* Two pages where the values take one. */
		m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
		r[pass][0] = m == MAP_FAILED ? errno : 0;
		if (m != MAP_FAILED)
			munmap(m, 2 * PAGE);
		m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, plain, 0);
		r[pass][1] = m == MAP_FAILED ? errno : 0;
		if (m != MAP_FAILED)
			munmap(m, PAGE);
		/* Frozen: no writable mapping. */
		ASSERT_OK(bpf_map_freeze(fd));
		m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		r[pass][2] = m == MAP_FAILED ? errno : 0;
		if (m != MAP_FAILED)
			munmap(m, PAGE);
	}
	for (k = 0; k < 3; k++) {
		ASSERT(r[0][k] != 0, "ARRAY accepted mapping %d", k);
		ASSERT(r[1][k] == r[0][k], "mapping %d: extmap array %s, ARRAY %s",
		       k, tap_errname(r[1][k]), tap_errname(r[0][k]));
	}
	return TAP_PASS;
}

/* Load @insns as XDP; its xlated length in *@n_xlated if not NULL. */
static int prog_load(const struct bpf_insn *insns, size_t n, __u32 *n_xlated)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "GPL", insns, n, NULL);
	if (fd < 0 || !n_xlated)
		return fd;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return -1;
	}
	*n_xlated = info.xlated_prog_len / sizeof(struct bpf_insn);
	return fd;
}

static int prog_run(int prog, __u32 *retval)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt,
		    .data_size_in = sizeof(pkt));
	int err = bpf_prog_test_run_opts(prog, &o);

	*retval = o.retval;
	return err;
}

/* A program reads the value at an offset of its direct address. */
static int direct_value_read(void)
{
	__u32 key = 0, retval, val[4] = { 1, 2, 0x5eed, 4 };
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool ext = pass;
		AUTO_FD fd = array_create(ext, sizeof(val), 1, 0);
		AUTO_FD prog = -1;

		ASSERT(fd >= 0, "%s: create: %s", side(ext), tap_errname(errno));
		{
			struct bpf_insn insns[] = {
				LD_MAP_VALUE(BPF_REG_1, fd),
				LD_IMM64_HI(8),
				LDX_W(BPF_REG_0, BPF_REG_1, 0),
				EXIT(),
			};

			ASSERT_OK(bpf_map_update_elem(fd, &key, val, BPF_ANY));
			prog = prog_load(insns, TAP_ARRAY_SIZE(insns), NULL);
			ASSERT(prog >= 0, "%s: load: %s", side(ext), tap_errname(errno));
		}
		ASSERT_OK(prog_run(prog, &retval));
		ASSERT(retval == 0x5eed, "%s: the program read %#x at offset 8, want 0x5eed",
		       side(ext), retval);
	}
	return TAP_PASS;
}

/*
 * Frozen and read-only for programs, the value is a constant to the
 * verifier: the branch that cannot be taken goes as dead code, in both.
 */
static int frozen_value_is_constant(void)
{
	__u32 key = 0, val = 42, n[2][2], retval;
	int pass, frozen;

	for (pass = 0; pass < 2; pass++) {
		bool ext = pass;

		for (frozen = 0; frozen < 2; frozen++) {
			AUTO_FD fd = array_create(ext, 4, 1, BPF_F_RDONLY_PROG);
			AUTO_FD prog = -1;

			ASSERT(fd >= 0, "%s: create: %s", side(ext), tap_errname(errno));
			ASSERT_OK(bpf_map_update_elem(fd, &key, &val, BPF_ANY));
			if (frozen)
				ASSERT_OK(bpf_map_freeze(fd));
			{
				struct bpf_insn insns[] = {
					LD_MAP_VALUE(BPF_REG_1, fd),
					LD_IMM64_HI(0),
					LDX_W(BPF_REG_0, BPF_REG_1, 0),
					JEQ_IMM(BPF_REG_0, 42, 2),
					MOV_IMM(BPF_REG_0, 7),
					EXIT(),
					MOV_IMM(BPF_REG_0, 1),
					EXIT(),
				};

				prog = prog_load(insns, TAP_ARRAY_SIZE(insns),
						 &n[pass][frozen]);
				ASSERT(prog >= 0, "%s: load: %s", side(ext),
				       tap_errname(errno));
			}
			ASSERT_OK(prog_run(prog, &retval));
			ASSERT_EQ(retval, 1, "the program's answer for 42");
		}
	}
	tap_diag("xlated instructions, not frozen / frozen: ARRAY %u / %u, extmap array %u / %u",
		 n[0][0], n[0][1], n[1][0], n[1][1]);
	ASSERT(n[0][1] < n[0][0], "ARRAY: the frozen value removed nothing");
	ASSERT_EQ(n[1][1], n[0][1], "extmap array's frozen program against ARRAY's");
	ASSERT_EQ(n[1][0], n[0][0], "extmap array's program against ARRAY's");
	return TAP_PASS;
}

static const struct tap_case cases[] = {
	TAP_CASE(mmap_reads_and_writes),
	TAP_CASE(mmap_errors_as_array),
	TAP_CASE(direct_value_read),
	TAP_CASE(frozen_value_is_constant),
};

int main(void)
{
	require_root_and_module();
	libbpf_to_tap();
	return tap_main(cases, TAP_ARRAY_SIZE(cases));
}
