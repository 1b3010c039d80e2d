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

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printJSONLine writes v as one line of JSON.
func printJSONLine(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

// printTable writes a header and rows aligned in columns.
func printTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// jobJSON is a finished wait as --output json prints it, one line a job.
type jobJSON struct {
	ID          string         `json:"id"`
	Type        string         `json:"type,omitempty"`
	Status      daas.JobStatus `json:"status,omitempty"`
	Progress    *int           `json:"progress,omitempty"`
	ErrorCode   string         `json:"errorCode,omitempty"`
	ErrorString string         `json:"errorString,omitempty"`
	Error       string         `json:"error,omitempty"` // why the wait ended without a result
	Result      any            `json:"result,omitempty"`
}

// showOutcome prints how the wait for a job ended: a line (and the result,
// by printResult, when there is one) or a JSON line.
func (a *app) showOutcome(printResult func(any)) func(outcome) {
	return func(o outcome) {
		if a.json {
			j := jobJSON{ID: o.id, Result: o.result}
			if o.info != nil {
				p := o.info.Progress
				j.Type, j.Status, j.Progress = o.info.Type, o.info.Status, &p
				if o.info.ErrorCode != "Unknown" {
					j.ErrorCode = o.info.ErrorCode
				}
				j.ErrorString = o.info.ErrorString
			}
			if o.err != nil {
				j.Error, j.Result = o.err.Error(), nil
			}
			printJSONLine(a.stdout, j)
			return
		}
		status, typ := "(not read)", ""
		if o.info != nil {
			status, typ = string(o.info.Status), o.info.Type
		}
		line := fmt.Sprintf("job %s %s %s in %v", o.id, typ, status, round(o.elapsed))
		if r := reason(o.err); r != "" {
			line += ": " + r
		} else if o.info != nil && o.info.Status == daas.JobCompleteWithWarning {
			line += ": warning: " + o.info.ErrorString
		}
		fmt.Fprintln(a.stdout, line)
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
	return strings.TrimPrefix(err.Error(), "daas: ")
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
