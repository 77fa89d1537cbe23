# The shim area's checks (tests/test_quick_area.sh shim).
area_checks() {
    jq_ok "shim summary has both bodies" "$run/shim_summary.json" '[.bodies[].body] == ["barrier", "atomic_relaxed"]'
    ok "SUMMARY.md has the shim's line" grep -q '^\*\*C shim vs native C++ loop\*\*' "$run/SUMMARY.md"
}
