package daas

import "testing"

// TestHandWrittenOperations checks that every operation a hand-written
// method reads from the operation table is there, so that operation cannot
// panic on a call.
func TestHandWrittenOperations(t *testing.T) {
	for _, a := range []powerAction{actionStart, actionShutdown, actionReboot, actionSuspend, actionResume, actionLogOff, actionDisconnect} {
		if o := operation("Machines", string(a)); !o.Async || o.HTTPMethod != "POST" {
			t.Errorf("Machines.%s: %s async %t", a, o.HTTPMethod, o.Async)
		}
	}
	for _, m := range [][2]string{{"MachineCatalogs", "AddMachine"}, {"DeliveryGroups", "RemoveMachine"}} {
		if o := operation(m[0], m[1]); !o.Async {
			t.Errorf("%s.%s: not async", m[0], m[1])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("operation of a method the table lacks did not panic")
		}
	}()
	operation("Machines", "NoSuchMethod")
}
