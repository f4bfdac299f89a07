#!/bin/bash
# SPDX-License-Identifier: ISC
# test-all.sh - everything CI does, from a clean checkout on Debian 12:
# install packages, build with -Wall -Wextra -Werror and run every suite,
# then build again with AddressSanitizer + UndefinedBehaviorSanitizer and
# run every suite again.  The last line is "N passed, N failed" over both.
# Builds go to build/ and build-asan/ (out of tree).
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC"
bash contrib/packages.sh || exit 1
[ -x configure ] || ./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; exit 1; }

WARN="-Wall -Wextra -Werror"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
total_p=0 total_f=0

build_and_test() {	# build_and_test DIR CFLAGS LDFLAGS
	local dir=$1 cflags=$2 ldflags=$3 line
	echo "== $dir: CFLAGS=$cflags"
	mkdir -p "$dir"
	(cd "$dir" && "$SRC/configure" CFLAGS="$cflags" LDFLAGS="$ldflags" \
	    >configure.out 2>&1 && make -j2 >make.out 2>&1 &&
	    make -j2 check-build >/dev/null 2>&1)
	if [ $? != 0 ]; then
		echo "build failed in $dir:"
		tail -30 "$dir/configure.out" "$dir/make.out" 2>/dev/null
		total_f=$((total_f + 1))
		return
	fi
	(cd "$dir" && GUICHET_BIN=$SRC/$dir/guichet \
	    GUICHET_BUILDDIR=$SRC/$dir GUICHET_SRCDIR=$SRC \
	    bash "$SRC/tests/run.sh" >run.out 2>&1)
	cat "$dir/run.out"
	line=$(tail -1 "$dir/run.out")
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		total_p=$((total_p + BASH_REMATCH[1]))
		total_f=$((total_f + BASH_REMATCH[2]))
	else
		total_f=$((total_f + 1))
	fi
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86
export LSAN_OPTIONS=suppressions=$SRC/tests/lsan.supp:print_suppressions=0
build_and_test build "-O2 -g $WARN" ""
build_and_test build-asan "-O1 -g $WARN $SAN" "$SAN"
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
