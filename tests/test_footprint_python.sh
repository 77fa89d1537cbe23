#!/usr/bin/env bash
# scripts/footprint.sh on the real python3: one line of code counts and one
# of data counts, for read1, socketpair and echo, each in range.  Under
# valgrind's lackey the interpreter's start-up and imports are most of the
# trace (about a minute and a half here), each operation adds little.
# Skipped (77) without valgrind or python3.
source "$(dirname "$0")/lib.sh"
command -v valgrind >/dev/null && command -v python3 >/dev/null && python3 -c pass 2>/dev/null ||
    { echo "no valgrind or no python3: footprint.sh on a real Python is skipped"; exit 77; }
# A few operations past the first two: more would add little but time.
"$RT_SOURCE/scripts/footprint.sh" --ops 6 --skip 2 python3 >"$T_TMP/fp" 2>"$T_TMP/err"
ok "footprint.sh python3: exit 0 ($(head -c 200 "$T_TMP/err"))" test $? -eq 0
# An operation of CPython's runs through hundreds of lines of code and data;
# socketpair (send, then recv) more code than read1's one call.
ok "footprint.sh python3: code and data lines of read1, socketpair, echo, in range, read1 < socketpair ($(tr '\n' ' ' <"$T_TMP/fp"))" \
    awk -F'[ =,]' 'NR == 1 && /^code read1=[0-9]+,socketpair=[0-9]+,echo=[0-9]+$/ &&
                   $3 >= 100 && $3 < $5 && $7 >= 100 && $7 <= 4096 && $5 <= 4096 { c = 1 }
                   NR == 2 && /^data read1=[0-9]+,socketpair=[0-9]+,echo=[0-9]+$/ &&
                   $3 >= 50 && $5 >= 50 && $7 >= 50 && $7 <= 65536 { d = 1 }
                   END { exit !(c && d && NR == 2) }' "$T_TMP/fp"
t_done
