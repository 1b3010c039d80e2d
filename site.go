package daas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode"

	"github.com/daaskit/daas/internal/flight"
)

// siteCache discovers the site id through GET /me once; concurrent callers
// share one request, and a failed one is not cached.
type siteCache struct {
	mu     sync.Mutex
	id     string
	flight flight.Group[string]
}

func (s *siteCache) get(ctx context.Context, c *Client) (string, error) {
	if c.siteID != "" {
		return c.siteID, nil
	}
	s.mu.Lock()
	id := s.id
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	return s.flight.Do(ctx, func(ctx context.Context) (string, error) {
		id, err := c.discoverSite(ctx)
		if err == nil {
			s.mu.Lock()
			s.id = id
			s.mu.Unlock()
		}
		return id, err
	})
}

// SiteID returns the site (Citrix-InstanceId) the client's site-scoped calls
// go to: the one of [WithSiteID], or else the customer's only site, which
// the first call discovers through GET /me (concurrent callers share that
// request; a failed one is tried again by the next call). A customer with
// several sites and no WithSiteID is an error that lists them.
func (c *Client) SiteID(ctx context.Context) (string, error) {
	return c.site.get(ctx, c)
}

// Site is a DaaS site of the customer, as GET /me lists it.
type Site struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

type meResponse struct {
	Customers []struct {
		ID    string `json:"Id"`
		Sites []Site `json:"Sites"`
	} `json:"Customers"`
}

// discoverSite asks GET /me for the customer's sites and takes the only one.
func (c *Client) discoverSite(ctx context.Context) (string, error) {
	r, err := c.newRequest(http.MethodGet, "me", nil, nil)
	if err != nil {
		return "", err
	}
	r.siteScoped = false
	var me meResponse
	if _, err := c.call(ctx, r, &me, http.StatusOK); err != nil {
		return "", fmt.Errorf("daas: discovering the site id: %w", err)
	}
	var sites []Site
	for _, cu := range me.Customers {
		if strings.EqualFold(cu.ID, c.customerID) {
			sites = cu.Sites
		}
	}
	if sites == nil && len(me.Customers) == 1 {
		sites = me.Customers[0].Sites
	}
	switch len(sites) {
	case 1:
		id, err := checkSiteID(sites[0].ID)
		if err != nil {
			return "", fmt.Errorf("daas: discovering the site id: GET /me listed %w", err)
		}
		return id, nil
	case 0:
		return "", fmt.Errorf("daas: discovering the site id: GET /me lists no site for customer %s; set one with WithSiteID", c.customerID)
	}
	const shown = 20
	var names []string
	for i, s := range sites {
		if i == shown {
			names = append(names, fmt.Sprintf("and %d more", len(sites)-shown))
			break
		}
		name := oneLine(truncate(s.ID, 80))
		if s.Name != "" {
			name += " (" + oneLine(truncate(s.Name, 80)) + ")"
		}
		names = append(names, name)
	}
	return "", fmt.Errorf("daas: customer %s has %d sites: %s; choose one with WithSiteID", c.customerID, len(sites), strings.Join(names, ", "))
}

// checkSiteID is the one check of a site id, given to [WithSiteID] or
// discovered through GET /me: it goes into the Citrix-InstanceId header
// of every site-scoped call, so it must be one line of text. It returns
// the id without surrounding white space; an empty one, or one holding a
// control character or a line or paragraph separator, is an error that
// shows it escaped.
func checkSiteID(id string) (string, error) {
	site := strings.TrimSpace(id)
	if site == "" {
		return "", errors.New("a site without an id")
	}
	if strings.ContainsFunc(site, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
		return "", fmt.Errorf("a malformed site id %q", truncate(id, 80))
	}
	return site, nil
}
