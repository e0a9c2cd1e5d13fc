#!/usr/bin/env bash
# The README's test command. On a machine with only the .NET SDK it:
#   1. installs the Debian packages of tests/apt-packages.txt that are missing (as root; otherwise names them and fails),
#   2. restores the pinned pwsh (.config/dotnet-tools.json) and Pester 5.7.1 (tests/Pester/restore),
#   3. builds the solution and runs every xunit suite (engine, module, e2e),
#   4. runs Invoke-Pester tests/Pester in pwsh,
# and ends with one line "N passed, N failed, N skipped" (all suites together); exits non-zero on any failure.
# Usage: bash tests/run.sh [Debug|Release]     bash tests/run.sh --packages   (step 1 only; .ci/run uses it before fuzzing)
# PXEPOWERSHELL_SKIP_E2E=1 skips the firmware lab.
set -uo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "$1"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
}

install_packages() {
    local packages=() missing=() p
    while read -r p _; do
        case "$p" in ''|'#'*) ;; *) packages+=("$p") ;; esac
    done < tests/apt-packages.txt
    for p in "${packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing Debian packages (tests/apt-packages.txt): ${missing[*]}"
        echo "install them as root: apt-get install --no-install-recommends ${missing[*]}"
        return 1
    fi
    echo "installing the missing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || return 1
    apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" || return 1
    # tftpd-hpa and nginx start a service on install; the tests only need the binaries (and ports 69/80 free).
    for p in tftpd-hpa nginx; do
        service "$p" stop >/dev/null 2>&1 || true
        systemctl disable --now "$p" >/dev/null 2>&1 || true
    done
}

# The ARM64 firmware lab (tests/e2e Arm64BootTests) boots arm64 binaries from Debian: the signed network GRUB, the GRUB
# modules that grub-mkimage builds the HTTP-boot GRUB from (grub-efi-arm64-bin, the version of grub-common) and the
# current arm64 kernel, downloaded by exact name from the Debian mirror and unpacked into /var/cache/pxeps-arm64/x.
# Idempotent: downloads only what is missing. Only as root (the e2e lab needs root anyway).
arm64_cache=/var/cache/pxeps-arm64
prepare_arm64() {
    [ "$(id -u)" -eq 0 ] || return 0
    local signed="$arm64_cache/x/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed" modules="$arm64_cache/x/usr/lib/grub/arm64-efi/http.mod"
    [ -f "$signed" ] && [ -f "$modules" ] && ls "$arm64_cache"/x/boot/vmlinuz-* >/dev/null 2>&1 && return 0
    echo "preparing the ARM64 lab (grub-efi-arm64-signed:arm64, grub-efi-arm64-bin:arm64 and the arm64 kernel) in $arm64_cache"
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 || return 1
    apt-get update -q || return 1
    local kernel packages=()
    if [ ! -f "$signed" ] || ! ls "$arm64_cache"/x/boot/vmlinuz-* >/dev/null 2>&1; then
        kernel=$(apt-cache depends linux-image-arm64:arm64 | awk '/Depends: linux-image-[0-9]/ { sub(":arm64", "", $2); print $2; exit }')
        [ -n "$kernel" ] || { echo "no kernel package behind linux-image-arm64:arm64"; return 1; }
        packages+=(grub-efi-arm64-signed:arm64 "$kernel:arm64")
    fi
    if [ ! -f "$modules" ]; then
        # The arm64 GRUB modules grub-mkimage builds the HTTP-boot GRUB from (docs/arm64.md): exactly the version of this
        # host's grub-common, whose grub-mkimage reads them.
        local version
        version=$(dpkg-query -W -f='${Version}' grub-common) || { echo "grub-common is not installed"; return 1; }
        packages+=("grub-efi-arm64-bin:arm64=$version")
    fi
    mkdir -p "$arm64_cache/x" && chmod 755 "$arm64_cache"
    (cd "$arm64_cache" && apt-get download -q "${packages[@]}") || return 1
    local deb
    for deb in "$arm64_cache"/*.deb; do
        dpkg -x "$deb" "$arm64_cache/x" || return 1
    done
    rm -f "$arm64_cache"/*.deb
}

if [ "${1:-}" = "--packages" ]; then
    install_packages || exit 1
    prepare_arm64 || exit 1
    exit 0
fi

configuration="${1:-Release}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

install_packages || fail "the Debian packages the tests use are missing"
prepare_arm64 || fail "preparing the ARM64 lab's GRUB and kernel failed (tests/run.sh prepare_arm64)"
dotnet tool restore >/dev/null || fail "dotnet tool restore failed (pwsh, .config/dotnet-tools.json)"
dotnet restore tests/Pester/restore -nologo >/dev/null || fail "restoring Pester 5.7.1 failed (tests/Pester/restore)"

if ! dotnet build PxePowerShell.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
    fail "build failed"
fi

dotnet test PxePowerShell.sln -c "$configuration" --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 24, Skipped: 0, Total: 24, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed: ' "$log" | awk -F'[:,]' '
    { failed += $2; passed += $4; skipped += $6 } END { printf "%d %d %d\n", passed, failed, skipped }')
assemblies=$(grep -cE '(Passed|Failed)! +- +Failed: ' "$log")
expected=$(grep -c '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | awk -F: '{ s += $2 } END { print s }')
if [ "$assemblies" -lt "$expected" ]; then
    echo "only $assemblies of $expected test assemblies reported a summary (a test host crashed or was aborted)"
    failed=$((failed + 1))
    status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "xunit: ${passed} passed, ${failed} failed, ${skipped} skipped"

# Pester in the pinned pwsh; tests/Pester/run.ps1 prints "pester: N passed, N failed, N skipped".
dotnet pwsh -NoProfile -NonInteractive -File tests/Pester/run.ps1 2>&1 | tee "$log"
pester_status=${PIPESTATUS[0]}
if read -r p f s < <(grep -E '^pester: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1 | tr -dc '0-9 \n' | awk '{ print $1, $2, $3 }') && [ -n "${p:-}" ]; then
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
else
    echo "Invoke-Pester did not report its counts"
    failed=$((failed + 1))
fi
if [ "$pester_status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    failed=$((failed + 1))
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "$pester_status" -eq 0 ] && [ "$failed" -eq 0 ]
