#!/bin/sh
# The `station` program end to end on the sample exports (assets/station): every
# subcommand's --help, import (UTF-8, then the GBK copy: already present), a refused
# file, evaluate, notice csv|html, show; names and ID numbers never in clear on stdout
# or stderr.  Usage: test_cli.sh STATION_BINARY SOURCE_DIR WORK_DIR
set -eu
S=$1
SRC=$2
W=$3
rm -rf "$W" && mkdir -p "$W"
export STATION_DB="$W/station.db"
T="--today 2021-06-30"
fail() { echo "test_cli: $*" >&2; exit 1; }

for c in import evaluate notice apply issue reissue revoke collect ready-list show outbox card-status; do
  "$S" $c --help > "$W/help.txt" || fail "$c --help"
  grep -q "usage:" "$W/help.txt" || fail "$c --help prints no usage"
done
"$S" > /dev/null 2>&1 && fail "no command must be a usage error"
"$S" frobnicate > /dev/null 2>&1 && fail "unknown command accepted"

"$S" import $T "$SRC/assets/station/sample-export.csv" > "$W/out.txt" 2>&1 || fail "import: $(cat "$W/out.txt")"
grep -q "263 added" "$W/out.txt" || fail "import counts: $(cat "$W/out.txt")"
"$S" import $T "$SRC/assets/station/sample-export.csv" > "$W/out.txt" 2>&1 || fail "re-import"
grep -q "already imported" "$W/out.txt" || fail "re-import not recognised"
"$S" import $T "$SRC/assets/station/sample-export-gbk.csv" > "$W/out.txt" 2>&1 || fail "GBK import"
grep -q "GBK/GB18030.*0 added, 263 already present" "$W/out.txt" || fail "GBK: $(cat "$W/out.txt")"
[ "$(stat -c %a "$STATION_DB")" = 600 ] || fail "database mode is not 0600"

# A refused file: every bad line listed, exit 1, nothing imported.
printf 'record_id,donor_id,id_number,name,date,kind,amount,site\nX1,D9,450902198001011231,某某某,2019-01-01,whole_blood,400,s\nX2,D9,450902198001011230,张三明,2030-01-01,whole_blood,400,s\nX3,D9,450902198001011230,张三明,2019-01-01,whole_blood,-5,s\n' > "$W/bad.csv"
if "$S" import $T "$W/bad.csv" > "$W/out.txt" 2> "$W/err.txt"; then fail "bad file accepted"; fi
grep -q "bad.csv:2: id_number: check digit" "$W/err.txt" || fail "line 2: $(cat "$W/err.txt")"
grep -q "bad.csv:3: date: in the future" "$W/err.txt" || fail "line 3"
grep -q "bad.csv:4: amount: must be more than zero" "$W/err.txt" || fail "line 4"
grep -q "3 of 3 rows are bad" "$W/err.txt" || fail "summary"

"$S" evaluate $T --round 2019 --cutoff 2019-12-31 > "$W/eval.txt" || fail "evaluate"
grep -q "5 awardees" "$W/eval.txt" || fail "evaluate: $(cat "$W/eval.txt")"
"$S" notice csv --round 2019 --out "$W/notice.csv" || fail "notice csv"
"$S" notice html --round 2019 --out "$W/notice.html" || fail "notice html"
grep -q "张\*明,450902\*\*\*\*\*\*\*\*1230,是" "$W/notice.csv" || fail "notice csv content"
grep -q "@page" "$W/notice.html" || fail "notice html has no print CSS"
echo 450902198001011230 | "$S" show $T --idno - > "$W/show.txt" || fail "show"
grep -q "三星级“献血之星”" "$W/show.txt" || fail "show: $(cat "$W/show.txt")"
"$S" ready-list > /dev/null || fail "ready-list"
"$S" outbox list > /dev/null || fail "outbox"
if "$S" card-status --card YL20210000000183 --generation 0 > /dev/null; then :; else fail "card-status"; fi

# Nothing personal in clear anywhere the program wrote for people to read.
for f in "$W"/*.txt "$W/notice.csv" "$W/notice.html"; do
  for secret in 450902198001011230 450921197505120021 张三明 欧阳小明 陈志愿; do
    if grep -q "$secret" "$f"; then fail "$secret in clear in $f"; fi
  done
done
echo "test_cli: all passed"
