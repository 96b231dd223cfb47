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

for c in import evaluate round notice apply issue reissue revoke collect ready-list show outbox card-status; do
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

# A cut-off in the future is named as such, not "invalid argument".
if "$S" evaluate $T --round 2022 --cutoff 2022-12-31 > /dev/null 2> "$W/err.txt"; then fail "future cut-off"; fi
grep -q "cut-off 2022-12-31 is after today" "$W/err.txt" || fail "future cut-off: $(cat "$W/err.txt")"
# Common options before the command, as the help says.
"$S" --db "$STATION_DB" --today 2021-06-30 evaluate --round 2019 --cutoff 2019-12-31 > "$W/eval.txt" || fail "evaluate"
grep -q "5 awardees" "$W/eval.txt" || fail "evaluate: $(cat "$W/eval.txt")"
"$S" notice csv --round 2019 --out "$W/notice.csv" || fail "notice csv"
"$S" notice html --round 2019 --out "$W/notice.html" || fail "notice html"
grep -q "张\*明,450902\*\*\*\*\*\*\*\*1230,是" "$W/notice.csv" || fail "notice csv content"
grep -q "@page" "$W/notice.html" || fail "notice html has no print CSS"
echo 450902198001011230 | "$S" show $T --idno - > "$W/show.txt" || fail "show"
grep -q "三星级“献血之星”" "$W/show.txt" || fail "show: $(cat "$W/show.txt")"
# The round: out of order refused naming the missing step, then every step.
R="$S round $T --round 2019"
if $R award --by clerk1 --ref 'DOC-1' > /dev/null 2> "$W/err.txt"; then fail "award before decision"; fi
grep -q "missing step: the evaluation leading group's decision (station round decide)" "$W/err.txt" || fail "order: $(cat "$W/err.txt")"
if echo 450902198001011230 | "$S" apply $T --idno - --name - --photo /nonexistent > /dev/null 2>&1; then fail "apply before award"; fi
$R decide --by clerk1 --ref LG-2020-03 --date 2020-03-01 > /dev/null 2>> "$W/steps.txt" || fail "decide"
$R review --by clerk1 --date 2020-03-10 > /dev/null 2>> "$W/steps.txt" || fail "review"
printf '[notice]
days = 7
contact = 玉林市无偿献血委员会办公室
' > "$W/station.ini"
$R publish --by clerk1 --date 2020-03-15 --config "$W/station.ini" > /dev/null 2>> "$W/steps.txt" || fail "publish"
"$S" notice html --round 2019 --out "$W/notice2.html" || fail "notice html after publish"
grep -q "公示期：2020-03-15 至 2020-03-21（7 天）" "$W/notice2.html" || fail "notice period"
echo 450902198001011230 | $R object --by clerk2 --idno - --award donor_star --received 2020-03-16 --summary '异议' > "$W/obj.txt" 2>> "$W/steps.txt" || fail "object"
grep -q "objection 1 recorded" "$W/obj.txt" || fail "objection: $(cat "$W/obj.txt")"
if $R award --by clerk1 --ref DOC-1 --date 2020-03-25 > /dev/null 2> "$W/err.txt"; then fail "award with an objection pending"; fi
grep -q "not ruled on" "$W/err.txt" || fail "pending objection: $(cat "$W/err.txt")"
"$S" round $T rule --by lead1 --objection 1 --outcome rejected --reason '无依据' > /dev/null 2>> "$W/steps.txt" || fail "rule"
$R award --by clerk1 --ref '玉政函〔2020〕5号' --date 2020-03-25 > /dev/null 2>> "$W/steps.txt" || fail "award"
mkdir -p "$W/certs"
$R certificates --out "$W/certs" > "$W/certs.txt" || fail "certificates"
grep -q "certificates-2019.html" "$W/certs.txt" || fail "certificates: $(cat "$W/certs.txt")"
[ "$(stat -c %a "$W/certs/certificates-2019.html")" = 600 ] || fail "certificates not 0600"
grep -q "荣誉证书" "$W/certs/certificates-2019.html" || fail "certificate text"
$R ledger --out "$W/ledger.csv" || fail "ledger"
$R export --by clerk1 --out "$W/certs/integrity-2019.csv" > /dev/null 2> "$W/export-log.txt" || fail "export"
[ "$(stat -c %a "$W/certs/integrity-2019.csv")" = 600 ] || fail "export not 0600"
grep -q "integrity record exported by clerk1" "$W/export-log.txt" || fail "export not logged"
$R show > "$W/round.txt" || fail "round show"
grep -q "round 2019: awarded" "$W/round.txt" || fail "round show: $(cat "$W/round.txt")"
grep -q "reviewed -> notice" "$W/round.txt" || fail "journal: $(cat "$W/round.txt")"

# Unknown cards are named as such, not "invalid argument".
if "$S" revoke --card YL20210000000183 --reason lost --staff s1 > /dev/null 2> "$W/err.txt"; then fail "revoke unknown"; fi
grep -q "no card in use with this number" "$W/err.txt" || fail "revoke unknown: $(cat "$W/err.txt")"
if "$S" collect --card YL20210000000183 > /dev/null 2> "$W/err.txt"; then fail "collect unknown"; fi
grep -q "no card with this number was issued here" "$W/err.txt" || fail "collect unknown: $(cat "$W/err.txt")"
if "$S" collect --card YL123 > /dev/null 2> "$W/err.txt"; then fail "collect malformed"; fi
grep -q "not a unified card number" "$W/err.txt" || fail "collect malformed: $(cat "$W/err.txt")"
"$S" ready-list > /dev/null || fail "ready-list"
"$S" outbox list > /dev/null || fail "outbox"
if "$S" card-status --card YL20210000000183 --generation 0 > "$W/status.txt"; then fail "card-status of a card never issued"; fi
grep -q "never issued by this station" "$W/status.txt" || fail "card-status: $(cat "$W/status.txt")"

# Nothing personal in clear anywhere the program wrote for people to read.
for f in "$W"/*.txt "$W/notice.csv" "$W/notice.html" "$W/notice2.html"; do
  for secret in 450902198001011230 450921197505120021 张三明 欧阳小明 陈志愿; do
    if grep -q "$secret" "$f"; then fail "$secret in clear in $f"; fi
  done
done
echo "test_cli: all passed"
