package hub

import (
	"io"
	"net/http"

	"mach/sync/protocol"
	"mach/sync/report"
)

// report streams the province report: every unit of the province, or the
// one of the query parameter "unit", as an XLSX workbook or a ZIP archive
// of CSV files (query parameter "format"). An error before the first byte
// is answered as usual; after it, it can only cut the file short, which the
// reader sees as a broken archive.
func (a *admin) report(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format != protocol.ReportXLSX && format != protocol.ReportCSV {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "format must be xlsx or csv")
		return
	}
	us, ok := a.s.unitsOrFail(w, r, r.URL.Query().Get("unit"))
	if !ok {
		return
	}
	opts := report.Options{Units: us}
	out := &firstByte{w: w}
	w.Header().Set("Cache-Control", "no-store")
	var err error
	if format == protocol.ReportXLSX {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = report.WriteXLSX(out, a.s.st, opts)
	} else {
		w.Header().Set("Content-Type", "application/zip")
		err = report.WriteCSVZip(out, a.s.st, opts)
	}
	if err == nil {
		return
	}
	if !out.wrote {
		a.s.fail(w, r, err)
		return
	}
	a.s.log.ErrorContext(r.Context(), "hub report cut short", "err", err)
}

// firstByte says whether anything was written through it.
type firstByte struct {
	w     io.Writer
	wrote bool
}

func (f *firstByte) Write(p []byte) (int, error) {
	f.wrote = f.wrote || len(p) > 0
	return f.w.Write(p)
}
