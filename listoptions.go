package daas

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Ptr returns a pointer to a copy of v, for the optional fields of
// [UpdateMachineCatalogRequest]: daas.Ptr("Pooled desktops"), daas.Ptr(4).
func Ptr[T any](v T) *T { return &v }

// A ListOption narrows or pages a list: [PageSize], [InFolder], [Fields]
// and [ContinuationToken]. It is a [CallOption], so a generated method takes
// it where its operation has the parameter. An invalid one makes the call
// return an error before any request.
type ListOption = CallOption

type listConfig struct {
	limit  int
	folder string
	fields string
	token  string
	used   []string // names of the options given, for calls that accept only some
	wire   []string // the parameter each of used sets, as on the wire
	params url.Values
	header http.Header
	// secrets are values of the options that must never reach an error
	// (see AdminCredential), beside the secret headers' own values.
	secrets []string
	err     error
}

// set records option name, which sets the wire parameter param.
func (c *listConfig) set(name, param string) {
	c.used = append(c.used, name)
	c.wire = append(c.wire, param)
}

func (c *listConfig) fail(op, format string, args ...any) {
	if c.err == nil {
		c.err = inputErr(op, format, args...)
	}
}

// maxPageSize is the largest page the service is documented to accept.
const maxPageSize = 1000

// PageSize asks for pages of n items, 1 to 1000 (the limit parameter), on
// any list that pages. Without it the service picks the size, 250 by
// default for most lists.
func PageSize(n int) ListOption {
	return func(c *listConfig) {
		c.set("PageSize", "limit")
		if n < 1 || n > maxPageSize {
			c.fail("PageSize("+strconv.Itoa(n)+")", "want 1 to %d", maxPageSize)
			return
		}
		c.limit = n
	}
}

// InFolder lists only the items of one admin folder, given by path or id
// (the adminFolder parameter), on the lists that take one: machine
// catalogs, delivery groups and application groups.
func InFolder(path string) ListOption {
	return func(c *listConfig) {
		c.set("InFolder", "adminFolder")
		if strings.TrimSpace(path) == "" {
			c.fail("InFolder", "empty folder")
			return
		}
		c.folder = path
	}
}

// Fields asks the service to return only the named properties of each
// item, such as "Id", "Name", "TotalCount" of a catalog (the fields
// parameter), on the operations that take it; the others are left zero.
func Fields(names ...string) ListOption {
	return func(c *listConfig) {
		c.set("Fields", "fields")
		if len(names) == 0 {
			c.fail("Fields", "no field names")
			return
		}
		for _, n := range names {
			if strings.TrimSpace(n) == "" || strings.Contains(n, ",") {
				c.fail("Fields", "malformed field name %q", n)
				return
			}
		}
		c.fields = strings.Join(names, ",")
	}
}

// ContinuationToken starts a list at the page a previous page's
// [Page.ContinuationToken] points to (the continuationToken parameter), on
// any list that pages. An empty token starts at the first page.
func ContinuationToken(token string) ListOption {
	return func(c *listConfig) {
		c.set("ContinuationToken", "continuationToken")
		c.token = token
	}
}

func newListConfig(opts []ListOption) (*listConfig, error) {
	c := &listConfig{}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c, c.err
}

func (c *listConfig) query() url.Values {
	q := url.Values{}
	for k, v := range c.params {
		q[k] = v
	}
	if c.limit > 0 {
		q.Set("limit", strconv.Itoa(c.limit))
	}
	if c.folder != "" {
		q.Set("adminFolder", c.folder)
	}
	if c.fields != "" {
		q.Set("fields", c.fields)
	}
	if c.token != "" {
		q.Set("continuationToken", c.token)
	}
	return q
}

// A DeleteOption changes what deleting a catalog or a machine does
// ([MachineCatalogsService.Delete], [MachinesService.Delete]): [DeleteVMs],
// [MachineAccounts], [PurgeDBOnly] and [AdminCredential]; deleting a
// delivery group takes [Force]. It is a [CallOption]: any method whose
// operation has the parameter takes it, and any other refuses it before
// sending. Without options the service's defaults apply, and they destroy:
// deleting an MCS catalog or machine deletes its virtual machines unless
// DeleteVMs(false) is given.
type DeleteOption = CallOption

// DeleteVMs says whether the virtual machines of an MCS catalog or machine
// are deleted with it (the deleteVm parameter): without DeleteVMs(false)
// they are deleted, as the service's default is true. Other provisioning
// types ignore it.
func DeleteVMs(del bool) DeleteOption {
	return queryParam("DeleteVMs", "deleteVm", []string{strconv.FormatBool(del)})
}

// MachineAccounts says what becomes of the Active Directory accounts of the
// machines deleted (the deleteAccount parameter). The service's default
// differs by call: [AccountActionNone] when deleting a catalog,
// [AccountActionLeave] when deleting a machine, where it matters only when
// the VM is deleted too (deleteVm true, the default).
func MachineAccounts(action AccountAction) DeleteOption {
	return func(c *listConfig) {
		if strings.TrimSpace(string(action)) == "" {
			c.set("MachineAccounts", "deleteAccount")
			c.fail("MachineAccounts", "empty account action")
			return
		}
		queryParam("MachineAccounts", "deleteAccount", []string{string(action)})(c)
	}
}

// PurgeDBOnly removes the catalog or machine from the site database only,
// without reaching the hypervisor to delete virtual machines (the
// purgeDBOnly parameter; the service's default is false). The service
// recommends it only when the hypervisor cannot be reached.
func PurgeDBOnly() DeleteOption {
	return queryParam("PurgeDBOnly", "purgeDBOnly", []string{"true"})
}
