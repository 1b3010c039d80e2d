package main

import (
	"bufio"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// jobIDPattern is the form of a job id: the service's job ids are UUIDs
// (the spec types them as strings; the service and daastest make them
// UUIDs), so anything else is refused before a request is sent.
var jobIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// jobID is the job id arg gives: an id, or a JSON object with an Id, as
// --no-wait -o json prints it. Anything else is a usage error.
func jobID(arg string) (string, error) {
	id := strings.TrimSpace(arg)
	if strings.HasPrefix(id, "{") {
		var v struct {
			ID string `json:"Id"`
		}
		if err := json.Unmarshal([]byte(id), &v); err != nil || v.ID == "" {
			return "", usagef("job %s: not a JSON object with an Id", shorten(arg))
		}
		id = v.ID
	}
	if !jobIDPattern.MatchString(id) {
		return "", usagef("job id %s: malformed (a job id is a UUID, such as 3fa85f64-5717-4562-b3fc-2c963f66afa6)", shorten(arg))
	}
	return id, nil
}

// jobIDs are the job ids args give, in order and each once; "-" reads
// more from stdin, one a line (blank lines skipped), such as the output of
// another command's --no-wait.
func jobIDs(args []string, stdin io.Reader) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	add := func(arg string) error {
		id, err := jobID(arg)
		if err != nil {
			return err
		}
		if !seen[strings.ToLower(id)] {
			seen[strings.ToLower(id)] = true
			ids = append(ids, id)
		}
		return nil
	}
	for _, arg := range args {
		if arg != "-" {
			if err := add(arg); err != nil {
				return nil, err
			}
			continue
		}
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			if err := add(sc.Text()); err != nil {
				return nil, err
			}
		}
		if err := sc.Err(); err != nil {
			return nil, usagef("reading job ids from standard input: %v", err)
		}
	}
	return ids, nil
}

// shorten quotes s for a message, cut to 80 bytes.
func shorten(s string) string {
	if len(s) > 80 {
		return strconv.Quote(s[:80]) + "..."
	}
	return strconv.Quote(s)
}
