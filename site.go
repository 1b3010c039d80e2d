package daas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

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
		if sites[0].ID == "" {
			return "", errors.New("daas: discovering the site id: GET /me listed a site without an id")
		}
		return sites[0].ID, nil
	case 0:
		return "", fmt.Errorf("daas: discovering the site id: GET /me lists no site for customer %s; set one with WithSiteID", c.customerID)
	}
	names := make([]string, len(sites))
	for i, s := range sites {
		names[i] = s.ID
		if s.Name != "" {
			names[i] += " (" + s.Name + ")"
		}
	}
	return "", fmt.Errorf("daas: customer %s has %d sites: %s; choose one with WithSiteID", c.customerID, len(sites), strings.Join(names, ", "))
}
