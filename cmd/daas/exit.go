package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/daaskit/daas"
)

// Exit codes of the command; the package doc lists them.
const (
	exitOK          = 0   // done; every job Complete (or CompleteWithWarning)
	exitError       = 1   // any other error: the API refused a call, a network failure
	exitUsage       = 2   // bad command line or argument
	exitConfig      = 3   // no or bad configuration, or the credentials were refused
	exitFailed      = 4   // a job ended Failed
	exitCanceled    = 5   // a job ended Canceled
	exitTimeout     = 6   // --timeout passed before the job ended
	exitWarning     = 7   // a job ended CompleteWithWarning, with --warnings-as-errors
	exitInterrupted = 130 // stopped by Ctrl-C (SIGINT)
)

// usageError marks an error in the command's arguments ([exitUsage]).
type usageError struct{ msg string }

// Error returns the message.
func (e *usageError) Error() string { return e.msg }

// usagef is a usage error.
func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// errInterrupted ends a command stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// exitStatus is an outcome that has been reported already and only sets
// the exit code (a job that failed, printed with its error).
type exitStatus struct{ code int }

// Error names the exit status.
func (e *exitStatus) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// codeOf maps a command's error to the exit code.
func codeOf(err error) int {
	var (
		ue *usageError
		ce *configError
		es *exitStatus
		je *daas.JobError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &es):
		return es.code
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.As(err, &ce):
		return exitConfig // a setting refused, an input error too (a malformed CITRIX_BASE_URL)
	case errors.As(err, &ue), errors.Is(err, daas.ErrInvalidInput):
		return exitUsage // an argument the library refused before any request
	case credentialsRefused(err):
		return exitConfig
	case errors.As(err, &je):
		return jobCode(je.Status)
	case errors.Is(err, context.DeadlineExceeded):
		return exitTimeout
	}
	return exitError
}

// credentialsRefused reports whether err says the configuration or the
// credentials are wrong: the service or the token endpoint refused them,
// or none are set. A token endpoint that answered 429 Too Many Requests or
// a 5xx said nothing of the credentials: that may pass ([exitError]).
func credentialsRefused(err error) bool {
	var ae *daas.AuthError
	if errors.As(err, &ae) {
		return ae.StatusCode != http.StatusTooManyRequests && ae.StatusCode < 500
	}
	return errors.Is(err, daas.ErrUnauthorized) || errors.Is(err, daas.ErrNoCredentials)
}

// jobCode is the exit code of a job that ended with status s.
func jobCode(s daas.JobStatus) int {
	switch s {
	case daas.JobStatusFailed:
		return exitFailed
	case daas.JobStatusCanceled:
		return exitCanceled
	case daas.JobStatusCompleteWithWarning:
		return exitWarning
	}
	return exitOK
}

// severity orders the exit codes of several jobs: the first one found
// among them is the command's.
var severity = []int{exitUsage, exitConfig, exitFailed, exitCanceled, exitTimeout, exitInterrupted, exitWarning, exitError}

// worst is the code reported for several jobs: the first of severity found
// among codes; any other code that is not exitOK after them.
func worst(codes []int) int {
	for _, want := range severity {
		if slices.Contains(codes, want) {
			return want
		}
	}
	for _, c := range codes {
		if c != exitOK {
			return c
		}
	}
	return exitOK
}

// report prints err (unless it only carries a code) and returns the code.
func report(stderr io.Writer, err error) int {
	var es *exitStatus
	if err != nil && !errors.As(err, &es) {
		fmt.Fprintln(stderr, "daas:", message(err))
	}
	return codeOf(err)
}

// Patterns of the library's wording that mean nothing to the user of the
// command: its "daas: " prefixes, however nested, the names of the
// constructor and options an environment variable went to, and the Go
// name (a call, a request type, an option) an input error names as its Op.
var (
	libraryPrefix = regexp.MustCompile(`(^|: )(?:daas: )+`)
	libraryOp     = regexp.MustCompile(`(^|: )(?:NewClientFromEnv|NewClient|With[A-Z][A-Za-z]*): `)
	goName        = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)?(?:\(.*\))?$`)
)

// message is err's text as the command prints it: one line, in the user's
// terms (the variable or argument they set, not the library function that
// checked it), with the control characters of server text escaped.
func message(err error) string {
	msg := err.Error()
	var ie *daas.InputError
	if errors.As(err, &ie) && goName.MatchString(ie.Op) {
		msg = strings.Replace(msg, ie.Error(), ie.Reason, 1)
	}
	msg = libraryPrefix.ReplaceAllString(msg, "$1")
	msg = libraryOp.ReplaceAllString(msg, "$1")
	if errors.Is(err, daas.ErrNoCredentials) {
		msg = strings.Replace(msg, libraryPrefix.ReplaceAllString(daas.ErrNoCredentials.Error(), "")+": ", "", 1)
	}
	return clean(msg)
}
