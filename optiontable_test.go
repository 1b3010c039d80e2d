package daas

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// contractOptions are the options of the contract, each with the wire
// parameter it sets.
func contractOptions() []struct {
	name  string
	param string
	opt   CallOption
} {
	return []struct {
		name  string
		param string
		opt   CallOption
	}{
		{"PageSize", "limit", PageSize(10)},
		{"ContinuationToken", "continuationToken", ContinuationToken("t")},
		{"Fields", "fields", Fields("Name")},
		{"InFolder", "adminFolder", InFolder("F")},
		{"Force", "force", Force()},
		{"Delay", "delay", Delay(time.Minute)},
		{"DeleteVMs", "deleteVm", DeleteVMs(false)},
		{"PurgeDBOnly", "purgeDBOnly", PurgeDBOnly()},
		{"MachineAccounts", "deleteAccount", MachineAccounts(AccountActionDisable)},
		{"AdminCredential", "X-AdminCredential", AdminCredential("CORP\\admin", "pw")},
	}
}

// TestContractOptionsFollowTheTable walks the operation table: each
// contract option is taken exactly by the operations that have its
// parameter as an optional one (ContinuationToken also by every operation
// that answers a page, which All follows), and refused by every other as an
// [*InputError] that names the option.
func TestContractOptionsFollowTheTable(t *testing.T) {
	accepted := map[string]int{}
	for i := range operations {
		o := &operations[i]
		args := make([]string, strings.Count(o.Path, "{"))
		for j := range args {
			args[j] = "x"
		}
		for _, c := range contractOptions() {
			p := o.param(c.param)
			want := p != nil && !p.Required && !clientParam(p.Name) || c.param == "continuationToken" && o.Page
			_, _, err := o.call(o.Service+"."+o.Method, args, nil, nil, []CallOption{c.opt})
			var ie *InputError
			switch {
			case want && err != nil:
				t.Errorf("%s: %s refused: %v", o.ID, c.name, err)
			case !want && (!errors.As(err, &ie) || !strings.Contains(err.Error(), c.name)):
				t.Errorf("%s: %s: err = %v, want an *InputError naming it", o.ID, c.name, err)
			case want:
				accepted[c.name]++
			}
		}
	}
	for _, c := range contractOptions() {
		if accepted[c.name] == 0 {
			t.Errorf("%s: no operation takes it", c.name)
		}
	}
}

// TestOptionRefusedBeforeSending checks contract methods, hand-written and
// generated, against options their operations do not take: nothing is
// sent. Machine and catalog deletions take no force parameter.
func TestOptionRefusedBeforeSending(t *testing.T) {
	rec := &recorder{answer: func(*http.Request) (int, http.Header, []byte) { return 500, nil, nil }}
	c := newTestClient(t, nil, WithBaseURL("https://api.example.com/cvad/manage"), WithHTTPClient(&http.Client{Transport: rec}))
	ctx := context.Background()
	_, listErr := c.Machines.List(ctx, InFolder("F"))
	_, startErr := c.Machines.StartAsync(ctx, "m", Force())
	_, addErr := c.MachineCatalogs.AddMachineAsync(ctx, "c", AddMachineRequest{}, DeleteVMs(true))
	for name, err := range map[string]error{
		"Machines.Delete":                 c.Machines.Delete(ctx, "m", Force()),
		"MachineCatalogs.Delete":          c.MachineCatalogs.Delete(ctx, "c", Force()),
		"DeliveryGroups.Delete":           c.DeliveryGroups.Delete(ctx, "g", PurgeDBOnly()),
		"Machines.List":                   listErr,
		"Machines.StartAsync":             startErr,
		"MachineCatalogs.AddMachineAsync": addErr,
	} {
		var ie *InputError
		if !errors.As(err, &ie) || ie.Op != name {
			t.Errorf("%s: err = %v, want an *InputError of %s", name, err, name)
		}
	}
	if len(rec.reqs) != 0 {
		t.Errorf("%d requests sent", len(rec.reqs))
	}
}
