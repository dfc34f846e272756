#!/bin/sh
# Writes the import fixtures as LibreOffice saves them. Needs LibreOffice
# (Debian: libreoffice-calc-nogui). Run from checks/accounts:
#   sh testdata/make.sh
# Each list is saved as XLSX and as CSV: UTF-8 with commas, UTF-8 with
# semicolons, and UTF-16 with tabs ("Unicode text"). The filter options are
# separator, quote, character set (76 UTF-8, 65535 UTF-16), first line.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./testdata/make "$tmp/changes-src.xlsx" "$tmp/staff-src.xlsx"
for list in changes staff; do
	src="$tmp/$list-src.xlsx"
	soffice --headless --norestore --convert-to 'xlsx:Calc MS Excel 2007 XML' --outdir "$tmp/xlsx" "$src" >/dev/null
	cp "$tmp/xlsx/$list-src.xlsx" "testdata/$list-libreoffice.xlsx"
	for v in "comma:44,34,76,1" "semicolon:59,34,76,1" "utf16-tab:9,34,65535,1"; do
		name=${v%%:*}
		opts=${v#*:}
		soffice --headless --norestore --convert-to "csv:Text - txt - csv (StarCalc):$opts" --outdir "$tmp/$name" "$src" >/dev/null
		cp "$tmp/$name/$list-src.csv" "testdata/$list-libreoffice-$name.csv"
	done
done
