package daastest

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Catalog is a machine catalog held by the fake: the settings a test can
// seed with [WithCatalog] and read back with [Server.Catalogs]. Everything
// else in the API's MachineCatalogResponseModel is derived from these
// (FullName, SharingKind, the other counts) or fixed (null or empty).
type Catalog struct {
	// ID is the catalog's GUID; generated when empty.
	ID string
	// UID is the deprecated integer id; assigned in order of creation.
	UID int
	// Name is the catalog's name, unique within its folder. Required.
	Name string
	// AdminFolder is the folder path, like `Europe\Paris` ("" for the
	// root); `|` also separates levels. Folders are created as needed.
	AdminFolder string
	// Description is the catalog's description ("" is written as null).
	Description string
	// ProvisioningType is Unknown, Manual, MCS, MCSImport, PVS or
	// PVSStreaming (default MCS).
	ProvisioningType string
	// SessionSupport is Unknown, SingleSession or MultiSession (default
	// SingleSession).
	SessionSupport string
	// AllocationType is Unknown, Static or Random (default Random).
	AllocationType string
	// MachineType is Unknown, Virtual or Physical (default Virtual;
	// Physical for a Remote PC catalog).
	MachineType string
	// PersistChanges is Unknown, Discard or OnLocal (default Discard).
	PersistChanges string
	// MinimumFunctionalLevel is a FunctionalLevel like L7_20 (the
	// default).
	MinimumFunctionalLevel string
	// Zone is the zone's name (default "Initial Zone").
	Zone string
	// IsRemotePC marks a Remote PC Access catalog.
	IsRemotePC bool
	// TotalCount is the number of machines. Seeding a catalog with
	// TotalCount n creates n machines in it (DOMAIN\<name>-001 and on,
	// powered on), so that its counts are those of the machines it lists;
	// afterwards it follows the machines added and removed.
	TotalCount int
	// AssignedCount is how many machines are assigned to users
	// (at most TotalCount).
	AssignedCount int
	// UsedCount is how many machines are in a delivery group (at most
	// TotalCount): 0 for generated catalogs, as seeded for [WithCatalog],
	// then kept in step as machines join and leave groups.
	UsedCount int
	// Metadata are the catalog's name/value metadata.
	Metadata []NameValue

	prov provisioning // MCS state (provisioning.go)
}

// enumValues lists the values of an API enum by its property name.
func enumValues(property string) []string {
	switch property {
	case "AllocationType":
		return []string{"Unknown", "Static", "Random"}
	case "SessionSupport":
		return []string{"Unknown", "SingleSession", "MultiSession"}
	case "ProvisioningType":
		return []string{"Unknown", "Manual", "MCS", "MCSImport", "PVS", "PVSStreaming"}
	case "MachineType":
		return []string{"Unknown", "Virtual", "Physical"}
	case "PersistChanges", "PersistUserChanges":
		return []string{"Unknown", "Discard", "OnLocal"}
	case "MinimumFunctionalLevel":
		return []string{"Unknown", "L5", "LMIN", "L7", "L7_6", "L7_7", "L7_8", "L7_9", "L7_20", "L7_25", "L7_30", "L7_34", "LMAX"}
	case "deleteAccount":
		return []string{"Unknown", "Leave", "None", "Disable", "Delete"}
	}
	panic("daastest: no enum " + property)
}

// canonicalEnum returns the canonical spelling of v among the values of
// property, matching case-insensitively as the service's parser does.
func canonicalEnum(property, v string) (string, bool) {
	for _, e := range enumValues(property) {
		if strings.EqualFold(e, v) {
			return e, true
		}
	}
	return "", false
}

// normalizeFolder turns a folder path given with `\` or `|` separators
// (leading or trailing ones allowed) into the canonical `A\B` form.
func normalizeFolder(path string) string {
	parts := strings.FieldsFunc(path, func(r rune) bool { return r == '\\' || r == '|' })
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" })
	return strings.Join(parts, `\`)
}

// fullName is the catalog's FullName: its folder path and name.
func (c *Catalog) fullName() string {
	if c.AdminFolder == "" {
		return c.Name
	}
	return c.AdminFolder + `\` + c.Name
}

// normalize fills defaults and checks the settings. For the first invalid
// property it returns its name, its value and what is wrong with it.
func (c *Catalog) normalize() (property, value, problem string) {
	c.Name = strings.TrimSpace(c.Name)
	switch {
	case c.Name == "":
		return "Name", c.Name, "is required"
	case strings.ContainsAny(c.Name, `\|`):
		return "Name", c.Name, `must not contain '\' or '|'`
	}
	c.AdminFolder = normalizeFolder(c.AdminFolder)
	machineType := "Virtual"
	if c.IsRemotePC {
		machineType = "Physical"
	}
	defaults := []struct {
		property string
		field    *string
		def      string
	}{
		{"ProvisioningType", &c.ProvisioningType, "MCS"},
		{"SessionSupport", &c.SessionSupport, "SingleSession"},
		{"AllocationType", &c.AllocationType, "Random"},
		{"MachineType", &c.MachineType, machineType},
		{"PersistChanges", &c.PersistChanges, "Discard"},
		{"MinimumFunctionalLevel", &c.MinimumFunctionalLevel, "L7_20"},
	}
	for _, d := range defaults {
		if *d.field == "" {
			*d.field = d.def
			continue
		}
		v, ok := canonicalEnum(d.property, *d.field)
		if !ok {
			return d.property, *d.field, "is not one of " + strings.Join(enumValues(d.property), ", ")
		}
		*d.field = v
	}
	if c.Zone = strings.TrimSpace(c.Zone); c.Zone == "" {
		c.Zone = "Initial Zone"
	}
	if c.TotalCount < 0 || c.AssignedCount < 0 || c.UsedCount < 0 ||
		c.AssignedCount > c.TotalCount || c.UsedCount > c.TotalCount {
		return "TotalCount", strconv.Itoa(c.TotalCount), "must be >= 0, with AssignedCount and UsedCount between 0 and TotalCount"
	}
	c.Metadata = slices.Clone(c.Metadata)
	return "", "", ""
}

// seedCatalogs creates the catalogs of WithCatalogs and WithCatalog, in
// option order. It runs in NewServer, before the server is shared.
func (s *Server) seedCatalogs() {
	generated := 0
	for _, seed := range s.cfg.seeds {
		if seed.exact != nil {
			c := *seed.exact
			if prop, value, problem := c.normalize(); prop != "" {
				invalid("WithCatalog", "%s %q %s", prop, value, problem)
			}
			if (c.ID != "" && s.findCatalog(c.ID) != nil) || s.sameName(&c, "") != nil {
				invalid("WithCatalog", "catalog %q (id %q) exists already", c.fullName(), c.ID)
			}
			s.addCatalog(&c)
			continue
		}
		for range seed.generate {
			generated++
			c := generatedCatalog(generated)
			if s.sameName(&c, "") != nil {
				invalid("WithCatalogs", "generated name %q is taken", c.Name)
			}
			c.normalize()
			s.addCatalog(&c)
		}
	}
}

// generatedCatalog is seeded catalog number n (from 1): the same n always
// gives the same catalog, apart from its ids.
func generatedCatalog(n int) Catalog {
	kinds := []Catalog{
		{Name: "Win11-Pooled", Description: "Pooled Windows 11 desktops", ProvisioningType: "MCS", SessionSupport: "SingleSession", AllocationType: "Random"},
		{Name: "Win2022-Shared", Description: "Shared Windows Server 2022 sessions", ProvisioningType: "MCS", SessionSupport: "MultiSession", AllocationType: "Random"},
		{Name: "Win11-Dedicated", Description: "Dedicated Windows 11 desktops", ProvisioningType: "MCS", SessionSupport: "SingleSession", AllocationType: "Static"},
		{Name: "Win2019-PVS", ProvisioningType: "PVS", SessionSupport: "MultiSession", AllocationType: "Random"},
		{Name: "RemotePC-Office", Description: "Office PCs for Remote PC Access", ProvisioningType: "Manual", SessionSupport: "SingleSession", AllocationType: "Static", IsRemotePC: true},
	}
	c := kinds[(n-1)%len(kinds)]
	c.Name = fmt.Sprintf("%s-%03d", c.Name, n)
	c.TotalCount = 2 + (n*7)%23
	if c.AllocationType == "Static" {
		c.AssignedCount = c.TotalCount / 2
	}
	return c // UsedCount 0: its machines are in no delivery group yet
}

// addCatalog stores a normalized catalog, giving it its ids. Callers hold
// s.mu (or own s, in NewServer).
func (s *Server) addCatalog(c *Catalog) {
	if c.ID == "" {
		c.ID = s.newUUID()
	}
	c.UID = s.nextUID
	s.nextUID++
	s.folderRef(c.AdminFolder)
	s.zoneRef(c.Zone)
	s.catalogs = append(s.catalogs, c)
}

// removeCatalog deletes c from the store. Callers hold s.mu.
func (s *Server) removeCatalog(c *Catalog) {
	s.catalogs = slices.DeleteFunc(s.catalogs, func(x *Catalog) bool { return x == c })
}

// findCatalog looks a catalog up by id or by full name (`A|B|Name` or
// `A\B\Name`; a bare name finds a catalog at the root), case-insensitively.
func (s *Server) findCatalog(nameOrID string) *Catalog {
	if nameOrID == "" {
		return nil
	}
	for _, c := range s.catalogs {
		if strings.EqualFold(c.ID, nameOrID) {
			return c
		}
	}
	full := strings.ReplaceAll(nameOrID, "|", `\`)
	for _, c := range s.catalogs {
		if strings.EqualFold(c.fullName(), full) {
			return c
		}
	}
	return nil
}

// sameName returns another catalog (not the one with id except) with c's
// name in c's folder.
func (s *Server) sameName(c *Catalog, except string) *Catalog {
	for _, x := range s.catalogs {
		if x.ID != except && strings.EqualFold(x.fullName(), c.fullName()) {
			return x
		}
	}
	return nil
}

// Catalogs returns a copy of every catalog, in order of creation, after
// finishing every job whose end has come.
func (s *Server) Catalogs() []Catalog {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked()
	out := make([]Catalog, len(s.catalogs))
	for i, c := range s.catalogs {
		out[i] = *c
		out[i].Metadata = slices.Clone(c.Metadata)
	}
	return out
}

// folderRef returns the admin folder of a normalized path, creating it (nil
// for the root). Callers hold s.mu.
func (s *Server) folderRef(path string) *refModel {
	if path == "" {
		return nil
	}
	key := strings.ToLower(path)
	f, ok := s.folders[key]
	if !ok {
		f = &refModel{ID: s.newUUID(), UID: nextRefUID(s.folders), Name: path + `\`}
		s.folders[key] = f
	}
	return f
}

// findFolder looks an admin folder up by id or path. Callers hold s.mu.
func (s *Server) findFolder(pathOrID string) *refModel {
	return s.folders[strings.ToLower(normalizeFolder(s.folderPath(pathOrID)))]
}

// folderPath returns the path of the folder whose id is pathOrID, or
// pathOrID itself: requests name a folder by path or by id. Callers hold
// s.mu.
func (s *Server) folderPath(pathOrID string) string {
	for _, f := range s.folders {
		if strings.EqualFold(f.ID, pathOrID) {
			return strings.TrimSuffix(f.Name, `\`)
		}
	}
	return pathOrID
}

// zoneRef returns the zone of this name, creating it. Callers hold s.mu.
func (s *Server) zoneRef(name string) *refModel {
	key := strings.ToLower(name)
	z, ok := s.zones[key]
	if !ok {
		z = &refModel{ID: s.newUUID(), UID: nextRefUID(s.zones), Name: name}
		s.zones[key] = z
	}
	return z
}

// model renders c as MachineCatalogResponseModel. Callers hold s.mu.
func (s *Server) catalogModel(c *Catalog) catalogModel {
	sharing := "Shared"
	if c.SessionSupport == "SingleSession" && c.AllocationType == "Static" {
		sharing = "Private"
	}
	available := c.TotalCount - c.UsedCount
	availableAssigned := min(available, c.AssignedCount)
	metadata := slices.Clone(c.Metadata)
	if metadata == nil {
		metadata = []NameValue{}
	}
	m := catalogModel{
		Name:                     c.Name,
		FullName:                 c.fullName(),
		ID:                       c.ID,
		UID:                      c.UID,
		Description:              strPtr(c.Description),
		AllocationType:           c.AllocationType,
		SessionSupport:           c.SessionSupport,
		ProvisioningType:         c.ProvisioningType,
		MachineType:              c.MachineType,
		PersistChanges:           c.PersistChanges,
		SharingKind:              sharing,
		TotalCount:               c.TotalCount,
		AssignedCount:            c.AssignedCount,
		UnassignedCount:          c.TotalCount - c.AssignedCount,
		UsedCount:                c.UsedCount,
		AvailableCount:           available,
		AvailableAssignedCount:   availableAssigned,
		AvailableUnassignedCount: available - availableAssigned,
		IsPowerManaged:           c.MachineType == "Virtual",
		IsRemotePC:               c.IsRemotePC,
		IsMasterImageAssociated:  c.ProvisioningType == "MCS",
		MinimumFunctionalLevel:   c.MinimumFunctionalLevel,
		HasBeenPromotedFrom:      "Unknown",
		Zone:                     s.zoneRef(c.Zone),
		AdminFolder:              s.folderRef(c.AdminFolder),
		Scopes:                   []scopeModel{},
		Metadata:                 metadata,
		Errors:                   []string{},
		CanRollbackVMImage:       c.prov.canRollback(),
	}
	m.ProvisioningProgress, m.JobsInProgress = s.provisioningProgress(c, s.nowLocked())
	m.ProvisioningScheme = provisioningScheme(c)
	return m
}

// catalogDetail renders c as MachineCatalogDetailResponseModel. Callers
// hold s.mu.
func (s *Server) catalogDetail(c *Catalog) catalogDetailModel {
	return catalogDetailModel{catalogModel: s.catalogModel(c), DeliveryGroups: []deliveryGroupRefModel{}}
}

// encodeToken makes an opaque continuation token for position n of a kind
// of listing; decodeToken reverses it.
func encodeToken(kind string, n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.Itoa(n)))
}

func decodeToken(kind, tok string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	k, num, ok := strings.Cut(string(raw), ":")
	n, err := strconv.Atoi(num)
	if !ok || k != kind || err != nil || n < 0 {
		return 0, false
	}
	return n, true
}
