#!/usr/bin/env bash
# The plot script renders a valid PNG and SVG from fixture TSV.
source "$(dirname "$0")/lib.sh"

ok "plot.sh exits 0" "$RT_SOURCE/scripts/plot.sh" --tsv "$RT_SOURCE/tests/fixtures/expected_counter.tsv" \
    --out "$T_TMP/fig" --title "fixture" --ylabel "ns" --logy --cores 2 --pus 4 --caption "test"
ok "PNG signature" test "$(head -c 8 "$T_TMP/fig.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
ok "PNG is a real image" test "$(stat -c %s "$T_TMP/fig.png")" -gt 10000
ok "SVG is an svg document" grep -q "<svg" "$T_TMP/fig.svg"
ok "SVG names both series" sh -c "grep -q 'counter/mutex' '$T_TMP/fig.svg' && grep -q 'counter/racy' '$T_TMP/fig.svg'"
t_done
