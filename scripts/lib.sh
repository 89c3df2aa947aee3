# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh: what the scripts in scripts/ share; sourced, never run:
#
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Defines (and changes nothing else, so it is safe under set -euo pipefail):
#   STATE         $EXTMAP_STATE, default /var/lib/extmap: outside the
#                 repository, shared by every checkout on this machine
#   ROOTFS        $STATE/trixie-root, the trixie build root of the 7.x kernel
#   KERNELS_FILE  $STATE/kernels, the 7.x release scripts/setup picked
#   PROG          the running script's name, for messages
#   say MSG...    print "PROG: MSG" on stdout
#   die MSG...    print "PROG: error: MSG" on stderr and exit 1
#   uts_release KDIR   print the release (uname -r) of the kernel build tree
#                 KDIR, from its include/generated/utsrelease.h (Debian's
#                 header packages answer 'make kernelrelease' with the
#                 upstream version instead); prints nothing and fails if
#                 KDIR is not a configured build tree

# shellcheck disable=SC2034 # for the scripts that source us
STATE=${EXTMAP_STATE:-/var/lib/extmap}
# shellcheck disable=SC2034
ROOTFS=$STATE/trixie-root
# shellcheck disable=SC2034
KERNELS_FILE=$STATE/kernels

PROG=${PROG:-$(basename "$0")}

say() { echo "$PROG: $*"; }
die() {
	echo "$PROG: error: $*" >&2
	exit 1
}

uts_release() {
	local rel
	rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$1/include/generated/utsrelease.h" 2>/dev/null) || true
	[ -n "$rel" ] || return 1
	echo "$rel"
}
