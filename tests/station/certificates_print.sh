#!/bin/sh
# The award certificates as they print: a round of the sample export is taken through
# decision, notice and award, `station round certificates` writes the HTML page, headless
# Chromium prints it to PDF, and poppler checks the PDF: one A4 landscape page
# (842 x 595 pt) per certificate, each page with 荣誉证书, the award's Chinese title, the
# holder's full name and the document number, and no ID number anywhere. Page 1 is
# rendered to WORK_DIR/certificate-1.png for a person to look at.
# Usage: certificates_print.sh STATION_BINARY SOURCE_DIR WORK_DIR
set -eu
S=$1
SRC=$2
W=$3
fail() { echo "certificates_print: $*" >&2; exit 1; }
for tool in chromium pdfinfo pdftotext pdftoppm; do
  command -v "$tool" > /dev/null || fail "$tool not installed (tools/setup.sh installs chromium and poppler-utils)"
done
rm -rf "$W" && mkdir -p "$W/certs"
export STATION_DB="$W/station.db"
T="--today 2021-06-30"
DOC='玉政函〔2020〕5号'

"$S" import $T "$SRC/assets/station/sample-export.csv" > "$W/log.txt" 2>&1 || fail "import: $(cat "$W/log.txt")"
"$S" evaluate $T --round 2019 --cutoff 2019-12-31 >> "$W/log.txt" 2>&1 || fail "evaluate"
R="$S round $T --round 2019"
$R decide --by clerk1 --ref LG-2020-03 --date 2020-03-01 >> "$W/log.txt" 2>&1 || fail "decide"
$R review --by clerk1 --date 2020-03-10 >> "$W/log.txt" 2>&1 || fail "review"
$R publish --by clerk1 --date 2020-03-15 --days 7 --contact '玉林市无偿献血委员会办公室' \
  >> "$W/log.txt" 2>&1 || fail "publish: $(cat "$W/log.txt")"
$R award --by clerk1 --ref "$DOC" --date 2020-03-25 >> "$W/log.txt" 2>&1 || fail "award: $(cat "$W/log.txt")"
$R certificates --out "$W/certs" > "$W/certs.txt" 2>&1 || fail "certificates: $(cat "$W/certs.txt")"
H="$W/certs/certificates-2019.html"
[ -f "$H" ] || fail "no $H"

# What each certificate must carry, in page order, from the page's own markup.
n=$(grep -c '<section class="cert">' "$H")
[ "$n" -gt 0 ] || fail "no certificate in $H"
sed -n 's/.*<span class="name">\([^<]*\)<\/span>.*/\1/p' "$H" > "$W/names.txt"
sed -n 's/.*<span class="award">\([^<]*\)<\/span>.*/\1/p' "$H" > "$W/titles.txt"
[ "$(wc -l < "$W/names.txt")" -eq "$n" ] || fail "names found: $(wc -l < "$W/names.txt"), certificates: $n"
[ "$(wc -l < "$W/titles.txt")" -eq "$n" ] || fail "titles found: $(wc -l < "$W/titles.txt"), certificates: $n"

# Print. Chromium runs in the foreground and the test waits for it to exit; as root it
# needs --no-sandbox; its profile stays in the work folder.
PDF="$W/certificates-2019.pdf"
HOME="$W/home" XDG_CONFIG_HOME="$W/home" XDG_CACHE_HOME="$W/home" \
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --no-first-run --no-default-browser-check --user-data-dir="$W/chromium-profile" \
  --no-pdf-header-footer --print-to-pdf="$PDF" "file://$H" > "$W/chromium.log" 2>&1 \
  || fail "chromium failed: $(tail -n 20 "$W/chromium.log")"
[ -s "$PDF" ] || fail "chromium wrote no PDF: $(tail -n 20 "$W/chromium.log")"

pdfinfo "$PDF" > "$W/pdfinfo.txt" || fail "pdfinfo"
pages=$(sed -n 's/^Pages: *//p' "$W/pdfinfo.txt")
[ "$pages" = "$n" ] || fail "$pages pages for $n certificates"
pdfinfo -f 1 -l "$pages" "$PDF" > "$W/pagesizes.txt" || fail "pdfinfo sizes"
i=1
while [ "$i" -le "$pages" ]; do
  size=$(sed -n "s/^Page *$i size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1 \2/p" "$W/pagesizes.txt")
  echo "$size" | awk '{ exit !($1 >= 841 && $1 <= 843 && $2 >= 594 && $2 <= 596) }' \
    || fail "page $i is '$size' pts, not A4 landscape (842 x 595)"
  # Letter-spacing and line breaks put white space inside words: compare without it.
  pdftotext -layout -enc UTF-8 -f "$i" -l "$i" "$PDF" - | tr -d ' \t\r\n\f' > "$W/page-$i.txt"
  name=$(sed -n "${i}p" "$W/names.txt")
  title=$(sed -n "${i}p" "$W/titles.txt" | tr -d ' ')
  for want in 荣誉证书 "$title" "$name" "$DOC"; do
    grep -qF -- "$want" "$W/page-$i.txt" || fail "page $i lacks '$want': $(cat "$W/page-$i.txt")"
  done
  i=$((i + 1))
done
pdftotext -enc UTF-8 "$PDF" - | tr -d ' \t\r\n\f' > "$W/all.txt"
if grep -qE '[0-9]{17}[0-9X]' "$W/all.txt"; then fail "an ID number is printed on a certificate"; fi
for idno in 450902198001011230 450921197505120021; do
  if grep -qF "$idno" "$W/all.txt"; then fail "ID number $idno printed"; fi
done

pdftoppm -png -r 50 -f 1 -l 1 -singlefile "$PDF" "$W/certificate-1" || fail "pdftoppm"
[ -s "$W/certificate-1.png" ] || fail "no PNG"
echo "certificates_print: $pages pages, A4 landscape, $W/certificate-1.png"
