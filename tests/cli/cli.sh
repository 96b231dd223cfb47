#!/usr/bin/env bash
# The command-line convention of every program (docs/cli.md) and issue 16's listed errors,
# checked by running the programs:
#
#   cli.sh PART SOURCE_DIR NAME=PATH...
#
# PART: convention (every program: --help, -h, --version, a usage error, no build path),
# kiosk, centre (centre and centre-admin), yhpki, station. Each check names what it ran.
set -uo pipefail

part=$1 src=$2; shift 2
declare -A bin
for nv in "$@"; do bin[${nv%%=*}]=${nv#*=}; done

T=$(mktemp -d /tmp/yh-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# run PROG ARGS...: sets rc, out (stdout), err (stderr); PROG is a key of bin.
run() {
  local p=$1; shift
  rc=0
  "${bin[$p]}" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
  out=$(cat "$T/out"); err=$(cat "$T/err")
}
lines() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

# expect_usage WHAT PROG_SHOWN NEEDLE: exit 2, nothing on stdout, exactly two lines on
# stderr: "PROG...: ...NEEDLE..." and "see PROG_SHOWN --help".
expect_usage() {
  local what=$1 shown=$2 needle=$3
  [ "$rc" -eq 2 ] || fail "$what: exit $rc, want 2 ($err)"
  [ -z "$out" ] || fail "$what: a usage error printed on stdout: $out"
  [ "$(lines "$err")" -eq 2 ] || fail "$what: want 2 lines on stderr, got: $err"
  [ "$(printf '%s\n' "$err" | tail -n 1)" = "see $shown --help" ] ||
    fail "$what: the last line is not 'see $shown --help': $err"
  case "$err" in *"$needle"*) ;; *) fail "$what: stderr lacks '$needle': $err" ;; esac
}

# expect_failure WHAT NEEDLE: exit 1, one line on stderr holding NEEDLE, no enum name,
# no OpenSSL stack.
expect_failure() {
  local what=$1 needle=$2
  [ "$rc" -eq 1 ] || fail "$what: exit $rc, want 1 ($err)"
  [ "$(lines "$err")" -eq 1 ] || fail "$what: want one line on stderr, got: $err"
  case "$err" in *"$needle"*) ;; *) fail "$what: stderr lacks '$needle': $err" ;; esac
  case "$err" in *_E_*|*"error:0"*|*:lib\(*) fail "$what: an internal name or a library stack: $err" ;; esac
}

convention() {
  local p shown
  for p in "${!bin[@]}"; do
    for h in --help -h; do
      run "$p" "$h"
      [ "$rc" -eq 0 ] || fail "$p $h: exit $rc ($err)"
      [ -z "$err" ] || fail "$p $h: wrote on stderr: $err"
      case "$out" in *usage*) ;; *) fail "$p $h: no usage on stdout: $out" ;; esac
    done
    run "$p" --version
    [ "$rc" -eq 0 ] || fail "$p --version: exit $rc ($err)"
    printf '%s\n' "$out" | grep -Eq "^$p \(Yulin honour card\) [0-9]+\.[0-9]+\.[0-9]+( \(git [0-9A-Za-z._+-]+\))?$" ||
      fail "$p --version: '$out'"
    [ "$(lines "$out")" -eq 1 ] || fail "$p --version: more than one line: $out"
    run "$p" --no-such-option
    expect_usage "$p --no-such-option" "$p" "--no-such-option"
    # the program's name, never the path it was run by
    case "$out$err" in *"$(dirname "${bin[$p]}")"*) fail "$p: prints its build path: $err" ;; esac
  done
  # the version is the project's, from the one generated header
  want=$(sed -n 's/^project(yulin_honour VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
  run kiosk --version
  case "$out" in "kiosk (Yulin honour card) $want"*) ;; *) fail "kiosk --version: '$out', want $want" ;; esac
}

kiosk_part() {
  local c
  for c in config sites journal revoke decide verify run ctl; do
    run kiosk "$c" --help
    [ "$rc" -eq 0 ] && [ -z "$err" ] || fail "kiosk $c --help: exit $rc ($err)"
    case "$out" in *"usage: kiosk"*) ;; *) fail "kiosk $c --help: $out" ;; esac
    run kiosk "$c" --version
    [ "$rc" -eq 0 ] || fail "kiosk $c --version: exit $rc"
    case "$out" in "kiosk (Yulin honour card) "*) ;; *) fail "kiosk $c --version: $out" ;; esac
  done
  run kiosk
  expect_usage "kiosk (no command)" kiosk "a command is expected"
  run kiosk frobnicate
  expect_usage "kiosk frobnicate" kiosk "unknown command 'frobnicate'"
  run kiosk sites --frob
  expect_usage "kiosk sites --frob" "kiosk sites" "unexpected argument '--frob'"
  run kiosk journal
  expect_usage "kiosk journal" "kiosk journal" "expected verify, export or status"
  run kiosk journal export --from 5 --to 2
  expect_usage "kiosk journal export --from 5 --to 2" "kiosk journal" "--from 5 is after --to 2"
  run kiosk journal export --from x
  expect_usage "kiosk journal export --from x" "kiosk journal" "--from"
  run kiosk verify --timeout=abc
  expect_usage "kiosk verify --timeout=abc" "kiosk verify" "--timeout: expected a number"
  run kiosk config
  expect_usage "kiosk config" "kiosk config" "expected check or defaults"
  # a configuration file that cannot be used is a failure naming it, not a usage error
  printf '[terminal]\nmode = gate\nmode = bus\n' >"$T/bad.ini"
  run kiosk config check --config "$T/bad.ini"
  [ "$rc" -eq 1 ] || fail "kiosk config check bad.ini: exit $rc, want 1"
  case "$err" in *"$T/bad.ini:3"*) ;; *) fail "kiosk config check: no file:line: $err" ;; esac
  run kiosk station --version
  case "$out" in "kiosk station (Yulin honour card) "*) ;; *) fail "kiosk station --version: $out ($err)" ;; esac
}

centre_part() {
  local A=centre-admin
  cd "$T" || exit 1
  run "$A" keygen "$T/sign.key" "$T/sign.pub"
  [ "$rc" -eq 0 ] || fail "keygen: exit $rc ($err)"
  cat >"$T/c.conf" <<CONF
[listen]
port = 0
[tls]
cert = $T/missing-server.pem
key = $T/missing-server.key.pem
ca = $T/missing-ca.pem
[signing]
key = $T/sign.key
[store]
db = $T/centre.db
[reports]
sites = $src/assets/sites.ini
CONF
  # terminal register: ids checked, the site against the registry
  run "$A" --config "$T/c.conf" terminal register bad/id park.x
  expect_usage "terminal register bad/id" "$A" "terminal register: ID: expected"
  run "$A" --config "$T/c.conf" terminal register 11010519491231002X park.yl-museum
  expect_usage "terminal register ID-shaped" "$A" "not shaped like a citizen ID"
  case "$err" in *11010519491231002X*) fail "an ID-shaped terminal id echoed: $err" ;; esac
  run "$A" --config "$T/c.conf" terminal register T0101 yl-museum
  expect_failure "terminal register T0101 yl-museum" "site yl-museum is not in the site registry $src/assets/sites.ini"
  run "$A" --config "$T/c.conf" terminal register T0101 park.yl-museum
  [ "$rc" -eq 0 ] || fail "terminal register T0101 park.yl-museum (the docs' example): exit $rc ($err)"
  run "$A" --config "$T/c.conf" terminal register T0101 park.yl-museum
  expect_failure "terminal register twice" "terminal T0101 is registered already"
  run "$A" --config "$T/c.conf" terminal retire T9999
  expect_failure "terminal retire unknown" "no terminal T9999"
  # staff: usage errors in two lines (see centre-admin --help), failures in one (exit 1)
  local S=park.yl-museum
  run "$A" --config "$T/c.conf" staff
  expect_usage "staff (no command)" "$A" "staff: expected add, disable, list or policy"
  run "$A" --config "$T/c.conf" staff frob
  expect_usage "staff frob" "$A" "staff frob: expected add SITE ID"
  run "$A" --config "$T/c.conf" staff add "$S"
  expect_usage "staff add SITE" "$A" "staff add: expected add SITE ID"
  run "$A" --config "$T/c.conf" staff add "$S" S01
  expect_usage "staff add without --name" "$A" "staff add: --name NAME is required"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name
  expect_usage "staff add --name (no value)" "$A" "staff add: --name needs a value"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --role boss
  expect_usage "staff add --role boss" "$A" "staff add: --role: expected staff or supervisor"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --to 2026-13-01
  expect_usage "staff add --to 2026-13-01" "$A" "staff add: --to: expected a date YYYY-MM-DD"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --frob 1
  expect_usage "staff add --frob" "$A" "staff add: unexpected argument '--frob'"
  run "$A" --config "$T/c.conf" staff add "bad site" S01 --name Li
  expect_usage "staff add 'bad site'" "$A" "staff add: SITE: expected a site id"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --pin-file "$T/no-pin"
  expect_failure "staff add --pin-file missing" "staff add: --pin-file $T/no-pin: cannot read it"
  : >"$T/empty-pin"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --pin-file "$T/empty-pin"
  expect_usage "staff add, an empty PIN file" "$A" "staff add: expected the PIN on the first line of $T/empty-pin"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li
  expect_usage "staff add, no PIN on stdin" "$A" "staff add: expected the PIN on the first line of stdin"
  printf '12\n' >"$T/short-pin"
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --pin-file "$T/short-pin"
  expect_usage "staff add, a short PIN" "$A" "staff add: the PIN ($T/short-pin) must be"
  printf '24681357\n' >"$T/pin"
  run "$A" --config "$T/c.conf" staff add "$S" 11010519491231002X --name Li --pin-file "$T/pin"
  expect_usage "staff add ID-shaped" "$A" "staff add: a field is malformed"
  case "$err" in *11010519491231002X*) fail "an ID-shaped staff id echoed: $err" ;; esac
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --pin-file "$T/pin"
  [ "$rc" -eq 0 ] || fail "staff add S01: exit $rc ($err)"
  case "$out$err" in *24681357*) fail "the PIN printed: $out$err" ;; esac
  run "$A" --config "$T/c.conf" staff add "$S" S01 --name Li --pin-file "$T/pin"
  expect_failure "staff add twice" "staff add: S01 is active at $S already"
  run "$A" --config "$T/c.conf" staff disable "$S" S99
  expect_failure "staff disable unknown" "staff disable: no active staff S99 at $S"
  run "$A" --config "$T/c.conf" staff policy "$S" --pin-min x
  expect_usage "staff policy --pin-min x" "$A" "staff policy: --pin-min: expected"
  run "$A" --config "$T/c.conf" staff policy "$S" --pin-min 99
  expect_usage "staff policy --pin-min 99" "$A" "staff policy: expected --pin-min 6..16"
  run "$A" --config "$T/c.conf" staff list "bad site"
  expect_usage "staff list 'bad site'" "$A" "staff list: SITE: expected a site id"
  # card revoke: the generation is a number
  run "$A" --config "$T/c.conf" card revoke YL20190000000184 --generation x
  expect_usage "card revoke --generation x" "$A" "card revoke: --generation: expected a number"
  run "$A" --config "$T/c.conf" card revoke YL20190000000184 --generation
  expect_usage "card revoke --generation (no value)" "$A" "--generation needs a value"
  run "$A" --config "$T/c.conf" card revoke YL20190000000184 --frob
  expect_usage "card revoke --frob" "$A" "unexpected argument --frob"
  # report usage: an inverted range is a usage error, not an empty report
  run "$A" --config "$T/c.conf" report usage 2026-12 2026-01
  expect_usage "report usage 2026-12 2026-01" "$A" "FROM is after TO"
  run "$A" --config "$T/c.conf" frob
  expect_usage "centre-admin frob" "$A" "unknown command 'frob'"
  run "$A" terminal list
  expect_usage "centre-admin without --config" "$A" "--config FILE must come first"
  # a configuration that is not there: its path once, exit 1
  run "$A" --config /nonexistent.conf terminal list
  expect_failure "--config /nonexistent.conf" "/nonexistent.conf"
  [ "$(grep -o /nonexistent.conf <<<"$err" | wc -l)" -eq 1 ] || fail "the path printed more than once: $err"
  # a centre whose certificate is missing: one line naming the file and its key
  run centre --config "$T/c.conf"
  expect_failure "centre with a missing certificate" "tls.cert $T/missing-server.pem: No such file or directory"
  run centre
  expect_usage "centre (no --config)" centre "--config FILE is required"
  run centre --config
  expect_usage "centre --config (no value)" centre "--config needs a value"
}

yhpki_part() {
  run yhpki new-terminal /nonexistent T1
  expect_failure "yhpki new-terminal /nonexistent T1" "no root certificate /nonexistent/root.pem"
  case "$err" in *P-256*|*SM2*) fail "new-terminal on a missing PKI blames the suite: $err" ;; esac
  run yhpki init-root "$T/pki"
  [ "$rc" -eq 0 ] || fail "init-root: exit $rc ($err)"
  case "$out" in *"wrote $T/pki/private/root.key.pem (mode 0600): root private key"*) ;;
    *) fail "init-root does not say it wrote the root key 0600: $out" ;; esac
  case "$out" in *"wrote $T/pki/root.pem (mode 0644)"*) ;; *) fail "init-root: root.pem: $out" ;; esac
  printf '%s\n' "$out" | grep -Eq '^root key id [0-9a-f]{16}$' || fail "init-root: no key id: $out"
  run yhpki init-root "$T/pki"
  expect_failure "yhpki init-root twice" "already has a root; refusing to overwrite it"
  run yhpki new-issuer "$T/pki" desk p256
  [ "$rc" -eq 0 ] || fail "new-issuer: exit $rc ($err)"
  case "$out" in *"wrote $T/pki/private/issuer-desk.key.pem (mode 0600)"*) ;; *) fail "new-issuer: $out" ;; esac
  printf '%s\n' "$out" | grep -Eq '^issuer key id [0-9a-f]{16}$' || fail "new-issuer: no key id: $out"
  run yhpki new-terminal "$T/pki" T1
  case "$out" in *"wrote $T/pki/tls/terminal-T1.key.pem (mode 0600)"*) ;; *) fail "new-terminal: $out ($err)" ;; esac
  run yhpki new-server "$T/pki" centre
  case "$out" in *"wrote $T/pki/tls/server-centre.pem (mode 0644)"*) ;; *) fail "new-server: $out ($err)" ;; esac
  run yhpki new-terminal "$T/pki" T1
  expect_failure "new-terminal twice" "exists already; refusing to overwrite"
  run yhpki init-root "$T/pki2" --days x
  expect_usage "init-root --days x" yhpki "--days: expected a number"
  run yhpki new-issuer "$T/pki" x rsa
  expect_usage "new-issuer rsa" yhpki "expected p256 or sm2"
  run yhpki
  expect_usage "yhpki (no command)" yhpki "a command is expected"
}

station_part() {
  cd "$T" || exit 1
  run station --db "$T/s.db" import "$T/nonexistent.csv"
  expect_failure "station import of a missing file" "$T/nonexistent.csv: cannot read it: No such file or directory"
  ls "$T"/s.db* >/dev/null 2>&1 && fail "a failed import left a database behind: $(ls "$T")"
  printf 'not,a,header\n1,2,3\n' >"$T/bad.csv"
  run station --db "$T/s.db" import "$T/bad.csv"
  [ "$rc" -eq 1 ] || fail "station import bad.csv: exit $rc"
  ls "$T"/s.db* >/dev/null 2>&1 && fail "a refused import left a new database behind"
  run station import --frob
  expect_usage "station import --frob" "station import" "unrecognized option '--frob'"
  run station frob
  expect_usage "station frob" station "unknown command 'frob'"
  run station
  expect_usage "station (no command)" station "a command is expected"
  run station import --help
  [ "$rc" -eq 0 ] && [ -z "$err" ] || fail "station import --help: exit $rc ($err)"
  run station --today 2026-13-01 show --person 1
  expect_usage "station --today 2026-13-01" station "--today: expected a date"
}

yhvectors_part() {
  run yhvectors
  expect_usage "yhvectors (no command)" yhvectors "a command is expected"
  run yhvectors frob
  expect_usage "yhvectors frob" yhvectors "unknown command 'frob'"
  run yhvectors make-pki
  expect_usage "yhvectors make-pki (no DIR)" yhvectors "make-pki: expected one DIR"
  run yhvectors generate "$T/pki"
  expect_usage "yhvectors generate PKI" yhvectors "generate: expected PKI_DIR OUT_DIR"
  run yhvectors replay "$T/x.txt"
  expect_usage "yhvectors replay FILE" yhvectors "replay: expected --reader NAME"
  run yhvectors replay --reader
  expect_usage "yhvectors replay --reader" yhvectors "--reader needs a value"
  run yhvectors replay --reader R
  expect_usage "yhvectors replay --reader R" yhvectors "at least one TRANSCRIPT"
  run yhvectors replay --reader R --help
  [ "$rc" -eq 0 ] && [ -z "$err" ] || fail "yhvectors replay --help: exit $rc ($err)"
  # a usage error writes nothing
  [ ! -e "$T/pki" ] || fail "a usage error wrote $T/pki"
}

case $part in
  convention) convention ;;
  yhvectors) yhvectors_part ;;
  kiosk) kiosk_part ;;
  centre) centre_part ;;
  yhpki) yhpki_part ;;
  station) station_part ;;
  *) echo "cli.sh: unknown part $part" >&2; exit 2 ;;
esac
if [ "$fails" -ne 0 ]; then
  echo "cli.sh $part: $fails check(s) failed" >&2
  exit 1
fi
echo "cli.sh $part: all checks passed"
