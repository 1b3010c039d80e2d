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
