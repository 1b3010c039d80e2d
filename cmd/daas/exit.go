package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
		ae *daas.AuthError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &es):
		return es.code
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.As(err, &ue), errors.Is(err, daas.ErrInvalidInput):
		return exitUsage // an argument the library refused before any request
	case errors.As(err, &ce), errors.As(err, &ae), errors.Is(err, daas.ErrUnauthorized), errors.Is(err, daas.ErrNoCredentials):
		return exitConfig
	case errors.As(err, &je):
		return jobCode(je.Status)
	case errors.Is(err, context.DeadlineExceeded):
		return exitTimeout
	}
	return exitError
}

// jobCode is the exit code of a job that ended with status s.
func jobCode(s daas.JobStatus) int {
	switch s {
	case daas.JobFailed:
		return exitFailed
	case daas.JobCanceled:
		return exitCanceled
	case daas.JobCompleteWithWarning:
		return exitWarning
	}
	return exitOK
}

// worst is the code reported for several jobs: the first of failed,
// canceled, timed out, interrupted, warning, other error found among codes.
func worst(codes []int) int {
	for _, want := range []int{exitFailed, exitCanceled, exitTimeout, exitInterrupted, exitWarning, exitError} {
		for _, c := range codes {
			if c == want {
				return c
			}
		}
	}
	return exitOK
}

// report prints err (unless it only carries a code) and returns the code.
func report(stderr io.Writer, err error) int {
	var es *exitStatus
	if err != nil && !errors.As(err, &es) {
		fmt.Fprintln(stderr, "daas:", strings.TrimPrefix(err.Error(), "daas: "))
	}
	return codeOf(err)
}
