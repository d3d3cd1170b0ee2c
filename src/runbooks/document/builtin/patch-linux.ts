/**
 * AWS-RunPatchBaseline's Linux step: a POSIX sh script driving the package manager it finds
 * on PATH (apt-get, dnf, yum, zypper, in that order), so a test can put a stand-in first.
 *
 * Scan lists the missing updates read-only and prints `Missing: N`. Install upgrades every
 * package non-interactively and, when anything was installed and RebootOption is
 * RebootIfNeeded, exits 194: the agent reboots the node and runs the script again, and the
 * rerun finds nothing missing and exits 0. `{{ Operation }}` and `{{ RebootOption }}` are
 * substituted by the compiler; their allowedValues keep them safe inside quotes.
 *
 * (No `${...}` in the script: it is a TypeScript template literal.)
 */
export const LINUX_PATCH_SCRIPT = String.raw`#!/bin/sh
operation='{{ Operation }}'
reboot_option='{{ RebootOption }}'

fail() {
  echo "$1" >&2
  exit 1
}

if command -v apt-get >/dev/null 2>&1; then manager=apt-get
elif command -v dnf >/dev/null 2>&1; then manager=dnf
elif command -v yum >/dev/null 2>&1; then manager=yum
elif command -v zypper >/dev/null 2>&1; then manager=zypper
else fail "No supported package manager on PATH (apt-get, dnf, yum or zypper)"
fi

# Sets $missing (one package a line) and $count; changes nothing on the node.
find_missing() {
  case "$manager" in
    apt-get)
      output=$(apt-get -s -q upgrade 2>&1) || fail "apt-get -s upgrade failed: $output"
      missing=$(printf '%s\n' "$output" | awk '/^Inst / { print $2 }')
      ;;
    dnf | yum)
      # check-update exits 100 when updates are available, 0 when none, 1 on error.
      output=$("$manager" -q check-update 2>/dev/null)
      status=$?
      [ "$status" -eq 0 ] || [ "$status" -eq 100 ] || fail "$manager check-update failed (exit $status)"
      missing=$(printf '%s\n' "$output" | awk '/^Obsoleting/ { exit } NF == 3 && index($1, ".") > 0 { print $1 }')
      ;;
    zypper)
      output=$(zypper --non-interactive --quiet list-updates 2>&1) || fail "zypper list-updates failed: $output"
      missing=$(printf '%s\n' "$output" | awk -F'|' '$1 ~ /^v *$/ { gsub(/ /, "", $3); print $3 }')
      ;;
  esac
  count=$(printf '%s' "$missing" | awk 'NF { n++ } END { print n + 0 }')
}

install_missing() {
  case "$manager" in
    apt-get)
      DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold upgrade
      ;;
    dnf) dnf -y -q upgrade ;;
    yum) yum -y -q update ;;
    zypper) zypper --non-interactive update ;;
  esac
}

echo "Operation: $operation"
echo "Package manager: $manager"
if [ "$operation" = Install ] && [ "$manager" = apt-get ]; then
  apt-get update -q >/dev/null 2>&1 || fail "apt-get update failed"
fi
find_missing
echo "Missing: $count"
if [ "$count" -gt 0 ]; then printf '  %s\n' $missing; fi

if [ "$operation" = Scan ] || [ "$count" -eq 0 ]; then
  [ "$operation" = Install ] && echo "Installed: 0"
  exit 0
fi
install_missing || fail "$manager could not install the missing updates"
echo "Installed: $count"
if [ "$reboot_option" = RebootIfNeeded ]; then
  echo "Rebooting to complete the installation (RebootOption RebootIfNeeded)"
  exit 194
fi
exit 0
`;
