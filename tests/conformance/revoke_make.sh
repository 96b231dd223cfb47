#!/bin/sh
# kiosk revoke make (card-spec section 10, point 12): an operator's list made and signed
# without the centre loads and verifies in the terminal, its entries answer lookups,
# and bad input (an ID number for a card number, an existing file, no key) is refused
# with the documented exit status. Usage: revoke_make.sh KIOSK
set -eu
KIOSK=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k.pem" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$T/k.pem" -out "$T/key.pem"
openssl ec -in "$T/key.pem" -pubout -out "$T/pub.pem" 2>/dev/null
printf '# revoked at the desk\nYL20240000030106\nYL20240000040291 2\n\nYL20240000050379 below 3\n' >"$T/e.txt"
"$KIOSK" revoke make --sign "$T/key.pem" --out "$T/l.yrl" --entries "$T/e.txt" --version 7 ||
  fail "make"
"$KIOSK" revoke show --list --file "$T/l.yrl" --key "$T/pub.pem" >"$T/show" || fail "show"
grep -q 'version 7,.* 3 entries' "$T/show" || fail "header: $(cat "$T/show")"
grep -qx 'YL20240000050379 below 3' "$T/show" || fail "below entry"
rc=0; "$KIOSK" revoke lookup YL20240000030106 --file "$T/l.yrl" --key "$T/pub.pem" || rc=$?
[ $rc -eq 1 ] || fail "lookup of a revoked card: exit $rc"
rc=0; "$KIOSK" revoke lookup YL20240000050379 3 --file "$T/l.yrl" --key "$T/pub.pem" || rc=$?
[ $rc -eq 0 ] || fail "generation 3 is not below 3: exit $rc"
# Another key: the terminal refuses the list.
openssl ecparam -name prime256v1 -genkey -noout -out "$T/k2.pem" 2>/dev/null
openssl ec -in "$T/k2.pem" -pubout -out "$T/pub2.pem" 2>/dev/null
rc=0; "$KIOSK" revoke show --file "$T/l.yrl" --key "$T/pub2.pem" >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "a list signed by another key was accepted"
# An ID number is not a card number; the message does not quote it.
printf '450902198506121232\n' >"$T/bad.txt"
rc=0; "$KIOSK" revoke make --sign "$T/key.pem" --out "$T/b.yrl" --entries "$T/bad.txt" 2>"$T/err" || rc=$?
[ $rc -eq 2 ] || fail "ID number accepted: exit $rc"
! grep -q 450902 "$T/err" || fail "the bad line was quoted"
[ ! -e "$T/b.yrl" ] || fail "a file was left after a refusal"
for bad in 'YL20240000030106 below 0' 'YL20240000030107' 'YL20240000030106 1 2' 'YL20240000030106 x'; do
  printf '%s\n' "$bad" >"$T/bad.txt"
  rc=0; "$KIOSK" revoke make --sign "$T/key.pem" --out "$T/b.yrl" --entries "$T/bad.txt" 2>/dev/null || rc=$?
  [ $rc -eq 2 ] || fail "'$bad' accepted: exit $rc"
done
rc=0; "$KIOSK" revoke make --sign "$T/key.pem" --out "$T/l.yrl" 2>/dev/null || rc=$?
[ $rc -eq 1 ] || fail "an existing file was overwritten: exit $rc"
rc=0; "$KIOSK" revoke make --out "$T/c.yrl" 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "no key: exit $rc"
"$KIOSK" revoke make --sign "$T/key.pem" --out "$T/empty.yrl" >/dev/null || fail "empty list"
"$KIOSK" revoke show --file "$T/empty.yrl" --key "$T/pub.pem" | grep -q ' 0 entries' || fail "empty"
echo "revoke_make: ok"
