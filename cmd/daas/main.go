package main

import (
	"context"
	"os"
	"os/signal"

	"golang.org/x/term"
)

func main() {
	ctx, stop := interruptContext()
	code := run(ctx, os.Args[1:], &app{
		stdout: os.Stdout,
		stdin:  os.Stdin,
		stderr: os.Stderr,
		tty:    term.IsTerminal(int(os.Stdout.Fd())),
	})
	stop()
	os.Exit(code)
}

// interruptContext is canceled with cause errInterrupted on the first
// Ctrl-C; a second one kills the process the default way.
func interruptContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		select {
		case <-sig:
			signal.Stop(sig)
			cancel(errInterrupted)
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(sig); cancel(nil) }
}
