#!/usr/bin/env bash
# packaging.debs: build the Debian packages, lintian them, install them on this machine
# with apt as an installer would, check the installed terminal, centre and tools, then
# remove and purge them and check that nothing of theirs is left (docs/packaging.md,
# "The packaging test").
#
#   debs.sh SOURCE_DIR BUILD_DIR
#
# Installing changes the machine, so:
# - root and apt only, else skipped (status 77); YH_PACKAGING_DEBS=0 skips it too;
# - a package of ours installed by anyone but this test (a real install), or our
#   directories present without one, and the test refuses to run (status 77): it never
#   clobbers a real install;
# - one install at a time machine-wide (flock /tmp/yh-packaging.lock keeps two trees'
#   runs apart); while its packages are installed the marker $marker says they are the
#   test's, so a run that was killed is purged by the next one;
# - the purge, and the removal of what the test put in /etc/yulin-honour, run on every
#   exit, failure included. The system users yhkiosk and yhcentre stay, as Debian
#   leaves them.
# Waits are on the lock and on apt's own lock, with deadlines sized for a loaded machine.
set -euo pipefail

src=$1 bld=$2
pkgs=(yulin-honour-terminal yulin-honour-centre yulin-honour-station yulin-honour-tools)
marker_dir=/var/lib/yh-packaging-test
marker=$marker_dir/installed-by-packaging.debs
# Ours, never to exist without our packages (and never to be left after their purge).
paths=(/etc/yulin-honour /var/lib/yulin-honour /usr/share/yulin-honour /usr/share/doc/yulin-honour
       /lib/systemd/system/yulin-kiosk.service /lib/systemd/system/yulin-kiosk-x11.service
       /lib/systemd/system/yulin-centre.service /usr/bin/kiosk /usr/bin/uishot /usr/bin/station
       /usr/bin/yhpki /usr/bin/cardsim /usr/bin/cardwatch /usr/bin/yhconform /usr/bin/yhvectors
       /usr/sbin/centre /usr/sbin/centre-admin /usr/share/man/man1/kiosk.1.gz
       /usr/share/man/man8/centre.8.gz)

# A developer iterating on a loaded machine may leave it out; CI never sets this.
if [ "${YH_PACKAGING_DEBS:-1}" = 0 ]; then
  echo "skipped: YH_PACKAGING_DEBS=0"
  exit 77
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
  echo "skipped: installs packages, needs root and apt (Debian)"
  exit 77
fi
for t in dpkg-buildpackage dh fakeroot lintian scdoc systemd-analyze man flock runuser; do
  command -v "$t" >/dev/null || { echo "FAIL: $t missing (tools/setup.sh installs it)" >&2; exit 1; }
done
unset YH_DATADIR YH_SITES YH_UI_STRINGS_DIR YH_STATE_DIR

fail() { echo "FAIL: $*" >&2; exit 1; }
t0=$SECONDS tstep=$SECONDS
step() { echo "== $* (at $((SECONDS - t0)) s)"; tstep=$SECONDS; }
installed_pkgs() {
  local p
  for p in "${pkgs[@]}"; do
    if dpkg-query -W -f='${db:Status-Abbrev}\n' "$p" 2>/dev/null | grep -q '^[a-z][^n]'; then
      echo "$p"
    fi
  done
}
# Status 77 unless the machine holds nothing of ours, or only what a killed run of this
# test left (the marker).
refuse_real_install() {
  local have p
  have=$(installed_pkgs | tr '\n' ' ')
  if [ -n "$have" ] && [ ! -e "$marker" ]; then
    echo "skipped: $have installed on this machine, not by this test: it never touches a real install"
    exit 77
  fi
  if [ -z "$have" ]; then
    for p in "${paths[@]}"; do
      if [ -e "$p" ] && [ ! -e "$marker" ]; then
        echo "skipped: $p exists without our packages (an install by hand?): it never touches it"
        exit 77
      fi
    done
  fi
}
refuse_real_install

work=$bld/packaging
out=$work/debs
mkdir -p "$work"
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/yh-debs.XXXXXX")
chmod 0755 "$tmp"

step "build the packages (log: $work/build-debs.log)"
# parallel: debhelper builds with one job unless told; noddebs: no -dbgsym packages (the
# programs are still stripped, as lintian requires); nocheck: the suite is tests/run's.
export DEB_BUILD_OPTIONS="parallel=$(nproc 2>/dev/null || echo 2) noddebs nocheck"
if [ -z "${CMAKE_C_COMPILER_LAUNCHER:-}" ] && command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache
fi
YH_DEB_WORK=$work/work "$src/packaging/build-debs" "$out" >"$work/build-debs.log" 2>&1 ||
  { tail -40 "$work/build-debs.log" >&2; fail "packaging/build-debs (log: $work/build-debs.log)"; }
echo "built in $((SECONDS - tstep)) s"
debs=()
for p in "${pkgs[@]}"; do
  f=$(ls "$out/${p}"_*.deb 2>/dev/null | head -1)
  [ -n "$f" ] || fail "no $p package in $out"
  debs+=("$f")
done
ls -l "${debs[@]}"

step "lintian (no error allowed; warnings listed)"
lintian --fail-on error --display-info "${debs[@]}" >"$work/lintian.log" 2>&1 ||
  { cat "$work/lintian.log" >&2; fail "lintian reported errors (log: $work/lintian.log)"; }
grep -E '^[EWI]: ' "$work/lintian.log" || echo "lintian: nothing to report"
echo "lintian: $(grep -c '^E: ' "$work/lintian.log" || true) errors, $(grep -c '^W: ' "$work/lintian.log" || true) warnings, in $((SECONDS - tstep)) s"

step "install (waiting for the machine-wide packaging lock)"
exec 9>/tmp/yh-packaging.lock
flock -w 2400 9 || fail "the packaging lock stayed taken for 40 minutes"
refuse_real_install

apt_q=(-q -y -o DPkg::Lock::Timeout=900)
export DEBIAN_FRONTEND=noninteractive
added=() # what this test put under /etc/yulin-honour (removed before the purge)
made_gpio= # the test made the gpio group (removed on exit)
cleanup() {
  local rc=$? left
  set +e
  for f in "${added[@]}"; do rm -rf "$f"; done
  left=$(installed_pkgs)
  if [ -n "$left" ]; then
    # shellcheck disable=SC2086
    apt-get "${apt_q[@]}" purge $left >/dev/null 2>&1 || dpkg --purge $left >/dev/null 2>&1
  fi
  [ -n "$(installed_pkgs)" ] || rm -rf "$marker_dir"
  [ -z "$made_gpio" ] || groupdel gpio >/dev/null 2>&1
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

left=$(installed_pkgs | tr '\n' ' ')
if [ -n "$left" ]; then
  echo "purging what a killed run left: $left"
  # shellcheck disable=SC2086
  apt-get "${apt_q[@]}" purge $left >/dev/null
fi
for p in "${paths[@]}"; do [ ! -e "$p" ] || fail "$p exists before the install"; done

# The relay board's groups (postinst): yhkiosk stays after a purge, so a previous run's
# user is taken out of them first, else the check below proves nothing; a gpio group is
# made for the run where the system has none, to see postinst use it when it exists.
in_group() { id -nG "$1" 2>/dev/null | tr ' ' '\n' | grep -qx "$2"; }
for g in dialout gpio; do
  if in_group yhkiosk "$g"; then gpasswd -d yhkiosk "$g" >/dev/null; fi
done
if ! getent group gpio >/dev/null; then
  groupadd --system gpio
  made_gpio=1
fi

mkdir -p "$marker_dir"
echo "packaging.debs of $src installed ${pkgs[*]} (pid $$)" >"$marker"
apt-get "${apt_q[@]}" install "${debs[@]}" >"$work/apt-install.log" 2>&1 </dev/null ||
  { tail -30 "$work/apt-install.log" >&2; fail "apt-get install (log: $work/apt-install.log)"; }
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" | grep -q "install ok installed" || fail "$p not installed"
done
echo "installed in $((SECONDS - tstep)) s"

step "Depends computed from the linked libraries"
dpkg-query -W -f='${Depends}\n' yulin-honour-terminal | tee "$tmp/dep"
for lib in libpcsclite1 libsdl2 libsqlite3 libssl3 libcurl4 libespeak-ng1 adduser pcscd; do
  grep -q "$lib" "$tmp/dep" || fail "terminal Depends lacks $lib"
done
for lib in libevent libpq5 libsqlite3 libssl3 libjansson; do
  dpkg-query -W -f="\${Depends}\\n" yulin-honour-centre | grep -q "$lib" || fail "centre Depends lacks $lib"
done

step "users, directories, modes, conffiles"
id yhkiosk >/dev/null && id yhcentre >/dev/null || fail "system users missing"
# a USB relay board is /dev/ttyUSB* root:dialout; a GPIO chip root:gpio where that exists
in_group yhkiosk dialout || fail "yhkiosk is not in dialout: $(id -nG yhkiosk)"
in_group yhkiosk gpio || fail "yhkiosk is not in gpio (the group exists): $(id -nG yhkiosk)"
echo "yhkiosk groups: $(id -nG yhkiosk)"
want_mode() { # path mode owner:group
  local got
  got=$(stat -c '%a %U:%G' "$1") || fail "$1 missing"
  [ "$got" = "$2 $3" ] || fail "$1 is '$got', want '$2 $3'"
}
want_mode /var/lib/yulin-honour 755 root:root
want_mode /var/lib/yulin-honour/kiosk 700 yhkiosk:yhkiosk
want_mode /var/lib/yulin-honour/centre 700 yhcentre:yhcentre
want_mode /etc/yulin-honour/kiosk.ini 640 root:yhkiosk
want_mode /etc/yulin-honour/centre.conf 640 root:yhcentre
want_mode /etc/yulin-honour/trust 750 root:yhkiosk
want_mode /etc/yulin-honour/tls 750 root:yhkiosk
want_mode /etc/yulin-honour/pki 750 root:yhcentre
dpkg-query -W -f='${Conffiles}\n' yulin-honour-terminal | grep -q /etc/yulin-honour/kiosk.ini ||
  fail "kiosk.ini is not a conffile"
dpkg-query -W -f='${Conffiles}\n' yulin-honour-centre | grep -q /etc/yulin-honour/centre.conf ||
  fail "centre.conf is not a conffile"
dpkg-query -W -f='${Conffiles}\n' yulin-honour-centre | grep -q /etc/yulin-honour/sites.ini ||
  fail "the centre's sites.ini is not a conffile"
# What the installed centre reads besides its configuration: the console's assets at the
# datadir it looks in, and the site registry its centre.conf names.
for f in /usr/share/yulin-honour/console/console.css /usr/share/yulin-honour/console/console.js; do
  [ -f "$f" ] || fail "$f missing: an installed console would serve no style sheet"
done
grep -q '^sites = /etc/yulin-honour/sites.ini' /etc/yulin-honour/centre.conf ||
  fail "the installed centre.conf names no site registry"

step "no build path in the installed programs"
progs=$(dpkg -L "${pkgs[@]}" | grep -E '^/usr/s?bin/.')
for f in $progs; do
  if strings -a "$f" | grep -F -q -e "$src" -e "$bld"; then fail "$f holds a build path"; fi
done

step "every installed program: --version, --help, from its installed path"
cd "$tmp"
for f in $progs; do
  p=${f##*/}
  v=$("$f" --version) || fail "$f --version: exit $?"
  printf '%s\n' "$v"
  printf '%s\n' "$v" | grep -Eq "^$p \(Yulin honour card\) [0-9]+\.[0-9]+\.[0-9]+" ||
    fail "$f --version: '$v'"
  "$f" --help >/dev/null || fail "$f --help: exit $?"
done
want=$(sed -n 's/^project(yulin_honour VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
/usr/sbin/centre --version | grep -q "^centre (Yulin honour card) $want" ||
  fail "centre --version is not the project's version $want"
/usr/bin/kiosk sites | grep -q '^hosp.yl-first-people ' || fail "kiosk sites: the installed registry"
ls /usr/share/yulin-honour/card-test-vectors/transcripts/*.txt >/dev/null ||
  fail "no test vectors in /usr/share/yulin-honour/card-test-vectors"

step "man pages"
for page in kiosk.1 uishot.1 station.1 yhpki.1 cardsim.1 cardwatch.1 yhconform.1 yhvectors.1 \
            centre.8 centre-admin.8; do
  name=${page%.*} sec=${page##*.}
  got=$(man -w "$sec" "$name") || fail "man -w $sec $name"
  [ "$got" = "/usr/share/man/man$sec/$page.gz" ] || fail "man -w $sec $name: $got"
done
# what `man kiosk` shows, rendered as a terminal would
MANWIDTH=80 MANPAGER=cat man kiosk 2>"$tmp/man.err" | col -b >"$tmp/man.txt" || fail "man kiosk: $(cat "$tmp/man.err")"
grep -q "kiosk - " "$tmp/man.txt" && grep -q "SYNOPSIS" "$tmp/man.txt" || fail "man kiosk: $(head -5 "$tmp/man.txt")"
[ ! -s "$tmp/man.err" ] || fail "man kiosk warned: $(cat "$tmp/man.err")"
head -6 "$tmp/man.txt"

step "the units' Documentation= targets exist once installed"
units=(/lib/systemd/system/yulin-kiosk.service /lib/systemd/system/yulin-kiosk-x11.service
       /lib/systemd/system/yulin-centre.service)
for u in "${units[@]}"; do
  docs=$(sed -n 's/^Documentation=//p' "$u")
  [ -n "$docs" ] || fail "$u has no Documentation="
  for d in $docs; do
    case $d in
      man:*) m=${d#man:}; man -w "${m%%(*}" >/dev/null 2>&1 || fail "$u: $d is not installed" ;;
      file:*) [ -f "${d#file:}" ] || fail "$u: $d is not installed" ;;
      *) fail "$u: Documentation=$d is neither man: nor file:" ;;
    esac
    echo "$u: $d"
  done
done

step "systemd-analyze verify on the installed units"
# systemd is not PID 1 here: verify loads the units offline. It also checks that each
# ExecStart program exists and (--man=yes) that the man pages named exist.
if ! systemd-analyze verify --man=yes "${units[@]}" >"$tmp/verify" 2>&1; then
  cat "$tmp/verify" >&2
  fail "systemd-analyze verify"
fi
if grep -E 'yulin-|kiosk|centre' "$tmp/verify"; then fail "systemd-analyze verify remarks on our units"; fi
echo "systemd-analyze verify: $(wc -l <"$tmp/verify") lines, none about our units"

step "kiosk config check on the installed example, adapted to its site, PKI from the installed yhpki"
pki=$tmp/pki
tid=$(sed -n 's/^terminal_id *= *//p' /etc/yulin-honour/kiosk.ini)
[ -n "$tid" ] || fail "no terminal_id in the installed kiosk.ini"
yhpki init-root "$pki" >"$tmp/yhpki.log"
yhpki new-issuer "$pki" station-1 p256 >>"$tmp/yhpki.log"
yhpki new-terminal "$pki" "$tid" >>"$tmp/yhpki.log"
centre-admin keygen "$tmp/revocation-signer.key.pem" "$tmp/revocation-signer.pub.pem" >/dev/null
# README "Install" step 1: the trust store and the centre's signing key in trust/, the CA,
# certificate and key in tls/; group yhkiosk, the key the terminal user's own, 0600.
for f in "$pki"/trust/*; do
  cp -r "$f" /etc/yulin-honour/trust/
  added+=("/etc/yulin-honour/trust/$(basename "$f")")
done
install -m 0640 -o root -g yhkiosk "$tmp/revocation-signer.pub.pem" /etc/yulin-honour/trust/
added+=(/etc/yulin-honour/trust/revocation-signer.pub.pem)
chown -R root:yhkiosk /etc/yulin-honour/trust
find /etc/yulin-honour/trust -mindepth 1 -type d -exec chmod 0750 {} +
find /etc/yulin-honour/trust -type f -exec chmod 0640 {} +
install -m 0640 -o root -g yhkiosk "$pki/tls/ca.pem" "$pki/tls/terminal-$tid.pem" /etc/yulin-honour/tls/
install -m 0600 -o yhkiosk -g yhkiosk "$pki/tls/terminal-$tid.key.pem" /etc/yulin-honour/tls/
added+=(/etc/yulin-honour/tls/ca.pem "/etc/yulin-honour/tls/terminal-$tid.pem"
        "/etc/yulin-honour/tls/terminal-$tid.key.pem")
# README "Install" step 2: the site's own values; the staff PIN's hash from the
# installed uishot; the scheme's window renewed (the example carries the 2018 rules'
# five years, which ended on 2023-12-27: a renewal is a configuration change).
hash=$(uishot --pin-hash s4lt 246813)
renewed_end="$(($(date -u +%Y) + 3))-12-27"
sed -i -e "s|^# pin_hash = .*|pin_hash = $hash|" \
       -e "s|^url = .*|url = https://centre.yulin.example:8443|" \
       -e "s|^policy_start = .*|policy_start = 2023-12-27|" \
       -e "s|^policy_end = .*|policy_end = $renewed_end|" /etc/yulin-honour/kiosk.ini
grep -q "^pin_hash = $hash\$" /etc/yulin-honour/kiosk.ini || fail "pin_hash not set"
want_mode /etc/yulin-honour/kiosk.ini 640 root:yhkiosk
rc=0
runuser -u yhkiosk -- kiosk config check --config /etc/yulin-honour/kiosk.ini \
  >"$tmp/check.out" 2>"$tmp/check.err" || rc=$?
cat "$tmp/check.out" "$tmp/check.err"
[ "$rc" -eq 0 ] || fail "kiosk config check (as yhkiosk) refused the installed configuration (exit $rc)"
grep -q /etc/yulin-honour/kiosk.ini "$tmp/check.out" "$tmp/check.err" ||
  fail "kiosk config check does not name the file it checked"
# and a mistake is named by file and line
cp -p /etc/yulin-honour/kiosk.ini "$tmp/kiosk.ini.good"
added+=(/etc/yulin-honour/kiosk.ini.bad)
sed 's/^mode = cashier/mode = cashierx/' /etc/yulin-honour/kiosk.ini >/etc/yulin-honour/kiosk.ini.bad
rc=0
kiosk config check --config /etc/yulin-honour/kiosk.ini.bad >/dev/null 2>"$tmp/bad.err" || rc=$?
[ "$rc" -eq 1 ] || fail "kiosk config check of a bad mode: exit $rc, want 1"
line=$(grep -n '^mode = cashierx' /etc/yulin-honour/kiosk.ini.bad | cut -d: -f1)
grep -q "/etc/yulin-honour/kiosk.ini.bad:$line" "$tmp/bad.err" ||
  fail "kiosk config check does not name file:line: $(cat "$tmp/bad.err")"
rm -f /etc/yulin-honour/kiosk.ini.bad

step "a changed conffile survives a reinstall, without a question"
apt-get "${apt_q[@]}" install --reinstall "${debs[0]}" >"$work/apt-reinstall.log" 2>&1 </dev/null ||
  { tail -20 "$work/apt-reinstall.log" >&2; fail "reinstall"; }
cmp -s /etc/yulin-honour/kiosk.ini "$tmp/kiosk.ini.good" || fail "the reinstall changed kiosk.ini"
want_mode /etc/yulin-honour/kiosk.ini 640 root:yhkiosk
want_mode /var/lib/yulin-honour/kiosk 700 yhkiosk:yhkiosk

step "remove keeps the configuration; purge leaves nothing"
dpkg -L "${pkgs[@]}" | sort -u >"$tmp/owned"
for f in "${added[@]}"; do rm -rf "$f"; done
added=()
apt-get "${apt_q[@]}" remove "${pkgs[@]}" >"$work/apt-remove.log" 2>&1 </dev/null ||
  { tail -20 "$work/apt-remove.log" >&2; fail "apt-get remove"; }
[ ! -e /usr/bin/kiosk ] || fail "/usr/bin/kiosk left after remove"
cmp -s /etc/yulin-honour/kiosk.ini "$tmp/kiosk.ini.good" || fail "remove did not keep kiosk.ini"
# Removed packages installed from files are in no apt source any more: apt cannot name
# them, dpkg purges them (README "Install").
dpkg --purge "${pkgs[@]}" >"$work/dpkg-purge.log" 2>&1 </dev/null ||
  { tail -20 "$work/dpkg-purge.log" >&2; fail "dpkg --purge"; }
[ -z "$(installed_pkgs)" ] || fail "still known to dpkg after the purge: $(installed_pkgs)"
for p in "${paths[@]}"; do [ ! -e "$p" ] || fail "$p left after the purge"; done
# every file the packages held (directories shared with others, like /usr/bin, stay)
while IFS= read -r f; do
  [ -d "$f" ] && continue # a directory (or a link to one, /lib) shared with others
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f left after the purge"
done <"$tmp/owned"
for d in /usr /etc /var/lib; do
  stray=$(find "$d" -xdev \( -name '*yulin-honour*' -o -name 'yulin-*.service' \) -print 2>/dev/null | head -5)
  [ -z "$stray" ] || fail "left after the purge: $stray"
done
if dpkg-statoverride --list | grep -q yulin-honour; then fail "a statoverride left after the purge"; fi
for g in dialout gpio; do
  ! in_group yhkiosk "$g" || fail "yhkiosk still in $g after the purge"
done
rm -rf "$marker_dir"
echo "ok: built, lintian clean, installed, checked, reinstalled, removed, purged in $((SECONDS - t0)) s"
