package ansible

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Interrupted is the cause of a module's context (context.Cause) when the
// task is being stopped: by a signal, or because the task's timeout is
// about to run out. A module that changes a node in several steps checks
// it to finish or undo what it started, and says in its result which.
type Interrupted struct {
	Reason string // e.g. "interrupted by SIGTERM"
}

func (e *Interrupted) Error() string { return e.Reason }

// stopSignals are the signals that stop a module cleanly (its context is
// cancelled; a second one changes nothing): SIGHUP too, which an SSH
// session that goes away may send.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// signalContext returns a context cancelled, with an *Interrupted cause, by
// the first stop signal; stop ends the catching.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			cancel(&Interrupted{Reason: "interrupted by " + signalName(s)})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// taskTimeoutKey is the internal argument the action plugin adds when the
// task has a timeout: the seconds left of it when the module starts.
const taskTimeoutKey = "_platform_ops_task_timeout"

// taskBudget is how long a module may work when left seconds remain of the
// task's timeout: a margin is kept so that the module can undo or finish
// what it started and print its result before Ansible stops waiting.
func taskBudget(left float64) time.Duration {
	total := time.Duration(left * float64(time.Second))
	margin := min(2*time.Second, max(500*time.Millisecond, total/4))
	return max(0, total-margin)
}

// withTaskTimeout bounds ctx by the task's timeout (see taskBudget).
func withTaskTimeout(ctx context.Context, left float64) (context.Context, context.CancelFunc) {
	if left <= 0 {
		return ctx, func() {}
	}
	cause := &Interrupted{Reason: fmt.Sprintf("the task's timeout (%ss left when the module started) was about to run out",
		strconv.FormatFloat(left, 'f', -1, 64))}
	return context.WithTimeoutCause(ctx, taskBudget(left), cause)
}
