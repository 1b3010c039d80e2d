package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"text/tabwriter"

	"github.com/daaskit/daas"
)

// printJSON writes v as indented JSON, every unsafe character of its
// strings escaped.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(jsonWriter{w})
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printJSONLine writes v as one line of JSON, as printJSON does.
func printJSONLine(w io.Writer, v any) error {
	return json.NewEncoder(jsonWriter{w}).Encode(v)
}

// printTable writes a header and rows aligned in columns, each cell
// cleaned: a cell cannot break its row or column.
func printTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				io.WriteString(tw, "\t")
			}
			io.WriteString(tw, clean(c))
		}
		io.WriteString(tw, "\n")
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	return tw.Flush()
}

// jobJSON is a finished wait as --output json prints it, one line a job:
// the job's status as last read, in the API's names (jobs get has the
// rest), then why the wait ended without a result (Error) or the result.
type jobJSON struct {
	ID                     string         `json:"Id"`
	Type                   string         `json:"Type,omitempty"`
	Status                 daas.JobStatus `json:"Status,omitempty"`
	OverallProgressPercent *int           `json:"OverallProgressPercent,omitempty"`
	ErrorCode              string         `json:"ErrorCode,omitempty"`
	ErrorString            string         `json:"ErrorString,omitempty"`
	Error                  string         `json:"Error,omitempty"`
	Result                 any            `json:"Result,omitempty"`
}

// showOutcome prints how the wait for a job ended: a line (and the result,
// by printResult, when there is one) or a JSON line.
func (a *app) showOutcome(printResult func(any)) func(outcome) {
	return func(o outcome) {
		if a.json {
			j := jobJSON{ID: o.id, Result: o.result}
			if o.info != nil {
				v := viewOf(o.info)
				j.Type, j.Status, j.OverallProgressPercent = v.Type, v.Status, v.OverallProgressPercent
				j.ErrorCode, j.ErrorString = v.ErrorCode, v.ErrorString
			}
			if o.err != nil {
				j.Error, j.Result = message(o.err), nil
			}
			printJSONLine(a.stdout, j)
			return
		}
		status, typ := "(not read)", ""
		if o.info != nil {
			status, typ = string(o.info.Status), o.info.Type
		}
		line := fmt.Sprintf("job %s %s in %v", strings.TrimSpace(o.id+" "+typ), status, round(o.elapsed))
		if r := reason(o.err); r != "" {
			line += ": " + r
		} else if o.info != nil && o.info.Status == daas.JobStatusCompleteWithWarning {
			line += ": warning: " + o.info.ErrorString
		}
		fmt.Fprintln(a.stdout, clean(line))
		if o.err == nil && printResult != nil {
			printResult(o.result)
		}
	}
}

// reason is why a wait ended without a result, without what the line
// already says ("" when nothing): the job's error code and message for a job that ended
// badly, the error otherwise.
func reason(err error) string {
	var je *daas.JobError
	switch {
	case errors.As(err, &je) && je.Message != "" && je.Code != "" && je.Code != "Unknown":
		return je.Code + ": " + je.Message
	case errors.As(err, &je) && je.Message != "":
		return je.Message
	case errors.As(err, &je), err == nil:
		return "" // the status says it all
	}
	return message(err)
}

// collect gathers every item of a listing, or its first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	items := []T{} // JSON prints [] for none, not null
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		items = append(items, v)
	}
	return items, nil
}

// printItems prints items as JSON, or as a table of header and one row a
// item made by row.
func printItems[T any](a *app, items []T, header []string, row func(*T) []string) error {
	if a.json {
		return printJSON(a.stdout, items)
	}
	rows := make([][]string, len(items))
	for i := range items {
		rows[i] = row(&items[i])
	}
	return printTable(a.stdout, header, rows)
}

// listItems prints every item of a listing (a service's All or an
// equivalent), as printItems does, or the listing's first error.
func listItems[T any](a *app, seq iter.Seq2[T, error], header []string, row func(*T) []string) error {
	items, err := collect(seq)
	if err != nil {
		return err
	}
	return printItems(a, items, header, row)
}

// printOne prints one item (a get's answer) as a JSON object, or as a
// table of header and row.
func printOne(a *app, item any, header, row []string) error {
	if a.json {
		return printJSON(a.stdout, item)
	}
	return printTable(a.stdout, header, [][]string{row})
}

// inFolder is the list options of a --folder flag: none when empty.
func inFolder(folder string) []daas.ListOption {
	if folder == "" {
		return nil
	}
	return []daas.ListOption{daas.InFolder(folder)}
}
