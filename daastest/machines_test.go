package daastest

import (
	"testing"
)

func TestSeedMachines(t *testing.T) {
	s := NewServer(WithoutListener(),
		WithCatalog(Catalog{Name: "Pool"}),
		WithMachines("Pool", 2),
		WithMachine(Machine{Name: `CORP\Extra`, Catalog: "Pool", InMaintenanceMode: true, DeliveryGroup: "dg-1", DeliveryGroupName: "Desktops"}),
	)
	defer s.Close()
	ms := s.Machines()
	if len(ms) != 3 {
		t.Fatalf("%d machines, want 3", len(ms))
	}
	cat := s.Catalogs()[0]
	if cat.TotalCount != 3 || cat.UsedCount != 1 {
		t.Errorf("catalog counts total %d used %d, want 3 and 1", cat.TotalCount, cat.UsedCount)
	}
	if ms[0].Name != `CORP\Pool-001` || ms[0].PowerState != "On" || ms[0].RegistrationState != "Registered" || ms[0].Catalog != cat.ID {
		t.Errorf("generated machine %+v", ms[0])
	}
	if ms[2].PowerState != "Off" || ms[2].RegistrationState != "Unregistered" || ms[2].DNSName != "extra.corp.local" {
		t.Errorf("seeded machine %+v", ms[2])
	}
	s.mu.Lock()
	free := s.freeMachines(s.catalogs[0])
	s.mu.Unlock()
	if len(free) != 2 {
		t.Errorf("%d free machines, want 2", len(free))
	}
}

func TestSeedMachineInvalid(t *testing.T) {
	for name, opt := range map[string]Option{
		"no catalog": WithMachine(Machine{Name: `CORP\A`, Catalog: "Nope"}),
		"bad name":   WithMachine(Machine{Name: "A", Catalog: "Pool"}),
		"bad power":  WithMachine(Machine{Name: `CORP\A`, Catalog: "Pool", PowerState: "Sideways"}),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("NewServer did not panic")
				}
			}()
			NewServer(WithoutListener(), WithCatalog(Catalog{Name: "Pool"}), opt).Close()
		})
	}
}

// setDeliveryGroup, the helper delivery groups use, keeps the catalog's
// UsedCount and the free machines in step.
func TestSetDeliveryGroup(t *testing.T) {
	s := NewServer(WithoutListener(), WithCatalog(Catalog{Name: "Pool"}), WithMachines("Pool", 2))
	defer s.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	cat, m := s.catalogs[0], s.machines[0]
	s.setDeliveryGroup(m, "dg-1", "Desktops")
	s.setDeliveryGroup(m, "dg-2", "Other") // a move: still one used
	if cat.UsedCount != 1 || len(s.freeMachines(cat)) != 1 || m.DeliveryGroupName != "Other" {
		t.Errorf("in a group: used %d, free %d, group %q", cat.UsedCount, len(s.freeMachines(cat)), m.DeliveryGroupName)
	}
	s.setDeliveryGroup(m, "", "ignored")
	if cat.UsedCount != 0 || len(s.freeMachines(cat)) != 2 || m.DeliveryGroupName != "" {
		t.Errorf("out of groups: used %d, free %d, group %q", cat.UsedCount, len(s.freeMachines(cat)), m.DeliveryGroupName)
	}
}
